"""One recorded note of a synth's note set (:class:`Note`), and how the note loader speaks: a ``warning:`` line on
stderr, a ``note:`` line on stdout.  Split from trainer/synth/data.py, which re-exports them."""
from __future__ import annotations

import sys
from dataclasses import dataclass

import numpy as np


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
