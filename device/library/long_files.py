"""Files much longer than the clip a tagger hears (p49 loops QA: `hatbox tag Samples --pack
factory/tagger-drums.hatpack` on a library of loops tagged pads as tom and breaks as kick, and said nothing; `train
tagger` warns of the same).

A tagger hears one clip of each file (the factory pack: 1 s, from its first sound); a file over :data:`LONG_FACTOR`
clips long is tagged by its start alone.  The library tagging (device.library.tag, run by `hatbox tag` and by the
box) counts them in its report (``long_files``, of the files it tagged, and ``clip_seconds``); :func:`long_files_line`
says it when they are at least :data:`LONG_SHARE` of the files tagged (a one-shot library's few long crashes are not
loops).  A file's length is the one its decode read from its header (device.library.decode.read_counted): no second
read.
"""
from __future__ import annotations

from typing import Any

LONG_FACTOR = 2.0       # a file longer than this many clips is "much longer" than what the tagger hears (training:
                        # files whose median length is, trainer/tagger/report_heard.py)
LONG_SHARE = 0.2        # said when at least this share of the files tagged are much longer
LONG_TAKE_S = 60.0      # of the much longer files, those this long or longer are long recordings (a field recording,
                        # a take), not loops: counted apart (p50 QA: 30 s - 3 min field recordings were "loops?")


def much_longer(frames: int, rate: int, clip_seconds: float) -> bool:
    """Whether a file of ``frames`` frames at ``rate`` Hz (its header's length, as the decode read it: p49 review,
    no second read) is over :data:`LONG_FACTOR` clips of ``clip_seconds`` long."""
    return rate > 0 and frames > LONG_FACTOR * clip_seconds * rate


def long_take(frames: int, rate: int) -> bool:
    """Whether a file of ``frames`` frames at ``rate`` Hz is :data:`LONG_TAKE_S` or longer: a long recording."""
    return rate > 0 and frames >= LONG_TAKE_S * rate


def seconds_words(seconds: float) -> str:
    """A length for a sentence: 1.0 -> "1 s", 1.5 -> "1.5 s", 3.84 -> "3.8 s"."""
    return f"{seconds:.1f}".rstrip("0").rstrip(".") + " s"


def first_words(clip_seconds: float, whose: str = "their") -> str:
    """"their first second" for a 1 s clip, else "their first 1.5 s" (``whose``: "their", "each file's")."""
    length = "second" if abs(clip_seconds - 1.0) < 0.05 else seconds_words(clip_seconds)
    return f"{whose} first {length}"


def long_files_line(report: Any) -> str:
    """"62 of 90 files tagged are over 2 s, longer than the 1 s this tagger hears (loops?): their tags come from
    their first second (from their first sound)" for a tagging ``report`` (device.library.tag.LibraryReport, or
    its JSON: the box's ``results``) where at least :data:`LONG_SHARE` of the files it tagged are much longer than
    its clip; "" otherwise (or for a report from before the count)."""
    get = report.get if isinstance(report, dict) else lambda key: getattr(report, key, None)
    long, tagged, clip = get("long_files"), get("tagged"), get("clip_seconds")
    if not isinstance(long, int) or not isinstance(tagged, int) or not isinstance(clip, (int, float)) or clip <= 0:
        return ""
    if not long or long < LONG_SHARE * tagged:
        return ""
    first = first_words(clip)
    return (f"{long} of {tagged} files tagged are over {seconds_words(LONG_FACTOR * clip)}, longer than the "
            f"{seconds_words(clip)} this tagger hears{_which_long(long, get('long_takes'))}: their tags come from "
            f"{first} (from their first sound)")


def _which_long(long: int, takes: object) -> str:
    """What the ``long`` files may be, by how many of them are long recordings (``takes``: of :data:`LONG_TAKE_S` or
    more; None from a box from before the count): " (loops?)" when none, " (long recordings?)" when all, else the two
    counts (" 20 under 60 s (loops?), 6 of 60 s or more (long recordings, field recordings?)"); " (loops or long
    takes?)" when not known."""
    if not isinstance(takes, int):
        return " (loops or long takes?)"
    minute = seconds_words(LONG_TAKE_S)
    if takes <= 0:
        return " (loops?)"
    if takes >= long:
        return f" (long recordings of {minute} or more: field recordings, takes?)"
    return (f": {long - takes} under {minute} (loops?), {takes} of {minute} or more (long recordings: field "
            "recordings, takes?)")
