"""p56 QA_B finding 3: a one-letter typo in a listed file name (out_drve5.wav for out_drive5.wav) got no "did you
mean", where a case slip did.  trainer.csvtext.missing_error now names the file of the same folder the name is a
slip of (hatbox.library_words.slip_of, the rule `hatbox library fix` uses: case, spaces, punctuation, a doubled
letter or one edit, never a digit), in both CSVs that share it (an effect's pairs.csv, a tagger's list)."""
from __future__ import annotations

from pathlib import Path

import pytest

from hatbox.errors import DataError
from tests.effect.synth import drive, plucks, write
from trainer.effect.data import load_folder
from trainer.tagger.data import load_items


def _set(folder: Path, cell: str, sep: str = "/") -> str:
    """The refusal of a pairs.csv set whose third line's output is ``cell``; the other cells' folders written with
    ``sep`` ("/", or a Windows user's backslash)."""
    x = plucks(0.5)
    for name, y in (("di.wav", x), ("out_drive1.wav", drive(x, 1)), ("out_drive5.wav", drive(x, 5))):
        write(folder / "recs" / name, y)
    rows = ["input,output,drive", f"recs{sep}di.wav,recs{sep}out_drive1.wav,1", f"recs{sep}di.wav,{cell},5"]
    (folder / "pairs.csv").write_text("\n".join(rows) + "\n")
    with pytest.raises(DataError) as caught:
        load_folder(folder)
    return str(caught.value)


def test_a_one_letter_typo_names_the_file_it_most_likely_means(tmp_path: Path) -> None:
    said = _set(tmp_path, "recs/out_drve5.wav")
    assert "(line 3, output column; did you mean recs/out_drive5.wav?)" in said, said


def test_the_tagger_list_says_it_the_same_way(tmp_path: Path) -> None:
    write(tmp_path / "kicks" / "kick_deep.wav", plucks(0.3))
    (tmp_path / "list.csv").write_text("kicks/kick_depe.wav,kick\n")
    with pytest.raises(DataError) as caught:
        load_items(tmp_path / "list.csv")
    assert "(line 1; did you mean kicks/kick_deep.wav?)" in str(caught.value), str(caught.value)


@pytest.mark.parametrize("cell", ["recs/out_drive9.wav", "recs/out_fuzz5.wav", "nowhere/out_drve5.wav"])
def test_another_take_or_another_word_is_no_slip(tmp_path: Path, cell: str) -> None:
    said = _set(tmp_path, cell)           # drive9 is another take (a digit), fuzz another word, nowhere no folder
    assert "1 listed file does not exist" in said and "did you mean" not in said, said
