"""The packs the other parts really export (effect archs, synth, tagger) pass the box's
validation, and a pushed tagger pack tags an uploaded library with device.library for real."""
from __future__ import annotations

import io
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.validate import EngineSpec, validate_pack
from tests.api.conftest import make_box

torch = pytest.importorskip("torch")
ENGINE = EngineSpec(trial_seconds=0.05)


@pytest.fixture(scope="module")
def real_packs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from export.manifest import Knob
    from export.onnx_effect import export_effect
    from trainer.synth.onnx_export import export_synth
    from trainer.tagger.onnx_export import export_tagger
    from trainer.effect.models import build
    from trainer.synth.model import NeuralSynth, SynthConfig
    from trainer.tagger.model import TaggerConfig, TaggerNet

    torch.manual_seed(0)
    tmp = tmp_path_factory.mktemp("real")
    knobs = [Knob("drive", 0.0, 24.0, 6.0, "dB")]
    x = (np.random.default_rng(0).standard_normal(1200) * 0.1).astype(np.float32)
    packs = {arch: export_effect(_no_bias(build(arch, 1, **cfg)), tmp / f"{arch}.hatpack", name=arch, rate=48000,
                                 knobs=knobs, golden_audio=x, golden_knobs=np.array([0.3], np.float32))
             for arch, cfg in {"gru": {"hidden": 8}, "tcn": {"channels": 4, "layers": 4, "cycle": 4}}.items()}
    synth = NeuralSynth(SynthConfig(hidden=16, n_instruments=4)).eval()
    packs["synth"] = export_synth(synth.net, synth.embed.weight.detach().numpy(), list("abcd"),
                                  tmp / "synth.hatpack", name="synth",
                                  extras={"velocity_map": {"db_at_127": -20.0, "db_per_velocity": 0.2}})
    net = TaggerNet(TaggerConfig(clip_samples=8000, channels=(8, 16), embed_dim=16), 2).eval()
    packs["tagger"] = export_tagger(net, ["kick", "hat"], tmp / "tagger.hatpack", name="tags", thresholds=[0.5, 0.5])
    return packs


def _no_bias(model):
    """An untrained effect network with its biases at zero: random biases gave the TCN a -0.2 DC offset, which the
    box's knobs check now refuses as the engine's DC guard would (device.validate.dc_fault); a trained one learns
    its recordings' zero mean."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("bias"):
                p.zero_()
    return model


@pytest.mark.parametrize("name", ["gru", "tcn", "synth", "tagger"])
def test_real_exports_pass_validation(real_packs: dict[str, Path], name: str) -> None:
    checks = {c["check"]: c["detail"] for c in validate_pack(real_packs[name], ENGINE).checks}
    assert list(checks) == ["archive", "signature", "onnx", "ops", "handshake", "contract", "golden", "knobs",
                            "realtime"]
    assert ("skipped" in checks["realtime"]) == (name == "tagger")
    assert ("skipped" in checks["knobs"]) == (name in ("synth", "tagger"))
    if name in ("gru", "tcn"):                  # real trained-graph effects run at every corner of their knobs
        assert "knob settings on a test signal: finite" in checks["knobs"]


def test_pushed_tagger_tags_an_uploaded_library(real_packs: dict[str, Path], tmp_path: Path) -> None:
    box = make_box(tmp_path)
    assert box.push(real_packs["tagger"]).status_code == 201
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for i, freq in enumerate((60.0, 80.0, 5000.0)):
            wav = io.BytesIO()
            t = np.arange(8000) / 16000
            sf.write(wav, (0.5 * np.sin(2 * np.pi * freq * t) * np.exp(-8 * t)).astype(np.float32), 16000,
                     format="WAV")
            zf.writestr(f"kit/s{i}.wav", wav.getvalue())
    lid = box.client.post("/libraries", content=buf.getvalue(), headers=box.auth).json()["id"]
    end = time.monotonic() + 60
    while (body := box.client.get(f"/libraries/{lid}", headers=box.auth).json())["state"] == "tagging":
        assert time.monotonic() < end
        time.sleep(0.05)
    assert body["state"] == "done", body
    assert body["progress"] == {"done": 3, "total": 3} and body["results"]["tagged"] == 3
    assert (box.store_dir / "libraries" / lid / "tags.db").stat().st_size > 0
