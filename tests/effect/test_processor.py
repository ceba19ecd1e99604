"""The box's effect processor: ONNX parity, block-size invariance with moving knobs, clear errors."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from device.audio.effect import EffectProcessor, render
from device.audio.runtime import check_golden, make_session
from device.audio.stream import StreamingModel
from export.manifest import Knob
from export.onnx_effect import export_effect
from export.pack import read_pack
from hatbox.errors import AudioFileError, KnobError, PackError
from tests.effect.small_archs import small_settings
from tests.effect.synth import RATE, plucks
from trainer.effect.models import ARCHS, build

KNOBS = [Knob("drive", 0.0, 24.0, 6.0, "dB"), Knob("tone", 0.0, 1.0, 0.5)]
BLOCKS = (1, 64, 65, 128, 8192)


def _random_model(arch: str, knobs: int, **cfg) -> torch.nn.Module:
    torch.manual_seed(0)
    model = build(arch, knobs, **cfg)
    with torch.no_grad():
        for p in model.parameters():
            p.add_(0.2 * torch.randn_like(p))
    return model


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("packs")
    small = {"gru": {"hidden": 8}, "lstm": {"hidden": 8}, "tcn": {"channels": 4, "layers": 5, "cycle": 5},
             "tcn_gru": {"channels": 4, "layers": 4, "cycle": 4, "hidden": 8}}
    sizes = {arch: small_settings(small, arch, "tests/effect/test_processor.py (packs)") for arch in ARCHS}
    return {arch: export_effect(_random_model(arch, len(KNOBS), **sizes[arch]), root / f"{arch}.hatpack",
                                name=arch, rate=RATE, knobs=KNOBS, golden_audio=plucks(0.05),
                                golden_knobs=np.array([0.3, 0.6], np.float32))
            for arch in ARCHS}


@pytest.mark.parametrize("arch", list(ARCHS))
def test_golden_parity_in_onnxruntime(packs: dict[str, Path], arch: str) -> None:
    pack = read_pack(packs[arch])
    m = pack.manifest
    assert (m.kind, m.latency_samples, m.block_multiple, m.extras["contract"]) == ("effect", 0, 1, "effect-v1")
    assert [s.input for s in m.state] == [f"state_in_{i}" for i in range(len(m.state))]
    ins, outs = pack.golden()
    assert check_golden(make_session(pack.model_bytes), ins, outs, *pack.golden_tolerance()) < 1e-4


@pytest.mark.parametrize("arch", list(ARCHS))
def test_block_size_invariance_with_moving_knobs(packs: dict[str, Path], arch: str) -> None:
    x = plucks(0.18)              # 8640 samples: one 8192 block and a part (block 1: one ONNX run a sample)
    drive = np.where(np.arange(x.size) < 5000, 3.0, 20.0)          # a knob turned mid-render
    tone = np.linspace(0.0, 1.0, x.size)                           # and one swept
    outs = [render(packs[arch], x, {"drive": drive, "tone": tone}, block=b) for b in BLOCKS]
    for b, y in zip(BLOCKS[1:], outs[1:]):
        np.testing.assert_allclose(y, outs[0], atol=2e-5, err_msg=f"block {b}")
    assert np.std(outs[0][6000:]) > 0 and not np.allclose(outs[0], render(packs[arch], x, {"drive": 3.0}))


def test_set_knob_mid_stream_is_block_invariant(packs: dict[str, Path]) -> None:
    x = plucks(0.2)
    outs = []
    for block in (64, 100):   # the knob is set at sample 6400 in both cases (a multiple of each)
        proc = EffectProcessor(packs["gru"])
        proc.reset()
        y = []
        for a in range(0, x.size, block):
            if a == 6400:
                proc.set_knob("drive", 20.0)
            y.append(proc.process(x[a:a + block]))
        outs.append(np.concatenate(y))
    np.testing.assert_allclose(outs[0], outs[1], atol=2e-5)


def test_recurrent_export_runs_one_sample_at_a_time(packs: dict[str, Path]) -> None:
    model = StreamingModel(read_pack(packs["gru"]))
    out = model.run({"audio_in": np.full((1, 1), 0.1, np.float32), "knobs": np.full((1, 1, 2), 0.5, np.float32)})
    assert out["audio_out"].shape == (1, 1)


def test_knob_errors(packs: dict[str, Path]) -> None:
    proc = EffectProcessor(packs["gru"])
    with pytest.raises(KnobError, match="no knob 'gain'.*drive, tone"):
        proc.set_knob("gain", 1.0)
    with pytest.raises(KnobError, match="outside its range 0..24 dB"):
        proc.set_knob("drive", 30.0)
    with pytest.raises(KnobError, match="outside"):
        render(proc, plucks(0.01), {"tone": np.full(480, 1.5)})
    proc.set_knob("DRIVE", 12.0)
    assert proc.knob_values()["drive"] == pytest.approx(12.0)


def test_wrong_sample_rate(packs: dict[str, Path]) -> None:
    with pytest.raises(AudioFileError, match="44100 Hz but pack 'gru' runs at 48000 Hz"):
        render(packs["gru"], plucks(0.01), rate=44100)


def test_not_an_effect_pack(packs: dict[str, Path], tmp_path: Path) -> None:
    from export.pack import write_pack
    pack = read_pack(packs["gru"])
    pack.manifest.kind = "synth"
    bad = write_pack(tmp_path / "s.hatpack", pack.manifest, {k: v for k, v in pack.members.items()})
    with pytest.raises(PackError, match="not a streaming effect"):
        EffectProcessor(bad)


@pytest.mark.parametrize("arch", list(ARCHS))
def test_never_nan_for_normal_input(packs: dict[str, Path], arch: str) -> None:
    rng = np.random.default_rng(3)
    for x in (np.zeros(4000), plucks(0.1), np.clip(rng.standard_normal(4000), -1, 1), np.ones(4000)):
        for setting in ({"drive": 0.0, "tone": 0.0}, {"drive": 24.0, "tone": 1.0}):
            assert np.all(np.isfinite(render(packs[arch], x.astype(np.float32), setting, block=256)))


def test_guard_mutes_non_finite_output(packs: dict[str, Path]) -> None:
    proc = EffectProcessor(packs["gru"])
    assert np.all(proc.process(np.full(64, np.nan, np.float32)) == 0.0) and proc.faults == 1
    assert np.all(np.isfinite(proc.process(plucks(0.01))))
