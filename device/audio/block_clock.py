"""The wall-clock time each audio block stands for, smoothed over the audio thread's wake-up jitter.

A block rendered at ``now`` (time.monotonic() seconds) stands for the N samples' time before it; the sampler places a
note stamped ``at`` in it (device/audio/sampler.py, ``SamplerSource.timed``).  The thread wakes a little early or
late each block (0.1-0.3 ms on this VM's paced runs; a sound card's period interrupt on the board), so reading the
clock as is would move two notes of one flam apart or together by that much whenever a block boundary falls between
them.  :class:`BlockClock` follows the readings with a first-order delay-locked loop, as JACK's and PipeWire's
clocks do: each block's time is the last one's plus N / rate, pulled a fraction ``gain`` of the way towards the
reading; a reading further off than ``reset_s`` (the stream restarted after a dropout, the source was off a while)
is taken as it is.
"""
from __future__ import annotations

GAIN = 0.05          # the fraction of each reading's error taken in: random jitter shrinks sqrt((2 - GAIN) / GAIN)
                     # times, 6.2 (a steady drift is followed with no lasting error)
RESET_S = 0.010      # a reading further than this from the expected time is a new start (s)


class BlockClock:
    """Smoothed block times for a stream at ``rate`` Hz; :meth:`tick` once per block."""

    def __init__(self, rate: int, gain: float = GAIN, reset_s: float = RESET_S) -> None:
        self.rate, self.gain, self.reset_s = int(rate), float(gain), float(reset_s)
        self.t: float | None = None         # the last block's time (its end: when its last sample is due)

    def tick(self, now: float, n: int) -> float:
        """The time (s) block of ``n`` samples read at ``now`` stands for (the end of its span: the block covers
        ``[t - n / rate, t]``)."""
        if self.t is None:
            self.t = now
            return now
        expected = self.t + n / self.rate
        error = now - expected
        self.t = now if abs(error) > self.reset_s else expected + self.gain * error
        return self.t

    def reset(self) -> None:
        """Forget the stream (the next reading starts it again)."""
        self.t = None
