"""After an upload whose answer was lost: the box asked whether it arrived (p54 F4).

A `push-library` (or `hatbox push`) whose connection was cut once every byte was sent (a reset, a timeout while
waiting for the answer, a proxy's error page) said only that the box "may or may not have kept it", although the box
had the whole body and went on to unpack and keep it.  Now the laptop asks the box (its GET of libraries or packs,
polled a short, bounded while, a failed read polled again: a box still unpacking is waited for) and says which, on
stderr first that it asks: it arrived (the push goes on as if the answer had come), a library did not arrive
(nothing changed on the box: run the same command again), it arrived but failed (the box's reason), it is still being
unpacked (how to follow it), a pack the box refused (its reason) or is still checking (its record of the upload,
GET /packs/uploads/{sha256}, p55 F1; an older box without it: "not on the box yet: it may still be checking it"), or
the box could not be asked (why, and the command to check).

The outcome rides on the error itself (:func:`asked_state`, not its words): hatbox.library_replace says what
--replace did from it.  One implementation for both uploads: :func:`ask_box` polls a look (:data:`Look`) for
libraries (:func:`library_look`) or packs (hatbox.upload_asked_pack.pack_look); :func:`lost_answer` is the
rule of which failures it follows (hatbox.library_replace.answer_lost's: every byte went and the answer was lost;
never a Ctrl-C, which asked to stop).
"""
from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path
from typing import Any, Callable, Collection

from hatbox.box_client import BoxRefused, _call, asked, safe_text
from hatbox.errors import HatboxError, Interrupted

LIBRARY_WAIT_S = 60.0     # a library the box is still unpacking is waited for this long at most
PACK_WAIT_S = 15.0        # a pack is looked for this long (one the box still checks: asked again until then)
ACTIVE_WAIT_S = 5.0       # a pack found installed, not active yet, with --activate: looked at this much longer
POLL_S = 0.5
READ_S = 10.0             # one read of the box while asking (a read that hangs is polled again)

ARRIVED, GONE, FAILED, BUSY, UNKNOWN, UNREACHED, REFUSED = (
    "arrived", "gone", "failed", "busy", "unknown", "unreached", "refused")
CHECKING = "checking"     # a pack the box is still checking (its record of the upload says so): asked again
FINAL = (ARRIVED, GONE, FAILED, REFUSED)     # what ends the asking; the others are looked at again until the limit
Look = Callable[[], "tuple[str, dict[str, Any] | None]"]     # (one of the states above, the box's record of it)


def marked(exc: HatboxError, state: str) -> HatboxError:
    """``exc`` carrying what the box, asked, said of the upload (``state``, :func:`asked_state`)."""
    setattr(exc, "asked", state)
    return exc


def asked_state(exc: BaseException) -> str | None:
    """What the box, asked after the upload that ended in ``exc`` lost its answer, said of it (:data:`ARRIVED`,
    :data:`GONE`: did not arrive, :data:`FAILED`: arrived but failed, ...); None when it was not asked."""
    state = getattr(exc, "asked", None)
    return state if isinstance(state, str) else None


def lost_answer(exc: BaseException) -> bool:
    """Whether the upload that failed with ``exc`` sent every byte and lost the box's answer (the box may hold it:
    hatbox.library_replace.answer_lost's rule), and was not stopped by the user (a Ctrl-C asked to stop, not to
    wait)."""
    from hatbox.library_replace import answer_lost
    return answer_lost(exc) and not isinstance(exc, Interrupted) and asked_state(exc) is None


def cut_words(exc: BaseException) -> str:
    """What happened, without what the box may have done: the first clause of ``exc``'s message ("the connection
    to the box broke after all of kit was sent, before the box answered (ReadError: ...)")."""
    text = exc.message if isinstance(exc, HatboxError) else str(exc)
    return text.split("; ", 1)[0]


def read(client: Any, path: str, expect: type = list) -> tuple[Any, HatboxError | None]:
    """The box's answer at ``GET path``, an ``expect`` (its list; one read, :data:`READ_S` at most, as this module
    says when asked), or (None, why it gave none)."""
    try:
        return _call(client, "GET", path, expect=expect, timeout=READ_S), None
    except HatboxError as exc:
        return None, exc


