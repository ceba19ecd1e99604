"""One recorded note of a synth's note set (:class:`Note`), and how the note loader speaks: a ``warning:`` line on
stderr, a ``note:`` line on stdout.  Split from trainer/synth/data.py, which re-exports them."""
from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np

from device.audio.protect import block_rms


@dataclass
class Note:
    """One recorded note: ``audio`` [N] float32 at the set's rate, ``pitch`` MIDI number, ``velocity`` 1..127."""

    instrument: str
    pitch: float
    velocity: int
    audio: np.ndarray
    path: str = ""
    measured: float | None = None       # pitch measured from the audio (None: not measured)
    rate: int = 0                       # the file's own sample rate, Hz (0: not from a file)
    past_s: float = 0.0                 # seconds the note sounds in its file past the crop (:func:`sounding_past`)


PAST_DB = 40.0          # a note sounds while its 10 ms frames are within this of its loudest (over a noise floor)


def sounding_past(x: np.ndarray, rate: int, n: int) -> float:
    """Seconds ``x`` [M] (a note from its onset, at ``rate`` Hz) goes on sounding past its first ``n`` samples (the
    crop to --seconds): 0.0 where it is no longer sounding at the crop's end (10 ms frames' RMS more than
    :data:`PAST_DB` under the loudest) or the file ends there; else up to its first frame under that, or the file's
    end.  A note still held at the crop had its release tail cut off (p60 QA: keys up at 1.6-2.0 s, --seconds 1.5)."""
    frame = max(1, rate // 100)
    m = len(x) // frame
    at = n // frame
    if at < 1 or at >= m:
        return 0.0
    rms = block_rms(x, frame)
    floor = float(rms.max()) * 10.0 ** (-PAST_DB / 20.0)
    if rms[at - 1] < floor:
        return 0.0
    quiet = np.flatnonzero(rms[at:] < floor)
    end = at + int(quiet[0]) if len(quiet) else m
    return max(0.0, (end * frame - n) / rate)


def fit_length(audio: np.ndarray, n: int) -> np.ndarray:
    """``audio`` [M] cut or padded with silence to ``n`` samples -> [n] float32."""
    out = np.zeros(n, np.float32)
    out[: min(n, len(audio))] = audio[:n]
    return out


def print_warning(text: str) -> None:
    """The default ``warn`` of :func:`load_folder` and :func:`load_note`: a ``warning: ...`` line on stderr (every
    warning is, the summary on stdout: p44 terminal QA)."""
    print(f"warning: {text}", file=sys.stderr, flush=True)


def print_note(text: str) -> None:
    """The default ``note`` of :func:`load_folder`: a ``note: ...`` line on stdout."""
    print(f"note: {text}", file=sys.stdout, flush=True)
