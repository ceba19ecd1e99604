"""`hatbox train effect DATA --out PACK --resume`: a training goes on from the state kept beside its pack (the
weights, Adam's state, the step count, the schedule's place), counting on; and each way it refuses, in words,
before any training (trainer/effect/resume.py)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from hatbox.cli import main
from tests.effect.synth import drive, drive_folder, plucks, write

FIRST = 24          # the first run's optimiser steps (6 segments of 4 chunks)
MORE = 12           # the resume's


def inverted_folder(folder: Path) -> Path:
    """A pairs.csv folder of a drive pedal that inverts polarity (a warning, not a refusal): far from the model's
    first guess, the dry input, so a fresh start's loss (~1.3) stands far above a trained one's (~0.1 after 24
    steps) and a resume that started afresh would show."""
    x = plucks(1.2)
    write(folder / "in.wav", x)
    rows = ["input,output,drive[dB]"] + [f"in.wav,{write(folder / f'out_{d}.wav', -drive(x, d))},{d}" for d in (0, 16)]
    (folder / "pairs.csv").write_text("\n".join(rows) + "\n")
    return folder


def _losses(history: list[dict]) -> list[float]:
    return [h["loss"] for h in history if "loss" in h]


@pytest.fixture(scope="module")
def first(tmp_path_factory: pytest.TempPathFactory):
    """A first training of FIRST steps: (its folder, its data folder, its result)."""
    from trainer.effect.train import train_effect
    root = tmp_path_factory.mktemp("first")
    data = inverted_folder(root / "data")
    result = train_effect(data, root / "p.hatpack", progress=False, max_steps=FIRST, seed=3)
    return root, data, result


@pytest.fixture
def copy(first, tmp_path: Path) -> tuple[Path, Path]:
    """The first training's pack, state and data copied under tmp_path: (the pack, the data folder)."""
    root, data, _ = first
    for name in ("p.hatpack", "p.hatpack.resume"):
        shutil.copy2(root / name, tmp_path / name)
    shutil.copytree(data, tmp_path / "data")
    return tmp_path / "p.hatpack", tmp_path / "data"


@pytest.fixture
def untrained(monkeypatch: pytest.MonkeyPatch) -> None:
    """Training would be a failure of the refusal under test."""
    def boom(*_a, **_k):
        raise AssertionError("the refusal came after training started")
    monkeypatch.setattr("trainer.effect.train.fit", boom)


def _refused(argv: list[str], capsys, *words: str) -> str:
    code = main(["train", "effect", *argv])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err and "internal error" not in err
    for word in words:
        assert word in err, (word, err)
    return err


