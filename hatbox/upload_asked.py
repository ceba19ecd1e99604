"""After an upload whose answer was lost: the box asked whether it arrived (p54 F4).

A `push-library` (or `hatbox push`) whose connection was cut once every byte was sent (a reset, a timeout while
waiting for the answer, a proxy's error page) said only that the box "may or may not have kept it", although the box
had the whole body and went on to unpack and keep it.  Now the laptop asks the box (its GET of libraries or packs,
polled a short, bounded while: a box still unpacking is waited for) and says which: it arrived (the push goes on as
if the answer had come), it did not arrive (nothing changed on the box: run the same command again), it is still
being unpacked (how to follow it), or the box could not be asked (what it said before, and the command to check).

One implementation for both uploads: :func:`ask_box` polls a look (:data:`Look`) for libraries
(:func:`library_look`) or packs (:func:`pack_look`); :func:`lost_answer` is the rule of which failures it follows
(hatbox.library_replace.answer_lost's: every byte went and the answer was lost; never a Ctrl-C, which asked to stop).
"""
from __future__ import annotations

import shlex
import time
from pathlib import Path
from typing import Any, Callable, Collection

from hatbox.box_client import asked, safe_text
from hatbox.errors import HatboxError, Interrupted

LIBRARY_WAIT_S = 60.0     # a library the box is still unpacking is waited for this long at most
PACK_WAIT_S = 15.0        # a pack is checked in seconds: not on the box this long after the cut, it did not arrive
POLL_S = 0.5

ARRIVED, GONE, BUSY, UNKNOWN, UNREACHED = "arrived", "gone", "busy", "unknown", "unreached"
Look = Callable[[], "tuple[str, dict[str, Any] | None]"]     # (one of the states above, the box's record of it)


def lost_answer(exc: BaseException) -> bool:
    """Whether the upload that failed with ``exc`` sent every byte and lost the box's answer (the box may hold it:
    hatbox.library_replace.answer_lost's rule), and was not stopped by the user (a Ctrl-C asked to stop, not to
    wait)."""
    from hatbox.library_replace import answer_lost
    return answer_lost(exc) and not isinstance(exc, Interrupted)


def cut_words(exc: BaseException) -> str:
    """What happened, without what the box may have done: the first clause of ``exc``'s message ("the connection
    to the box broke after all of kit was sent, before the box answered (ReadError: ...)")."""
    text = exc.message if isinstance(exc, HatboxError) else str(exc)
    return text.split("; ", 1)[0]


def ask_box(look: Look, limit_s: float, poll_s: float = POLL_S) -> tuple[str, dict[str, Any] | None]:
    """``look()`` until it says :data:`ARRIVED`, :data:`GONE` or :data:`UNREACHED`, polled every ``poll_s`` s for
    at most ``limit_s`` s (:data:`BUSY`: still being unpacked; :data:`UNKNOWN`: not there yet, and the box does not
    say whether it is still at it); the last answer."""
    end = time.monotonic() + limit_s
    while True:
        state, record = look()
        if state in (ARRIVED, GONE, UNREACHED) or time.monotonic() >= end:
            return state, record
        time.sleep(poll_s)


def asking(look: Look, limit_s: float, exc: HatboxError, check: str) -> tuple[str, dict[str, Any] | None]:
    """:func:`ask_box`; a Ctrl-C while it waits said as what is known (the box may or may not hold the upload lost
    with ``exc``; ``check``: the command that shows it), exit 130."""
    from hatbox.errors import stopped_by
    try:
        return ask_box(look, limit_s)
    except KeyboardInterrupt as stop:
        raise Interrupted(f"{cut_words(exc)}; stopped asking the box whether it arrived ({stopped_by(stop)}): it may "
                          "or may not have kept it", hint=f"see whether it did: {check}") from None


def library_look(client: Any, name: str, archive: Path, digest: str, audio: dict[str, int] | None,
                 before: Collection[str] = ()) -> Look:
    """The look for a library called ``name`` uploaded from ``archive`` (SHA-256 ``digest``; ``audio``: its audio
    members, for a box that lists a library by its files' digest: hatbox.library_push.library_there), none of the ids
    in ``before`` (held before it was sent: `push-library --again`).  The uploads in progress are read first: the box
    commits a library before its upload leaves that list, so one in neither list did not arrive."""
    from hatbox.library_push import library_there
    wanted = name.strip().casefold()

    def look() -> tuple[str, dict[str, Any] | None]:
        uploads = asked(client, "/libraries/uploading", list)          # None: an older box, or no answer
        libs = asked(client, "/libraries", list)
        if libs is None:
            return UNREACHED, None
        fresh = [lib for lib in libs if isinstance(lib, dict) and str(lib.get("id")) not in before
                 and lib.get("state") != "failed"]
        found = library_there(client, archive, audio, digest, name, libs=fresh)
        if found is not None:
            return ARRIVED, found
        if uploads is None:
            return UNKNOWN, None
        busy = next((u for u in uploads if isinstance(u, dict) and isinstance(u.get("name"), str)
                     and u["name"].strip().casefold() == wanted), None)
        return (BUSY, busy) if busy is not None else (GONE, None)
    return look


def pack_look(client: Any, digest: str) -> Look:
    """The look for the pack of SHA-256 ``digest`` (GET /packs; the box lists no pack being checked: not there is
    :data:`UNKNOWN` until :func:`ask_box`'s wait ends)."""
    def look() -> tuple[str, dict[str, Any] | None]:
        packs = asked(client, "/packs", list)
        if packs is None:
            return UNREACHED, None
        found = next((p for p in packs if isinstance(p, dict) and p.get("sha256") == digest and p.get("id")), None)
        return (ARRIVED, found) if found is not None else (UNKNOWN, None)
    return look


