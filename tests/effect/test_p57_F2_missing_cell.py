"""p57 F2 3: the refusal of a pairs.csv (or a tagger's list) naming files that do not exist showed each missing file
by its path from where the command ran (sets/pedal/recs/amq.wav) while its "did you mean" and "there is" named
files as the CSV writes them (recs/amp.wav): two forms in one sentence, and the first is no text the CSV holds.  Now
each missing file is the cell as written (what a user searches the CSV for), with where else it was looked for when
that differs (a cell with Windows backslashes, also read with them as "/"); the hint still says where a relative
path starts (the CSV's folder)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from hatbox.errors import DataError
from tests.effect.synth import plucks, write
from trainer.effect.data import load_folder
from trainer.tagger.data import load_items


def _refusal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cells: list[str]) -> str:
    """The refusal of sets/pedal/pairs.csv, loaded from ``tmp_path`` as "sets/pedal", whose rows' outputs are
    ``cells`` (recs/ holds di.wav, out_drive5.wav and amp.wav)."""
    folder = tmp_path / "sets" / "pedal"
    for name in ("di.wav", "out_drive5.wav", "amp.wav"):
        write(folder / "recs" / name, plucks(0.3))
    rows = ["input,output,drive"] + [f"recs/di.wav,{cell},{i}" for i, cell in enumerate(cells)]
    (folder / "pairs.csv").write_text("\n".join(rows) + "\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError) as caught:
        load_folder(os.path.join("sets", "pedal"))
    return str(caught.value)


def test_the_missing_file_is_the_cell_as_the_slip_is(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    said = _refusal(tmp_path, monkeypatch, ["recs/out_drve5.wav", "recs/Amp.wav"])
    assert "2 listed files do not exist: recs/out_drve5.wav (line 2, output column; did you mean " \
        "recs/out_drive5.wav?); recs/Amp.wav (line 3, output column; there is recs/amp.wav)" in said, said
    assert "sets/pedal/recs" not in said, said
    assert "a relative path starts at the CSV's folder (sets/pedal)" in said, said


def test_a_cell_with_backslashes_says_where_else_it_was_looked_for(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    said = _refusal(tmp_path, monkeypatch, ["recs\\gone.wav", "recs\\Amp.wav"])
    assert "recs\\gone.wav (line 2, output column; also looked for as recs/gone.wav)" in said, said
    assert "recs\\Amp.wav (line 3, output column; also looked for as recs/Amp.wav; there is recs\\amp.wav)" \
        in said, said


def test_an_absolute_cell_is_shown_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cell = str(tmp_path / "elsewhere" / "gone.wav")
    said = _refusal(tmp_path, monkeypatch, [cell])
    assert f"1 listed file does not exist: {cell} (line 2, output column)" in said, said


def test_the_tagger_list_says_the_cell_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "lists" / "kicks" / "kick_deep.wav", plucks(0.3))
    (tmp_path / "lists" / "list.csv").write_text("kicks/kick_depe.wav,kick\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DataError) as caught:
        load_items(Path("lists") / "list.csv")
    assert ": kicks/kick_depe.wav (line 1; did you mean kicks/kick_deep.wav?)" in str(caught.value), caught.value
