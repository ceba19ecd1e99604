"""The engine status watch of `hatbox device run`: what the status brings is said when it happens, not at the end."""
from __future__ import annotations

import logging
import shlex
import threading
import time
from typing import Any, Callable

from hatbox.errors import HatboxError

log = logging.getLogger("hatbox.device")


def watch_status(control: Any, say: Callable[..., None], every_s: float = 1.0, dropouts: Any = None) -> Any:
    """Say what the engine status brings when it happens, not only at the end: a thread reads it every
    ``every_s`` seconds and has ``say(line, err=True)`` print, as warning lines on stderr, a recording cut short
    (a full disk: its ``recording`` problem, once; the file, the seconds it keeps; the box plays on) and each new
    warning of the active slots (``active[slot]["warnings"]``, e.g. "long20min.wav is 20:00 long: the sampler
    plays only its first 60 s"), once per text; and, once, as a "note:" line, the recording's ``note`` (its take
    stopped at its length limit).  Returns what stops the thread.

    An error it did not expect (a status of another shape, a failing read) never ends the thread nor reaches the
    panel's or the API's status read it watches: it is logged (with its traceback, once per kind of error) and
    the watch goes on; the engine's end (HatboxError from a read) ends it quietly.

    ``dropouts``: a hatbox.dropout_log.DropoutLog shown every status seen; the line it gives (a minute that had
    dropouts) is logged as a warning, in box.log (p56 QA_A: no dropout was ever in the log)."""
    from device.control import slot_warnings
    from device.ui.faults import fault_id
    from hatbox.cmd_remote import safe_text
    stop, lock = threading.Event(), threading.Lock()
    said: dict[str, Any] = {"cut": False, "warned": set(), "failed": set(), "faults": set()}

    def failed(doing: str, exc: Exception) -> None:
        """Log ``exc`` (being handled) met while ``doing``, with its traceback the first time it comes."""
        kind = (doing, type(exc).__name__)
        with lock:
            first = kind not in said["failed"]
            said["failed"].add(kind)
        if first:
            log.error("the status watch failed %s (%s: %s); it goes on", doing, type(exc).__name__, exc,
                      exc_info=exc)

    def seen(status: dict[str, Any]) -> None:
        try:
            with lock:
                problem = (status.get("recording") or {}).get("problem")
                lines = []
                if problem and not said["cut"]:
                    said["cut"] = True
                    lines.append(f"warning: {problem}; the box plays on, the rest of this run is not recorded")
                note = (status.get("recording") or {}).get("note")
                if note and not problem and not said.get("noted"):
                    said["noted"] = True
                    lines.append(f"note: {safe_text(note)}")
                for text in slot_warnings(status):
                    if text not in said["warned"]:
                        said["warned"].add(text)
                        lines.append(f"warning: {safe_text(text)}")
                for fault in status.get("faults") or []:
                    if isinstance(fault, dict) and fault_id(fault) not in said["faults"]:
                        said["faults"].add(fault_id(fault))
                        lines.append(f"warning: {safe_text(fault_line(fault, status))}")
            for line in lines:
                say(line, err=True)            # as device run's other warning and note lines
            dropped = dropouts.seen(status) if dropouts is not None else None
            if dropped:
                log.warning("%s", dropped)     # box.log (and a terminal's stderr), at most once a minute
        except Exception as exc:  # noqa: BLE001 - a watcher must not break the status read it watches
            failed("reading the engine status", exc)

    watchers = getattr(control, "watchers", None)
    if watchers is not None:
        watchers.append(seen)               # statuses others read (the panel: 10 a second) are seen here

    def watch() -> None:
        while not stop.wait(every_s):
            # read only when nobody else has lately: each read takes the engine's peaks since the last one
            if time.monotonic() - getattr(control, "last_status_at", 0.0) < every_s:
                continue
            try:
                status = control.status()
            except HatboxError:
                return                        # the engine has ended: the end of the run says the rest
            except Exception as exc:  # noqa: BLE001 - logged; the next read may do
                failed("asking the engine for its status", exc)
                continue
            if watchers is None:
                seen(status)

    thread = threading.Thread(target=watch, name="hatbox-status-watch", daemon=True)
    thread.start()

    def halt() -> None:
        stop.set()
        thread.join(timeout=2.0)
        if watchers is not None and seen in watchers:
            watchers.remove(seen)
    halt.seen = seen            # type: ignore[attr-defined]  # the engine's last words, once it ended (cmd_device)
    return halt


def fault_line(fault: dict[str, Any], status: dict[str, Any] | None = None) -> str:
    """A fault of the engine's status (device/audio/engine.py Fault) as the terminal and the box's log say it:
    "effect 'hatbox-drive' bypassed: the model's output ran away (far too loud); it stays bypassed until it is
    turned back on (the panel's Effect page, or hatbox box-pack ID --activate)".  Before (twenty-seventh stop's QA)
    neither said a word of it.  ``status``: the engine status the fault came in, whose slot's active pack gives the
    id to name (:func:`fault_pack_id`; `box-pack NAME` refuses a name that several packs of one name and version
    share, p43 regression QA); the pack's name when the status does not say it."""
    from device.ui.faults import fault_words, runaway_words
    slot, name = str(fault.get("slot") or "effect"), str(fault.get("name") or "")
    done, page = ("bypassed", "Effect") if slot == "effect" else ("silenced", "Play")
    shown = fault_pack_id(fault, status) or name or "ID"
    why = fault_words(fault)[0] + runaway_words(fault)        # a runaway: which rule tripped (p59 Q1 6)
    return (f"{slot}{f' {name!r}' if name else ''} {done}: {why}; it stays {done} until it is "
            f"turned back on (the panel's {page} page, or hatbox box-pack {shlex.quote(shown)} --activate)")


def fault_pack_id(fault: dict[str, Any], status: dict[str, Any] | None) -> str:
    """The store id of the pack ``fault`` names, from the engine ``status``' active pack of its slot (its ``path``
    is STORE/packs/ID/pack.hatpack) when that pack has the fault's name; "" when the status cannot say (another
    pack fading in, a pack played from a file outside a store)."""
    from device.store_layout import installed_in
    active = (status or {}).get("active") if isinstance(status, dict) else None
    info = active.get(str(fault.get("slot") or "effect")) if isinstance(active, dict) else None
    if not isinstance(info, dict) or not info.get("path") or info.get("name") != fault.get("name"):
        return ""
    found = installed_in(str(info["path"]))       # the one reading of a store path's id (the panel's, too)
    return found[1] if found is not None else ""