def library_asked(client: Any, exc: HatboxError, look: Look, name: str, limit_s: float | None = None
                  ) -> dict[str, Any]:
    """After `push-library`'s upload failed with ``exc``, its answer lost (:func:`lost_answer`): the box asked
    (``look``: :func:`library_look`).  Arrived: the line that says so, and the library's record as the box's answer
    gives it (GET /libraries/ID; the push goes on with it).  Otherwise a HatboxError that says which: it did not
    arrive (nothing changed: run the same command again), it is still being unpacked (how to follow it), or the box
    could not be asked (``exc``'s words, and the command to check)."""
    from urllib.parse import quote
    state, record = asking(look, LIBRARY_WAIT_S if limit_s is None else limit_s, exc,
                           f"hatbox box-library {shlex.quote(safe_text(name))}")
    cut = cut_words(exc)
    if state == ARRIVED and record is not None:
        body = asked(client, f"/libraries/{quote(str(record.get('id', '')), safe='')}") or record
        print(f"{cut}; asked the box: it arrived: {arrived_library_words(body)}")
        return body
    raise library_not_known(exc, state, record, name)


def arrived_library_words(lib: dict[str, Any]) -> str:
    """"'kit', 20 files, tagging (library kit-3f2a)"."""
    from hatbox.text import count_words
    files = lib.get("accepted")
    held = f", {count_words(files, 'file')}" if isinstance(files, int) else ""
    return (f"'{safe_text(str(lib.get('name', '')))}'{held}, {safe_text(str(lib.get('state', '?')))} "
            f"(library {safe_text(str(lib.get('id', '?')))})")


def library_not_known(exc: HatboxError, state: str, record: dict[str, Any] | None, name: str) -> HatboxError:
    """The error of a library push whose answer was lost and that the box does not hold (``state``: what
    :func:`ask_box` found; ``record``: the upload in progress, when :data:`BUSY`)."""
    cut, shown = cut_words(exc), shlex.quote(safe_text(name))
    if state == GONE:
        return HatboxError(f"{cut}; asked the box: it did not arrive: nothing changed on the box; run the same "
                           "command again", hint="it sends nothing the box holds already, so it is safe to repeat")
    if state == BUSY and record is not None:
        from hatbox.library_uploading import how_far
        return HatboxError(f"{cut}; asked the box: '{safe_text(name)}' is still {how_far(record)}: the box may "
                           "still keep it once unpacked (unless it refuses it: hatbox box-logs says why)",
                           hint=f"follow it: hatbox box-library {shown} --wait (it waits for the upload, then "
                                "its tagging)")
    if state == UNKNOWN:
        return HatboxError(f"{cut}; asked the box: it is not on the box yet, and the box (an older hatbox) does not "
                           "say whether it is still unpacking it: it may still keep it",
                           hint=f"see in a while: hatbox box-library {shown}; if it is not there, run the same "
                                "command again")
    return HatboxError(f"{exc.message}; the box could not be asked whether it did (no answer)",
                       hint=f"check once the box answers: hatbox box-library {shown} (it lists the libraries and "
                            "the uploads in progress); if it is not there, run the same command again")


def pack_asked(client: Any, exc: HatboxError, path: Path, activate: bool, limit_s: float | None = None
               ) -> dict[str, Any]:
    """After `hatbox push`'s upload of the pack at ``path`` failed with ``exc``, its answer lost: the box asked
    (:func:`pack_look`, :data:`PACK_WAIT_S`).  Arrived: the lines that say so (installed as ID, active or how to make
    it so: ``activate``, whether --activate was given), and its GET /packs entry.  Otherwise a HatboxError: it did
    not arrive (run the same command again), or the box could not be asked (``exc``'s words, and the command to
    check)."""
    from device.store import file_sha256
    state, pack = asking(pack_look(client, file_sha256(path)), PACK_WAIT_S if limit_s is None else limit_s, exc,
                         "hatbox box-pack")
    cut = cut_words(exc)
    if state == ARRIVED and pack is not None:
        print(f"{cut}; asked the box: it arrived: {arrived_pack_words(pack, activate)}")
        return pack
    if state == UNREACHED:
        raise HatboxError(f"{exc.message}; the box could not be asked whether it did (no answer)",
                          hint="check once the box answers: hatbox box-pack (it lists the packs); if it is not "
                               "there, run the same command again")
    waited = PACK_WAIT_S if limit_s is None else limit_s
    raise HatboxError(f"{cut}; asked the box: it did not arrive (not on the box {waited:g} s later): nothing was "
                      "installed; run the same command again",
                      hint="it sends nothing the box holds already, so it is safe to repeat")


def arrived_pack_words(pack: dict[str, Any], activate: bool) -> str:
    """"fx 1.0.0 (effect), installed as effect-fx-1.0.0-ab12, now active" (or how to make it active)."""
    pid = safe_text(str(pack.get("id")))
    what = safe_text(f"{pack.get('name', '?')} {pack.get('version', '')}".strip())
    kind = safe_text(str(pack.get("kind", "?")))
    if pack.get("active"):
        state = "now active" if activate else f"the box's active {kind} pack"
    else:
        state = f"not active: hatbox box-pack {shlex.quote(pid)} --activate makes it so"
    return f"{what} ({kind}), installed as {pid}, {state}"