def failed_read(exc: HatboxError | None) -> tuple[str, dict[str, Any]]:
    """The look's answer when a read failed with ``exc``: :data:`REFUSED` for the box's "not paired" (401: asking
    again changes nothing), else :data:`UNREACHED` (asked again); ``why``: ``exc``'s first words."""
    why = cut_words(exc) if exc is not None else "no answer"
    if isinstance(exc, BoxRefused) and exc.status == 401:
        return REFUSED, {"why": why, "hint": exc.hint}
    return UNREACHED, {"why": why}


def ask_box(look: Look, limit_s: float, poll_s: float = POLL_S) -> tuple[str, dict[str, Any] | None]:
    """``look()`` until it says one of :data:`FINAL`, polled every ``poll_s`` s for at most ``limit_s`` s
    (:data:`BUSY`: still being unpacked; :data:`CHECKING`: a pack still being checked; :data:`UNKNOWN`: not there
    yet, and the box does not say whether it is still at it; :data:`UNREACHED`: a read failed, asked again); the
    last answer, or the last the box gave when the last read failed."""
    end, said = time.monotonic() + limit_s, None
    while True:
        state, record = look()
        if state != UNREACHED:
            said = (state, record)
        if state in FINAL or time.monotonic() >= end:
            return said if state == UNREACHED and said is not None else (state, record)
        time.sleep(poll_s)


def say_asking(exc: HatboxError, limit_s: float, quiet: bool) -> None:
    """The line on stderr before the asking (unless ``quiet``): it can take ``limit_s`` s, and a silent terminal
    looks hung."""
    if not quiet:
        print(f"{cut_words(exc)}; asking the box whether it arrived (up to {limit_s:g} s; Ctrl-C stops asking) ...",
              file=sys.stderr, flush=True)


def asking(look: Look, limit_s: float, exc: HatboxError, check: str, may: str = "it may or may not have kept it",
           back: str = "") -> tuple[str, dict[str, Any] | None]:
    """:func:`ask_box`; a Ctrl-C while it waits said as what is known (``may``: what the box may do with the upload
    lost with ``exc``; ``check``: the command that shows it; ``back``: the way back, with --activate), exit 130."""
    from hatbox.errors import stopped_by
    try:
        return ask_box(look, limit_s)
    except KeyboardInterrupt as stop:
        raise Interrupted(f"{cut_words(exc)}; stopped asking the box whether it arrived ({stopped_by(stop)}): {may}",
                          hint=f"see whether it did: {check}" + (f"; {back}" if back else "")) from None


def library_look(client: Any, name: str, archive: Path, digest: str, audio: dict[str, int] | None,
                 before: Collection[str] = (), held: Collection[str] = ()) -> Look:
    """The look for a library called ``name`` uploaded from ``archive`` (SHA-256 ``digest``; ``audio``: its audio
    members, for a box that lists a library by its files' digest: hatbox.library_push.library_there), none of the ids
    in ``before`` (held before it was sent: `push-library --again`); a failed one not in ``held`` (every id the box
    held before it was sent) is this upload's, failed.  The uploads in progress are read first: the box commits a
    library before its upload leaves that list, so one in neither list did not arrive."""
    size = archive.stat().st_size

    def look() -> tuple[str, dict[str, Any] | None]:
        uploads, why = read(client, "/libraries/uploading")
        libs, lost = read(client, "/libraries")
        if libs is None:
            return failed_read(lost)
        libs = [lib for lib in libs if isinstance(lib, dict)]
        found = _arrived(client, libs, (before, held), archive, audio, digest, name)
        if found is not None:
            return found
        if uploads is None:
            return UNKNOWN, {"why": _unknown_words(why)}
        busy = _busy(uploads, name, size)
        return (BUSY, busy) if busy is not None else (GONE, None)
    return look


