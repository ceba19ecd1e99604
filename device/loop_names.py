"""What a sample's file name says of its tempo and bars ("break_92bpm.wav", "groove (4 bars).wav", "bpm120_loop.wav"),
for the kit (device.kit: a drum word's note holding a loop) and the sampler's warnings (device.audio.sample_decode:
where a loop cut at ``max_seconds`` could be trimmed).  Pure: names and numbers only, no files read.

Names read: a tempo of 2-3 digits (a decimal allowed) right before or after "bpm" ("92bpm", "92 BPM", "92.5_bpm",
"bpm120", "drums_v2.120bpm"), 40-300 BPM; a bar count of 1-2 digits right before "bar" or "bars", not after a letter
or another digit ("4bars", "(8 bars)", "4-bar"; not "kit_808_bar", "take2 bars").  A bare number ("loop-120",
"Am_120") says nothing: it could be a take, a version or a tempo.
"""
from __future__ import annotations

import math
import re

TEMPO_MIN, TEMPO_MAX = 40.0, 300.0    # a tempo (BPM) read from a name outside this is none
_NUMBER = r"(\d{2,3}(?:\.\d+)?)"
BPM_NAME = re.compile(rf"(?<![0-9]){_NUMBER}\s*[-_ ]?bpm|bpm\s*[-_ ]?{_NUMBER}(?![0-9])", re.IGNORECASE)
BARS_NAME = re.compile(r"(?<![0-9.a-z])(\d{1,2})\s*[-_ ]?bars?(?![a-z])", re.IGNORECASE)


def name_tempo(name: str) -> float | None:
    """The tempo (BPM) file name ``name`` gives (:data:`BPM_NAME`, within 40-300), None when it gives none."""
    got = BPM_NAME.search(name)
    if got is None:
        return None
    tempo = float(got[1] or got[2])
    return tempo if TEMPO_MIN <= tempo <= TEMPO_MAX else None


def name_bars(name: str) -> int | None:
    """The bar count file name ``name`` gives (:data:`BARS_NAME`, 1 or more), None when it gives none."""
    got = BARS_NAME.search(name)
    return int(got[1]) if got and int(got[1]) > 0 else None


def says_bars(name: str) -> bool:
    """Whether file name ``name`` gives a tempo or a bar count (a loop's name, not a drum hit's)."""
    return bool(BPM_NAME.search(name) or BARS_NAME.search(name))


def bar_seconds(name: str, length: float) -> float | None:
    """A 4/4 bar's length (s) as file ``name`` says it: from a tempo in it (:func:`name_tempo`), else from a bar
    count (:func:`name_bars`) and the file's ``length`` (s; nan: unknown); None when it says neither."""
    tempo = name_tempo(name)
    if tempo is not None:
        return 240.0 / tempo
    bars = name_bars(name)
    return length / bars if bars is not None and math.isfinite(length) else None
