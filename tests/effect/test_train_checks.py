"""`hatbox train effect` checks its options, names and output paths before any work, reads pairs.csv
strictly (cells, encodings, duplicate or overflowing knobs), finds long delays (or says it cannot), and
writes the pack once, last, so an interrupt leaves ``--out`` as it was."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hatbox.cli import main
from hatbox.errors import DataError, HatboxError
from tests.effect.synth import RATE, drive, drive_folder, plucks, write
from trainer.effect.align import find_latency
from trainer.effect.data import load_folder, parse_header

# two steps: these runs check what is checked, written and removed, not what a network learns
TINY = ["--minutes", "0.5", "--max-steps", "2", "--set", "model.hidden=8", "--set", "batch=8",
        "--set", "eval_every_s=0"]


def _refused(capsys, argv: list[str]) -> str:
    try:
        code = main(argv)
    except SystemExit as exc:               # refused by the argument parser itself
        code = exc.code
    err = capsys.readouterr().err
    assert code == 2, err
    assert "internal error" not in err and "Traceback" not in err
    return err


# --------------------------------------------------------------------------- bug 3: paths and names first
def test_out_report_and_name_are_checked_before_training(tmp_path: Path, capsys, no_training) -> None:
    data = drive_folder(tmp_path / "data", seconds=1.0, settings=(0, 8))
    pack = str(tmp_path / "p.hatpack")
    (tmp_path / "folder").mkdir()
    write(tmp_path / "some.wav", plucks(0.1))
    (tmp_path / "report.txt").write_text("keep me")
    cases = [
        (["--out", str(tmp_path / "folder")], "is a folder"),
        (["--out", str(tmp_path / "some.wav" / "x.hatpack")], "is a file, not a folder"),
        (["--out", pack, "--name", "bad/name!"], "not a valid pack name"),
        (["--out", pack, "--report", str(tmp_path / "report.txt")], "--report"),
        (["--out", pack, "--report", str(tmp_path / "some.wav" / "rep")], "is a file, not a folder"),
    ]
    if Path("/proc/self").is_dir():
        cases.append((["--out", "/proc/hatbox-test.hatpack"], "cannot write --out"))
    for args, message in cases:
        assert message in _refused(capsys, ["train", "effect", str(data), *args]), args
    assert (tmp_path / "report.txt").read_text() == "keep me"
    assert not Path(pack).exists() and sorted(p.name for p in (tmp_path / "folder").iterdir()) == []


def test_a_folder_holding_a_report_of_the_producers_own_is_refused(tmp_path: Path, capsys, no_training) -> None:
    """Before (twenty-sixth stop's QA): --report ~/Documents replaced a report.md of the producer's own."""
    data = drive_folder(tmp_path / "data", seconds=1.0, settings=(0, 8))
    docs = tmp_path / "Documents"
    docs.mkdir()
    (docs / "report.md").write_text("my thesis")
    err = _refused(capsys, ["train", "effect", str(data), "--out", str(tmp_path / "p.hatpack"), "--report", str(docs)])
    assert "holds report.md, not written by hatbox: the report would replace it" in err
    assert (docs / "report.md").read_text() == "my thesis" and not (tmp_path / "p.hatpack").exists()


# --------------------------------------------------------------------------- bug 5: options
@pytest.mark.parametrize("args, message", [
    (["--set", "foo=1"], "unknown training setting"),
    (["--set", "batch=abc"], "batch must be a whole number"),
    (["--set", "batch=0"], "batch must be a whole number within 1..512, got 0"),
    (["--set", "lr=-1"], "lr must be a number above 0"),
    (["--set", "val_fraction=1.5"], "val_fraction"),
    (["--set", "model.hidden=-1"], "model.hidden must be a whole number within 1..512, got -1"),
    (["--set", "model.foo=1"], "unknown model setting 'model.foo'"),
    (["--set", "minutes=1"], "use the --minutes option"),
    (["--minutes", "0"], "0 minutes: give a number above 0 and up to 10080 (a week)"),
    (["--minutes", "-1"], "-1 minutes: give a number above 0"),
    (["--minutes", "inf"], "inf minutes: give a number above 0"),          # "must be above 0, got inf" before
    (["--minutes", "1e9"], "1e9 minutes: give a number above 0 and up to 10080 (a week)"),
    (["--seed", "-5"], "-5 is out of range: give a whole number from 0 up"),
    (["--max-steps", "0"], "max steps must be a whole number of at least 1"),
    (["--max-steps", "-3"], "max steps must be a whole number of at least 1"),
    (["--arch", "transformer"], "unknown architecture"),
])
def test_bad_options_are_refused_before_any_work(tmp_path: Path, capsys, no_training, args, message) -> None:
    data = drive_folder(tmp_path / "data", seconds=1.0, settings=(0, 8))
    err = _refused(capsys, ["train", "effect", str(data), "--out", str(tmp_path / "x.hatpack"), *args])
    assert message in err
    if message == "unknown training setting":
        assert "batch" in err and "stft_weight" in err           # names the accepted settings
    assert not (tmp_path / "x.hatpack").exists()


# --------------------------------------------------------------------------- sizes have an upper bound
@pytest.mark.parametrize("args, message", [
    (["--set", "model.hidden=100000"], "setting model.hidden must be a whole number within 1..512, got 100000"),
    (["--set", "model.film_hidden=5000"], "model.film_hidden must be a whole number within 1..256, got 5000"),
    (["--arch", "tcn", "--set", "model.channels=100000"], "model.channels must be a whole number within 1..96"),
    (["--arch", "tcn", "--set", "model.layers=1000"], "model.layers must be a whole number within 1..64, got 1000"),
    (["--arch", "tcn", "--set", "model.cycle=40"], "model.cycle must be a whole number within 1..16, got 40"),
    (["--arch", "tcn_gru", "--set", "model.kernel=999"], "model.kernel must be a whole number within 2..16"),
    (["--set", "batch=100000"], "setting batch must be a whole number within 1..512, got 100000"),
    (["--set", "chunk=10000000"], "setting chunk must be a whole number within 1..16384, got 10000000"),
    (["--set", "chunks=5000"], "setting chunks must be a whole number within 1..64, got 5000"),
    (["--set", "warmup=480000"], "setting warmup must be a whole number within 0..96000, got 480000"),
    (["--set", "threads=100000"], "setting threads must be a whole number within 1..1024, got 100000"),
])
def test_sizes_above_their_bound_are_refused_before_audio_is_read(tmp_path: Path, capsys, no_training,
                                                                   args, message) -> None:
    data = drive_folder(tmp_path / "data", seconds=1.0, settings=(0, 8))
    err = _refused(capsys, ["train", "effect", str(data), "--out", str(tmp_path / "x.hatpack"), *args])
    assert message in err and "typos" in err
    assert not (tmp_path / "x.hatpack").exists()


def test_every_model_size_has_a_range_holding_its_default() -> None:
    import inspect

    from trainer.effect.models import ARCHS, RNNEffect
    from trainer.effect.config import _MODEL_RANGE, make_config, model_settings
    for arch in ARCHS:
        cls = RNNEffect if arch in ("gru", "lstm") else ARCHS[arch]
        params = inspect.signature(cls.__init__).parameters
        for key in model_settings(arch):
            low, high = _MODEL_RANGE[key]
            assert low <= params[key].default <= high, (arch, key)
            make_config(arch=arch, model={key: high})                   # the bounds themselves are accepted
    make_config(batch=512, chunk=16384, chunks=64, warmup=96000, threads=None)


# --------------------------------------------------------------------------- bug 1: one write, last
def test_interrupt_while_measuring_leaves_the_old_pack(tmp_path: Path, capsys, monkeypatch) -> None:
    data = drive_folder(tmp_path / "data", seconds=1.2, settings=(0, 16))
    out = tmp_path / "old.hatpack"
    out.write_bytes(b"the pack that was here")

    def interrupted(*_a, **_k):
        raise KeyboardInterrupt
    monkeypatch.setattr("trainer.effect.evaluate.evaluate_data", interrupted)
    assert main(["train", "effect", str(data), "--out", str(out), *TINY]) == 130
    assert out.read_bytes() == b"the pack that was here"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "old.hatpack"]


# --------------------------------------------------------------------------- no report without its pack
def _interrupted_report(monkeypatch) -> None:
    """Ctrl-C while the report is being written (its curves are on disk by then)."""
    def interrupted(*_a, **_k):
        raise KeyboardInterrupt
    monkeypatch.setattr("trainer.effect.report.plot_spectrograms", interrupted)


def test_an_interrupted_run_removes_the_report_folder_it_made(tmp_path: Path, capsys, monkeypatch) -> None:
    data = drive_folder(tmp_path / "data", seconds=1.2, settings=(0, 16))
    out, report = tmp_path / "x.hatpack", tmp_path / "runs" / "today" / "report"
    _interrupted_report(monkeypatch)
    assert main(["train", "effect", str(data), "--out", str(out), "--report", str(report), *TINY]) == 130
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]          # nor runs/ or runs/today/


def test_a_failed_pack_write_removes_the_report_folder_it_made(tmp_path: Path, capsys, monkeypatch) -> None:
    from export import onnx_effect
    data = drive_folder(tmp_path / "data", seconds=1.2, settings=(0, 16))
    out, report = tmp_path / "x.hatpack", tmp_path / "report"
    real = onnx_effect.export_effect

    def disk_full(model, path, **kw):
        if Path(path) == out:
            raise HatboxError(f"cannot write {path}: No space left on device")
        return real(model, path, **kw)
    monkeypatch.setattr(onnx_effect, "export_effect", disk_full)
    assert main(["train", "effect", str(data), "--out", str(out), "--report", str(report), *TINY]) == 2
    assert "No space left on device" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


def test_an_interrupted_run_keeps_a_report_folder_that_was_there(tmp_path: Path, capsys, monkeypatch) -> None:
    data = drive_folder(tmp_path / "data", seconds=1.2, settings=(0, 16))
    report = tmp_path / "mine"
    report.mkdir()
    (report / "notes.txt").write_text("keep me")
    _interrupted_report(monkeypatch)
    assert main(["train", "effect", str(data), "--out", str(tmp_path / "x.hatpack"), "--report", str(report),
                 *TINY]) == 130
    assert (report / "notes.txt").read_text() == "keep me"
    assert not (tmp_path / "x.hatpack").exists()


def test_an_interrupted_rerun_leaves_the_last_report_whole(tmp_path: Path, capsys, monkeypatch) -> None:
    """Before (twenty-sixth stop's QA): Ctrl-C while the report was written left a cut curves.png beside the last
    run's report.md; now the report is written aside and moves in with the pack."""
    data = drive_folder(tmp_path / "data", seconds=1.2, settings=(0, 16))
    out, report = tmp_path / "x.hatpack", tmp_path / "report"
    assert main(["train", "effect", str(data), "--out", str(out), "--report", str(report), *TINY]) == 0
    capsys.readouterr()
    before = {p.name: p.read_bytes() for p in report.iterdir()}
    pack = out.read_bytes()
    assert {"curves.png", "report.md", "metrics.json", ".hatbox-report"} <= set(before)   # its own: written again
    _interrupted_report(monkeypatch)
    assert main(["train", "effect", str(data), "--out", str(out), "--report", str(report), *TINY]) == 130
    assert {p.name: p.read_bytes() for p in report.iterdir()} == before and out.read_bytes() == pack
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "report", "x.hatpack", "x.hatpack.resume"]  # nothing hidden left (p60 F4: the state a --resume goes on from, beside the pack)


# --------------------------------------------------------------------------- bugs 2 and 6: summary lines
def test_summary_notes_a_dropped_column_and_warns_when_worse_than_silence(tmp_path: Path, capsys,
                                                                          monkeypatch) -> None:
    import json

    from trainer.effect import evaluate
    data = drive_folder(tmp_path / "data", seconds=1.2, settings=(0, 16))
    csv = data / "pairs.csv"
    lines = csv.read_text().splitlines()
    csv.write_text("\n".join([lines[0] + ",tone", *(row + ",0.5" for row in lines[1:])]) + "\n")
    real = evaluate.evaluate_data

    def bad_scores(*a, **k):        # as for a recording misaligned by 150 ms (QA: held-out ESR 1.186)
        return {**real(*a, **k), "esr": 1.186}
    monkeypatch.setattr(evaluate, "evaluate_data", bad_scores)
    out, report = tmp_path / "x.hatpack", tmp_path / "report"
    assert main(["train", "effect", str(data), "--out", str(out), "--report", str(report), *TINY]) == 0
    said = capsys.readouterr()
    text = said.out + said.err                            # every warning on stderr (p44)
    assert "note: column 'tone' never changes (0.5): not used as a knob" in said.out
    assert "warning: held-out ESR 1.186 is above 1" in said.err and "silence" in text
    assert "held-out ESR 1.186 is above 1" in (report / "report.md").read_text()
    assert json.loads((report / "metrics.json").read_text())["val_esr"] == 1.186


# --------------------------------------------------------------------------- bug 2: latency
@pytest.mark.parametrize("delay_ms", [150, 400])
def test_delays_beyond_100_ms_are_found(delay_ms: int) -> None:
    x = np.random.default_rng(3).standard_normal(2 * RATE).astype(np.float32) * 0.2
    d = RATE * delay_ms // 1000
    y = np.concatenate([np.zeros(d, np.float32), drive(x, 12)])[: x.size]
    assert find_latency(x, y, RATE) == d


def _late_folder(folder: Path, output: np.ndarray) -> Path:
    write(folder / "in.wav", plucks(3.0, seed=4))
    write(folder / "out.wav", output)
    (folder / "pairs.csv").write_text("input,output\nin.wav,out.wav\n")
    return folder


def test_a_delay_beyond_the_search_range_is_refused_naming_the_row(tmp_path: Path) -> None:
    x = plucks(3.0, seed=4)
    d = int(1.4 * RATE)
    with pytest.raises(DataError, match=r"pairs.csv line 2 \(in.wav -> out.wav\): no (clear )?delay .* within") as e:
        load_folder(_late_folder(tmp_path, np.concatenate([np.zeros(d, np.float32), drive(x, 12)])[: x.size]))
    assert "1000 ms" in str(e.value)


def test_an_unrelated_output_is_refused(tmp_path: Path) -> None:
    other = np.random.default_rng(9).standard_normal(3 * RATE).astype(np.float32) * 0.2
    with pytest.raises(DataError, match="line 2 .*no clear delay between input and output"):
        load_folder(_late_folder(tmp_path, other))


def test_a_leading_output_names_the_row_and_files(tmp_path: Path) -> None:
    x = plucks(3.0, seed=4)
    with pytest.raises(DataError, match=r"pairs.csv line 2 \(in.wav -> out.wav\): the output leads the input by 480"):
        load_folder(_late_folder(tmp_path, np.concatenate([drive(x, 6)[480:], np.zeros(480, np.float32)])))


# --------------------------------------------------------------------------- bugs 3, 4, 6: pairs.csv
@pytest.mark.parametrize("columns", [["drive", "drive"], ["drive[dB]", "drive[%]"], ["input"]])
def test_duplicate_knob_columns_are_refused(columns: list[str]) -> None:
    with pytest.raises(DataError, match="have the same name"):
        parse_header(["input", "output", *columns])


def test_knob_names_follow_the_pack_rule() -> None:
    with pytest.raises(DataError, match="'tone/colour'"):
        parse_header(["input", "output", "tone/colour"])


def _two_settings(folder: Path, header: str, *rows: str, encoding: str = "utf-8") -> Path:
    drive_folder(folder, seconds=1.0, settings=(0, 8))
    (folder / "pairs.csv").write_bytes("\n".join([header, *rows, ""]).encode(encoding))
    return folder


def test_windows_1252_and_utf8_bom_csv_are_read(tmp_path: Path) -> None:
    a = load_folder(_two_settings(tmp_path / "a", "input,output,tone[°]", "in.wav,out_0.wav,0",
                                  "in.wav,out_8.wav,8", encoding="cp1252"))
    assert [(k.name, k.unit) for k in a.knobs] == [("tone", "°")]
    assert any("Windows-1252" in n for n in a.notes)
    b = load_folder(_two_settings(tmp_path / "b", "input,output,drive[dB]", "in.wav,out_0.wav,0",
                                  "in.wav,out_8.wav,8", encoding="utf-8-sig"))
    assert [k.name for k in b.knobs] == ["drive"] and b.notes == []


@pytest.mark.parametrize("row, message", [
    ("in.wav,out_8.wav,8,oops", "line 3 has 4 cells but the header has 3"),
    ("in.wav,out_8.wav", "line 3 has 2 cells but the header has 3"),
])
def test_rows_must_have_one_cell_per_column(tmp_path: Path, row: str, message: str) -> None:
    with pytest.raises(DataError, match=message):
        load_folder(_two_settings(tmp_path, "input,output,drive[dB]", "in.wav,out_0.wav,0", row))


def test_a_knob_range_too_wide_to_compute_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="'drive': the range -1e\\+308..1e\\+308 is too wide"):
        load_folder(_two_settings(tmp_path, "input,output,drive", "in.wav,out_0.wav,-1e308",
                                  "in.wav,out_8.wav,1e308"))


