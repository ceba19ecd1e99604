"""`hatbox tag` and `hatbox library query` end to end through the CLI entry point."""
from __future__ import annotations

from hatbox.cli import main


def test_tag_then_query(library_dir, small_pack, tmp_path, capsys):
    db, links = tmp_path / "lib.db", tmp_path / "links"
    assert main(["tag", str(library_dir), "--pack", str(small_pack), "--out", str(db), "--links", str(links)]) == 0
    out = capsys.readouterr().out
    assert "6 files: 5 tagged, 0 unchanged, 1 failed" in out and "skipped hats/broken.wav" in out
    assert main(["tag", str(library_dir), "--pack", str(small_pack), "--out", str(db)]) == 0
    assert "0 tagged, 6 unchanged" in capsys.readouterr().out
    assert main(["library", "query", str(db)]) == 0
    assert '"kick"' in capsys.readouterr().out
    assert main(["library", "query", str(db), "--like", str(library_dir / "kicks" / "k1.wav"), "-k", "2"]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 2
    assert main(["library", "query", str(db), "--failed"]) == 0
    assert "broken.wav" in capsys.readouterr().out


def test_default_database_lives_in_the_library(library_dir, small_pack):
    assert main(["tag", str(library_dir), "--pack", str(small_pack)]) == 0
    assert (library_dir / ".hatbox-tags.sqlite").is_file()
    assert main(["tag", str(library_dir), "--pack", str(small_pack)]) == 0   # the db itself is not a sample


def test_user_errors_exit_cleanly(tmp_path, small_pack, capsys):
    assert main(["tag", str(tmp_path / "nope"), "--pack", str(small_pack)]) == 2
    assert "no library folder" in capsys.readouterr().err
    assert main(["library", "query", str(tmp_path / "x.db"), "--tag", "kick"]) == 2
    assert main(["tag", str(tmp_path), "--pack", str(tmp_path / "missing.hatpack")]) == 2


def test_an_empty_library_says_where_it_looked(small_pack, tmp_path, capsys):
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    (tmp_path / "empty" / "sub" / "readme.txt").write_text("no audio here")
    assert main(["tag", str(tmp_path / "empty"), "--pack", str(small_pack), "--out", str(tmp_path / "e.db")]) == 0
    out = capsys.readouterr().out
    assert "0 files" in out and "no audio files under" in out and ".wav" in out and ".mp3" in out
