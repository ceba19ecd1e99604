"""The audio thread's block loop: read -> engine.process -> write, block after block, on either backend.

Both backends (device/audio/alsa_io.AlsaIO, the sound card; device/audio/file_io.FileIO, files offline) have the same
three verbs, so the loop and the graph are identical online and offline:

- ``read(buf) -> bool``  fill ``buf`` [period] float32 with the next captured block
  (False: an overrun happened before it; the block is still filled);
- ``write(buf) -> bool`` queue ``buf`` [period] for playback (False: an underrun happened);
- ``close()``.

The file plugin's ``null`` slave does not pace in real time, so :class:`~device.audio.pacer.Pacer` can hold each block
to its wall-clock due time and count a deadline miss as an xrun, as a card would.
"""
from __future__ import annotations

import threading
import time
from typing import Any, Callable

import numpy as np

from device.audio.file_io import FileIO
from device.audio.pacer import Pacer, other_threads
from device.audio.take_end import EndGlide


def run_loop(engine: Any, io: Any, *, seconds: float | None = None, pace: bool = False,
             stop: threading.Event | None = None,
             on_block: Callable[[int], None] | None = None) -> dict[str, Any]:
    """The audio thread: read -> engine.process -> write, block after block.

    Runs until ``stop`` is set, for at most ``seconds`` of audio (whole blocks, at least one: p59 M2, ``--seconds
    0.001`` ran none and wrote an empty take), and on a FileIO with an input until that input ends, whichever comes
    first (p59 M2: a ``seconds`` past the input's end played silence after it, ``--seconds 1e9`` never ended, and the
    input's end was a hard cut inside the take); a FileIO without input feeds silence until ``stop`` or ``seconds``.
    Ctrl-C (KeyboardInterrupt) stops it as ``stop`` does, so the caller still closes the I/O (a file backend's WAV is
    finished).
    The output rises from silence at the start and glides to silence at every end, the engine's ``fade_in`` /
    ``fade_out``, so the speakers do not click and a take does not end on a full-level sample: once stopped (``stop``
    or Ctrl-C, or the end of ``seconds`` on a sound card) over a few more blocks; at the end of the file backend's
    take (its ``seconds``, or the end of its input), which keeps its exact length, over its own last 10 ms, after
    the output stage and without ``fade_out`` (:func:`_take_end`).  ``fade_blocks``: the blocks of that glide (counted in ``blocks``).  What the output
    stage holds after the engine's glide (an offset's tracked mean) glides to 0 with it (device/audio/take_end.py).
    Returns counters (blocks, xruns, deadline misses, worst lateness in ms, ``interrupted``).
    """
    period = io.cfg.period
    inp, out = np.zeros(period, np.float32), np.zeros(period, np.float32)
    pacer = Pacer(io.cfg.rate, period, io.cfg.periods) if pace else None
    total = None if seconds is None else max(1, whole_blocks(seconds, io.cfg.rate, period))
    io_stats = {"io_max_ms": 0.0, "io_slow_blocks": 0, "misses_with_slow_io": 0}
    k = ending = 0                    # ending: the blocks of the take's own end glide, once it has begun
    glide = EndGlide(io.cfg.rate, period)
    interrupted = False
    if hasattr(engine, "fade_in"):
        engine.fade_in()
    try:
        while (total is None or k < total) and not (stop is not None and stop.is_set()):
            if isinstance(io, FileIO) and io.exhausted:
                break
            ending = ending or _take_end(engine, io, k, total, glide)
            _one_block(engine, io, inp, out, pacer, io_stats, glide)
            k += 1
            if on_block is not None:
                on_block(k)
    except KeyboardInterrupt:         # Ctrl-C in a terminal reaches the engine process too
        interrupted = True
    fade = 0
    # a sound card also glides to silence after the end of ``seconds``: it stopped on a full-level sample, a click on
    # the speakers (twenty-seventh stop's QA); the file backend's take, exactly ``seconds`` long, glided in its own
    # last blocks (_take_end)
    timed_out = total is not None and k >= total and not isinstance(io, FileIO)
    if (interrupted or timed_out or (stop is not None and stop.is_set())) and hasattr(engine, "fade_out"):
        fade = _fade_out(engine, io, inp, out, pacer, io_stats, glide)
    return {"blocks": k + fade, "fade_blocks": fade + ending, "xruns": engine.xruns, **io_stats,
            "interrupted": interrupted,
            "deadline_misses": pacer.misses if pacer else 0, "missed_blocks": pacer.missed if pacer else [],
            "worst_late_ms": 1000.0 * pacer.worst_late_s if pacer else 0.0}


def whole_blocks(seconds: float, rate: int, block: int) -> int:
    """The blocks of ``block`` samples nearest ``seconds`` at ``rate`` Hz (0 under half a block): what a run of
    ``seconds`` plays, at least one (:func:`run_loop`; `hatbox device run` says so of a --seconds under one)."""
    return int(round(seconds * rate / block))


MISS_DETAILS = 32                 # missed blocks whose timing breakdown run_loop keeps


