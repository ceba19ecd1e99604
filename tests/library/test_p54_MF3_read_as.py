"""device.library.kept.read_as: the one rule for which reading of a typed PATH names kept files (matching and
hatbox.library_kept's "the whole library" question both use it; FR2 finding 3 of the fifty-fourth stop)."""
from pathlib import Path

from device.library.kept import Kept, read_as

ROWS = [Kept("kicks/a.wav", ("kick",), 1, "d1"), Kept("snares/b.wav", ("snare",), 2, "d2")]


def test_a_path_reads_as_the_form_that_names_kept_files(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert read_as(tmp_path, ROWS, "kicks") == "kicks"
    assert read_as(tmp_path, ROWS, str(tmp_path)) == "."
    assert read_as(tmp_path, ROWS, "hats") is None
    assert read_as(tmp_path, ROWS, "  ") is None


def test_dot_in_a_folder_no_kept_file_left_reads_as_the_library(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "kicks").mkdir()
    monkeypatch.chdir(tmp_path / "kicks")
    assert read_as(tmp_path, ROWS, ".") == "kicks"          # the working folder first: kicks/a.wav left from it
    assert read_as(tmp_path, ROWS[1:], ".") == "."         # none left from kicks/: the library folder itself
