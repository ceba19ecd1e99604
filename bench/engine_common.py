"""Shared pieces of the engine benchmarks: which effect pack to time, test signals, JSON out.

The pack: the factory effect pack (factory/effect-*.hatpack) when it exists; otherwise a
stand-in built here - the effect trainer's default architecture (GRU, hidden 32, FiLM) with
two knobs and untrained weights, which costs the same compute as a trained one.  Every
result JSON names which one was used.
"""
from __future__ import annotations

import contextlib
import json
import os
import platform
import sys
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
WORK = ROOT / "runs" / "engine_bench"
RATE = 48000
TICK_S = 0.001                     # the probe thread's period (:func:`tick_probe`), s
sys.path.insert(0, str(ROOT))


def factory_effect() -> Path | None:
    found = sorted((ROOT / "factory").glob("effect-*.hatpack"))
    return found[0] if found else None


def standin_effect(path: Path = WORK / "standin-gru32-2knobs.hatpack") -> Path:
    """The default effect architecture with 2 knobs, untrained (needs torch; bench only)."""
    if path.exists():
        return path
    import torch
    from export.manifest import Knob
    from export.onnx_effect import export_effect
    from trainer.effect.models import DEFAULT_ARCH, build
    torch.manual_seed(0)
    model = build(DEFAULT_ARCH, 2)
    knobs = [Knob("drive", 0.0, 10.0, 5.0), Knob("tone", 0.0, 10.0, 5.0)]
    x = guitarish(0.5, seed=1)
    path.parent.mkdir(parents=True, exist_ok=True)
    return export_effect(model, path, name="standin-gru32", rate=RATE, knobs=knobs, golden_audio=x[:4096],
                         golden_knobs=np.array([0.5, 0.5], np.float32),
                         description="engine bench stand-in: default arch, untrained")


def effect_pack() -> tuple[Path, str]:
    """(pack, label) for the timing benchmarks."""
    f = factory_effect()
    if f is not None:
        return f, f"factory pack {f.name}"
    p = standin_effect()
    return p, "STAND-IN (no factory effect pack yet): default GRU-32 + FiLM, 2 knobs, untrained weights"


def guitarish(seconds: float, seed: int = 0, rate: int = RATE) -> np.ndarray:
    """Plucked harmonic notes with decays, ~-12 dBFS peaks (mono float32 [N])."""
    rng = np.random.default_rng(seed)
    n = int(seconds * rate)
    out = np.zeros(n, np.float64)
    t_note = int(0.25 * rate)
    for start in range(0, n, t_note):
        f0 = 82.4 * 2 ** (rng.integers(0, 24) / 12)
        t = np.arange(min(2 * t_note, n - start)) / rate
        env = np.exp(-t * rng.uniform(3, 8))
        tone = sum(np.sin(2 * np.pi * f0 * h * t) / h ** 1.2 for h in range(1, 8))
        out[start:start + t.shape[0]] += 0.12 * env * tone
    return out.astype(np.float32)


def tick_probe(stop: threading.Event, lates: list[float], realtime: bool) -> None:
    """A thread that wants to run every :data:`TICK_S` until ``stop`` is set, as the engine's audio thread (at its
    SCHED_FIFO priority 70 where ``realtime`` and this user may): how late it woke each time is appended to
    ``lates`` (s).  device.audio.realtime is imported here, when it runs: bench/engine_big_pack.py imports this
    module before it puts the tree it measures first on sys.path."""
    if realtime:
        from device.audio.realtime import set_realtime
        set_realtime(70)
    due = time.perf_counter()
    while not stop.is_set():
        due += TICK_S
        wait = due - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        late = time.perf_counter() - due
        lates.append(late)
        if late > 2 * TICK_S:          # re-anchor after a stall so one stall counts once
            due = time.perf_counter()


def wait_until(due: float) -> None:
    """Sleep, then spin, up to ``time.monotonic()`` reading ``due`` (s): a sender on time to about 0.1 ms."""
    while time.monotonic() < due:
        if due - time.monotonic() > 0.003:
            time.sleep(0.001)


@contextlib.contextmanager
def paced_engine(out: Path, seconds: float, block: int, **config: Any) -> Iterator[Any]:
    """The box's engine process (device/audio/server.py, as ``hatbox device run`` starts it) on the file backend at
    :data:`RATE`, ``block``-sample periods paced by the wall clock, writing ``seconds`` of its output to ``out``;
    ``config``: more ServerConfig fields.  Yields the started EngineProcess; waits for its output, then stops it."""
    from device.audio.alsa_io import AudioConfig
    from device.audio.server import EngineProcess, ServerConfig
    cfg = ServerConfig(audio=AudioConfig(rate=RATE, period=block), backend="file", pace=True, output_wav=str(out),
                       seconds=seconds, **config)
    engine = EngineProcess(cfg).start()
    try:
        yield engine
        engine.wait(seconds + 30)
    finally:
        engine.stop()


def recorded(out: Path) -> np.ndarray:
    """The engine's output file ``out`` as mono float32 [n]."""
    import soundfile as sf
    audio, _ = sf.read(out, dtype="float32")
    return audio.reshape(-1)


def machine() -> dict[str, Any]:
    """The machine and how busy it was when the benchmark started (timings depend on it)."""
    load = os.getloadavg()
    cores = os.cpu_count() or 1
    busy = "quiet" if load[0] < cores else f"busy: load average {load[0]:.1f} on {cores} cores, timings are under load"
    return {"cpu": platform.processor() or platform.machine(), "cores": cores,
            "load_avg_1min": load[0], "load_avg_1_5_15": [round(v, 2) for v in load],
            "python": platform.python_version(), "note": busy}


def write_result(name: str, data: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps({**data, "machine": machine()}, indent=2, default=str))
    return path
