"""The knobs the player set, kept in the box's store across a restart (STORE/knobs.json; forty-third stop).

Before, a power cut, a reboot or `hatbox device run` started again brought every knob back at its pack's default.
Now the engine process keeps its :class:`device.audio.held.KnobMemory` (what the player set on each slot's pack, by
encoder, MIDI CC, OSC, the panel or ``PUT /knobs``) in the file, and puts it back before its start-up packs load
(:meth:`KnobKeeper.restore`), so each pack starts where it was left, with the carry-over rules of a pack switched
in: a knob the pack no longer has, in another unit, or whose value is outside its range now, starts at its default
with a note in the slot's ``warnings`` (a pack replaced by a new upload with the same knobs takes them).

The file, written whole or not at all (export.atomic.write_atomic)::

    {"version": 1, "slots": {"effect": {"pack": "<store id>", "name": "<pack name>", "version": "1.0.0",
                 "knobs": [{"name": "drive", "value": 18.0, "unit": "dB", "on": "<pack name>"}]}}}

Written by the keeper's own thread (never the audio thread, never a reader thread): at once after a change, then at
most once every :data:`SAVE_EVERY_S` while knobs turn, and on a clean stop; so a power cut loses at most the last
second of turns, never the file.  A damaged file is set aside as ``knobs.json.damaged``, said as a start warning, and
every knob starts at its default.  The store is the one the engine's packs are installed in (device.store.installed_in):
packs played from elsewhere (a test's, `hatbox render`) keep nothing.
"""
from __future__ import annotations

import json
import logging
import math
import threading
from pathlib import Path
from typing import Any, Callable

from device.audio.held import SetKnob
from device.store import KNOB_FILE, installed_in
from export.atomic import write_atomic

SAVE_EVERY_S = 1.0        # at most one write a second while knobs turn
VERSION = 1
SHOWN = 4                 # knobs named on the "restored" line; more are counted
log = logging.getLogger("hatbox.engine")

Kept = dict[str, dict[str, Any]]     # slot -> {"pack", "name", "version", "knobs": [SetKnob]}


def _knob(raw: Any) -> SetKnob:
    """One knob of the file; ValueError when it is not one (a finite value, a name, a unit or null)."""
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not raw["name"]:
        raise ValueError(f"not a knob: {str(raw)[:60]}")
    value, unit = raw.get("value"), raw.get("unit")
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"knob '{raw['name']}' has no finite value")
    if unit is not None and not isinstance(unit, str):
        raise ValueError(f"knob '{raw['name']}' has a unit that is not text")
    return SetKnob(raw["name"], float(value), unit, on=str(raw.get("on") or ""))


def parse_kept(data: bytes) -> Kept:
    """The slots of a knob file's bytes; ValueError (UnicodeDecodeError, JSONDecodeError) when it is not one."""
    try:
        raw = json.loads(data)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    if not isinstance(raw, dict) or raw.get("version") != VERSION or not isinstance(raw.get("slots"), dict):
        raise ValueError(f"not a version {VERSION} knob file")
    out: Kept = {}
    for slot, kept in raw["slots"].items():
        if not isinstance(kept, dict) or not isinstance(kept.get("knobs"), list):
            raise ValueError(f"slot '{slot}' holds no list of knobs")
        out[str(slot)] = {"pack": str(kept.get("pack") or ""), "name": str(kept.get("name") or ""),
                          "version": str(kept.get("version") or ""), "knobs": [_knob(k) for k in kept["knobs"]]}
    return out


def kept_bytes(kept: Kept) -> bytes:
    """What :func:`parse_kept` reads back as ``kept``."""
    slots = {slot: {**{k: v for k, v in entry.items() if k != "knobs"},
                    "knobs": [{"name": k.name, "value": k.value, "unit": k.unit, "on": k.on} for k in entry["knobs"]]}
             for slot, entry in sorted(kept.items())}
    return (json.dumps({"version": VERSION, "slots": slots}, indent=1, sort_keys=True) + "\n").encode()


def load_kept(path: Path) -> tuple[Kept, str | None]:
    """(the knobs kept at ``path``, none when there is no file; a start warning or None).  A damaged file (a cut
    write, edited by hand) is set aside as ``knobs.json.damaged`` and said: every knob starts at its default."""
    try:
        return parse_kept(path.read_bytes()), None
    except FileNotFoundError:
        return {}, None
    except (OSError, ValueError) as exc:
        why = (str(exc).splitlines() or [""])[0][:120] or type(exc).__name__
        aside = path.with_name(path.name + ".damaged")
        try:
            path.replace(aside)
        except OSError:
            aside = path
        log.warning("the knobs kept from the last run (%s) were damaged (%s); kept as %s", path, why, aside)
        return {}, (f"the knobs kept from the last run ({path.name}) were damaged ({why}): every knob starts at its "
                    f"pack's default; the file is kept as {aside.name}")


