"""A short version of bench/engine_soak.py: real time through the ALSA file plugin, packs
swapped every 2 s, a busy neighbour process: no deadline missed at a swap, no discontinuity
at any swap, no dropout.  (The overall late-block count is a benchmark figure, not a test.)
8 s with three swaps 2 s apart (a to b, b to a, a to b: the three the test asks for at least); it ran 18 s with four
swaps 4 s apart until the fifty-second stop, 11 s with three 3 s apart until the fifty-eighth: the fourth swap and the
longer gaps checked nothing more (each swap's window and the half second of signal either side it is measured
against are as they were)."""
from __future__ import annotations

import json
import multiprocessing as mp
import time
from pathlib import Path

import numpy as np
import pytest

from device.audio.alsa_io import AudioConfig, write_file_pcm
from device.audio.engine import EngineConfig
from device.audio.server import EngineProcess, ServerConfig

from tests.engine.helpers import RATE, swap_steps, zero_runs
from tests.engine.packs import effect_pack

pytest.importorskip("alsaaudio")
SECONDS, EVERY = 8.0, 2.0


def _busy(stop) -> None:
    a = np.random.default_rng(0).standard_normal((128, 128))
    while not stop.is_set():
        a = np.tanh(a @ a.T / 128.0)


def _signal(seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (0.3 * np.sin(2 * np.pi * 196.0 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 0.7 * t))).astype(np.float32)


def test_soak_with_swaps(tmp_path: Path) -> None:
    src, dst = tmp_path / "in.raw", tmp_path / "out.raw"
    _signal(SECONDS + 1).tofile(src)
    conf = write_file_pcm(tmp_path / "asoundrc", dst, src)
    packs = [str(effect_pack(tmp_path / "a.hatpack", "smooth", 0.3, name="a")),
             str(effect_pack(tmp_path / "b.hatpack", "gain", -4.0, name="b"))]
    audio = AudioConfig(device="hatbox_file", rate=RATE, period=128, periods=3)
    cfg = ServerConfig(engine=EngineConfig(rate=RATE, block=128), audio=audio, pace=True, alsa_conf=str(conf),
                       seconds=SECONDS, packs={"effect": packs[0]}, status_json=str(tmp_path / "st.json"))
    ctx = mp.get_context("spawn")
    stop = ctx.Event()
    hog = ctx.Process(target=_busy, args=(stop,), daemon=True)
    hog.start()
    engine = EngineProcess(cfg).start()
    t0, k = time.monotonic(), 1
    try:
        while time.monotonic() - t0 < SECONDS - 1.5:
            if time.monotonic() - t0 >= k * EVERY:
                engine.send({"op": "load", "slot": "effect", "path": packs[k % 2]})
                k += 1
            engine.status()
            time.sleep(0.1)
        engine.wait(SECONDS + 20)
    finally:
        stop.set()
        hog.join(5)
        engine.stop()
    st = json.loads((tmp_path / "st.json").read_text())
    out, inp = np.fromfile(dst, np.float32), np.fromfile(src, np.float32)
    lag = 256
    rows = swap_steps(out, [b * 128 + lag for b in st["swap_blocks"][1:]], int(0.02 * RATE), 128, context=RATE // 2)
    assert len(rows) == k - 1 >= 3
    assert max(r["ratio"] for r in rows) <= 1.1, rows
    # the take's own end glides to silence in its last blocks (p58 F6): not a dropout, so left out of the count
    n = min(out.shape[0] - lag, inp.shape[0]) - int(0.03 * RATE)
    assert zero_runs(out[lag:lag + n], inp[:n]) == 0
    # Swaps must never cost a deadline: no late block in the 20 blocks after any swap.  How many
    # deadlines this shared 2-core VM misses elsewhere (about one every 10-15 s with no engine at
    # all, bench/engine_pacing_control.py) is a performance figure, measured by bench/engine_soak.py
    # and not asserted here.
    near_swap = [x for x in st["xrun_blocks"] for b in st["swap_blocks"] if 0 <= x - b <= 20]
    assert near_swap == [], (st["xrun_blocks"], st["swap_blocks"])
