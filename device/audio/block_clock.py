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
:func:`batch_stamps` keeps the notes of one batch as they were played (a chord together, a flam's or a roll's spacing)
when the batch reached the engine late.
"""
from __future__ import annotations

import time
from typing import Any

from device.finite_numbers import finite_or_none

STAMP_SLACK_S = 0.001  # a stamped note is due this long after its stamp: its way to the engine process (0.1-0.5 ms
                       # here, as a round trip; more when the interpreter is busy)
GAIN = 0.05          # the fraction of each reading's error taken in: random jitter shrinks sqrt((2 - GAIN) / GAIN)
                     # times, 6.2 (a steady drift is followed with no lasting error)
RESET_S = 0.010      # a reading further than this from the expected time is a new start (s)
AHEAD_S = 0.010      # a late batch keeps its notes' spacing over at most this span, and a stamp it moved on
                     # (batch_stamps) counts at most this far after now (s): a flam, a roll's few strokes
MOVED = "moved"      # the key batch_stamps marks such a message with (True)


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
    placed than an unstamped one.  A stamp after now counts as now (a bad client's neither waits long nor holds up
    the notes behind it), but one a late batch's :func:`batch_stamps` moved on (:data:`MOVED`) up to :data:`AHEAD_S`
    ahead: the later notes of a flam keep their distance from its first."""
    now, at = time.monotonic(), msg.get("at")
    if at is None:
        return now
    return max(now, min(float(at), now + (AHEAD_S if msg.get(MOVED) is True else 0.0)) + STAMP_SLACK_S)


def batch_stamps(msgs: list[dict[str, Any]], taken: float) -> list[dict[str, Any]]:
    """``msgs``, one batch the engine took at ``taken`` (time.monotonic() seconds), with the stamps moved on by one
    offset when some came late (stamped longer than :data:`STAMP_SLACK_S` before ``taken``): ``taken`` less the
    earliest late stamp, so that one is due one slack after the batch came and the rest keep their distance from it.
    A chord plays at one sample (:func:`due_time` had made each note due as the engine got to it, smeared over its
    handling: 1.4 ms, six onsets, seen on a loaded 2-core machine), and a flam or a roll queued late keeps its spacing
    (p53 review: moving each late stamp to ``taken`` squashed it onto one sample).  The batch's last notes, stamped
    within the slack, move with the late ones, so all stay in the order and spacing they were played in; each message
    moved is marked :data:`MOVED` (:func:`due_time` lets its stamp be ahead).  That holds over :data:`AHEAD_S` (10 ms)
    from the first late stamp; a batch spread wider (a stall: one note 80 ms late, the newest just played) has its
    late stamps moved to ``taken`` and the rest kept, so a note played just now is never held back by the stall (final
    read: moved by the one offset it was due 50 ms late).  A batch with none late keeps its stamps
    (the notes of a played chord keep their own spread); an unstamped message, or one whose stamp is not a finite
    number (validation refuses it), is left as it is."""
    stamps = [_stamp(msg) for msg in msgs]
    late = [at for at in stamps if at is not None and at + STAMP_SLACK_S < taken]
    if not late:
        return msgs
    first = min(late)
    if max(at for at in stamps if at is not None) - first > AHEAD_S:        # a stall: the late ones as the batch came,
        return [{**msg, "at": taken} if at is not None and at + STAMP_SLACK_S < taken else msg   # the rest on time
                for msg, at in zip(msgs, stamps)]
    return [{**msg, "at": at + taken - first, MOVED: True} if at is not None and at >= first else msg
            for msg, at in zip(msgs, stamps)]


def _stamp(msg: Any) -> float | None:
    """The ``at`` stamp of control message ``msg`` (s), or None: unstamped, or not a finite number."""
    return finite_or_none(msg.get("at") if isinstance(msg, dict) else None)
