"""p54 QA_A finding 1 (effect): a recordings folder or a pairs.csv that may not be read crashed `hatbox train effect`
with "internal error: PermissionError ... please report it"; it is refused in one line naming the file, saying
"permission denied" and what to do (chmod, or check the owner).  A recording listed in a folder that may not be
entered is one of the rows' problems, not a crash nor a missing file."""
from __future__ import annotations

from pathlib import Path

import pytest

from hatbox.cli import main
from hatbox.errors import DataError
from tests.effect.synth import drive_folder
from tests.p54_M3_denied import chmod_000, refuse_file, refuse_folder
from trainer.effect.data import load_folder


def _refused(folder: Path, named: Path) -> DataError:
    with pytest.raises(DataError) as caught:
        load_folder(folder)
    text, hint = str(caught.value), caught.value.hint or ""
    assert f"cannot read {named}: permission denied" in text, text
    assert "chmod" in hint and "owner" in hint, hint
    return caught.value


def test_a_recordings_folder_that_may_not_be_read_is_refused(tmp_path: Path, monkeypatch) -> None:
    data = drive_folder(tmp_path / "data", seconds=0.5)
    refuse_folder(monkeypatch, data)
    _refused(data, data)


def test_a_recordings_folder_of_mode_000_is_refused(tmp_path: Path) -> None:
    data = drive_folder(tmp_path / "data", seconds=0.5)
    with chmod_000(data):
        _refused(data, data)


def test_a_pairs_csv_that_may_not_be_read_is_refused(tmp_path: Path, monkeypatch) -> None:
    data = drive_folder(tmp_path / "data", seconds=0.5)
    refuse_file(monkeypatch, data / "pairs.csv")
    _refused(data, data / "pairs.csv")


def test_a_pairs_csv_of_mode_000_is_refused(tmp_path: Path) -> None:
    data = drive_folder(tmp_path / "data", seconds=0.5)
    with chmod_000(data / "pairs.csv"):
        _refused(data, data / "pairs.csv")


def test_a_recording_in_a_folder_that_may_not_be_entered_is_a_rows_problem(tmp_path: Path, monkeypatch) -> None:
    data = drive_folder(tmp_path / "data", seconds=0.5)
    (data / "takes").mkdir()
    (data / "in.wav").rename(data / "takes" / "in.wav")
    text = (data / "pairs.csv").read_text().replace("\nin.wav,", "\ntakes/in.wav,")
    (data / "pairs.csv").write_text(text)
    refuse_folder(monkeypatch, data / "takes")
    error = _refused(data, data / "takes" / "in.wav")
    text = str(error)
    assert text.startswith("pairs.csv lines 2 and 3: cannot read") and "no such" not in text.lower(), text


def test_a_recording_that_may_not_be_opened_is_said_as_permission_denied(tmp_path: Path, monkeypatch) -> None:
    data = drive_folder(tmp_path / "data", seconds=0.5)
    refuse_file(monkeypatch, data / "out_12.wav")
    with pytest.raises(DataError) as caught:
        load_folder(data)
    text = str(caught.value)
    assert f"cannot read {data / 'out_12.wav'}: permission denied" in text and "system error" not in text, text


def test_train_effect_says_it_in_one_error_line(tmp_path: Path, monkeypatch, capsys) -> None:
    data = drive_folder(tmp_path / "data", seconds=0.5)
    refuse_folder(monkeypatch, data)
    assert main(["train", "effect", str(data), "--out", str(tmp_path / "e.hatpack"), "--max-steps", "2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"hatbox: error: cannot read {data}: permission denied"), err
    assert "internal error" not in err and "chmod" in err


def test_a_data_path_in_a_folder_that_may_not_be_entered_is_said(tmp_path: Path, monkeypatch) -> None:
    """trainer.effect.data.check_data_path, which train_effect calls before it looks at the data (its default pack
    name looked first: "internal error: PermissionError" for `train effect locked/pedal/pairs.csv`)."""
    from trainer.effect.data import check_data_path
    data = drive_folder(tmp_path / "locked" / "pedal", seconds=0.5)
    check_data_path(data)
    refuse_folder(monkeypatch, tmp_path / "locked")
    with pytest.raises(DataError) as caught:
        check_data_path(data / "pairs.csv")
    assert caught.value.args[0] == f"cannot read {data / 'pairs.csv'}: permission denied"
    assert f"chmod -R u+rX {tmp_path / 'locked'};" in (caught.value.hint or ""), caught.value.hint  # the closed one
