"""The end of the output: the last blocks of a take or of a stopped box glide to exactly 0.

The engine's ``fade_out`` glides its volume to silence over ``engine.VOLUME_GLIDE_S``, ahead of the output stage; what
the stage holds on its own goes on after it (the DC blocker's tracked mean after an input with an offset: -0.3 after a
0.3 offset; the correction of the limiter's DC after a loud uneven wave: +0.03 after the drive's +6 dBFS square), and
the take or the device would end on it.  :class:`EndGlide` glides the output itself to 0 over the same time, after the
stage (a gain <= 1: the ceiling holds), so every end of the output is a glide to exactly 0 (p58 F6).

Units: ``rate`` in Hz, ``period`` and glide lengths in samples unless a name ends in ``_blocks``.
"""
from __future__ import annotations

import numpy as np


class EndGlide:
    """The output's own glide to 0 at its end, block by block (no allocation once made).

    Two ways to end: :meth:`start` when the engine's ``fade_out`` starts (a stop), with the blocks it runs; the gain
    falls in a straight line from 1 to 0 over the engine's glide (over the blocks left when fewer), then 0.
    :meth:`end_in` for a file take's own end (no ``fade_out``: its glide starts on a block's first sample, and at large
    blocks would silence most of the take's last block): the gain stays 1, then falls to exactly 0 on the take's last
    sample over the engine's glide time (over the whole rest of the take when shorter).  :meth:`apply` multiplies each
    output block by it.  Started twice (a stop during a take's own end), it goes on from where it is."""

    def __init__(self, rate: int, period: int) -> None:
        from device.audio.engine import STOP_SILENT_BLOCKS, VOLUME_GLIDE_S, glide_blocks
        self.period = int(period)
        self.samples = max(1, int(round(VOLUME_GLIDE_S * rate)))        # the engine's volume glide
        self.take_blocks = glide_blocks(rate, period)                      # a take's own end glides in these
        size = (self.take_blocks + STOP_SILENT_BLOCKS) * self.period      # what the engine's fade_out runs
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

    def end_in(self, samples: int) -> None:
        """The take ends after ``samples`` more samples (from this block's first; at most ``take_blocks`` blocks):
        the gain is 1, then falls to 0 on sample ``samples - 1``; 0 after it."""
        if self.at is not None:
            return
        n = self._gain.shape[0]
        last = min(max(int(samples), 1), n) - 1                            # index of the take's last sample
        span = np.float32(max(1, min(self.samples, last)))
        np.subtract(np.float32(last + 1), self._index, out=self._gain)    # samples from each to the last
        np.divide(self._gain, span, out=self._gain)
        np.clip(self._gain, np.float32(0.0), np.float32(1.0), out=self._gain)
        self.at = 0

    def apply(self, out: np.ndarray) -> None:
        """``out`` [period] float32 times the glide's gain, in place (nothing before :meth:`start` / :meth:`end_in`)."""
        if self.at is None:
            return
        n = out.shape[0]
        gain = self._gain[self.at:self.at + n]
        if gain.shape[0] < n:                  # past the glide: silence
            out.fill(0.0)
        else:
            out *= gain
        self.at += n


def cut_ramp(rate: int) -> np.ndarray:
    """[round(VOLUME_GLIDE_S * rate)] float32: a gain falling in a straight line to exactly 0 on its last sample (the
    recording's length limit glides the kept part's last samples with it, device/audio/alsa_io.FileIO)."""
    from device.audio.engine import VOLUME_GLIDE_S
    n = max(1, int(round(VOLUME_GLIDE_S * rate)))
    return (np.arange(n - 1, -1, -1, dtype=np.float64) / n).astype(np.float32)