def _take_end(engine: Any, io: Any, k: int, total: int | None, glide: EndGlide) -> int:
    """Before block ``k`` (0-based) of a file backend's take that ends by itself (after ``total`` blocks, or at the
    end of its input, whichever comes first): once the glide must begin in this block (``glide.due``: the take's
    end is within the engine's glide time and a block), start the output's glide to end on the take's last sample
    (``glide.end_in``: the input's last sample when the take ends on a part block) and return the blocks left;
    0 otherwise, and 0 when the recording's length limit comes first (:meth:`FileIO.run_ends_in`: the recording
    glides to 0 there itself, and a second fall here would ramp its last samples twice).  The take keeps its exact
    length and its content up to its last ~10 ms (p58 QA: a take ended by ``--seconds`` or by its input stopped on a
    full-level sample; R1: the engine's ``fade_out`` here, which starts on a block's first sample and adds a silent
    block, silenced up to 0.28 s of a take at block 8192)."""
    if not isinstance(io, FileIO):
        return 0
    left = io.input_left()
    samples = left if total is None else (total - k) * io.cfg.period
    if samples is None:
        return 0
    samples = min(samples, left) if left is not None else samples
    if not glide.due(samples) or io.run_ends_in(samples):
        return 0
    glide.end_in(samples)
    return max(1, -(-samples // io.cfg.period))


def _fade_out(engine: Any, io: Any, inp: np.ndarray, out: np.ndarray, pacer: Pacer | None,
              io_stats: dict[str, Any], glide: EndGlide) -> int:
    """Stopped: the last blocks glide the output to silence (the engine's ``fade_out``), so the speakers do not
    click when the device closes; returns the blocks run.  A second Ctrl-C cuts it short.  A file backend's
    recording falls once (:func:`_to_the_limit`): by the stop's fall, its length limit's called off, or, when the
    limit comes within the stop's fall, by the limit's own, the stop's fall then beginning at the limit."""
    done = 0
    try:
        for _ in range(_to_the_limit(io, glide, out.shape[0])):
            _one_block(engine, io, inp, out, pacer, io_stats, glide)
            done += 1
        blocks = engine.fade_out(out.shape[0])
        glide.start(blocks)
        for _ in range(blocks):
            _one_block(engine, io, inp, out, pacer, io_stats, glide)
            done += 1
    except KeyboardInterrupt:
        pass
    return done


def _to_the_limit(io: Any, glide: EndGlide, period: int) -> int:
    """At a stop: the blocks of ``period`` samples to play on before the stop's fall, so that a file backend's
    recording falls once.  Its length limit's fall is called off when the stop's fall (``glide.samples``, the engine's
    10 ms) ends before the limit (:meth:`FileIO.run_ends_in`); a limit within it keeps its own fall, and the run plays
    on to the limit (at most 10 ms more) before the stop's fall begins, past the recording's end (p60 F2: both fell
    over the same samples, the recording multiplied by two falls, and, the engine's volume glide counted, three).
    0 for a sound card, a run without a limit, and a take whose own end is falling already (its limit was called off
    when that began)."""
    if not isinstance(io, FileIO) or glide.at is not None or not io.run_ends_in(glide.samples):
        return 0
    return max(0, -(-(io.out_limit - io.written) // period))


def _one_block(engine: Any, io: Any, inp: np.ndarray, out: np.ndarray, pacer: Pacer | None,
               io_stats: dict[str, Any], glide: EndGlide | None = None) -> None:
    """read -> process -> write; times the device calls (a slow write is the device's, not ours).

    For a block that misses its deadline, ``io_stats["miss_detail"]`` gets where the time went (ms):
    how late the thread woke (the OS or another thread holding the interpreter), the read, the
    engine's compute and the write."""
    if pacer is not None:
        pacer.wait()
    t0 = time.perf_counter()
    ok = io.read(inp)
    t1 = time.perf_counter()
    engine.process(inp, out)
    if glide is not None:
        glide.apply(out)
    t2 = time.perf_counter()
    ok = io.write(out) and ok
    t3 = time.perf_counter()
    io_s = (t1 - t0) + (t3 - t2)
    slow = io_s > 0.001
    io_stats["io_max_ms"] = max(io_stats["io_max_ms"], 1000.0 * io_s)
    io_stats["io_slow_blocks"] += slow
    if pacer is not None:
        before, k = pacer.misses, pacer.k
        woke_late = t0 - (pacer.start + (k + 1) * pacer.period_s)
        pacer.done()
        if pacer.misses != before:
            ok = False
            io_stats["misses_with_slow_io"] += slow
            details = io_stats.setdefault("miss_detail", [])
            if len(details) < MISS_DETAILS:
                details.append({"block": k, "woke_late_ms": round(1000 * woke_late, 3),
                                "read_ms": round(1000 * (t1 - t0), 3), "compute_ms": round(1000 * (t2 - t1), 3),
                                "write_ms": round(1000 * (t3 - t2), 3), "other_threads": other_threads()})
    if not ok:
        engine.note_xrun()