def _leftovers(root: Path) -> None:
    """Remove the halves of knob files a power cut stopped mid-write (export.atomic's temporary files)."""
    for half in root.glob(f".{KNOB_FILE}.*"):
        try:
            half.unlink()
        except OSError:
            pass


def knob_words(knob: SetKnob) -> str:
    return f"{knob.name} {knob.value:g}{' ' + knob.unit if knob.unit else ''}"


def restored_line(carried: dict[str, list[SetKnob]]) -> str | None:
    """One short line naming the knobs put back at start (``{slot: knobs}``), or None for none."""
    named = [f"{slot}.{knob_words(k)}" for slot, knobs in sorted(carried.items()) for k in knobs]
    if not named:
        return None
    more = f" and {len(named) - SHOWN} more" if len(named) > SHOWN else ""
    return f"knobs restored as they were left: {', '.join(named[:SHOWN])}{more}"


class KnobKeeper:
    """Keeps an engine's knob memory in STORE/knobs.json (see the module docstring).  :meth:`restore` before the
    start-up packs load, :meth:`start` once they are in, :meth:`stop` at the end (a last save)."""

    def __init__(self, engine: Any, every_s: float = SAVE_EVERY_S,
                 thread_init: Callable[[], Any] | None = None) -> None:
        self.engine, self.every_s, self.thread_init = engine, every_s, thread_init
        self.path: Path | None = None          # the store's knobs.json, once a pack from a store is known
        self.recalled: set[str] = set()        # the slots :meth:`restore` put knobs back in
        self._dirty, self._stop = threading.Event(), threading.Event()
        self._thread: threading.Thread | None = None
        self._failed = False                   # the last save failed (said once until one succeeds)
        engine.knobs_changed = self._dirty.set

    def restore(self, packs: dict[str, str]) -> list[str]:
        """Put back the knobs kept in the store of the start-up ``packs`` ({slot: path}) for those slots; returns the
        start warnings (a damaged file)."""
        roots = [found[0] for found in map(installed_in, packs.values()) if found is not None]
        if not roots:
            return []
        self.path = roots[0] / KNOB_FILE
        _leftovers(roots[0])
        kept, warning = load_kept(self.path)
        for slot, entry in kept.items():
            if slot in packs and entry["knobs"]:
                self.engine.recall_knobs(slot, entry["name"], entry["knobs"])
                self.recalled.add(slot)
        return [warning] if warning else []

    def start(self) -> dict[str, Any]:
        """The start-up packs are in: say what was put back (``{"knobs_restored": line}`` for the status, also
        logged; {} for nothing) and start saving."""
        line = restored_line({s: k for s, k in self.engine.carried.items() if s in self.recalled})
        self._thread = threading.Thread(target=self._run, daemon=True, name="hatbox-knobs")
        self._thread.start()
        if line:
            log.info("%s (from %s)", line, self.path)
        return {"knobs_restored": line} if line else {}

    def _run(self) -> None:
        if self.thread_init is not None:
            self.thread_init()
        while not self._stop.is_set():
            self._dirty.wait()
            if self._stop.is_set():
                return
            self._dirty.clear()
            try:
                self.save()
            except Exception:  # noqa: BLE001 - a bug here must not end the keeping (said, tried at the next turn)
                log.exception("keeping the knobs in %s failed", self.path)
            self._stop.wait(self.every_s)         # the turns meanwhile go in the next write

    def stop(self, timeout: float = 5.0) -> None:
        """The box stops: the thread ends and what changed since its last write is written."""
        self._stop.set()
        dirty = self._dirty.is_set()
        self._dirty.set()                          # wakes the thread
        if self._thread is not None:
            self._thread.join(timeout)
        if dirty:
            self.save()

    def snapshot(self) -> Kept:
        """What the engine's knob memory holds now, as the file keeps it; learns the store's file from the packs."""
        kept: Kept = {}
        for slot, (info, knobs) in self.engine.kept_knobs().items():
            found = installed_in(info["path"]) if info.get("path") else None
            if found is None:
                continue
            self.path = self.path or found[0] / KNOB_FILE
            kept[slot] = {"pack": found[1], "name": str(info.get("name", "")),
                          "version": str(info.get("version", "")), "knobs": knobs}
        return kept

    def save(self) -> bool:
        """Write the knob file now (False: nothing to write it in, or the disk refused: said once, tried again at
        the next change)."""
        kept = self.snapshot()
        if self.path is None:
            return False
        try:
            write_atomic(self.path, kept_bytes(kept))
        except OSError as exc:
            if not self._failed:
                log.warning("could not keep the knobs in %s (%s): they are kept again at the next turn", self.path,
                            exc)
            self._failed = True
            return False
        self._failed = False
        return True
