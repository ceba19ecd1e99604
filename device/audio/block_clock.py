"""The wall-clock time each audio block stands for, smoothed over the audio thread's wake-up jitter.

A block rendered at ``now`` (time.monotonic() seconds) stands for the N samples' time before it; the sampler places a
note stamped ``at`` in it (device/audio/sampler.py, ``SamplerSource.timed``).  The thread wakes a little early or
late each block (0.1-0.3 ms on this VM's paced runs; a sound card's period interrupt on the board), so reading the
clock as is would move two notes of one flam apart or together by that much whenever a block boundary falls between
them.  :class:`BlockClock` follows the readings with a first-order delay-locked loop, as JACK's and PipeWire's
clocks do: each block's time is the last one's plus N / rate, pulled a fraction ``gain`` of the way towards the
reading; a reading further off than ``reset_s`` (the stream restarted after a dropout, the source was off a while)
is taken as it is.

:func:`due_time` is when a control message is due, the one reading of its ``at`` stamp for the sampler and the synth;
:func:`batch_stamps` keeps the notes of one batch together when the batch reached the engine late.
"""
from __future__ import annotations

import math
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


def batch_stamps(msgs: list[dict[str, Any]], taken: float) -> list[dict[str, Any]]:
    """``msgs``, one batch the engine took at ``taken`` (time.monotonic() seconds), with the stamps of those that came
    late (stamped longer than :data:`STAMP_SLACK_S` before ``taken``) moved to ``taken``: each is then due one slack
    after the batch came, all at one sample, where :func:`due_time` would have made each due as the engine got to
    it, a chord smeared over its handling (1.4 ms, six onsets, seen on a loaded 2-core machine).  A message on time
    keeps its stamp (the notes of a played chord keep their own spread); an unstamped one, or one whose stamp is not a
    finite number (validation refuses it), is left as it is."""
    out = []
    for msg in msgs:
        at = msg.get("at") if isinstance(msg, dict) else None
        late = (isinstance(at, (int, float)) and not isinstance(at, bool) and math.isfinite(at)
                and float(at) + STAMP_SLACK_S < taken)
        out.append({**msg, "at": taken} if late else msg)
    return out
