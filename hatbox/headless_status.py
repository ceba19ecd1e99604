"""A headless box's status line (`hatbox device run` without its panel): how often it is printed, and the loop that
prints it until the engine ends.  Split from hatbox/cmd_device.py."""
from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from hatbox.engine_end import stuck
from hatbox.errors import HatboxError

STATUS_LOG_S = 60.0             # a headless box's status line into a log (not a terminal): this often
STATUS_TTY_S = 30.0             # on a terminal: this often (every 2 s pushed the pairing code away)


def print_until_end(control: Any, engine: Any, seconds: float | None) -> None:
    """Print the engine's status line (:func:`status_due` says when) until the engine ends, or ``seconds`` (and 2 s
    of grace) have passed; an engine that is stuck ends it too (the caller says how it ended)."""
    end = None if seconds is None else time.monotonic() + seconds + 2.0
    tty = sys.stdout.isatty()
    said_at, said_xruns = float("-inf"), 0
    while engine.alive() and (end is None or time.monotonic() < end):
        engine.wait(2.0)
        try:
            st = control.status()
        except HatboxError:                   # ended between the two calls, or stuck (run() says which), or slow:
            if engine.alive() and not stuck(engine):
                continue                      # asked again (QA: a stuck engine made the box exit 0 without a word)
            return
        if status_due(tty, time.monotonic() - said_at, int(st.get("xruns", 0)), said_xruns):
            print_status(st)
            said_at, said_xruns = time.monotonic(), int(st.get("xruns", 0))


def status_due(tty: bool, since_s: float, xruns: int, said_xruns: int) -> bool:
    """Whether the headless box prints its status line now: into a log or the journal (a service) once every
    :data:`STATUS_LOG_S` (43,000 lines a day pushed the pairing code and the errors out of `journalctl -u hatbox`),
    on a terminal once every :data:`STATUS_TTY_S` (p44 QA: a 97-character line every 2 s scrolled the pairing code
    off a 24-row screen in 16 s); both at once on the run's first dropouts (``xruns`` now, ``said_xruns`` in the last
    line), later ones counted into the next line (p47 QA: a line on each, on a loaded machine, wrote 49 lines in
    12 minutes into a log said to get one a minute)."""
    return since_s >= (STATUS_TTY_S if tty else STATUS_LOG_S) or (xruns > 0 and said_xruns == 0)


def print_status(st: dict[str, Any]) -> None:
    """The status line of the engine's status ``st`` on stdout (hatbox.status_line.status_words)."""
    from hatbox.status_line import status_words
    print(status_words(st), flush=True)


def cut_work(store: Path) -> dict[str, int]:
    """What a stop left half done in the pack store at ``store`` (read before its recovery empties ``tmp/``: the
    recovery counts it only as ``removed_debris``): {"pack": uploads of packs (``tmp/up-*.hatpack``), "library":
    uploads of libraries (``tmp/up-*.archive``), "install": packs being installed (``tmp/stage-*``)}; zeros when
    it cannot be read."""
    found = {"pack": 0, "library": 0, "install": 0}
    try:
        names = [p.name for p in (store / "tmp").iterdir()]
    except OSError:
        return found
    for name in names:
        kind = ("pack" if name.endswith(".hatpack") else "library") if name.startswith("up-") else \
            "install" if name.startswith("stage-") else None
        if kind:
            found[kind] += 1
    return found


_CUT_WORDS = {"pack": "a pack upload cut off when the box stopped was dropped: send it again (hatbox push)",
              "library": "a library upload cut off when the box stopped was dropped: send it again (hatbox "
                         "push-library)",
              "install": "a pack install cut off when the box stopped was dropped: send it again (hatbox push)"}


def recovery_words(rec: dict[str, Any] | None, cut: dict[str, int]) -> list[str]:
    """The lines the box says at start of what its store's recovery (device.store_recovery's ``last_recovery``,
    ``rec``) found and cleaned up: the uploads and installs a stop cut off (``cut``, :func:`cut_work`), other
    leftovers cleared, then packs removed as damaged, records made again, an active pack gone, the active record
    set aside (hatbox.status_report.recovery_lines, as `hatbox status` says them); each "at start: ..."."""
    from hatbox.status_report import recovery_lines
    rec = rec or {}
    lines = [_CUT_WORDS[kind] + (f" ({n} of them)" if n > 1 else "") for kind, n in cut.items() if n]
    other = int(rec.get("removed_debris") or 0) - sum(cut.values())
    if other > 0:
        lines.append(f"cleared {other} leftover{'s' if other > 1 else ''} of a deletion or change cut off when the "
                     "box stopped (nothing to do)")
    lines += recovery_lines({**rec, "removed_debris": 0})
    return [f"at start: {line}" for line in lines]
