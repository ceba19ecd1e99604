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
MID_TAKE_S = 30.0       # of the much longer files, those this long and under LONG_TAKE_S: loops or takes (p50 review)


def much_longer(frames: int, rate: int, clip_seconds: float) -> bool:
    """Whether a file of ``frames`` frames at ``rate`` Hz (its header's length, as the decode read it: p49 review,
    no second read) is over :data:`LONG_FACTOR` clips of ``clip_seconds`` long."""
    return rate > 0 and frames > LONG_FACTOR * clip_seconds * rate


def long_take(frames: int, rate: int) -> bool:
    """Whether a file of ``frames`` frames at ``rate`` Hz is :data:`LONG_TAKE_S` or longer: a long recording."""
    return rate > 0 and frames >= LONG_TAKE_S * rate


def mid_take(frames: int, rate: int) -> bool:
    """Whether a file of ``frames`` frames at ``rate`` Hz is :data:`MID_TAKE_S` long or longer, but under
    :data:`LONG_TAKE_S`: a long loop or a short take."""
    return rate > 0 and MID_TAKE_S * rate <= frames < LONG_TAKE_S * rate


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
            f"{seconds_words(clip)} this tagger hears{_which_long(long, get('long_takes'), get('long_mid'))}: their "
            f"tags come from {first} (from their first sound)")


def _which_long(long: int, takes: object, mid: object) -> str:
    """What the ``long`` files may be, by their lengths: ``takes`` of :data:`LONG_TAKE_S` or more (long recordings),
    ``mid`` of :data:`MID_TAKE_S` to under that (loops or takes; None, from a box of the same stop before the count:
    none), the rest shorter (loops).  One kind alone: its words in brackets (" (loops?)"); else each kind counted
    (": 20 under 30 s (loops?), 3 of 30-60 s (loops or takes?), 6 of 60 s or more (long recordings: field recordings,
    takes?)").  A box from before the counts (``takes`` None): " (loops or long takes?)"."""
    if not isinstance(takes, int):
        return " (loops or long takes?)"
    mid = mid if isinstance(mid, int) else 0
    half, minute = seconds_words(MID_TAKE_S), seconds_words(LONG_TAKE_S)
    kinds = [(long - takes - mid, f"under {half}", "loops?", "loops?"),
             (mid, f"of {MID_TAKE_S:g}-{minute}", "loops or takes?", f"{MID_TAKE_S:g}-{minute}: loops or takes?"),
             (takes, f"of {minute} or more", "long recordings: field recordings, takes?",
              f"long recordings of {minute} or more: field recordings, takes?")]
    said = [kind for kind in kinds if kind[0] > 0]
    if len(said) == 1:
        return f" ({said[0][3]})"
    return ": " + ", ".join(f"{n} {length} ({words})" for n, length, words, _ in said)
