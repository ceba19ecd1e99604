"""`hatbox tag` and `hatbox library query` end to end through the CLI entry point."""
from __future__ import annotations

import pytest

from hatbox.cli import main


def test_tag_then_query(library_dir, small_pack, tmp_path, capsys):
    db, links = tmp_path / "lib.db", tmp_path / "links"
    assert main(["tag", str(library_dir), "--pack", str(small_pack), "--out", str(db), "--links", str(links)]) == 0
    out = capsys.readouterr().out
    assert "6 files: 5 tagged, 0 unchanged, 1 failed" in out and "failed hats/broken.wav" in out
    assert main(["tag", str(library_dir), "--pack", str(small_pack), "--out", str(db)]) == 0
    out = capsys.readouterr().out      # the broken file is tried again and reported again, not "unchanged"
    assert "6 files: 0 tagged, 5 unchanged, 1 failed" in out and "failed hats/broken.wav" in out
    assert main(["library", "query", str(db)]) == 0
    assert any(line.split()[-1] == "kick" for line in capsys.readouterr().out.splitlines())
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
    assert main(["tag", str(tmp_path / "empty"), "--pack", str(small_pack), "--out", str(tmp_path / "new" / "e.db")]) == 0
    out = capsys.readouterr().out
    assert "no audio files under" in out and ".wav" in out and ".mp3" in out
    assert "No database was written." in out                # an empty database and its lock were left before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty"]        # nor the folder made for it


def test_query_options_are_checked_and_names_cannot_drive_the_terminal(library_dir, small_pack, tmp_path, capsys):
    db = tmp_path / "lib.db"
    (library_dir / "kicks" / "bad\x1b[2Jname.wav").write_bytes(b"RIFFjunk")
    assert main(["tag", str(library_dir), "--pack", str(small_pack), "--out", str(db)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "bad\\x1b[2Jname.wav" in out
    assert main(["library", "query", str(db), "--failed"]) == 0
    assert "\x1b" not in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["library", "query", str(db), "--tag", "kick", "-k", "0"])
    with pytest.raises(SystemExit):                                  # --failed lists failures, not a tag
        main(["library", "query", str(db), "--failed", "--tag", "kick"])
    assert "give 1 or more" in capsys.readouterr().err


def test_silent_files_are_listed_as_skipped(library_dir, small_pack, tmp_path, capsys):
    import numpy as np
    import soundfile as sf
    db = tmp_path / "lib.db"
    sf.write(library_dir / "kicks" / "blank.wav", np.zeros(22050, np.float32), 44100)
    assert main(["tag", str(library_dir), "--pack", str(small_pack), "--out", str(db)]) == 0
    out = capsys.readouterr().out
    assert "7 files: 5 tagged, 0 unchanged, 1 failed, 1 skipped (silent, too short or empty)" in out
    assert "skipped kicks/blank.wav: silent (all zeros)" in out
    assert main(["library", "query", str(db), "--failed"]) == 0
    assert "blank.wav\tsilent (all zeros)" in capsys.readouterr().out
