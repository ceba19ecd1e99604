"""Round trip through the command line: train effect -> pack inspect -> render, and its errors."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from hatbox.cli import main
from tests.effect.synth import drive_folder, plucks, write

# two steps: the runs here check what is written and said, not what a network learns
TINY = ["--minutes", "0.5", "--max-steps", "2", "--set", "model.hidden=8", "--set", "batch=8",
        "--set", "eval_every_s=0"]


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("cli")
    data = drive_folder(root / "data", seconds=1.2, settings=(0, 8, 16), delay=24)
    pack = root / "drive.hatpack"
    assert main(["train", "effect", str(data), "--out", str(pack), "--report", str(root / "report"), *TINY]) == 0
    return root, pack


def test_train_writes_pack_report_and_metrics(trained: tuple[Path, Path], capsys) -> None:
    root, pack = trained
    assert main(["pack", "inspect", str(pack), "--json"]) == 0
    manifest = json.loads(capsys.readouterr().out)
    assert manifest["kind"] == "effect" and manifest["latency_samples"] == 0
    assert [(k["name"], k["unit"], k["min"], k["max"]) for k in manifest["knobs"]] == [("drive", "dB", 0.0, 16.0)]
    metrics = manifest["metrics"]
    assert set(metrics["latency"].values()) == {24}
    assert set(metrics["val_esr_per_setting"]) == {"drive=0", "drive=8", "drive=16"}
    assert 0 <= metrics["val_esr"] < 10 and metrics["steps"] == 2
    assert metrics["others_cores"] is None or metrics["others_cores"] >= 0    # recorded (None off Linux)
    # the gear's largest block gain: the 16 dB tanh drive's small-signal gain is 20 log10(g / tanh g) = 15.9 dB
    assert 10.0 < metrics["gear_max_gain_db"] <= 16.0
    for name in ("report.md", "curves.png", "spectrogram.png", "esr_per_setting.png", "metrics.json"):
        assert (root / "report" / name).stat().st_size > 0
    # the report names what it describes (twenty-seventh stop's QA: nothing said which pack, data or date); the pack
    # does not carry this computer's paths
    made = json.loads((root / "report" / "metrics.json").read_text())["made"]
    assert made["pack"] == str(pack.absolute()) and made["data"] == str((root / "data").absolute()) and made["when"]
    text = (root / "report" / "report.md").read_text()
    assert f"- pack: `{pack.absolute()}`" in text and "ESR, the error-to-signal ratio:" in text
    assert "made" not in metrics


def test_a_busy_machine_is_reported_after_training(tmp_path: Path, capsys, monkeypatch) -> None:
    from trainer import cpuwatch
    monkeypatch.setattr(cpuwatch.CpuWatch, "others_cores", lambda self: 1.6)
    data = drive_folder(tmp_path / "data", seconds=1.2, settings=(0, 16), delay=0)
    assert main(["train", "effect", str(data), "--out", str(tmp_path / "d.hatpack"),
                 "--report", str(tmp_path / "report"), *TINY]) == 0
    said = capsys.readouterr()
    assert "warning: other programs used 1.6 of" in said.err and "2 steps" in said.out     # warnings: stderr (p44)
    assert "- warning: other programs used 1.6" in (tmp_path / "report" / "report.md").read_text()


def test_render_round_trip(trained: tuple[Path, Path], capsys) -> None:
    root, pack = trained
    src = root / "in.wav"
    write(src, plucks(0.2, seed=5))     # 9600 samples: one 8192 block and a part; block 1 is one ONNX run a sample
    outs = []
    for block in ("1", "65", "8192"):
        dst = root / f"out_{block}.wav"
        assert main(["render", str(pack), "--input", str(src), "--out", str(dst), "--knob", "drive=12",
                     "--block", block]) == 0
        y, rate = sf.read(str(dst), dtype="float32")
        assert rate == 48000 and y.shape == (9600,) and np.all(np.isfinite(y))
        outs.append(y)
    np.testing.assert_allclose(outs[1], outs[0], atol=2e-5)
    np.testing.assert_allclose(outs[2], outs[0], atol=2e-5)
    assert "rendered 0.20 s" in capsys.readouterr().out


@pytest.mark.parametrize("args, message", [
    (["--knob", "gain=3"], "no knob 'gain'"),
    (["--knob", "drive=99"], "outside its range 0..16 dB"),
    (["--knob", "drive"], "NAME=VALUE"),
])
def test_render_knob_errors(trained: tuple[Path, Path], capsys, args: list[str], message: str) -> None:
    root, pack = trained
    write(root / "k.wav", plucks(0.05))
    code = main(["render", str(pack), "--input", str(root / "k.wav"), "--out", str(root / "k_out.wav"), *args])
    assert code == 2 and message in capsys.readouterr().err


def test_render_wrong_sample_rate(trained: tuple[Path, Path], capsys) -> None:
    root, pack = trained
    write(root / "r44.wav", plucks(0.05, rate=44100), rate=44100)
    assert main(["render", str(pack), "--input", str(root / "r44.wav"), "--out", str(root / "x.wav")]) == 2
    assert "44100 Hz but 48000 Hz is needed" in capsys.readouterr().err


def test_single_pair_and_data_errors(tmp_path: Path, capsys) -> None:
    data = drive_folder(tmp_path / "d", seconds=1.0, settings=(10,))
    pack = tmp_path / "one.hatpack"
    assert main(["train", "effect", "--input", str(data / "in.wav"), "--target", str(data / "out_10.wav"),
                 "--out", str(pack), "--arch", "tcn", "--set", "model.channels=4", "--set", "model.layers=3",
                 *TINY[:4], "--set", "batch=4"]) == 0
    assert "held-out error" in capsys.readouterr().out
    write(data / "quiet.wav", np.zeros(48000, np.float32))
    assert main(["train", "effect", "--input", str(data / "in.wav"), "--target", str(data / "quiet.wav"),
                 "--out", str(tmp_path / "no.hatpack")]) == 2
    assert "silent" in capsys.readouterr().err and not (tmp_path / "no.hatpack").exists()
    (tmp_path / "empty").mkdir()
    assert main(["train", "effect", str(tmp_path / "empty"), "--out", str(tmp_path / "no.hatpack")]) == 2
    assert "no pairs.csv" in capsys.readouterr().err          # a folder without one (p33: a missing folder is named)


def test_evaluate_folder_scores_a_pack_through_the_processor(trained: tuple[Path, Path]) -> None:
    from device.audio.effect import render
    from trainer.effect.data import esr, load_folder
    from trainer.effect.evaluate import evaluate_folder
    root, pack = trained
    (root / "data" / "heldout.csv").write_text("input,output,drive[dB]\nin.wav,out_8.wav,8\n")
    scores = evaluate_folder(pack, root / "data", csv_name="heldout.csv")
    pair = load_folder(root / "data", csv_name="heldout.csv", keep_all_columns=True).pairs[0]
    assert scores["per_setting"]["drive=8"] == pytest.approx(esr(pair.output, render(pack, pair.input, {"drive": 8})),
                                                             rel=1e-4)
    assert scores["latency"] == {"heldout.csv line 2": 24}


def test_set_items_parse_to_training_settings() -> None:
    from hatbox.cmd_effect import parse_settings
    assert parse_settings(["chunk=2048", "lr=-1e-3", "arch=tcn", "model.hidden=48"]) == {
        "chunk": 2048, "lr": -1e-3, "arch": "tcn", "model": {"hidden": 48}}


def test_set_without_a_value_is_a_clear_error(tmp_path: Path, capsys) -> None:
    data = drive_folder(tmp_path / "data", seconds=1.2, settings=(0, 8), delay=0)
    assert main(["train", "effect", str(data), "--out", str(tmp_path / "x.hatpack"), "--set", "chunk"]) != 0
    err = capsys.readouterr().err
    assert "KEY=VALUE" in err and "Traceback" not in err
    assert not (tmp_path / "x.hatpack").exists()


def test_auto_tries_both_architectures_and_keeps_the_better(tmp_path: Path, capsys) -> None:
    data = drive_folder(tmp_path / "data", seconds=1.2, settings=(0, 16), delay=0)
    pack, report = tmp_path / "auto.hatpack", tmp_path / "report"
    assert main(["train", "effect", str(data), "--out", str(pack), "--report", str(report), "--minutes", "0.5",
                 "--max-steps", "10", "--arch", "auto", "--set", "batch=8", "--set", "eval_every_s=0"]) == 0
    out = capsys.readouterr().out
    assert main(["pack", "inspect", str(pack), "--json"]) == 0
    manifest = json.loads(capsys.readouterr().out)
    metrics = manifest["metrics"]
    trials = metrics["arch_trials"]
    assert set(trials) == {"gru", "tcn"} and all(np.isfinite(v) and v >= 0 for v in trials.values())
    from trainer.effect.train import choose_arch
    assert metrics["arch"] == choose_arch(trials)
    assert manifest["extras"]["model"]["arch"] == metrics["arch"]          # the pack holds the winner
    assert 8 <= metrics["steps"] <= 10                  # trial steps (2 each) + the rest, within --max-steps
    assert "architecture chosen by trial: gru" in out
    assert "chosen by a trial of `gru`" in (report / "report.md").read_text()


def test_model_settings_with_auto_are_a_clear_error(tmp_path: Path, capsys) -> None:
    data = drive_folder(tmp_path / "data", seconds=1.2, settings=(0, 16), delay=0)
    assert main(["train", "effect", str(data), "--out", str(tmp_path / "x.hatpack"), "--max-steps", "4",
                 "--arch", "auto", "--set", "model.hidden=8"]) == 2
    err = capsys.readouterr().err
    assert "model.hidden" in err and "--arch" in err and "Traceback" not in err
    assert not (tmp_path / "x.hatpack").exists()


def test_the_default_architecture_is_kept_unless_a_challenger_is_far_better() -> None:
    from trainer.effect.train import AUTO_SWITCH, choose_arch
    assert choose_arch({"gru": 0.028, "tcn": 0.010}) == "gru"          # the compressor: tcn ahead early, not enough
    assert choose_arch({"gru": 0.25, "tcn": 0.019}) == "tcn"           # the DS-1: the GRU is failing
    assert choose_arch({"gru": 0.01, "tcn": 0.01 / AUTO_SWITCH}) == "gru"
    assert choose_arch({"gru": 0.01, "tcn": 0.5, "lstm": 0.001}) == "lstm"
    assert choose_arch({"gru": 0.3}) == "gru"
