"""Forty-first stop (first-run QA): `hatbox library export DB --out labels.csv` replaced a hand-made 62-row training
CSV with 3 rows, without a word.  An export writes over a CSV hatbox wrote (its first line is the mark), and over any
other only with --force; the CSV it writes still trains a tagger (the mark is a comment line)."""
from __future__ import annotations

from pathlib import Path

from device import library
from device.library.fixes_csv import MARK
from hatbox.cli import main


def test_export_writes_over_its_own_csv_only(library_dir, small_pack, tmp_path: Path, capsys) -> None:
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    library.set_tags(db, "kicks/k1.wav", ["tom"])
    mine = tmp_path / "labels.csv"
    mine.write_text("path,tags\n/x/a.wav,kick\n/x/b.wav,hat\n")
    assert main(["library", "export", str(db), "--out", str(mine)]) != 0
    err = capsys.readouterr().err
    assert "is a CSV hatbox did not write" in err and "--force" in err and mine.read_text().count("\n") == 3
    fixes = tmp_path / "fixes.csv"
    assert main(["library", "export", str(db), "--out", str(fixes)]) == 0
    assert fixes.read_text().splitlines()[0] == MARK
    library.set_tags(db, "kicks/k2.flac", ["tom"])
    assert main(["library", "export", str(db), "--out", str(fixes)]) == 0          # again: its own, replaced
    assert "2 corrected files" in capsys.readouterr().out
    assert main(["library", "export", str(db), "--out", str(mine), "--force"]) == 0
    assert mine.read_text().splitlines()[0] == MARK


def test_the_exported_csv_trains_as_before(library_dir, small_pack, tmp_path: Path) -> None:
    from trainer.tagger.data import load_sources
    db = tmp_path / "lib.db"
    library.tag_library(library_dir, small_pack, db)
    library.set_tags(db, "kicks/k1.wav", ["tom"])
    out = tmp_path / "fixes.csv"
    assert library.export_csv(db, out) == 1
    assert [(it.path.name, it.tags) for it in load_sources([out])] == [("k1.wav", ("tom",))]