# --------------------------------------------------------------------------- going on
def test_a_resume_goes_on_from_the_trained_weights_and_counts_on(first, copy, capsys) -> None:
    from export.pack import read_pack
    from trainer.effect.resume import State, history_rows
    _, _, one = first
    pack, data = copy
    older = pack.read_bytes()
    code = main(["train", "effect", str(data), "--out", str(pack), "--resume", "--max-steps", str(MORE)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"resumed at step {FIRST} (after" in out and f"{MORE} more steps" in out
    assert f"{FIRST + MORE} steps in" in out
    metrics = read_pack(pack).manifest.metrics
    assert metrics["steps"] == FIRST + MORE
    assert metrics["resumed"]["from_step"] == FIRST and metrics["resumed"]["steps"] == MORE
    assert metrics["train_seconds"] > one.metrics["train_seconds"]
    saved = torch.load(pack.with_name("p.hatpack.resume"), weights_only=True)
    meta = json.loads(saved["meta"])
    assert meta["training_id"] == metrics["training_id"] and meta["steps"] == FIRST + MORE
    assert meta["resumes"] == [[FIRST, pytest.approx(one.metrics["train_seconds"], abs=0.1)]]
    # the curves are joined: the first run's history, then the resume's, counting on in steps and time
    history = history_rows(State(pack, meta, saved))
    before, after = one.history, history[len(one.history):]
    assert history[:len(before)] == before
    assert after[0]["step"] > before[-1]["step"] and after[0]["t"] >= before[-1]["t"]
    assert max(h["step"] for h in after) == FIRST + MORE
    # not fresh weights: its first loss sits by the first run's last ones, far under a fresh start's
    fresh, last, resumed = _losses(before)[0], np.mean(_losses(before)[-3:]), _losses(after)[0]
    assert resumed < 0.3 * fresh, (resumed, fresh)
    assert resumed < 2.0 * last, (resumed, last)
    # a valid pack, written over the older one (kept as .prev): the state stays beside it, the pack holds what a
    # fresh pack holds
    assert pack.read_bytes() != older and pack.with_name("p.prev.hatpack").read_bytes() == older
    assert sorted(read_pack(pack).members) == sorted(read_pack(first[0] / "p.hatpack").members)


def test_a_resume_given_no_data_goes_on_with_its_recordings(copy, monkeypatch) -> None:
    """(only as far as the training: the run itself is the test above's)"""
    pack, _data = copy
    got = {}

    def fit(eff, cfg, *_a, **_k):
        got.update(pairs=len(eff.pairs), max_steps=cfg.max_steps, arch=cfg.arch)
        raise KeyboardInterrupt
    monkeypatch.setattr("trainer.effect.train.fit", fit)
    assert main(["train", "effect", "--out", str(pack), "--resume", "--max-steps", "4"]) == 130
    assert got == {"pairs": 2, "max_steps": 4, "arch": "gru"}


def test_the_restart_schedule_climbs_from_where_it_stopped_then_decays() -> None:
    from trainer.effect.schedule import FLOOR, RESTART_PEAK, RESTART_WARM, restart_lr
    from trainer.effect.train import make_config
    cfg = make_config(lr=1.0)
    ended = FLOOR * cfg.lr                                   # a first run that ran its whole budget
    assert restart_lr(cfg, ended, 0.0) == pytest.approx(ended)
    assert restart_lr(cfg, ended, RESTART_WARM) == pytest.approx(RESTART_PEAK)
    assert restart_lr(cfg, ended, 1.0) == pytest.approx(ended)
    assert restart_lr(cfg, ended, 0.5) < RESTART_PEAK
    stopped = 0.8 * RESTART_PEAK                             # a Ctrl-C part way through the first run
    assert restart_lr(cfg, stopped, 0.0) == pytest.approx(stopped)
    assert stopped < restart_lr(cfg, stopped, RESTART_WARM / 2) < RESTART_PEAK
    assert restart_lr(cfg, stopped, 1.0) == pytest.approx(FLOOR)
    assert restart_lr(cfg, RESTART_PEAK, 0.0) == pytest.approx(RESTART_PEAK)    # at the peak already: no climb
    assert restart_lr(cfg, RESTART_PEAK, 0.05) < RESTART_PEAK


def test_the_bar_counts_on_after_a_resume() -> None:
    from trainer.effect.train import bar_words
    assert bar_words(0.5, (0.25, 1224), 24, 60, resumed=1200) == \
        "step 1224, 24 of 60 more steps, val_esr=0.2500 at step 1224, loss=0.5000"
    assert bar_words(None, None, 24, None, resumed=1200) == "step 1224, 24 more"
    assert bar_words(None, None, 24, 60) == "24 of 60 steps"


def test_an_interrupted_resume_leaves_the_pack_and_its_state_as_they_were(copy, monkeypatch, capsys) -> None:
    pack, data = copy
    state = pack.with_name("p.hatpack.resume")
    before = pack.read_bytes(), state.read_bytes()

    def interrupted(*_a, **_k):
        raise KeyboardInterrupt
    monkeypatch.setattr("trainer.effect.train.fit", interrupted)
    code = main(["train", "effect", str(data), "--out", str(pack), "--resume", "--max-steps", "4"])
    assert code == 130, capsys.readouterr().err
    assert (pack.read_bytes(), state.read_bytes()) == before
    assert not pack.with_name("p.prev.hatpack").exists()


# --------------------------------------------------------------------------- refusals, before any training
def test_nothing_to_resume(tmp_path: Path, capsys, untrained) -> None:
    data = drive_folder(tmp_path / "data", seconds=1.0, settings=(0, 8))
    _refused([str(data), "--out", str(tmp_path / "new.hatpack"), "--resume"], capsys,
             "nothing to resume", "new.hatpack.resume", "without --resume")


def test_a_changed_recording_is_named(copy, capsys, untrained) -> None:
    pack, data = copy
    x = plucks(1.2)
    write(data / "out_16.wav", -drive(x, 6.0))           # re-recorded at another drive: same size, other content
    err = _refused([str(data), "--out", str(pack), "--resume"], capsys, "changed since", "out_16.wav",
                   "other content")
    assert "out_0.wav" not in err and "in.wav" not in err


def test_a_changed_pairs_csv_is_named(copy, capsys, untrained) -> None:
    pack, data = copy
    csv = data / "pairs.csv"
    csv.write_text(csv.read_text().replace("in.wav,out_16.wav,16", "in.wav,out_16.wav,18"))
    _refused([str(data), "--out", str(pack), "--resume"], capsys, "changed since", "pairs.csv")


def test_a_gone_recording_is_named(copy, capsys, untrained) -> None:
    pack, data = copy
    (data / "out_0.wav").unlink()
    _refused([str(data), "--out", str(pack), "--resume"], capsys, "out_0.wav is gone")


@pytest.mark.parametrize("extra, words", [
    (["--arch", "tcn"], ("--arch tcn", "is a gru")),
    (["--set", "model.hidden=48"], ("model.hidden=48", "model.hidden=32")),
    (["--set", "val_fraction=0.3"], ("val_fraction=0.3", "held-out split")),
    (["--seed", "9"], ("--seed 9", "its own seed (3)")),
])
def test_a_change_of_model_or_split_is_refused(copy, capsys, untrained, extra: list[str], words) -> None:
    pack, data = copy
    _refused([str(data), "--out", str(pack), "--resume", *extra], capsys, *words)


def test_a_state_of_another_format_is_refused(copy, capsys, untrained) -> None:
    pack, data = copy
    state = pack.with_name("p.hatpack.resume")
    saved = torch.load(state, weights_only=True)
    saved["meta"] = json.dumps({**json.loads(saved["meta"]), "format": 99, "hatbox": "9.0.0"})
    torch.save(saved, state)
    _refused([str(data), "--out", str(pack), "--resume"], capsys, "hatbox 9.0.0", "format 99", "format 1 only")


def test_a_damaged_state_is_refused(copy, capsys, untrained) -> None:
    pack, data = copy
    state = pack.with_name("p.hatpack.resume")
    whole = state.read_bytes()
    state.write_bytes(whole[: len(whole) // 2])
    _refused([str(data), "--out", str(pack), "--resume"], capsys, "cannot be read", "damaged or cut short")
    state.write_bytes(whole)
    saved = torch.load(state, weights_only=True)
    meta = json.loads(saved["meta"])
    del meta["config"]
    saved["meta"] = json.dumps(meta)
    torch.save(saved, state)
    _refused([str(data), "--out", str(pack), "--resume"], capsys, "cannot be read", "damaged (no config)")


def test_weights_that_do_not_fit_are_refused(copy, capsys) -> None:
    pack, data = copy
    state = pack.with_name("p.hatpack.resume")
    saved = torch.load(state, weights_only=True)
    key = next(k for k in saved["model"] if saved["model"][k].ndim == 2)
    saved["model"][key] = torch.zeros(3, 3)
    torch.save(saved, state)
    _refused([str(data), "--out", str(pack), "--resume", "--max-steps", "4"], capsys, "does not fit", "damaged")


def test_a_pack_another_training_wrote_is_refused(copy, first, capsys, untrained) -> None:
    pack, data = copy
    other = pack.with_name("other.hatpack")
    shutil.copy2(first[0] / "p.hatpack", other)
    shutil.copy2(pack.with_name("p.hatpack.resume"), pack.with_name("other.hatpack.resume"))
    saved = torch.load(pack.with_name("other.hatpack.resume"), weights_only=True)
    saved["meta"] = json.dumps({**json.loads(saved["meta"]), "training_id": "another"})
    torch.save(saved, pack.with_name("other.hatpack.resume"))
    _refused([str(data), "--out", str(other), "--resume"], capsys, "not the pack its training state")


def test_recordings_prepared_otherwise_are_refused(copy, capsys, monkeypatch) -> None:
    """The same files, but this hatbox finds other latencies (its alignment changed): the weights would not fit."""
    pack, data = copy
    state = pack.with_name("p.hatpack.resume")
    saved = torch.load(state, weights_only=True)
    meta = json.loads(saved["meta"])
    saved["meta"] = json.dumps({**meta, "latencies": {k: v + 5 for k, v in meta["latencies"].items()}})
    torch.save(saved, state)
    monkeypatch.setattr("trainer.effect.train.fit", lambda *_a, **_k: pytest.fail("trained"))
    _refused([str(data), "--out", str(pack), "--resume"], capsys, "prepares them otherwise", "latencies")


def test_a_single_pair_names_the_file_that_changed(tmp_path: Path) -> None:
    from hatbox.errors import DataError
    from trainer.effect.resume import State, check_data, fingerprint
    x = plucks(0.5)
    di, amp = tmp_path / "di.wav", tmp_path / "amp.wav"
    write(di, x)
    write(amp, drive(x, 6.0))
    state = State(tmp_path / "s", {"data": fingerprint(None, None, di, amp)}, {})
    check_data(state, None, di, amp)                          # as they were: goes on
    write(amp, drive(x, 7.0))
    with pytest.raises(DataError, match=r"--target \(.*amp\.wav\) has other content"):
        check_data(state, None, di, amp)
    with pytest.raises(DataError, match="trained on --input"):
        check_data(state, tmp_path, None, None)
