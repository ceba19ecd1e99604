"""The effect report answers "did it learn anything?" (bypass beside the pack's ESR), "which settings does it get
wrong?" (per-pair table worst first, a warning for a far-off row) and draws the worst held-out pair."""
from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import numpy as np
import pytest

from hatbox.cli import main
from tests.effect.synth import drive_folder
from trainer.effect import evaluate, report
from trainer.effect.data import EffectData, Knob, Pair, esr, load_folder

TINY = ["--max-steps", "2", "--set", "model.hidden=8", "--set", "batch=4", "--set", "eval_every_s=0"]
ODD = "pairs.csv line 3"          # drive=8: neither the first pair nor the one the gear makes hardest


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One CLI training whose scores are set so that the pack is no better than bypass and ODD is 4x the rest."""
    root = tmp_path_factory.mktemp("p20")
    data = drive_folder(root / "data", seconds=1.0, settings=(0, 8, 16, 4))
    real, drawn = evaluate.evaluate_data, {}
    bypass = _bypass(data)

    def scores(*a, **k):
        s = real(*a, **k)
        per = {n: 0.8 * b for n, b in bypass.items() if n != ODD}
        per[ODD] = 4 * max(per.values())
        return {**s, "per_pair": per, "esr": float(np.mean(list(per.values())))}

    def plot(target, model, rate, path, title="", inp=None):
        drawn.update(target=target, title=title, inp=inp)
        return real_plot(target, model, rate, path, title, inp)

    real_plot = report.plot_spectrograms
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(evaluate, "evaluate_data", scores)
        mp.setattr(report, "plot_spectrograms", plot)
        buf, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(err):
            assert main(["train", "effect", str(data), "--out", str(root / "d.hatpack"),
                         "--report", str(root / "report"), *TINY]) == 0
    return {"data": data, "out": buf.getvalue(), "err": err.getvalue(), "report": root / "report", "drawn": drawn}


def _warning(run: dict, words: str) -> str:
    """The one line holding ``words``: a warning, so on stderr (p44), said once and not in the summary (stdout)."""
    assert words not in run["out"], run["out"]
    (line,) = [x for x in run["err"].splitlines() if words in x]
    return line


def _bypass(folder: Path) -> dict[str, float]:
    """Each pair's held-out ESR of its (aligned) dry input taken as the output."""
    want = {}
    for p in load_folder(folder).pairs:
        a, b = evaluate.scored_span(p, 0.15)
        want[p.name] = esr(p.output[a:b], p.input[a:b])
    return want


def test_bypass_is_measured_on_the_held_out_audio_and_reported(run: dict) -> None:
    metrics = json.loads((run["report"] / "metrics.json").read_text())
    want = _bypass(run["data"])
    assert metrics["val_bypass_esr_per_pair"] == pytest.approx(want, rel=1e-6)
    assert metrics["val_bypass_esr"] == pytest.approx(np.mean(list(want.values())), rel=1e-6)
    assert metrics["val_bypass_ratio"] == pytest.approx(metrics["val_bypass_esr"] / metrics["val_esr"], rel=1e-6)
    text = (run["report"] / "report.md").read_text()
    assert f"bypass (the dry input as the output): {metrics['val_bypass_esr']:.5f}" in text
    assert "the pack's error is **" in text and "x higher**" in text


def test_the_pack_no_better_than_bypass_warns_on_the_terminal_and_in_the_report(run: dict) -> None:
    line = _warning(run, "than bypass's")
    assert line.startswith("warning: held-out ESR ") and "no effect at all" in line
    assert "- " + line in (run["report"] / "report.md").read_text()


def test_rows_worst_first_and_a_far_off_setting_is_named(run: dict) -> None:
    metrics = json.loads((run["report"] / "metrics.json").read_text())
    rows = metrics["val_rows"]
    assert [r["esr"] for r in rows] == sorted((r["esr"] for r in rows), reverse=True) and len(rows) == 4
    assert (rows[0]["pair"], rows[0]["setting"]) == (ODD, "drive=8") and rows[0]["x_median"] > 3
    assert all(r["bypass_esr"] == pytest.approx(metrics["val_bypass_esr_per_pair"][r["pair"]]) for r in rows)
    line = _warning(run, "much worse at this setting")
    assert line.startswith("warning: ") and f"{ODD} (drive=8)" in line
    assert "- " + line in (run["report"] / "report.md").read_text()
    table = [x for x in (run["report"] / "report.md").read_text().splitlines() if x.startswith("| pairs.csv")]
    assert [x.split(" | ")[0][2:] for x in table] == [r["pair"] for r in rows]
    # the terminal's per-setting lines come worst first
    printed = [float(x.split()[0]) for x in run["out"].splitlines() if x.startswith("    ") and " at " in x]
    assert printed == sorted(printed, reverse=True) and len(printed) == 4


