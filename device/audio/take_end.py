"""The end of the output: the last blocks of a take or of a stopped box glide to exactly 0.

The engine's ``fade_out`` glides its volume to silence over ``engine.VOLUME_GLIDE_S``, ahead of the output stage; what
the stage holds on its own goes on after it (the DC blocker's tracked mean after an input with an offset: -0.3 after a
0.3 offset; the correction of the limiter's DC after a loud uneven wave: +0.03 after the drive's +6 dBFS square), and
the take or the device would end on it.  :class:`EndGlide` glides the output itself to 0 over the same time, after the
stage (a gain <= 1: the ceiling holds), so every end of the output is a glide to exactly 0 (p58 F6).  It is the one
fall to 0 of a take's end: the block loop's for the take's own end and a stop (device/audio/block_loop.py), the file
backend's for its recording's length limit (device/audio/file_io.FileIO), whichever comes first (p59 F1).

Units: ``rate`` in Hz, ``period`` and glide lengths in samples unless a name ends in ``_blocks``.
"""
from __future__ import annotations

import numpy as np


class EndGlide:
    """The output's own glide to 0 at its end, block by block (no allocation once made).

    Two ways to end: :meth:`start` when the engine's ``fade_out`` starts (a stop), with the blocks it runs; the gain
    falls in a straight line from 1 to 0 over the engine's glide (over the blocks left when fewer), then 0.
    :meth:`end_in` for a file take's own end or a recording's length limit (no ``fade_out``: its glide starts on a
    block's first sample, and at large blocks would silence most of the take's last block), called on the block
    :meth:`due` says: the gain stays 1, then falls in a straight line to exactly 0 on the take's last sample over the
    engine's glide time (over the whole take when it is shorter).  :meth:`apply` multiplies each output block by it.
    Started twice (a stop during a take's own end), it goes on from where it is."""

    def __init__(self, rate: int, period: int) -> None:
        from device.audio.engine import STOP_SILENT_BLOCKS, VOLUME_GLIDE_S, glide_blocks
        self.period = int(period)
        self.samples = max(1, int(round(VOLUME_GLIDE_S * rate)))        # the engine's volume glide
        self.take_blocks = glide_blocks(rate, period)                      # the glide's blocks
        # what the engine's fade_out runs, and the most a take's own end glides in (``due``: one more block)
        size = (self.take_blocks + max(1, STOP_SILENT_BLOCKS)) * self.period
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

    def due(self, samples: int) -> bool:
        """Whether a take that ends after ``samples`` more samples (from this block's first) must begin its glide in
        this block: its whole glide would not fit after it (a part block at the end included; before p59 F1 the
        glide began ``take_blocks`` blocks before the end's block, and an end 1..period-1 samples into a block fell
        over fewer samples than the glide's: 447 of 480 for a take of 14400 samples at block 128)."""
        return samples < self.samples + self.period

    def end_in(self, samples: int) -> None:
        """The take ends after ``samples`` more samples (from this block's first; :meth:`due` said so, so at most
        ``take_blocks`` + 1 blocks): the gain is 1, then falls to 0 on sample ``samples - 1``; 0 after it."""
        if self.at is not None:
            return
        n = self._gain.shape[0]
        last = min(max(int(samples), 1), n) - 1                            # index of the take's last sample
        span = np.float32(min(self.samples, last + 1))                    # samples under 1, the last one 0
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

