"""bench/tagger_accuracy.save_probs: the per-sample probabilities runs are combined from afterwards."""
from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from trainer.tagger.data import Item

_BENCH = Path(__file__).parents[2] / "bench"
_SPEC = importlib.util.spec_from_file_location("tagger_accuracy", _BENCH / "tagger_accuracy.py")
tagger_accuracy = importlib.util.module_from_spec(_SPEC)
sys.modules.setdefault("tagger_accuracy", tagger_accuracy)
_SPEC.loader.exec_module(tagger_accuracy)


def test_saved_probabilities_keep_the_items_order_targets_and_tags(tmp_path, monkeypatch):
    monkeypatch.setattr(tagger_accuracy, "OUT", tmp_path / "results")
    items = [Item(Path(f"/kits/k{i}.wav"), (t,)) for i, t in enumerate(("kick", "snare", "kick"))]
    tags = ["kick", "snare"]
    y = np.array([[1, 0], [0, 1], [1, 0]], np.float32)
    cnn = np.array([[0.9, 0.1], [0.2, 0.8], [0.4, 0.6]])
    tagger = cnn[::-1].copy()
    path = tagger_accuracy.save_probs(argparse.Namespace(name="run"), items, y, tags, cnn_only=cnn, tagger=tagger)
    assert path == tmp_path / "results" / "run_probs.npz"
    saved = np.load(path)
    assert list(saved["paths"]) == ["/kits/k0.wav", "/kits/k1.wav", "/kits/k2.wav"]
    assert list(saved["tags"]) == tags
    np.testing.assert_array_equal(saved["y"], y)
    np.testing.assert_allclose(saved["cnn_only"], cnn, atol=1e-7)
    np.testing.assert_allclose(saved["tagger"], tagger, atol=1e-7)
    assert saved["tagger"].dtype == np.float32


_SPEC_E = importlib.util.spec_from_file_location("tagger_errors", _BENCH / "tagger_errors.py")
tagger_errors = importlib.util.module_from_spec(_SPEC_E)
_SPEC_E.loader.exec_module(tagger_errors)


def _run(pred: list[int], truth: list[int]) -> dict[str, np.ndarray]:
    probs = np.full((len(pred), 3), 0.1)
    probs[np.arange(len(pred)), pred] = 0.8
    return {"paths": np.array([f"/k/{i}.wav" for i in range(len(pred))]), "tags": np.array(["a", "b", "c"]),
            "y": np.eye(3)[truth], "tagger": probs}


def test_grouping_averages_each_instruments_layers_only():
    probs = np.array([[1.0, 0.0], [0.0, 1.0], [0.5, 0.5]])
    out = tagger_errors.grouped(probs, [("k", "x"), ("k", "x"), ("k", "y")])
    np.testing.assert_allclose(out, [[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]])
    out = tagger_errors.grouped(probs, [("k", "x"), ("k", "z"), ("k", "y")])
    np.testing.assert_allclose(out, probs)


def test_error_table_counts_wrong_sample_runs_per_instrument_and_what_they_were_called():
    truth = [0, 0, 1, 2]
    runs = [_run([0, 1, 1, 2], truth), _run([0, 2, 1, 0], truth)]
    keys = [("kit", "kick"), ("kit", "kick"), ("kit", "snare"), ("kit", "hat")]
    table = tagger_errors.error_table(runs, "tagger", keys)
    assert [(r["instrument"], r["wrong_share"], r["called"]) for r in table] == [
        ("hat", 0.5, {"a": 1}), ("kick", 0.5, {"b": 1, "c": 1})]
    assert table[1]["samples"] == 2 and table[1]["tag"] == "a"


def test_runs_over_different_samples_are_refused():
    a, b = _run([0, 1], [0, 1]), _run([0, 1], [0, 1])
    b["paths"] = np.array(["/k/0.wav", "/k/other.wav"])
    with pytest.raises(SystemExit, match="same samples"):
        tagger_errors.check_aligned([a, b], ["a", "b"])


sys.modules.setdefault("tagger_errors", tagger_errors)
_SPEC_R = importlib.util.spec_from_file_location("tagger_review", _BENCH / "tagger_review.py")
tagger_review = importlib.util.module_from_spec(_SPEC_R)
_SPEC_R.loader.exec_module(tagger_review)


