"""Model sizes that each pass their range but multiply into a huge streaming state are refused before any
work (the golden snapshot of such a model made a pack the reader refused, after the whole training); and
``--max-steps N`` runs exactly N optimiser steps, architecture trials included."""
from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch

from hatbox.cli import main
from hatbox.errors import HatboxError
from tests.effect.synth import drive_folder


# --------------------------------------------------------------------------- the streaming state's bound
def test_a_huge_state_is_refused_before_training(tmp_path: Path, capsys, no_training) -> None:
    data = drive_folder(tmp_path / "data", seconds=1.0, settings=(0, 8))
    out = tmp_path / "x.hatpack"
    code = main(["train", "effect", str(data), "--out", str(out), "--arch", "tcn",
                 "--set", "model.cycle=16", "--set", "model.layers=16"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err and "internal error" not in err
    # names the settings, the size (1572840 values, 6 MiB) and the limit (196608 values, 768 KiB)
    for part in ("model.cycle=16", "model.layers=16", "1572840", "196608", "768 KiB", "model.channels"):
        assert part in err, (part, err)
    assert not out.exists()


@pytest.mark.parametrize("arch, model, ok", [
    ("tcn", {}, True),                                    # the default: 24552 values
    ("tcn", {"channels": 96}, True),                      # 196416, just under
    ("tcn", {"kernel": 16}, True),                        # 184140
    ("tcn", {"layers": 64}, True),                        # 147672
    ("tcn", {"channels": 96, "layers": 11}, True),        # 196608: the bound itself
    ("tcn", {"channels": 96, "layers": 12}, False),       # 196992
    ("tcn", {"channels": 64, "kernel": 5}, False),        # 261888: 1023 KiB, unreadable with a quiet golden stretch
    ("tcn_gru", {"layers": 64, "cycle": 16, "kernel": 16, "channels": 96}, False),   # 1.4 GiB (never allocated)
    ("lstm", {"hidden": 512}, True),
    ("auto", {}, True),
])
def test_the_state_bound_holds_for_the_sizes_together(arch: str, model: dict, ok: bool) -> None:
    from trainer.effect.train import MAX_STATE_BYTES, make_config, state_bytes
    if ok:
        make_config(arch=arch, model=model)
        if arch != "auto":
            assert state_bytes(arch, model) <= MAX_STATE_BYTES
        return
    with pytest.raises(HatboxError, match="streaming state of"):
        make_config(arch=arch, model=model)


def test_a_state_at_the_bound_keeps_the_golden_snapshot_clear_of_the_ratio_limit(tmp_path: Path) -> None:
    """The worst case for the reader: a silent golden stretch (all zeros compress ~1000:1) with several knobs."""
    from export.pack import MAX_RATIO, RATIO_FROM, golden_bytes
    from trainer.effect.train import MAX_STATE_BYTES
    t, knobs = 2048, 24
    ins = {"audio_in": np.zeros((1, t), np.float32), "knobs": np.zeros((1, t, knobs), np.float32),
           "state_in_0": np.zeros((1, MAX_STATE_BYTES // 4), np.float32)}
    golden = golden_bytes(ins, {"audio_out": np.zeros((1, t), np.float32)})
    assert len(golden) <= RATIO_FROM
    with zipfile.ZipFile(tmp_path / "g.zip", "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("golden.npz", golden)
    info = zipfile.ZipFile(tmp_path / "g.zip").getinfo("golden.npz")
    assert info.file_size / info.compress_size > MAX_RATIO          # so only its size keeps it readable


# --------------------------------------------------------------------------- exact step budgets
@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory):
    from trainer.effect.data import load_folder
    return load_folder(drive_folder(tmp_path_factory.mktemp("steps") / "data", seconds=1.2, settings=(0, 16)))


def _fit_counting(data, **config) -> tuple[object, int]:
    """fit() with ``config``; (run, optimiser steps actually taken by every optimiser)."""
    from torch.optim.optimizer import register_optimizer_step_post_hook
    from trainer.effect.train import fit, make_config
    count = [0]
    handle = register_optimizer_step_post_hook(lambda *_: count.__setitem__(0, count[0] + 1))
    try:
        run = fit(data, make_config(minutes=5.0, batch=2, eval_every_s=0.0, val_seconds=0.1, **config),
                  progress=False)
    finally:
        handle.remove()
    return run, count[0]


@pytest.mark.parametrize("config, steps, trials", [
    ({"max_steps": 1, "model": {"hidden": 4}}, 1, False),            # was 4: one segment of 4 chunks
    ({"max_steps": 6, "model": {"hidden": 4}}, 6, False),            # was 8: two segments
    ({"max_steps": 3, "chunks": 2, "arch": "tcn", "model": {"channels": 2, "layers": 2}}, 3, False),
    ({"max_steps": 10, "arch": "auto", "chunks": 1}, 10, True),      # trials 2 + 2, the winner 6 more
    ({"max_steps": 4, "arch": "auto"}, 4, False),                    # too few for trials: gru takes them all
])
def test_max_steps_is_the_exact_number_of_optimiser_steps(data, config: dict, steps: int, trials: bool) -> None:
    torch.manual_seed(0)
    run, taken = _fit_counting(data, **config)
    assert taken == steps
    assert run.steps + run.other_steps == steps                       # what metrics["steps"] reports
    assert bool(run.trials) == trials
    if trials:
        assert run.steps == 2 + 6 and run.other_steps == 2
    elif config.get("arch") == "auto":
        assert run.arch == "gru"