def _arrived(client: Any, libs: list[dict[str, Any]], ids: tuple[Collection[str], Collection[str]], archive: Path,
             audio: dict[str, int] | None, digest: str, name: str) -> tuple[str, dict[str, Any]] | None:
    """(:data:`ARRIVED`, the library) of ``libs`` uploaded from ``archive``, not one of ``ids``' first (before);
    (:data:`FAILED`, it) for one that failed, not one of ``ids``' second (held before sending); None for none."""
    from hatbox.library_push import held_of, library_there
    before, held = ids
    found = library_there(client, archive, audio, digest, name,
                          libs=[lib for lib in held_of(libs) if str(lib.get("id")) not in before])
    if found is not None:
        return ARRIVED, found
    failed = failed_copy([lib for lib in libs if lib.get("state") == "failed" and str(lib.get("id")) not in held],
                         archive, audio, digest)
    return (FAILED, failed) if failed is not None else None


def failed_copy(libs: list[dict[str, Any]], archive: Path, audio: dict[str, int] | None, digest: str
                ) -> dict[str, Any] | None:
    """The failed library of ``libs`` uploaded from ``archive`` (its SHA-256 ``digest``, or, on a box that made the
    record again from its files, their digest: hatbox.library_push.library_there's rule), None for none."""
    if not libs:
        return None
    from hatbox.library_push import files_mark
    marks = {digest, files_mark(libs, archive, audio)} - {None}
    return next((lib for lib in libs if lib.get("sha256") in marks), None)


def _busy(uploads: list[Any], name: str, size: int) -> dict[str, Any] | None:
    """This laptop's upload in ``uploads`` (GET /libraries/uploading): of ``name`` (the box's name rule:
    device.versions.folded) and of ``size`` bytes declared (another laptop's upload of the name has its own);
    None for none."""
    from device.versions import folded
    return next((u for u in uploads if isinstance(u, dict) and isinstance(u.get("name"), str)
                 and folded(u["name"].strip()) == folded(name.strip()) and u.get("total") in (None, size)), None)


def _unknown_words(exc: HatboxError | None) -> str:
    """Why the box does not say whether it is still unpacking: an older box (its uploads list answered 404), or
    the read failed (what it said)."""
    if isinstance(exc, BoxRefused) and exc.status == 404:
        return "the box (an older hatbox) does not say whether it is still unpacking it"
    return f"the box did not say whether it is still unpacking it ({cut_words(exc) if exc else 'no answer'})"


def library_asked(client: Any, exc: HatboxError, look: Look, name: str, limit_s: float | None = None,
                  quiet: bool = False) -> dict[str, Any]:
    """After `push-library`'s upload failed with ``exc``, its answer lost (:func:`lost_answer`): the box asked
    (``look``: :func:`library_look`), said first on stderr unless ``quiet``.  Arrived: the line that says so, and
    the library's record as the box's answer gives it (GET /libraries/ID; the push goes on with it).  Otherwise a
    HatboxError, marked (:func:`asked_state`), that says which: it did not arrive (nothing changed: run the same
    command again), it arrived but failed (the box's reason), it is still being unpacked (how to follow it), or the
    box could not be asked (why, and the command to check)."""
    limit = LIBRARY_WAIT_S if limit_s is None else limit_s
    say_asking(exc, limit, quiet)
    state, record = asking(look, limit, exc, f"hatbox box-library {shlex.quote(safe_text(name))}")
    if state == ARRIVED and record is not None:
        body = _arrived_record(client, exc, record)
        print(f"{cut_words(exc)}; asked the box: it arrived: {arrived_library_words(body)}")
        return body
    raise marked(library_not_known(exc, state, record, name), state)


def _arrived_record(client: Any, exc: HatboxError, record: dict[str, Any]) -> dict[str, Any]:
    """The box's record of the library that arrived (``record``: its GET /libraries entry), read whole (GET
    /libraries/ID; the entry when that fails); a Ctrl-C then said as arrived (exit 130, marked :data:`ARRIVED`)."""
    from urllib.parse import quote

    from hatbox.errors import stopped_by
    lid = str(record.get("id", ""))
    try:
        return asked(client, f"/libraries/{quote(lid, safe='')}") or record
    except KeyboardInterrupt as stop:
        shown = shlex.quote(safe_text(lid))
        raise marked(Interrupted(f"{cut_words(exc)}; asked the box: it arrived as library {safe_text(lid)}; stopped "
                                 f"({stopped_by(stop)}) before the push went on with it",
                                 hint=f"see it: hatbox box-library {shown}; the same command again finishes the "
                                      "push (it sends nothing the box holds already)"), ARRIVED) from None


