"""The end of the output: the last blocks of a take or of a stopped box glide to exactly 0.

The engine's ``fade_out`` glides its volume to silence over ``engine.VOLUME_GLIDE_S``, ahead of the output stage; what
the stage holds on its own goes on after it (the DC blocker's tracked mean after an input with an offset: -0.3 after a
0.3 offset; the correction of the limiter's DC after a loud uneven wave: +0.03 after the drive's +6 dBFS square), and
the take or the device would end on it.  :class:`EndGlide` glides the output itself to 0 over the same time, after the
stage (a gain <= 1: the ceiling holds), so every end of the output is a glide to exactly 0 (p58 F6).

Units: ``rate`` in Hz, ``period`` and glide lengths in samples unless a name ends in ``_blocks``.
"""
from __future__ import annotations

import math

import numpy as np


def end_glide_blocks(rate: int, period: int) -> int:
    """Blocks of ``period`` samples at ``rate`` Hz that the engine's ``fade_out`` asks for: its volume glide
    (device/audio/engine.py VOLUME_GLIDE_S), then one silent block."""
    from device.audio.engine import VOLUME_GLIDE_S
    return math.ceil(VOLUME_GLIDE_S * rate / period) + 1


class EndGlide:
    """The output's own glide to 0 at its end, block by block (no allocation once made).

    :meth:`start` it when the engine's ``fade_out`` starts, with the blocks left; :meth:`apply` then multiplies each
    output block by a gain falling in a straight line from 1 to 0 over the engine's glide (over the blocks left
    when fewer), then 0.  Started twice (a stop during a take's own end), it goes on from where it is."""

    def __init__(self, rate: int, period: int) -> None:
        from device.audio.engine import VOLUME_GLIDE_S
        self.period = int(period)
        self.samples = max(1, int(round(VOLUME_GLIDE_S * rate)))        # the engine's volume glide
        self.blocks = end_glide_blocks(rate, period)                       # what the engine's fade_out runs
        size = self.blocks * self.period
        self._index = np.arange(1, size + 1, dtype=np.float32)            # [1 .. size]
        self._gain = np.zeros(size, np.float32)
        self.at: int | None = None                                          # samples into the glide (None: none)

    def start(self, blocks: int) -> None:
        """The output ends after ``blocks`` more blocks (this one included): glide to 0 within them."""
        if self.at is not None:
            return
        span = float(max(1, min(self.samples, blocks * self.period, self._gain.shape[0])))
        np.divide(self._index, np.float32(span), out=self._gain)
        np.subtract(np.float32(1.0), self._gain, out=self._gain)
        np.maximum(self._gain, np.float32(0.0), out=self._gain)
        self.at = 0

    def apply(self, out: np.ndarray) -> None:
        """``out`` [period] float32 times the glide's gain, in place (nothing before :meth:`start`)."""
        if self.at is None:
            return
        n = out.shape[0]
        gain = self._gain[self.at:self.at + n]
        if gain.shape[0] < n:                  # past the glide: silence
            out.fill(0.0)
        else:
            out *= gain
        self.at += n
