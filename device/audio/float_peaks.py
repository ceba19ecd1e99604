"""How loud a decoded audio file's float samples may be: a float file far over full scale holds integer-scale values
(a 16-bit 16384 written as a float), not audio, and one just over full scale is said by the trainers.  Moved out of
device.audio.audiofile (which re-exports these names)."""
from __future__ import annotations

import numpy as np

# +24 dBFS: float samples beyond this (linear) are integer-scale values (a 16-bit 16384 written as a float), not
# audio: the sampler refuses to play such a file and the box refuses it at upload (:func:`float_peak_problem`)
MAX_FLOAT_PEAK = 16.0
# what to do about such a file (NAME: its file name)
FLOAT_PEAK_HINT = ("scale it down to full scale: normalise it in an audio editor, or for 16-bit values "
                   "`ffmpeg -i '{name}' -af volume=1/32768 fixed.wav`")


def float_peak_problem(peak: float) -> str:
    """Why audio whose decoded samples peak at ``peak`` (linear, full scale 1.0) is no audio the box plays
    ("" if it is): above :data:`MAX_FLOAT_PEAK` it was written with integer values, not as float audio."""
    if not peak > MAX_FLOAT_PEAK:
        return ""
    return (f"its float samples peak at {peak:.6g}, far beyond full scale (1.0): it was written with integer "
            "values (16-bit ones run to 32768), not as float audio")


OVER_FULL_SCALE = 10.0 ** (1.0 / 20.0)      # a float file peaking over +1 dBFS (linear) is said by the trainers


def over_full_scale_words(peak: float, label: str) -> str | None:
    """"C4.wav peaks at +5.1 dBFS, over full scale (a float file)" for a file (``label``) whose decoded samples peak
    at ``peak`` (linear, full scale 1.0) over :data:`OVER_FULL_SCALE`, else None: the start of `train synth`'s and
    `train effect`'s warnings, each going on with what it means for what it trains."""
    if not peak > OVER_FULL_SCALE:
        return None
    return f"{label} peaks at {20.0 * np.log10(peak):+.1f} dBFS, over full scale (a float file)"
