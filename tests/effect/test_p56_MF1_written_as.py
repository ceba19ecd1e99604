"""p56 final read FR1 finding 3: three places write a new path as a CSV cell should name it, "in the cell's own form"
(backslashes where the cell used only those): the effect hints (checks.listed_as), the tagger's moved-file guess
(moved_files.as_cell), and, without that rule, the slip suggestion: "recs\\out_drve5.wav" got "did you mean
recs/out_drive5.wav?" while the other hints of the same run kept the backslashes.  One rule now,
trainer.csvtext.as_written, used by all three."""
from __future__ import annotations

from pathlib import Path

from tests.effect.test_p56_F3_name_slip import _set
from trainer import csvtext
from trainer.effect.checks import listed_as
from trainer.tagger.moved_files import as_cell


def _said(folder: Path, cell: str) -> str:
    return _set(folder, cell, sep="\\")


def test_a_slip_in_a_cell_with_backslashes_is_suggested_with_them(tmp_path: Path) -> None:
    said = _said(tmp_path, "recs\\out_drve5.wav")
    assert "did you mean recs\\out_drive5.wav?" in said, said


def test_a_slip_in_a_cell_with_slashes_keeps_them(tmp_path: Path) -> None:
    said = _said(tmp_path, "recs/out_drve5.wav")
    assert "did you mean recs/out_drive5.wav?" in said, said


def test_one_rule_for_the_three() -> None:
    assert csvtext.as_written("recs/di_1.5s.wav", "recs\\di.wav") == "recs\\di_1.5s.wav"
    assert csvtext.as_written("recs/di_1.5s.wav", "recs/x\\di.wav") == "recs/di_1.5s.wav"    # both: as it is
    assert listed_as(Path("/set/recs/di_1.5s.wav"), "recs\\di.wav") == "recs\\di_1.5s.wav"
    assert as_cell(Path("/set/lib/new/s5.wav"), Path("/set"), "lib\\old\\s5.wav") == "lib\\new\\s5.wav"
