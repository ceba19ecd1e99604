"""The held-out stretch has signal (trainer/effect/split.py): a recording whose gear output is silent at its
end no longer gives a nonsense held-out ESR (it printed 2e23); and the CLI's step count and auto-trial lines."""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from hatbox.cli import main
from hatbox.errors import DataError
from tests.effect.synth import write

RATE = 16000


def silent_tail_folder(folder: Path, knobs: int = 2, seconds: float = 3.0) -> Path:
    """QA's data (/tmp/qa_j/mkq.py): noise for the first 60 % of the input, digital silence after, three tanh
    drives of it; the last 15 % of every output (the usual held-out tail) is silent."""
    rng = np.random.default_rng(0)
    x = (0.3 * rng.standard_normal(int(RATE * seconds))).astype(np.float32)
    x[int(x.size * 0.6):] = 0
    write(folder / "di.wav", x, RATE)
    rows = ["input,output," + ",".join(f"k{i}" for i in range(knobs))]
    for r in range(3):
        name = write(folder / f"o{r}.wav", (np.tanh((1 + r) * x) * 0.5).astype(np.float32), RATE)
        rows.append(f"di.wav,{name}," + ",".join(str(r + 0.1 * i) for i in range(knobs)))
    (folder / "pairs.csv").write_text("\n".join(rows) + "\n")
    return folder


def _numbers(value) -> list[float]:
    """Every number in a JSON-like value."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return []
    if isinstance(value, (int, float)):
        return [float(value)]
    if isinstance(value, dict):
        return [n for v in value.values() for n in _numbers(v)]
    return [n for v in value for n in _numbers(v)]


# --------------------------------------------------------------------------- the choice of stretch
def test_a_tail_with_signal_is_held_out_as_before() -> None:
    from trainer.effect.split import held_out
    from trainer.effect.synthdata import plucks
    y = plucks(1.5)
    n = y.shape[0]
    for vf in (0.15, 0.3, 0.5):
        assert held_out(y, vf) == (int(n * (1 - vf)), n)


def test_a_silent_tail_moves_the_held_out_stretch_to_signal_deterministically() -> None:
    from trainer.effect.split import QUARTERS, held_out, held_out_length, signal_start, train_pieces
    rng = np.random.default_rng(1)
    y = (0.2 * rng.standard_normal(48000)).astype(np.float32)
    y[30000:] = 0                                        # the last 37.5 % silent
    a, b = held_out(y, 0.15)
    assert (a, b) == held_out(y.copy(), 0.15)             # depends on the audio alone
    assert b - a == held_out_length(48000, 0.15) and b < 48000
    assert a < 30000 and (30000 - a) * 2 >= b - a          # at least half of it has signal
    assert b > 30000 - (b - a) // QUARTERS                 # the latest such stretch (a quarter further back would do)
    assert train_pieces(48000, (a, b)) == [(0, a), (b, 48000)]
    assert a <= signal_start(y, (a, b), 1000) < 30000      # the validation window starts where there is signal


def test_an_output_silent_throughout_is_a_data_error() -> None:
    from trainer.effect.split import held_out
    with pytest.raises(DataError, match="silent"):
        held_out(np.zeros(4800, np.float32), 0.15)


def test_training_segments_stay_out_of_the_held_out_stretch_and_draw_as_before() -> None:
    """Segments are drawn before and after a moved stretch, never inside it; with the usual tail the draws are
    the same numbers as before (one rng.integers per segment over the training part)."""
    import torch

    from trainer.effect.data import EffectData, Pair
    from trainer.effect.train import Segments, make_config
    rng = np.random.default_rng(2)
    y = (0.2 * rng.standard_normal(48000)).astype(np.float32)
    y[30000:] = 0
    data = EffectData(16000, [], [Pair("p", y.copy(), y, {}, 0)])
    cfg = make_config(warmup=256, chunk=128, chunks=2)
    segs = Segments(data, cfg, np.random.default_rng(0))
    a, b = segs.held[0]
    starts = [segs._start(0) for _ in range(2000)]
    assert all(s + segs.length <= a or s >= b for s in starts)
    assert max(starts) >= b                                # the silent part after it is trained on too
    y2 = (0.2 * rng.standard_normal(48000)).astype(np.float32)
    data2 = EffectData(16000, [], [Pair("p", y2.copy(), y2, {}, 0)])
    segs2 = Segments(data2, cfg, np.random.default_rng(0))
    split = int(48000 * (1 - cfg.val_fraction))
    assert segs2.held == [(split, 48000)]
    old = np.random.default_rng(0)
    for _ in range(50):
        assert segs2._start(0) == int(old.integers(0, split - segs2.length + 1))
    x, _, _, ctx = segs2.validation(0.1)
    assert torch.equal(x[0, ctx:], torch.from_numpy(y2[split:split + 1600]))


# --------------------------------------------------------------------------- through the command line
@pytest.fixture(scope="module")
def silent_tail(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return silent_tail_folder(tmp_path_factory.mktemp("silent") / "data")


def test_a_silent_tail_gives_a_real_held_out_esr_everywhere(silent_tail: Path, tmp_path: Path, capsys) -> None:
    """QA's repro: every number in the printed lines, the report's metrics and the pack's metrics is a sane
    ratio (it was 2.09e23), and the output says where the held-out stretch went and why."""
    pack, report = tmp_path / "q.hatpack", tmp_path / "report"
    assert main(["train", "effect", str(silent_tail), "--out", str(pack), "--report", str(report),
                 "--max-steps", "2", "--set", "batch=4", "--set", "model.hidden=8", "--set", "eval_every_s=0"]) == 0
    out = capsys.readouterr().out
    esr = float(re.search(r"held-out error (\S+) ", out).group(1))
    assert 0 <= esr < 10, out
    assert "(near-)silent in the last 15 % of the recording" in out and "held out 1." in out
    assert "worse than outputting silence" not in out
    assert not re.search(r"\d{6,}|e\+", out.split("latency found")[0]), out
    metrics = json.loads((report / "metrics.json").read_text())
    from export.pack import read_pack
    for source in (metrics, read_pack(pack).manifest.metrics):
        esrs = _numbers({k: v for k, v in source.items() if "esr" in k})
        assert esrs and all(math.isfinite(v) and 0 <= v < 10 for v in esrs), esrs
    assert "e+" not in (report / "report.md").read_text().split("```")[0]


def test_one_step_is_one_step_and_a_skipped_auto_trial_is_said(silent_tail: Path, tmp_path: Path, capsys) -> None:
    common = ["--set", "batch=4", "--set", "eval_every_s=0"]
    assert main(["train", "effect", str(silent_tail), "--out", str(tmp_path / "a.hatpack"), "--max-steps", "1",
                 "--set", "model.hidden=8", *common]) == 0
    out = capsys.readouterr().out
    assert " 1 step in " in out and "1 steps in" not in out
    assert "ran no trial" not in out
    assert main(["train", "effect", str(silent_tail), "--out", str(tmp_path / "b.hatpack"), "--max-steps", "4",
                 "--arch", "auto", "--report", str(tmp_path / "report"), *common]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "no trial" in line]
    assert lines == ["note: --arch auto ran no trial: --max-steps 4 gives each trial 20% of the steps, which rounds "
                     "down to 0 (a trial needs --max-steps 5 or more), so gru, the default, took all 4 steps"], out
    assert "gru (" in out and " 4 steps in " in out
    assert "ran no trial" in (tmp_path / "report" / "report.md").read_text()
