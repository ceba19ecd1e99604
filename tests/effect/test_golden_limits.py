"""The pack reader's golden-snapshot limits (export/pack.py MAX_GOLDEN_ENTRIES, MAX_GOLDEN_BYTES) leave room for
the largest snapshot the effect trainer can make: the most entries (tcn_gru at model.layers=64: a state per layer,
the GRU's, the audio, the knobs and the output) and the most bytes (MAX_STATE_BYTES beside MAX_KNOBS knobs)."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import torch

from export.manifest import MAX_KNOBS, Knob
from export.pack import MAX_GOLDEN_BYTES, MAX_GOLDEN_ENTRIES, read_pack


def test_the_snapshot_with_the_most_entries_the_trainer_allows_is_written_and_read(tmp_path: Path) -> None:
    from export.onnx_effect import export_effect
    from trainer.effect.models import ARCHS, build
    from trainer.effect.config import _MODEL_RANGE, GOLDEN_SAMPLES, make_config, model_settings
    most = {arch: len(build(arch, MAX_KNOBS, **({"layers": _MODEL_RANGE["layers"][1]}
                                                  if "layers" in model_settings(arch) else {})).state_shapes())
            for arch in ARCHS}
    arch = max(most, key=most.get)
    assert arch == "tcn_gru" and most[arch] == 65
    small = {"layers": 64, "cycle": 1, "kernel": 2, "channels": 1, "hidden": 2, "film_hidden": 1}
    make_config(arch=arch, model=small)                         # the trainer accepts it
    torch.manual_seed(0)
    model = build(arch, MAX_KNOBS, **small)
    knobs = [Knob(f"k{i}", 0.0, 1.0, 0.5) for i in range(MAX_KNOBS)]
    path = export_effect(model, tmp_path / "deep.hatpack", name="deep", rate=48000, knobs=knobs,
                         golden_audio=np.zeros(GOLDEN_SAMPLES, np.float32),
                         golden_knobs=np.full(MAX_KNOBS, 0.5, np.float32))
    pack = read_pack(path)
    entries = len(zipfile.ZipFile(io.BytesIO(pack.members["golden.npz"])).namelist())
    assert entries == 65 + 3 and 2 * entries <= MAX_GOLDEN_ENTRIES     # a margin of two
    ins, outs = pack.golden()
    assert len(ins) == 67 and list(outs) == ["audio_out"]


def test_the_largest_snapshot_in_bytes_is_far_under_the_byte_limit() -> None:
    from export.pack import golden_bytes
    from trainer.effect.train import GOLDEN_SAMPLES, MAX_STATE_BYTES
    t = GOLDEN_SAMPLES
    golden = golden_bytes({"audio_in": np.zeros((1, t), np.float32), "knobs": np.zeros((1, t, MAX_KNOBS), np.float32),
                           "state_in_0": np.zeros((1, MAX_STATE_BYTES // 4), np.float32)},
                          {"audio_out": np.zeros((1, t), np.float32)})
    assert 16 * len(golden) <= MAX_GOLDEN_BYTES
