"""`hatbox box-library --stop`: stop the audition `box-library ID --play PATH` started on the box's speakers (p49 loops
QA: a 42.7 s break played to its end; only another --play or an all-notes-off over OSC/MIDI stopped it).

Asks the box's ``DELETE /audition`` (device/api/audition.py): a quick fade, whoever started the audition (this laptop,
another, the panel); the box answers the one an API --play started if it was still sounding.  An id given with it must
name one of the box's libraries (p49 regression QA "loops2": `box-library nosuchlib --stop` said "no audition ... was
sounding", exit 0): refused as every other `box-library ID` command refuses it, nothing stopped.
"""
from __future__ import annotations

import argparse
import json
from typing import Any

from hatbox.box_client import safe_text

STOP_HELP = ("stop the audition --play started on the box's speakers (a quick fade; no library id needed); the "
             "kit's one-shots and the synth play on")


def stop_words(answer: dict[str, Any]) -> str:
    """The line for the box's answer to DELETE /audition: "stopped break_16bars.wav (library lib-x-1) after 3.2 s of
    42.7 s" or "no audition of yours was sounding; ...": the stop goes to the panel's too."""
    stopped = answer.get("stopped") if isinstance(answer, dict) else None
    if not isinstance(stopped, dict):
        return "no audition started from a laptop was sounding; the box stopped any audition all the same"
    length = stopped.get("seconds")
    of = f" of {float(length):.1f} s" if isinstance(length, (int, float)) else ""
    return (f"stopped {safe_text(str(stopped.get('path')))} (library {safe_text(str(stopped.get('library')))}) after "
            f"{float(stopped.get('played_s') or 0.0):.1f} s{of}")


def stop(client: Any, as_json: bool = False) -> int:
    """DELETE /audition on the box reached by ``client``, its answer said (``as_json``: printed as JSON)."""
    from hatbox.box_client import _call
    answer = _call(client, "DELETE", "/audition")
    print(json.dumps(answer, ensure_ascii=False) if as_json else stop_words(answer))
    return 0


def check_named(client: Any, given: str | None) -> None:
    """NotOnBox (the words of `box-library ID` for an id or name the box has no library of: hatbox.cmd_box_library.
    find_library, which reads GET /libraries) when ``given`` is not one of the box's libraries; none given: nothing
    asked."""
    if not given:
        return
    from hatbox.box_client import _call
    from hatbox.library_find import find_library
    find_library(_call(client, "GET", "/libraries", expect=list), given)


def stop_command(args: argparse.Namespace) -> int:
    """`hatbox box-library [ID] --stop` (an id is not needed: the box plays one audition at a time; one given is
    checked first: :func:`check_named`)."""
    from hatbox.box_client import _box_reply, _client
    from hatbox.cmd_remote import target
    with _client(*target(args)) as c, _box_reply("stopping the audition"):
        check_named(c, args.id)
        return stop(c, bool(args.json))