def test_the_spectrogram_draws_the_worst_pair_and_says_which(run: dict) -> None:
    eff = load_folder(run["data"])
    odd = next(p for p in eff.pairs if p.name == ODD)
    a, _ = evaluate.scored_span(odd, 0.15)
    target = run["drawn"]["target"]
    assert np.array_equal(target, odd.output[a:a + target.size])
    assert f"worst held-out pair: {ODD} (drive=8)" in run["drawn"]["title"]
    assert f"worst held-out pair, {ODD} (drive=8)" in (run["report"] / "report.md").read_text()


# --------------------------------------------------------------------------- the rules on their own
def _data(names: list[str]) -> EffectData:
    z = np.zeros(8, np.float32)
    return EffectData(48_000, [Knob("drive", 0.0, 16.0, 8.0, "dB")],
                      [Pair(n, z, z, {"drive": float(i)}, 0) for i, n in enumerate(names)])


def test_a_pack_clearly_better_than_bypass_is_not_warned() -> None:
    assert evaluate.bypass_warning({"val_esr": 0.05, "val_bypass_esr": 0.1}) is None
    said = evaluate.bypass_warning({"val_esr": 0.06, "val_bypass_esr": 0.1})
    assert said and "1.67x lower than bypass's 0.1000" in said and "hardly closer" in said
    assert "changes the sound little" in evaluate.bypass_warning({"val_esr": 0.004, "val_bypass_esr": 0.005})


def test_far_off_rows_need_three_times_the_median_and_an_audible_error() -> None:
    data = _data(["a", "b", "c", "d"])
    quiet = {"val_esr_per_pair": {"a": 0.001, "b": 0.001, "c": 0.001, "d": 0.009}}     # 9x, but under 0.01
    assert evaluate.outlier_warning(evaluate.setting_rows(quiet, data)) is None
    near = {"val_esr_per_pair": {"a": 0.1, "b": 0.1, "c": 0.1, "d": 0.29}}             # under 3x
    assert evaluate.outlier_warning(evaluate.setting_rows(near, data)) is None
    two = {"val_esr_per_pair": {"a": 0.1, "b": 0.1, "c": 0.1, "d": 0.4, "e": 0.5}}       # median 0.1
    said = evaluate.outlier_warning(evaluate.setting_rows(two, _data(["a", "b", "c", "d", "e"])))
    assert said.index("e (drive=4): 0.5000, 5x") < said.index("d (drive=3): 0.4000, 4x") and "these settings" in said
    assert "a (" not in said
    one = {"val_esr_per_pair": {"a": 0.9}}
    assert evaluate.setting_rows(one, _data(["a"]))[0]["x_median"] == 1.0
    assert evaluate.quality_warnings({**one, "val_esr": 0.9}, _data(["a"])) == []



def test_the_terminal_lists_at_most_eight_settings_worst_first(capsys: pytest.CaptureFixture[str]) -> None:
    """Twelve held-out settings, worst first: the eight worst are printed, the rest counted and left to the report."""
    from types import SimpleNamespace

    from hatbox.cmd_effect import SETTINGS_SHOWN, print_summary
    per = {f"drive={i}": 0.001 * (12 - i) for i in range(12)}
    metrics = {"arch": "tiny", "params": 10, "steps": 5, "train_seconds": 1, "val_esr": 0.01,
               "val_esr_per_setting": per, "latency": {}}
    print_summary(SimpleNamespace(metrics=metrics, pack="x.hatpack", notes=[], warnings=[], report=None), 5)
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("  ")]
    assert lines.pop(0) == "  held-out error per knob setting, worst first:"
    assert SETTINGS_SHOWN == 8 and len(lines) == 9
    assert [ln.split(" at ")[1] for ln in lines[:8]] == [f"drive {i}" for i in range(8)]     # as knob_words says them
    assert lines[8] == "  ... and 4 more settings in the report"
