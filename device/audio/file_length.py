"""A file's length from its header (device.audio.audiofile.file_seconds), nan where it cannot be read, for the
sampler's warnings (device.audio.sample_decode) and a kit made of a library (device/api/kit_loops.py: each file's
header read once per request, shared by the loop rule and the answer's ``long_files``)."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Callable

from device.audio.audiofile import file_seconds
from hatbox.errors import AudioFileError


def seconds_or_nan(path: str | Path) -> float:
    """The length (s) of the audio file at ``path`` from its header; nan when it cannot be read."""
    try:
        return file_seconds(path)
    except (AudioFileError, OSError):
        return math.nan


def seconds_in(files: Path) -> Callable[[str], float]:
    """A function: a file's path inside folder ``files`` -> :func:`seconds_or_nan` of it, each file's header read
    once (memoised for the function's life: one request)."""
    known: dict[str, float] = {}

    def seconds(rel: str) -> float:
        if rel not in known:
            known[rel] = seconds_or_nan(files / rel)
        return known[rel]
    return seconds
