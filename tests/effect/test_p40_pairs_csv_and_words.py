"""Fortieth stop's effect QA, pairs.csv and the words around it: Excel's trailing empty columns are ignored, a
header in another case is read, a file given as the data folder is named as a file, --input/--target as one file is
told in --target's words, and a "-0" knob cell is 0."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from hatbox.cli import main
from hatbox.errors import DataError
from tests.effect.synth import drive_folder
from trainer.effect.config import make_config
from trainer.effect.data import load_folder, parse_header
from trainer.effect.train import _default_name, plan_words


def _excel(folder: Path, header: str, rows: list[str]) -> Path:
    (folder / "pairs.csv").write_bytes(("\r\n".join([header, *rows]) + "\r\n").encode())
    return folder


def test_excel_trailing_empty_columns_are_ignored(tmp_path: Path) -> None:
    data = _excel(drive_folder(tmp_path / "d", settings=(0, 12)), "input,output,drive[dB],tone[Hz],,",
                  ["in.wav,out_0.wav,0,100,,", "in.wav,out_12.wav,12,200,,"])
    got = load_folder(data)
    assert [k.name for k in got.knobs] == ["drive", "tone"] and got.pairs[1].setting == {"drive": 12.0, "tone": 200.0}


def test_a_value_under_a_trailing_nameless_column_is_still_refused(tmp_path: Path) -> None:
    data = _excel(drive_folder(tmp_path / "d", settings=(0, 12)), "input,output,drive[dB],,",
                  ["in.wav,out_0.wav,0,,", "in.wav,out_12.wav,12,5,"])
    with pytest.raises(DataError, match="line 3 has 4 cells but the header has 3"):
        load_folder(data)


def test_an_empty_header_cell_between_named_ones_is_said_by_its_column_number() -> None:
    with pytest.raises(DataError, match="pairs.csv: column 3 has no name") as caught:
        parse_header(["input", "output", "", "tone[Hz]"])
    assert "cannot read knob column header" not in str(caught.value)


def test_an_input_output_header_in_any_case_is_read(tmp_path: Path) -> None:
    data = _excel(drive_folder(tmp_path / "d", settings=(0, 12)), "Input,OUTPUT,drive[dB]",
                  ["in.wav,out_0.wav,0", "in.wav,out_12.wav,12"])
    assert [p.setting for p in load_folder(data).pairs] == [{"drive": 0.0}, {"drive": 12.0}]


def test_a_minus_zero_knob_cell_is_zero(tmp_path: Path) -> None:
    data = _excel(drive_folder(tmp_path / "d", settings=(0, 12)), "input,output,drive[dB]",
                  ["in.wav,out_0.wav,-0", "in.wav,out_12.wav,12"])
    got = load_folder(data)
    assert math.copysign(1.0, got.pairs[0].setting["drive"]) == 1.0 and got.pairs[0].key == "drive=0"
    assert "knobs: drive 0, 12 dB" in plan_words(got, make_config(minutes=1.0))


def _refused(capsys, argv: list[str]) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err


def test_one_file_as_input_and_target_is_told_in_target_words(tmp_path: Path, capsys) -> None:
    data = drive_folder(tmp_path / "d")
    err = _refused(capsys, ["train", "effect", "--input", str(data / "out_0.wav"), "--target",
                            str(data / "out_0.wav"), "--out", str(tmp_path / "x.hatpack")])
    assert "input and output are the same file" in err and "as --target" in err
    assert "column" not in err and "row" not in err


def test_a_file_given_as_the_data_folder_is_named_a_file(tmp_path: Path, capsys) -> None:
    di = drive_folder(tmp_path / "pedal") / "in.wav"
    err = _refused(capsys, ["train", "effect", str(di), "--out", str(tmp_path / "x.hatpack")])
    assert f"{di} is a file, not a folder of recordings" in err and "--input DRY.wav --target WET.wav" in err
    assert "no pairs.csv in" not in err


def test_the_pairs_csv_itself_may_be_given_for_its_folder(tmp_path: Path) -> None:
    folder = drive_folder(tmp_path / "pedal")
    assert len(load_folder(folder / "pairs.csv").pairs) == 2
    assert _default_name(folder / "pairs.csv", None) == "pedal"