def arrived_library_words(lib: dict[str, Any]) -> str:
    """"'kit', 20 files, tagging (library kit-3f2a)"."""
    from hatbox.text import count_words
    files = lib.get("accepted")
    held = f", {count_words(files, 'file')}" if isinstance(files, int) else ""
    return (f"'{safe_text(str(lib.get('name', '')))}'{held}, {safe_text(str(lib.get('state', '?')))} "
            f"(library {safe_text(str(lib.get('id', '?')))})")


def library_not_known(exc: HatboxError, state: str, record: dict[str, Any] | None, name: str) -> HatboxError:
    """The error of a library push whose answer was lost and that the box does not hold (``state``: what
    :func:`ask_box` found; ``record``: the upload in progress when :data:`BUSY`, the failed library when
    :data:`FAILED`, ``{"why": ...}`` when the box did not say)."""
    cut, shown = cut_words(exc), shlex.quote(safe_text(name))
    why = safe_text(str((record or {}).get("why") or "no answer"))
    if state == GONE:
        return HatboxError(f"{cut}; asked the box: it did not arrive: nothing changed on the box; run the same "
                           "command again", hint="it sends nothing the box holds already, so it is safe to repeat")
    if state == FAILED and record is not None:
        return _failed_error(cut, record)
    if state == BUSY and record is not None:
        from hatbox.library_uploading import how_far
        return HatboxError(f"{cut}; asked the box: '{safe_text(name)}' is still {how_far(record)}: the box may "
                           "still keep it once unpacked (unless it refuses it: hatbox box-logs says why)",
                           hint=f"follow it: hatbox box-library {shown} --wait (it waits for the upload, then "
                                "its tagging)")
    if state == UNKNOWN:
        return HatboxError(f"{cut}; asked the box: it is not on the box yet, and {why}: it may still keep it",
                           hint=f"see in a while: hatbox box-library {shown}; if it is not there, run the same "
                                "command again")
    return not_asked_error(exc, state, record, f"hatbox box-library {shown} (it lists the libraries and the uploads "
                                               "in progress)")


def _failed_error(cut: str, lib: dict[str, Any]) -> HatboxError:
    """The library ``lib`` (GET /libraries' entry) arrived but failed: the box's reason, what it keeps."""
    lid = shlex.quote(safe_text(str(lib.get("id", "?"))))
    reason = safe_text(str(lib.get("error") or "the box gives no reason"))
    return HatboxError(f"{cut}; asked the box: it arrived but failed: {reason} (the box keeps it as library "
                       f"{safe_text(str(lib.get('id', '?')))}, failed)",
                       hint=f"hatbox box-library {lid} shows it, hatbox box-library {lid} --delete deletes it; then "
                            "run the same command again (hatbox box-logs may say more)")


def not_asked_error(exc: HatboxError, state: str, record: dict[str, Any] | None, check: str) -> HatboxError:
    """The error when the box could not be asked whether the upload lost with ``exc`` arrived (``state``
    :data:`UNREACHED`: its reads failed until the limit; :data:`REFUSED`: it refused to answer, 401): why, and
    ``check``, the command that shows it."""
    why = safe_text(str((record or {}).get("why") or "no answer"))
    if state == REFUSED:
        return HatboxError(f"{exc.message}; the box refused to say whether it did ({why})",
                           hint=str((record or {}).get("hint") or "pair again: hatbox pair URL")
                           + f"; then check: {check}")
    return HatboxError(f"{exc.message}; the box could not be asked whether it did ({why})",
                       hint=f"check once the box answers: {check}; if it is not there, run the same command again")
