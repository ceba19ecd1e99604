"""A pack has at most MAX_KNOBS knobs.  Too many knob columns in pairs.csv are refused from the file alone,
before any audio is read or trained on (each knob is 8 KiB of the golden snapshot per 2048 samples: with the
largest model state, 30 knobs made a snapshot the pack writer refused, after the whole training); the manifest
refuses more too; and at the limit, with the largest state, the golden snapshot stays readable."""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
import torch

from export.manifest import MAX_KNOBS, Knob, Manifest
from export.pack import RATIO_FROM, read_pack
from hatbox.cli import main
from hatbox.errors import DataError, PackError
from tests.effect.synth import drive, plucks, write


def knob_folder(folder: Path, varying: int, constant: int = 0, seconds: float = 1.0) -> Path:
    """pairs.csv with ``varying`` knob columns that change (0 on one row, 1 on the other) and ``constant``
    columns that do not; two recordings of the tanh drive."""
    x = plucks(seconds)
    write(folder / "in.wav", x)
    names = [f"k{i}" for i in range(varying)] + [f"c{i}" for i in range(constant)]
    rows = ["input,output," + ",".join(names)]
    for v, d in ((0, 0.0), (1, 12.0)):
        cells = [str(v)] * varying + ["5"] * constant
        rows.append(f"in.wav,{write(folder / f'out_{v}.wav', drive(x, d))}," + ",".join(cells))
    (folder / "pairs.csv").write_text("\n".join(rows) + "\n")
    return folder


@pytest.fixture
def decoded(monkeypatch) -> list[str]:
    """The audio files the effect data loader decodes (a refusal under test must come before any)."""
    from trainer.effect import data as datamod
    seen: list[str] = []
    real = datamod._load_audio

    def spy(path: Path, where: str):
        seen.append(Path(path).name)
        return real(path, where)
    monkeypatch.setattr(datamod, "_load_audio", spy)
    return seen


def test_too_many_knobs_are_refused_before_any_audio_is_read(tmp_path: Path, capsys, decoded) -> None:
    data = knob_folder(tmp_path / "data", MAX_KNOBS + 1, constant=2)
    out = tmp_path / "x.hatpack"
    start = time.monotonic()
    code = main(["train", "effect", str(data), "--out", str(out), "--max-steps", "1", "--set", "model.hidden=4",
                 "--set", "batch=2", "--set", "eval_every_s=0"])
    took = time.monotonic() - start
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err and "internal error" not in err
    for part in (f"{MAX_KNOBS + 1} knob columns change value", f"at most {MAX_KNOBS} knobs", "k0, k1",
                 "pairs.csv"):
        assert part in err, (part, err)
    assert "c0" not in err.splitlines()[0]              # the constant columns are not knobs, and not counted
    assert decoded == [], "audio was decoded before the knob count was checked"
    assert took < 2.0, took
    assert not out.exists()


def test_the_limit_loads_and_constant_columns_do_not_count(tmp_path: Path) -> None:
    from trainer.effect.data import load_folder
    eff = load_folder(knob_folder(tmp_path / "data", MAX_KNOBS, constant=3))
    assert [k.name for k in eff.knobs] == [f"k{i}" for i in range(MAX_KNOBS)]
    assert sum("never changes" in n for n in eff.notes) == 3


def test_scoring_on_new_recordings_keeps_every_column(tmp_path: Path) -> None:
    """``keep_all_columns`` (scoring a pack on new recordings) derives no knobs: nothing to limit."""
    from trainer.effect.data import load_folder
    eff = load_folder(knob_folder(tmp_path / "data", MAX_KNOBS + 1, seconds=0.5), keep_all_columns=True)
    assert eff.knobs == [] and len(eff.pairs[0].setting) == MAX_KNOBS + 1


def test_fit_refuses_data_with_too_many_knobs_before_training(monkeypatch) -> None:
    """Data built without load_folder (the Python API) meets the same limit before any training."""
    from trainer.effect import train
    from trainer.effect.data import EffectData, Pair

    def boom(*_a, **_k):
        raise AssertionError("training started")
    monkeypatch.setattr(train, "Segments", boom)
    x = plucks(0.5)
    knobs = [Knob(f"k{i}", 0.0, 1.0, 0.5) for i in range(MAX_KNOBS + 1)]
    pair = Pair("p", x, x, {k.name: 0.5 for k in knobs}, 0)
    with pytest.raises(DataError, match=f"{MAX_KNOBS + 1} knob columns change value.*at most {MAX_KNOBS} knobs"):
        train.fit(EffectData(48000, knobs, [pair]), train.make_config(max_steps=1))


def _effect_manifest(knobs: int) -> Manifest:
    from export.onnx_effect import effect_manifest
    return effect_manifest(name="many", rate=48000, knobs=[Knob(f"k{i}", 0.0, 1.0, 0.5) for i in range(knobs)],
                           shapes=[(1, 1, 4)], metrics={}, config={})


def test_the_manifest_refuses_more_than_max_knobs() -> None:
    _effect_manifest(MAX_KNOBS).validate()
    with pytest.raises(PackError, match=f"{MAX_KNOBS + 1} knobs \\(a pack has at most {MAX_KNOBS}\\)") as err:
        _effect_manifest(MAX_KNOBS + 1).validate()
    assert err.value.check == "manifest"
    with pytest.raises(PackError, match="at most"):           # as the reader sees it
        Manifest.from_dict(_effect_manifest(MAX_KNOBS + 1).to_dict())


def test_the_golden_snapshot_at_the_limits_is_written_and_read(tmp_path: Path) -> None:
    """MAX_KNOBS knobs beside the largest state the trainer allows (tcn, model.channels=96) and a quiet golden
    stretch (zeros compress best: the ratio check's worst case): the real export writes a pack whose golden
    snapshot stays under RATIO_FROM and reads back."""
    from export.onnx_effect import export_effect
    from trainer.effect.models import build
    from trainer.effect.train import GOLDEN_SAMPLES, MAX_STATE_BYTES, state_bytes
    assert MAX_STATE_BYTES - 1024 < state_bytes("tcn", {"channels": 96}) <= MAX_STATE_BYTES
    torch.manual_seed(0)
    model = build("tcn", MAX_KNOBS, channels=96)
    knobs = [Knob(f"k{i}", 0.0, 1.0, 0.5) for i in range(MAX_KNOBS)]
    path = export_effect(model, tmp_path / "big.hatpack", name="big", rate=48000, knobs=knobs,
                         golden_audio=np.zeros(GOLDEN_SAMPLES, np.float32),
                         golden_knobs=np.full(MAX_KNOBS, 0.5, np.float32))
    pack = read_pack(path)
    assert len(pack.members["golden.npz"]) <= RATIO_FROM
    ins, _ = pack.golden()
    assert ins["knobs"].shape == (1, GOLDEN_SAMPLES, MAX_KNOBS)
