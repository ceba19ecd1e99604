"""pairs.csv: the trainer's folder format, written and read back by the recipes."""
from __future__ import annotations

import pytest

from hatbox.errors import DataError
from trainer.data.pairs import PairRow, read_pairs, write_pairs


def test_header_and_rows_roundtrip(tmp_path):
    rows = [PairRow("in.wav", "out_0.wav", {"DRIVE": 0.1, "TONE": 0.9}),
            PairRow("in.wav", "out_1.wav", {"DRIVE": 0.5, "TONE": 0.25})]
    path = write_pairs(tmp_path, rows)
    assert path.read_text().splitlines()[0] == "input,output,DRIVE,TONE"
    assert read_pairs(tmp_path) == rows


def test_no_knobs_is_just_input_output(tmp_path):
    write_pairs(tmp_path, [PairRow("a.wav", "b.wav")], "heldout.csv")
    assert (tmp_path / "heldout.csv").read_text().split() == ["input,output", "a.wav,b.wav"]


def test_rows_with_different_knobs_are_refused(tmp_path):
    rows = [PairRow("a.wav", "b.wav", {"DRIVE": 1.0}), PairRow("a.wav", "c.wav", {"TONE": 1.0})]
    with pytest.raises(DataError, match="same knobs"):
        write_pairs(tmp_path, rows)


def test_bad_header_and_missing_file_are_clear_errors(tmp_path):
    with pytest.raises(DataError, match="no pairs.csv"):
        read_pairs(tmp_path)
    (tmp_path / "pairs.csv").write_text("x,y\na.wav,b.wav\n")
    with pytest.raises(DataError, match="input,output"):
        read_pairs(tmp_path)


def test_non_numeric_knob_is_a_clear_error(tmp_path):
    (tmp_path / "pairs.csv").write_text("input,output,DRIVE\na.wav,b.wav,loud\n")
    with pytest.raises(DataError, match="not a number"):
        read_pairs(tmp_path)
