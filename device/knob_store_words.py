"""The words of the knob file's keeper (device/knob_store.py): the start's "knobs restored as they were left: ..."
line and the warning while the disk refuses to keep them.  Split from device/knob_store.py (p56 QA_A 5, which gave
the restored line the one knob value rule of device/knob_words.py); device.knob_store re-exports each name."""
from __future__ import annotations

import errno

from device.audio import held
from device.audio.held import SetKnob
from device.clock import clock_words
from device.knob_words import volume_number

SHOWN = 4                 # knobs named on the "restored" line; more are counted
FULL = (errno.ENOSPC, errno.EDQUOT)


def problem_words(exc: OSError) -> str:
    """Why the knob file could not be written, for the warning: "the box's disk is full" for a full disk (or quota)."""
    if exc.errno in FULL:
        return "the box's disk is full"
    return f"the box could not write its knob file ({exc.strerror or exc})"


def unkept_words(problem: str, kept_at: float | None, had_file: bool, now: float | None = None) -> str:
    """The warning while the knobs cannot be kept: "the box's disk is full: knobs play as turned, but after a restart
    they come back as of 14:05" (``kept_at``: the last write; none but a file: "as last kept"; no file: defaults)."""
    when = clock_words(kept_at, now) if kept_at is not None else ""
    last = "as last kept" if kept_at is not None or had_file else "at their packs' defaults"
    back = f"as of {when}" if when else last
    return f"{problem}: knobs play as turned, but after a restart they come back {back}"


def knob_words(knob: SetKnob) -> str:
    """"drive 14.3 dB": ``knob`` as the panel's dial shows it (device.audio.held.value_words: the one rule, on the
    range of the knob it is set on, ``knob.dial``; three significant digits where that is not known).  p56 QA_A: the
    start line said "effect.drive 0.359791 dB" (``:g``) where `hatbox status`'s knobs line said 14.3 dB."""
    return f"{knob.name} {held.value_words(knob)}{' ' + knob.unit if knob.unit else ''}"


def restored_line(carried: dict[str, list[SetKnob]], kept_at: float | None = None,
                  volume_db: float | None = None, also: list[str] | None = None) -> str | None:
    """One short line naming the knobs put back at start (``{slot: knobs}``), or None for none; ``kept_at``: when
    the file was written, given when the box cannot know they are as they were left ("as last kept at 14:05");
    ``volume_db``: the output volume put back, named first ("output.volume -12 dB") unless it is 0 dB; ``also``:
    words after the knobs, all said (the slots bypassed again, the pad: device/kept_play.play_words)."""
    shown = None if volume_db is None else volume_number(volume_db)     # one rule: box-knob, status, the panel
    volume = [f"output.volume {shown} dB"] if shown not in (None, "0") else []
    named = volume + [f"{slot}.{knob_words(k)}" for slot, knobs in sorted(carried.items()) for k in knobs]
    if not named and not also:
        return None
    more = f" and {len(named) - SHOWN} more" if len(named) > SHOWN else ""
    when = clock_words(kept_at) if kept_at is not None else ""
    how = "as they were left" if kept_at is None else f"as last kept at {when}" if when else "as last kept"
    knobs = [", ".join(named[:SHOWN]) + more] if named else []
    return f"knobs restored {how}: {', '.join([*knobs, *(also or [])])}"
