"""Shared helpers for the engine tests: run an engine over a signal block by block."""
from __future__ import annotations

import os
import signal
import time
import tracemalloc
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import numpy as np

from device.audio.engine import Engine
from hatbox.errors import KnobError

if TYPE_CHECKING:
    from types import SimpleNamespace

    import pytest

RATE = 48000


def tone(seconds: float, freq: float = 220.0, amp: float = 0.3, rate: int = RATE) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def run_blocks(engine: Engine, x: np.ndarray, block: int | None = None) -> np.ndarray:
    """Process ``x`` [N] through ``engine`` in blocks; returns the output [N]."""
    block = block or engine.cfg.block
    y = np.zeros_like(x)
    for s in range(0, x.shape[0], block):
        engine.process(x[s:s + block], y[s:s + block])
    return y


def freeze(pid: int, timeout: float = 10.0) -> None:
    """SIGSTOP process ``pid`` and return once every one of its threads has stopped.  kill() returns before then:
    the kernel stops a multi-threaded process through one of its threads, and until that one is scheduled another
    (the engine's reader, woken by a request) may still run and answer (seen with two test workers on two cores)."""
    os.kill(pid, signal.SIGSTOP)
    end = time.monotonic() + timeout
    while not all(_stopped(task) for task in Path(f"/proc/{pid}/task").iterdir()):
        assert time.monotonic() < end, f"process {pid} did not stop in {timeout} s"
        time.sleep(0.001)


def _stopped(task: Path) -> bool:
    try:
        return (task / "stat").read_text().rsplit(")", 1)[1].split()[0] in ("T", "t")
    except FileNotFoundError:                  # a thread that ended meanwhile
        return True


def max_step(y: np.ndarray) -> float:
    """Largest sample-to-sample jump |y[n] - y[n-1]|."""
    return float(np.max(np.abs(np.diff(y)))) if y.shape[0] > 1 else 0.0


def swap_steps(out: np.ndarray, swap_samples: list[int], fade: int, block: int,
               context: int = 48000) -> list[dict[str, float]]:
    """For each swap starting at output sample s: the largest step inside the crossfade window
    [s - 2 blocks, s + fade + 2 blocks] against the largest step of the signal itself in the
    ``context`` samples either side (outside the window).  [{"at", "step", "signal_step", "ratio"}]"""
    rows = []
    d = np.abs(np.diff(out.astype(np.float64)))
    for s in swap_samples:
        lo, hi = max(0, s - 2 * block), min(d.shape[0], s + fade + 2 * block)
        if hi - lo < 2:
            continue
        around = np.concatenate([d[max(0, lo - context):lo], d[hi:hi + context]])
        ref = float(around.max()) if around.size else 0.0
        step = float(d[lo:hi].max())
        rows.append({"at": int(s), "step": step, "signal_step": ref, "ratio": step / max(ref, 1e-9)})
    return rows


def zero_runs(out: np.ndarray, inp: np.ndarray, min_len: int = 64) -> int:
    """Runs of >= min_len exact zeros in ``out`` where ``inp`` (aligned, same length) is not silent."""
    z = (out == 0.0) & (np.abs(inp) > 1e-4)
    if not z.any():
        return 0
    edges = np.diff(np.concatenate([[0], z.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return int(np.sum(ends - starts >= min_len))


def effect_knob_ranges():
    """device.midi.KnobRanges holding an effect's two knobs: drive 0..10 (default 5) and tone 100..5000 Hz."""
    from device.midi import KnobRanges
    from export.manifest import Knob

    class _Manifest:
        knobs = [Knob("drive", 0.0, 10.0, 5.0), Knob("tone", 100.0, 5000.0, 1000.0, "Hz")]

    r = KnobRanges()
    r.set_from_manifest("effect", _Manifest())
    return r


def peak_bytes(step: Callable[[], object]) -> int:
    """The most memory ``step()`` held at once (tracemalloc), after a first call: the least of a few tries
    (tracemalloc counts every thread, a thread another test left running too; the step's own allocations
    show up in every try)."""
    step()
    tries = []
    for _ in range(5):
        tracemalloc.start()
        try:
            base = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            step()
            tries.append(tracemalloc.get_traced_memory()[1] - base)
        finally:
            tracemalloc.stop()
    return min(tries)


class KnobEffect:
    """A stand-in effect unit with one knob, ``gain`` (dB), kept as the real one keeps it; another name is a
    KnobError, as the real one's."""

    faults = 0

    def __init__(self, gain: float) -> None:
        self.gain = gain

    def process(self, x: np.ndarray) -> np.ndarray:
        return 0.5 * x

    def reset(self) -> None:
        pass

    def set_knob(self, name: str, value: float) -> None:
        if name != "gain":
            raise KnobError(f"no knob {name}")
        self.gain = float(value)

    def knob_values(self) -> dict[str, float]:
        return {"gain": self.gain}


def device_run_in_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str],
                          first: list[str]) -> Callable[[list[str]], SimpleNamespace]:
    """A runner of `hatbox device run FIRST... --seconds 0.3 --no-panel --no-midi --no-api --osc-port 0 --store store
    --effect g.hatpack ARGS` in this process, in ``tmp_path`` (its working folder) with no ALSA devices and a -6 dB
    gain pack g.hatpack; each call returns its exit code and what it said (returncode, stdout, stderr)."""
    from types import SimpleNamespace

    from hatbox.cli import main
    from tests.engine.packs import effect_pack
    (tmp_path / "empty.conf").write_text("")
    monkeypatch.setenv("ALSA_CONFIG_PATH", str(tmp_path / "empty.conf"))
    monkeypatch.chdir(tmp_path)
    effect_pack(tmp_path / "g.hatpack", "gain", -6.0)

    def run(args: list[str]) -> SimpleNamespace:
        capfd.readouterr()
        code = main(["device", "run", *first, "--seconds", "0.3", "--no-panel", "--no-midi", "--no-api",
                     "--osc-port", "0", "--store", "store", "--effect", "g.hatpack", *args])
        said = capfd.readouterr()
        return SimpleNamespace(returncode=code, stdout=said.out, stderr=said.err)
    return run
