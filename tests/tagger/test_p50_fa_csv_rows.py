"""Fiftieth stop's QA ("foley"): a tag CSV row whose path starts with "#" ("#03 Door.wav", "#Favourites/kick.wav",
quoted or not) was dropped as a comment without a word, so hatbox could not read back its own exports
(`push-library --fixes` sent nothing, `train tagger` found "no tagged audio files"); and a cell of two words
("glass,impact", as a spreadsheet saves words typed in one cell) was refused as a tag holding a comma.  Both readers
of such CSVs (the tagger's list, trainer/tagger/data.py, and push-library's --fixes, hatbox/fixes_given.py) go
through trainer.csvrows, so both are checked here."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from hatbox.errors import DataError, HatboxError
from trainer.csvrows import csv_rows

RATE = 16000


def _wav(path: Path, seed: int = 0) -> Path:
    """A short noise burst at ``path`` (its folders made)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    x = np.random.default_rng(seed).uniform(-0.3, 0.3, RATE // 4).astype(np.float32)
    sf.write(path, x, RATE)
    return path


@pytest.fixture
def hashed(tmp_path: Path) -> Path:
    """A library folder whose files are named with "#": a numbered track and a "#Favourites" folder."""
    _wav(tmp_path / "#03 Door.wav", 1)
    _wav(tmp_path / "#1 Door slam.wav", 2)
    _wav(tmp_path / "#Favourites" / "kick.wav", 3)
    _wav(tmp_path / "plain.wav", 4)
    return tmp_path


def test_a_hash_row_that_names_a_file_is_a_row_quoted_or_not(hashed: Path) -> None:
    csv = hashed / "t.csv"
    csv.write_text("# my words\n#03 Door.wav,door\n\"#1 Door slam.wav\",door\n#Favourites/kick.wav,kick\n"
                   "plain.wav,kick\n", encoding="utf-8")
    notes: list[str] = []
    rows, _ = csv_rows(csv, notes)
    assert [(name, tags) for name, tags, _ in rows] == [
        ("#03 Door.wav", ("door",)), ("#1 Door slam.wav", ("door",)), ("#Favourites/kick.wav", ("kick",)),
        ("plain.wav", ("kick",))]
    assert notes == []          # "# my words" is a comment and looks like no path: nothing to say


def test_a_hash_row_naming_no_file_is_a_comment_counted_when_it_looks_like_a_path(hashed: Path) -> None:
    csv = hashed / "t.csv"
    csv.write_text("# my words, typed here\n#04 Gone.wav,door\n#Old/kick.wav,kick\nplain.wav,kick\n", encoding="utf-8")
    notes: list[str] = []
    rows, _ = csv_rows(csv, notes)
    assert [name for name, _, _ in rows] == ["plain.wav"]
    said = [n for n in notes if "starting with #" in n]
    assert len(said) == 1, notes
    assert "3 lines starting with # read as comments; 2 look like a path" in said[0]
    assert "line 2 (#04 Gone.wav)" in said[0] and "line 3 (#Old/kick.wav)" in said[0]


def test_a_semicolon_csv_whose_first_row_starts_with_hash_keeps_its_separator(hashed: Path) -> None:
    """The "#" row is the only row: a rule that skips every "#" line to find the separator finds no line (and reads
    commas, the whole line one cell naming no file: a comment); a second row "plain.wav;kick" would tell it ";"."""
    csv = hashed / "t.csv"
    csv.write_text("#03 Door.wav;door\n", encoding="utf-8")
    rows, _ = csv_rows(csv, [])
    assert [(name, tags) for name, tags, _ in rows] == [("#03 Door.wav", ("door",))]


def test_hatboxs_own_export_with_hash_paths_reads_back_for_push_and_training(hashed: Path) -> None:
    """write_fixes_csv (library export, box-library --export-fixes) writes "#" paths bare: both readers take them."""
    from device.library.fixes_csv import write_fixes_csv
    from hatbox.fixes_given import given_corrections
    from trainer.tagger.data import load_sources
    out = hashed / "fixes.csv"
    rows = [("#03 Door.wav", ["door"]), ("#Favourites/kick.wav", ["kick"]), ("plain.wav", [])]
    write_fixes_csv(out, rows, str(out))
    assert "\n#03 Door.wav,door" in out.read_text(encoding="utf-8")        # as the QA found it: bare
    sent = given_corrections(out, "fixes.csv")
    assert sent == {hashed / "#03 Door.wav": ["door"], hashed / "#Favourites" / "kick.wav": ["kick"],
                    hashed / "plain.wav": [""]}
    items = load_sources([out], [])
    assert {(it.path.name, it.tags) for it in items} == {("#03 Door.wav", ("door",)), ("kick.wav", ("kick",)),
                                                         ("plain.wav", ())}


def test_a_cell_of_words_separated_by_commas_is_its_words_with_one_note(hashed: Path) -> None:
    csv = hashed / "t.csv"
    csv.write_text('File,Tags\nplain.wav,"glass,impact"\n#03 Door.wav," door , wood "\n'
                   '#1 Door slam.wav,door\n', encoding="utf-8")
    notes: list[str] = []
    rows, _ = csv_rows(csv, notes)
    assert [tags for _, tags, _ in rows] == [("glass", "impact"), ("door", "wood"), ("door",)]
    said = [n for n in notes if "separated by commas" in n]
    assert len(said) == 1 and "2 cells hold several words" in said[0] and "line 2: 'glass,impact'" in said[0]


def test_a_split_word_that_is_still_no_tag_is_refused(hashed: Path) -> None:
    csv = hashed / "t.csv"
    csv.write_text('plain.wav,"glass,a/b"\n', encoding="utf-8")
    with pytest.raises(DataError) as err:
        csv_rows(csv, [])
    assert "'a/b'" in str(err.value) and "'glass" not in str(err.value)


def test_push_fixes_takes_a_cell_of_two_words(hashed: Path) -> None:
    from hatbox.fixes_given import given_corrections
    csv = hashed / "fixes.csv"
    csv.write_text('path,tags\n#03 Door.wav,"door,wood"\n', encoding="utf-8")
    try:
        sent = given_corrections(csv, "fixes.csv")
    except HatboxError as exc:          # before: "tags not allowed: 'door,wood' ... no comma"
        pytest.fail(str(exc))
    assert sent == {hashed / "#03 Door.wav": ["door", "wood"]}
