"""p52 QA2 #2: a pack with no gear-gain figure (trained before 2026-12-01) was cut out by the box as a runaway on
ordinary guitar at full drive (its limit came from the test-tone probe alone), and `hatbox render` said it played
fine.  The box now allows such a pack NO_GEAR_ALLOWANCE_DB more than its probe (its tail limit stays the probe's),
render plays the take through the box's own effect slot (its guard at the loader's limits, the bypass on a fault),
and a runaway is still caught."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from device.audio.protect import RUNAWAY, SlotGuard, db_to_lin
from export.pack import read_pack, write_pack

FACTORY_EFFECT = Path(__file__).resolve().parents[2] / "factory" / "effect-drive.hatpack"
RATE = 48000


def no_gear_pack(path: Path) -> Path:
    """The factory drive as an older hatbox wrote it: the same model with no ``gear_max_gain_db`` in its metrics."""
    pack = read_pack(FACTORY_EFFECT)
    m = pack.manifest
    m.metrics = {k: v for k, v in m.metrics.items() if k != "gear_max_gain_db"}
    return write_pack(path, m, {k: v for k, v in pack.members.items() if k != "manifest.json"})


def muted_notes(dip_db: float = 30.0, n: int = 4) -> np.ndarray:
    """[n * 0.25 s] float32: notes at 0.25 peak, each muted ``dip_db`` down for its last 50 ms (a guitarist's palm
    mute between notes): a drive's output lags the dip, so the gain over those blocks is the drive's most (the
    factory drive at 24 dB: 31.5 dB; its probe finds 20.5)."""
    t = np.arange(int(0.25 * RATE)) / RATE
    notes = [np.sin(2 * np.pi * 196.0 * (1 + k / 7) * t) * np.exp(-t / 0.3) for k in range(n)]
    env = np.where(t < 0.2, 0.25, 0.25 * 10 ** (-dip_db / 20))
    return np.concatenate([note * env for note in notes]).astype(np.float32)


def test_p52_E_a_pack_without_the_gear_figure_plays_a_muted_note_at_full_drive(tmp_path):
    from device.audio.effect import EffectProcessor, play_in_slot, start_at
    from device.audio.swap import NO_GEAR_ALLOWANCE_DB, effect_gain_limit
    proc = EffectProcessor(no_gear_pack(tmp_path / "old.hatpack"))
    limits = effect_gain_limit(proc, proc.manifest, 128, RATE)
    assert limits["gain_gear_db"] is None and limits["gain_allowance_db"] == NO_GEAR_ALLOWANCE_DB
    assert limits["gain_max_db"] == pytest.approx(limits["gain_measured_db"] + 6.0 + NO_GEAR_ALLOWANCE_DB, abs=0.11)
    x = muted_notes()
    start_at(proc, {"drive": 24.0, "tone": 8000.0}, x.shape[0])
    run = play_in_slot(proc, x, 128, limits)
    assert run.fault is None, f"the box cut it out at {run.at} ({run.fault})"
    start_at(proc, {"drive": 24.0, "tone": 8000.0}, x.shape[0])     # the probe's limit alone would have cut it
    probe_only = {**limits, "gain_max": db_to_lin(limits["gain_measured_db"] + 6.0)}
    assert play_in_slot(proc, x, 128, probe_only).fault == RUNAWAY


def test_p52_E_a_pack_with_the_gear_figure_keeps_its_limit(tmp_path):
    from device.audio.effect import EffectProcessor
    from device.audio.swap import effect_gain_limit
    proc = EffectProcessor(FACTORY_EFFECT)
    limits = effect_gain_limit(proc, proc.manifest, 128, RATE)
    gear = proc.manifest.metrics["gear_max_gain_db"]
    assert limits["gain_allowance_db"] == 0.0 and limits["gain_max_db"] == pytest.approx(gear + 6.0, abs=0.11)


def test_p52_E_runaways_are_still_caught_with_no_gear_figure():
    from device.audio.swap import gain_limits
    limits = gain_limits(20.5, None)
    assert limits["gain_max_db"] == 38.5 and limits["tail_max"] == pytest.approx(db_to_lin(26.5))
    assert gain_limits(46.0, None)["gain_max_db"] == 40.0                       # the cap holds
    assert gain_limits(0.0, None)["gain_max_db"] == 18.0                        # and the floor
    block = np.sin(np.arange(128) * 0.1).astype(np.float32)

    def first_fault(ins: list[float], outs: list[float]) -> int | None:
        guard = SlotGuard(RATE)
        for i, (a, b) in enumerate(zip(ins, outs)):
            if guard.check((b * block).astype(np.float32), (a * block).astype(np.float32), limits["gain_max"],
                           tail_max=limits["tail_max"]):
                return i
        return None
    assert first_fault([0.01] * 4, [0.01 * db_to_lin(39.0)] * 4) == 0          # 39 dB over a sounding input
    assert first_fault([0.0] * 4, [0.1] * 4) == 0                               # loud with no input at all
    assert first_fault([0.3, 0.3, 1e-4, 1e-4], [0.3, 0.3, 0.3 * db_to_lin(28.0), 0.3]) == 2   # a tail's limit: 26.5
    assert first_fault([0.01] * 4, [0.01 * db_to_lin(37.0)] * 4) is None        # a drive's 37 dB plays


def quiet_boost_pack(path: Path, gain_db: float = 50.0, under: float = 0.001) -> Path:
    """An effect pack that plays its input as it is, but ``gain_db`` louder where |x| < ``under``: it passes the
    box's upload checks (its golden input, silence and the probe's peaks stay under +12 dBFS) and runs away on a
    quiet enough input (a -69 dBFS sine comes out at -20 dBFS)."""
    from onnx import helper
    from export.manifest import Manifest, TensorSpec
    from export.pack import GOLDEN, MODEL, golden_bytes
    from tests.engine.packs import _const, _model
    g = 10 ** (gain_db / 20)
    nodes = [_const("under", under), _const("extra", g - 1.0), helper.make_node("Abs", ["audio_in"], ["mag"]),
             helper.make_node("Less", ["mag", "under"], ["quiet"]),
             helper.make_node("Cast", ["quiet"], ["q"], to=1), helper.make_node("Mul", ["audio_in", "q"], ["xq"]),
             helper.make_node("Mul", ["xq", "extra"], ["boost"]),
             helper.make_node("Add", ["audio_in", "boost"], ["audio_out"])]
    x = (0.1 * np.sin(np.arange(256, dtype=np.float32) * 0.05)).reshape(1, -1).astype(np.float32)
    y = np.where(np.abs(x) < np.float32(under), x + x * np.float32(g - 1.0), x).astype(np.float32)
    manifest = Manifest(kind="effect", name="quiet-boost", version="0.1.0", sample_rate=RATE,
                        inputs=[TensorSpec("audio_in", (1, "T"))], outputs=[TensorSpec("audio_out", (1, "T"))],
                        golden={"file": GOLDEN, "atol": 1e-5, "rtol": 1e-4}, extras={"contract": "effect-v1"})
    return write_pack(path, manifest, {MODEL: _model(nodes, False),
                                       GOLDEN: golden_bytes({"audio_in": x}, {"audio_out": y})})


def test_p52_E_render_says_the_box_bypasses_a_runaway_and_plays_the_dry_from_there(tmp_path):
    from device.audio import audiofile
    from device.audio.effect import render_file
    from device.audio.protect import box_output
    n = 94 * 128                                                   # 0.25 s, on a block's start
    x = np.concatenate([np.zeros(n), 0.0005 * np.sin(np.arange(n) * 0.05)]).astype(np.float32)    # silence, then quiet
    src, dst = audiofile.write(tmp_path / "di.wav", x, RATE), tmp_path / "out.wav"
    lines = render_file(quiet_boost_pack(tmp_path / "q.hatpack"), src, dst)
    said = "\n".join(lines)
    assert "warning: the box would bypass effect 'quiet-boost' 0.25 s into this take: its output ran away" in said
    assert "over 40 dB above its input" in said and "no gear-gain figure" in said
    y, _ = audiofile.read(dst)
    dry = box_output(audiofile.read(src)[0][0], RATE)[0]
    assert np.allclose(y[0, n + 512:], dry[n + 512:], atol=1e-5)                  # the dry from the fault on
    assert np.max(np.abs(y[0, n:])) < 0.01                                         # the boost never came out


def test_p52_E_render_bypasses_a_pack_that_gives_nan_on_loud_input(tmp_path):
    from device.audio import audiofile
    from device.audio.effect import render_file
    from tests.engine.packs import effect_pack
    x = np.concatenate([0.2 * np.ones(RATE // 10), 0.8 * np.ones(RATE // 10)]).astype(np.float32)
    x *= np.sin(np.arange(x.shape[0]) * 0.05).astype(np.float32)
    src = audiofile.write(tmp_path / "di.wav", x, RATE)
    lines = render_file(effect_pack(tmp_path / "nan.hatpack", "nan", 0.7), src, tmp_path / "out.wav")
    warning = next(line for line in lines if "would bypass" in line)
    assert "was not a number (NaN/inf)" in warning
    at = float(warning.split("'test-nan' ")[1].split(" s")[0])
    assert 0.1 <= at <= 0.11                                                     # where the input got loud


def test_p52_E_render_of_a_well_behaved_pack_says_no_fault(tmp_path):
    from device.audio import audiofile
    from device.audio.effect import render_file
    src = audiofile.write(tmp_path / "di.wav", muted_notes(), RATE)
    lines = render_file(no_gear_pack(tmp_path / "old.hatpack"), src, tmp_path / "out.wav",
                        {"drive": 24.0, "tone": 8000.0})
    assert not any("would bypass" in line for line in lines)
    assert any(line.startswith("note: pack 'hatbox-drive' carries no gear-gain figure") for line in lines)
    assert not any("gear-gain" in line for line in render_file(FACTORY_EFFECT, src, tmp_path / "o2.wav"))
