"""Capture mode in the engine (device/audio/capture.py): the input is recorded sample for sample with the capture
signal, lined up by the round trip found from the sync blip; nothing allocates per block; a cancel fades back to
the box's normal output; a silent or clipped return is said in words and kept as no take."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from device.audio.capture import CaptureBusy, CaptureRun
from device.audio.capture_result import read_record
from device.audio.capture_signal import capture_signal
from device.audio.engine import Engine, EngineConfig
from hatbox.errors import HatboxError
from tests.capture.helpers import LoopBox, Wire, drive
from tests.engine.helpers import peak_bytes

RATE = 48000


def _loop(engine: Engine, run: CaptureRun, latency: int, block: int, gain: float = 1.0) -> np.ndarray:
    """Run ``engine`` with ``run`` until it finishes, its input = its own output ``latency`` samples earlier x
    ``gain``; returns everything it put out [M]."""
    engine.capture = run
    out_all = np.zeros(run.total + 4 * block + latency, np.float32)
    inp, out = np.zeros(block, np.float32), np.zeros(block, np.float32)
    k = 0
    while not run.finished:
        src = np.arange(k, k + block) - latency
        inp[:] = np.where(src >= 0, out_all[np.clip(src, 0, None)], 0.0) * gain
        engine.process(inp, out)
        out_all[k:k + block] = out
        k += block
    return out_all[:k]


@pytest.mark.parametrize("block,latency", [(128, 240), (100, 333), (64, 1000), (257, 257)])
def test_records_exactly_what_the_loop_returns_lined_up(block: int, latency: int) -> None:
    from device.audio.capture_result import judge
    engine = Engine(EngineConfig(rate=RATE, block=block, live_input=False))
    dry = capture_signal(5.0)
    run = CaptureRun(dry, RATE)
    played = _loop(engine, run, latency, block)
    assert np.array_equal(played[run.start:run.start + dry.shape[0]], dry)        # the signal went out as it is
    n = run.rec.shape[0]
    expect = np.concatenate([np.zeros(latency, np.float32), played])[run.start:run.start + n]
    assert np.array_equal(run.rec, expect)                                      # the input, sample for sample
    take, figures = judge(run.rec, dry, RATE, run.tail)
    assert figures["latency_samples"] == latency and figures["problem"] is None
    m = latency - figures["shift_samples"]
    assert m == min(latency, 48)                                # lined up 1 ms late, never early
    assert np.array_equal(take[m:], dry[:dry.shape[0] - m]) and not np.any(take[:m])


def test_the_render_path_allocates_nothing_per_block() -> None:
    for block in (256, 4096):
        run = CaptureRun(capture_signal(5.0), RATE)
        inp, out = np.full(block, 0.1, np.float32), np.zeros(block, np.float32)
        alone = peak_bytes(lambda: run.render(inp, out))
        assert alone < 2048                                   # a few array views; no audio buffer at any size
        engine = Engine(EngineConfig(rate=RATE, block=block))
        plain = peak_bytes(lambda: engine.process(inp, out))
        engine.capture = CaptureRun(capture_signal(5.0), RATE)
        assert peak_bytes(lambda: engine.process(inp, out)) <= plain + 2048
        assert engine.capture.pos > 0


def test_cancel_fades_back_to_the_normal_output() -> None:
    block = 128
    engine, twin = Engine(EngineConfig(rate=RATE, block=block)), Engine(EngineConfig(rate=RATE, block=block))
    run = CaptureRun(capture_signal(5.0), RATE)
    engine.capture = run                                      # the live input plays through both; one captures
    out, ref = np.zeros(block, np.float32), np.zeros(block, np.float32)
    t = np.arange(block) / RATE
    for k in range(220):
        inp = (0.25 * np.sin(2 * np.pi * 220.0 * (t + k * block / RATE))).astype(np.float32)
        if k == 200:
            assert not np.allclose(out, ref, atol=0.01)       # the signal plays, the input is muted
            run.cancel_asked = True
        engine.process(inp, out)
        twin.process(inp, ref)
        if k >= 200:
            assert np.max(np.abs(np.diff(out))) < 0.1          # faded: no jump
    assert run.finished and run.cancelled
    np.testing.assert_allclose(out, ref, atol=1e-6)           # back to the box's normal output


def test_the_deck_writes_a_lined_up_take_and_refuses_a_second_capture(tmp_path: Path) -> None:
    box = LoopBox(drive(), latency=300)
    try:
        box.send({"op": "capture", "name": "a", "path": str(tmp_path / "a"), "seconds": 5.0, "knobs": {"drive": 24}})
        with pytest.raises(CaptureBusy, match="one capture at a time"):
            box.deck.start("b", tmp_path / "b", 5.0, {})
        st = box.wait_capture()
    finally:
        box.close()
    assert st["state"] == "done", st
    assert box.io.gear.values["drive"] == 24.0                                 # the simulated gear followed
    assert st["latency_samples"] in range(300, 304)
    rec = read_record(tmp_path / "a")
    assert rec is not None and rec["state"] == "done" and rec["problem"] is None
    assert (tmp_path / "a" / "take.wav").is_file() and (tmp_path / "a" / "dry.wav").is_file()


@pytest.mark.parametrize("gain,words", [(0.0, "nothing came back"), (4.0, "clipped")])
def test_a_silent_or_clipped_return_is_said_and_not_kept(tmp_path: Path, gain: float, words: str) -> None:
    box = LoopBox(Wire(gain) if gain else Wire(0.0))
    if gain:
        box.io.gear = type("Clip", (), {"set": lambda s, n, v: False,
                                       "process": lambda s, x: np.clip(gain * x, -1, 1).astype(np.float32)})()
    try:
        box.send({"op": "capture", "name": "s", "path": str(tmp_path / "s"), "seconds": 5.0})
        st = box.wait_capture()
    finally:
        box.close()
    assert st["state"] == "failed" and words in st["problem"], st
    assert not (tmp_path / "s" / "take.wav").exists()
    assert read_record(tmp_path / "s")["state"] == "failed"


def test_a_bad_length_or_knob_is_refused(tmp_path: Path) -> None:
    box = LoopBox()
    try:
        with pytest.raises(HatboxError, match="not a finite number"):
            box.deck.start("k", tmp_path / "k", 5.0, {"drive": "loud"})
        with pytest.raises(HatboxError, match="capture signal"):
            box.deck.start("k", tmp_path / "k", 1.0, {})
        assert box.deck.status() is None
    finally:
        box.close()