def test_a_trailing_comma_on_a_row_is_an_empty_cell_not_an_error(tmp_path: Path) -> None:
    # spreadsheets write them; the csv.DictReader before b3c6105 ignored them (re-QA)
    data = load_folder(_two_settings(tmp_path, "input,output,drive[dB]", "in.wav,out_0.wav,0,", "in.wav,out_8.wav,8,,"))
    assert len(data.pairs) == 2 and [k.name for k in data.knobs] == ["drive"]


def test_the_windows_1252_note_is_said_once(tmp_path: Path) -> None:
    from trainer.csvtext import csv_text
    path = tmp_path / "pairs.csv"
    path.write_bytes("input,output,tone[°]\n".encode("cp1252"))
    notes: list[str] = []
    assert csv_text(path, notes) == "input,output,tone[°]\n"
    assert len(notes) == 1 and not notes[0].startswith("note:")     # callers add their own 'note: '


def test_the_report_is_not_written_into_the_folder_of_recordings(tmp_path: Path, capsys, no_training) -> None:
    """Before (twenty-sixth stop's QA): --report DATA wrote plots and report.md among the recordings."""
    data = drive_folder(tmp_path / "data", seconds=1.2, settings=(0, 16))
    before = sorted(p.name for p in data.iterdir())
    assert main(["train", "effect", str(data), "--out", str(tmp_path / "x.hatpack"), "--report", str(data),
                 *TINY]) == 2
    assert "is the folder of recordings" in capsys.readouterr().err
    assert sorted(p.name for p in data.iterdir()) == before


