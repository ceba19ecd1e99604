"""Timing a pack's network as the engine would call it, for device/validate.py's realtime check: zero inputs for one
engine call (:func:`trial_feeds`), how much audio one call covers (:func:`block_seconds`), CPU seconds of repeated
calls with the garbage collector held off (:func:`time_calls`), and the verdict on a synth (:func:`synth_load`)."""
from __future__ import annotations

import gc
import time
from typing import Any, Callable

import numpy as np

from export.manifest import MAX_TENSOR_ELEMENTS, Manifest
from hatbox.errors import PackError
from hatbox.text import count_words, number_words


def block_seconds(m: Manifest, engine: Any) -> tuple[int, float]:
    """(samples or frames per call, seconds of audio one call covers)."""
    frame = m.extras.get("frame_seconds")
    if m.kind == "synth" and isinstance(frame, (int, float)) and frame > 0:
        return 1, float(frame)
    return engine.block_size, engine.block_size / m.sample_rate


def trial_voices(m: Manifest) -> int:
    """How many voices one call of the model computes together: the first dimension of its first state
    (a synth's GRU state is [voices, hidden]); 1 without one."""
    return next((s.shape[0] for s in m.state if s.shape), 1)


def trial_feeds(m: Manifest, block: int) -> dict[str, np.ndarray]:
    """Zero inputs for one engine call: "T"-like dims get ``block``, batch-like dims the voices."""
    states = {s.input: s for s in m.state}
    voices = trial_voices(m)
    feeds = {}
    for spec in m.inputs:
        if spec.name in states:
            shape = states[spec.name].shape
        else:
            shape = tuple(d if isinstance(d, int) else (voices if d.upper() in ("B", "N", "V") else block)
                          for d in spec.shape)
        if int(np.prod(shape, dtype=np.float64)) > MAX_TENSOR_ELEMENTS:
            raise PackError(f"input '{spec.name}' would be {list(shape)} for one engine call: more than "
                            f"{MAX_TENSOR_ELEMENTS} values", check="realtime")
        feeds[spec.name] = np.zeros(shape, dtype=spec.dtype)
    return feeds


def synth_load(m: Manifest, engine: Any, times: list[float], seconds: float, block: int = 1) -> str:
    """The realtime verdict on a synth pack: its network runs once per control frame (``seconds`` long; ``block``
    1, :func:`block_seconds`) or, for a pack that names no frame, once per engine block of ``block`` samples,
    for every voice at once; ``times``: CPU seconds of each trial run.  PackError when the mean is over budget."""
    load, p99 = float(np.mean(times)) / seconds, float(np.percentile(times, 99)) / seconds
    frame = (f"{number_words(seconds * 1e3)} ms control frame" if block == 1 else
             f"block of {block} samples ({seconds * 1e3:.2f} ms)")
    voices = f"{count_words(trial_voices(m), 'voice')} at once"
    if load > engine.budget:
        raise PackError(f"too slow for real time: the synth's network takes {np.mean(times) * 1e3:.2f} ms for one "
                        f"{frame} ({voices}; {load:.0%} of the frame, budget {engine.budget:.0%})",
                        check="realtime", hint="this box cannot play this synth: use a synth pack with a smaller "
                                               "network")
    return f"{len(times)} runs of the network, one per {frame} ({voices}): mean CPU load {load:.1%} (p99 {p99:.1%})"


def time_calls(call: Callable[[], Any], limit: float, trial: float,
                clock: Callable[[], float] = time.thread_time) -> list[float]:
    """CPU seconds of each call of ``call`` (a CPU clock, so a busy machine or a reniced thread
    does not make a model look slow), repeated for ``trial`` wall seconds after 3 warm-up calls;
    stops early on a call that alone costs over 20x ``limit`` (hopeless).  Python's cyclic garbage
    collector is held off meanwhile: a full collection of a large heap (150-200 ms, met in the API's
    own process) landing in one call is the process's cost, not the model's, and made a trivial
    model "too slow for real time"."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _timed(call, limit, trial, clock)
    finally:
        if was_enabled:
            gc.enable()


def _timed(call: Callable[[], Any], limit: float, trial: float, clock: Callable[[], float]) -> list[float]:
    """:func:`time_calls`' loop."""
    for _ in range(3):
        t = clock()
        call()
        if clock() - t > 20 * limit:
            return [clock() - t]
    times: list[float] = []
    end = time.perf_counter() + trial
    while time.perf_counter() < end or len(times) < 5:
        t = clock()
        call()
        times.append(clock() - t)
    return times