def test_review_fixes_exactly_the_wrong_files_among_those_checked():
    probs = np.array([[0.9, 0.1], [0.45, 0.55], [0.6, 0.4], [0.2, 0.8]])   # files 1 and 2 are wrong
    y = np.eye(2)[[0, 0, 1, 1]]
    order = np.array([1, 2, 0, 3])
    out, fixed = tagger_review.reviewed(probs, y, order, 0.25)             # one file checked: file 1
    assert fixed == 1 and out[1].tolist() == [1.0, 0.0] and out[2].tolist() == [0.6, 0.4]
    out, fixed = tagger_review.reviewed(probs, y, order, 1.0)
    assert fixed == 2 and (out.argmax(1) == y.argmax(1)).all()
    res = tagger_review.review_run({"tagger": probs, "y": y, "tags": np.array(["a", "b"])}, "tagger", 5, 0)
    assert res["mistakes"] == 2 and res["rows"][0]["unsure_first"]["macro_f1"] < 1.0
    # file 1 has the smallest margin (0.10), then file 2 (0.20): the 30 % row checks both and is perfect
    assert [r["unsure_first"]["mistakes_fixed"] for r in res["rows"]] == [0, 0, 0, 1, 1]


_SPEC_L = importlib.util.spec_from_file_location("tagger_loop", _BENCH / "tagger_loop.py")
tagger_loop = importlib.util.module_from_spec(_SPEC_L)
_SPEC_L.loader.exec_module(tagger_loop)


def test_the_loop_checks_the_least_sure_share_in_review_order():
    probs = np.array([[0.9, 0.1], [0.52, 0.48], [0.3, 0.7], [0.45, 0.55], [0.6, 0.4]])
    assert tagger_loop.checked_rows(probs, 0.4).tolist() == [1, 3]
    assert tagger_loop.checked_rows(probs, 0.0).tolist() == []
    assert tagger_loop.checked_rows(probs, 1.0).tolist() == [1, 3, 4, 2, 0]


_SPEC_H = importlib.util.spec_from_file_location("tagger_head_refit", _BENCH / "tagger_head_refit.py")
tagger_head_refit = importlib.util.module_from_spec(_SPEC_H)
_SPEC_H.loader.exec_module(tagger_head_refit)


def test_head_refit_reproduces_a_run_made_with_the_same_head_and_follows_its_sample_order():
    rng = np.random.default_rng(0)
    n_tags, test_kit = 3, tagger_head_refit.TEST_KITS[0]
    kit = np.array(["kitA"] * 30 + ["kitB"] * 30 + [tagger_head_refit.EXTRA] * 15 + [test_kit] * 30)
    family = np.array([tagger_head_refit.group_of(k) if k != tagger_head_refit.EXTRA else k for k in kit])
    y = np.tile(np.arange(n_tags), len(kit) // n_tags)
    x = rng.normal(size=(len(kit), 5)) + 2.0 * np.eye(n_tags, 5)[y]
    paths = np.array([f"/k/{i}.wav" for i in range(len(kit))])
    make = tagger_head_refit.heads()["lr"]
    test = kit == test_kit
    head = tagger_head_refit.proba(make().fit(x[~test], y[~test]), x[test], n_tags)
    cnn = np.full((test.sum(), n_tags), 1.0 / n_tags)            # an undecided CNN: the tagger is the head
    order = rng.permutation(test.sum())                           # the run lists its samples in another order
    run = {"paths": paths[test][order], "y": np.eye(n_tags)[y[test]][order], "cnn_only": cnn,
           "tagger": 0.5 * (cnn + head[order])}
    out = tagger_head_refit.score(make, x, paths, kit, family, y, n_tags, [run], [])
    assert out["max_prob_diff"] < 1e-9
    want = tagger_head_refit.macro_f1(y[test], head)
    assert out["fixed"] == [pytest.approx(want)] and out["fixed_head_alone"] == pytest.approx(want)
    assert len(out["across_folds"]) == 2                          # kitA and kitB; the one-shots are never held out
    bad = dict(run, tagger=run["tagger"][::-1])                   # a run made with something else shows up
    assert tagger_head_refit.score(make, x, paths, kit, family, y, n_tags, [bad], [])["max_prob_diff"] > 0.01