def test_a_short_recording_is_warned_of_before_training(tmp_path: Path, capsys) -> None:
    """Before (twenty-seventh stop's QA): a 0.5 s pair trained with 75 ms held out to score it, without a word."""
    x = plucks(0.6)
    write(tmp_path / "di.wav", x)
    write(tmp_path / "amp.wav", drive(x, 8.0))
    out = tmp_path / "a.hatpack"
    assert main(["train", "effect", "--input", str(tmp_path / "di.wav"), "--target", str(tmp_path / "amp.wav"),
                 "--out", str(out), *TINY]) == 0
    text = capsys.readouterr()
    said = "a recording is short: "
    assert said in text.err and "record 10 s or more" in text.err           # before training, on stderr
    assert text.err.count(said) == 1 and said not in text.out                 # and not again after it (p44)


def test_what_will_be_trained_is_said_before_training(tmp_path: Path) -> None:
    """Before (twenty-seventh stop's QA): it went straight to the progress bar; a knob column that never changed was
    said only after the minutes of training."""
    from trainer.effect.config import make_config
    from trainer.effect.train import load_data, plan_words
    data = load_data(drive_folder(tmp_path / "data", seconds=1.0, settings=(0, 8)), None, None, False)
    said = plan_words(data, make_config(minutes=5.0, arch="auto", max_steps=40))
    assert said.startswith("training the best of ") and "on 2 pairs (2.0 s of audio; knobs: drive 0, 8 dB)" in said
    assert said.endswith("15 % of each held out to score it, for 5 min, at most 40 steps")


def test_a_data_folder_that_does_not_exist_is_named_so(tmp_path: Path, capsys) -> None:
    """p33: it said "no pairs.csv in nosuch", as if the folder were there without its CSV."""
    err = _refused(capsys, ["train", "effect", str(tmp_path / "nosuch"), "--out", str(tmp_path / "x.hatpack")])
    assert f"no folder or file at {tmp_path / 'nosuch'}" in err and "--input DRY.wav --target WET.wav" in err
