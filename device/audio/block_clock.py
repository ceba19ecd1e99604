"""The wall-clock time each audio block stands for, smoothed over the audio thread's wake-up jitter.

A block rendered at ``now`` (time.monotonic() seconds) stands for the N samples' time before it; the sampler places a
note stamped ``at`` in it (device/audio/sampler.py, ``SamplerSource.timed``).  The thread wakes a little early or
late each block (0.1-0.3 ms on this VM's paced runs; a sound card's period interrupt on the board), so reading the
clock as is would move two notes of one flam apart or together by that much whenever a block boundary falls between
them.  :class:`BlockClock` follows the readings with a first-order delay-locked loop, as JACK's and PipeWire's
clocks do: each block's time is the last one's plus N / rate, pulled a fraction ``gain`` of the way towards the
reading; a reading further off than ``reset_s`` (the stream restarted after a dropout, the source was off a while)
is taken as it is.

:func:`due_time` is when a control message is due, the one reading of its ``at`` stamp for the sampler and the synth.
"""
from __future__ import annotations

import time
from typing import Any

STAMP_SLACK_S = 0.001  # a stamped note is due this long after its stamp: its way to the engine process (0.1-0.5 ms
                       # here, as a round trip; more when the interpreter is busy)
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


def due_time(msg: dict[str, Any]) -> float:
    """When control message ``msg`` is due (time.monotonic() seconds) for a timed source.  A message without ``at``
    (the panel's pads, the API, OSC) is due as it comes; one stamped where its MIDI came in (``at``)
    :data:`STAMP_SLACK_S` after its stamp, so that its way here (another process, a busy interpreter) does not move
    it within its block, or as it comes when that was later still: a note held up longer is played late, never worse
    placed than an unstamped one."""
    now, at = time.monotonic(), msg.get("at")
    if at is None:
        return now
    return max(now, min(float(at), now) + STAMP_SLACK_S)
