"""p54 MR1 (review R1 of F3's staged laptop re-tag): what happens to a library while a re-tag with a new pack waits
part way.  The producer's kept tags given back to a file new during the re-tag wait in the stage for the merge (they
follow a rename, and go with a file deleted meanwhile instead of sticking to the next sound saved there); a move over
a staged file of the same size and time is replayed on the stage; Ctrl-C after the merge committed is said as a re-tag
that went through; a folder that cannot be opened holds the merge (its staged rows kept); "going on" is decided by the
pack's model id, as the stage is; a stage left beside a database deleted to start over is dropped with a note."""
from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

import pytest
import soundfile as sf

import device.library.retag as retag
import device.library.tag as tagmod
from device import library
from device.library import db as libdb
from device.library.kept import kept_left
from hatbox.cli import main
from tests.library.test_p54_F3_retag_keeps import NEW_PACK, _listing, _stop_at, _tag
from tests.tagger.conftest import hiss, library_dir, small_pack, thump  # noqa: F401 - fixtures


def _stage_rows(db: Path) -> dict[str, list[tuple[str, float]]]:
    """path -> (tag, score) of every files row of ``db``'s stage."""
    con = sqlite3.connect(retag.stage_path(db))
    try:
        return {p: _rows(con, p) for (p,) in con.execute("SELECT path FROM files")}
    finally:
        con.close()


def _rows(con: sqlite3.Connection, rel: str) -> list[tuple[str, float]]:
    return sorted((t, round(s, 4)) for t, s in con.execute("SELECT tag, score FROM tags WHERE path = ?", (rel,)))


def _main_rows(db: Path, rel: str) -> list[tuple[str, float]]:
    con = sqlite3.connect(db)
    try:
        return _rows(con, rel)
    finally:
        con.close()


def _table(db: Path, sql: str) -> list[tuple]:
    con = sqlite3.connect(db)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def _k1_back_during_a_retag(library_dir: Path, small_pack: Path, db: Path,  # noqa: F811
                            monkeypatch: pytest.MonkeyPatch) -> None:
    """kicks/k1.wav corrected to "tom", then gone (its tag kept), then its bytes back as kicks/a_new.wav while a
    re-tag runs, stopped (Ctrl-C) after a_new.wav was tagged into the stage."""
    assert _tag(library_dir, small_pack, db) == 0
    k1 = library_dir / "kicks" / "k1.wav"
    assert main(["library", "fix", str(db), str(k1), "tom"]) == 0
    shutil.move(k1, db.parent / "k1.bak")
    assert _tag(library_dir, small_pack, db) == 0           # k1 left: "tom" kept by its bytes
    shutil.copy2(db.parent / "k1.bak", library_dir / "kicks" / "a_new.wav")
    _stop_at(monkeypatch, 5)                                 # hats (3), then kicks/a_new.wav: saved on the Ctrl-C
    assert _tag(library_dir, NEW_PACK, db) == 130
    monkeypatch.undo()
    assert "kicks/a_new.wav" in _stage_rows(db)


def test_kept_tags_back_during_a_retag_follow_a_rename(library_dir: Path, small_pack: Path,  # noqa: F811
                                                       tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "lib.db"
    _k1_back_during_a_retag(library_dir, small_pack, db, monkeypatch)
    assert _table(db, "SELECT path FROM user_tags WHERE tag = 'tom'") == []   # not written where no row stands
    capsys.readouterr()
    assert main(["library", "query", str(db), "--left"]) == 0
    assert "tom" in capsys.readouterr().out                  # still kept, and said so, while the re-tag waits
    os.rename(library_dir / "kicks" / "a_new.wav", library_dir / "kicks" / "b_renamed.wav")
    assert _tag(library_dir, NEW_PACK, db) == 0
    assert library.current_tags(db, library_dir / "kicks" / "b_renamed.wav") == ["tom"]
    assert _table(db, "SELECT path, tag FROM user_tags WHERE tag = 'tom'") == [("kicks/b_renamed.wav", "tom")]
    assert _table(db, "SELECT * FROM kept_tags") == []


def test_kept_tags_back_during_a_retag_given_at_the_merge(library_dir: Path, small_pack: Path,  # noqa: F811
                                                          tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "lib.db"
    _k1_back_during_a_retag(library_dir, small_pack, db, monkeypatch)
    capsys.readouterr()
    assert _tag(library_dir, NEW_PACK, db) == 0
    out = capsys.readouterr().out
    assert library.current_tags(db, library_dir / "kicks" / "a_new.wav") == ["tom"]
    assert "kicks/a_new.wav" in out                          # said as given back, as on any run
    assert _table(db, "SELECT * FROM kept_tags") == []


def test_kept_tags_back_during_a_retag_then_deleted(library_dir: Path, small_pack: Path,  # noqa: F811
                                                    tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "lib.db"
    _k1_back_during_a_retag(library_dir, small_pack, db, monkeypatch)
    (library_dir / "kicks" / "a_new.wav").unlink()           # it leaves again before the re-tag ends
    assert _tag(library_dir, NEW_PACK, db) == 0
    assert [k.tags for k in kept_left(db)] == [("tom",)]      # still kept for its bytes
    sf.write(library_dir / "kicks" / "a_new.wav", hiss(22050, seed=11), 22050)   # another sound under that name
    assert _tag(library_dir, NEW_PACK, db) == 0
    assert "tom" not in library.current_tags(db, library_dir / "kicks" / "a_new.wav")
    assert _table(db, "SELECT path FROM user_tags WHERE tag = 'tom'") == []


def _same_size_library(root: Path) -> None:
    """Four 1 s WAVs of one size and one mtime (as a pack's unzipped files have), two thumps and two hisses."""
    (root / "d").mkdir(parents=True)
    for name, make, seed in (("a", thump, 1), ("b", hiss, 4), ("c", thump, 7), ("e", hiss, 9)):
        sf.write(root / "d" / f"{name}.wav", make(44100, seed=seed), 44100)
        os.utime(root / "d" / f"{name}.wav", ns=(1_600_000_000 * 10**9,) * 2)


def test_a_move_over_a_staged_file_of_the_same_size_and_time(small_pack: Path, tmp_path: Path,  # noqa: F811
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    root, db = tmp_path / "pack", tmp_path / "lib.db"
    _same_size_library(root)
    assert _tag(root, small_pack, db) == 0
    _stop_at(monkeypatch, 4)                                 # a, b and c in the stage
    assert _tag(root, NEW_PACK, db) == 130
    monkeypatch.undo()
    staged = _stage_rows(db)
    assert staged["d/a.wav"] != staged["d/b.wav"]
    os.replace(root / "d" / "b.wav", root / "d" / "a.wav")    # b moved over a: the same size and time
    assert _tag(root, NEW_PACK, db) == 0
    assert _main_rows(db, "d/a.wav") == staged["d/b.wav"]    # b's new-pack scores, not a's
    assert _table(db, "SELECT path FROM files WHERE path = 'd/b.wav'") == []


def test_ctrl_c_after_the_merge_is_said_as_done(library_dir: Path, small_pack: Path, tmp_path: Path,  # noqa: F811
                                                monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    db, links = tmp_path / "lib.db", tmp_path / "links"
    command = ["tag", str(library_dir), "--out", str(db), "--links", str(links)]
    assert main([*command, "--pack", str(small_pack)]) == 0

    def stopped(*args: object, **kwargs: object) -> int:
        raise KeyboardInterrupt                               # while the links are written, after the merge
    monkeypatch.setattr(tagmod, "write_links", stopped)
    capsys.readouterr()
    assert main([*command, "--pack", str(NEW_PACK)]) == 130
    err = capsys.readouterr().err
    assert "still lists the tags of" not in err
    assert "re-tag went through" in err and "replaced those of small 0.1.0" in err
    assert "the links" in err and "run the same command again" in err
    assert libdb.get_meta(sqlite3.connect(db), "pack").startswith("tagger-drums")
    assert not retag.stage_path(db).exists()


def _library_with_a_linked_folder(root: Path, ext: Path) -> None:
    """``root`` with kicks/k1, k2 and ``aaa``, a link to the folder ``ext`` (a1, a2): walked first."""
    (root / "kicks").mkdir(parents=True)
    ext.mkdir()
    sf.write(ext / "a1.wav", thump(44100, seed=1), 44100)
    sf.write(ext / "a2.wav", hiss(44100, seed=4), 44100)
    sf.write(root / "kicks" / "k1.wav", thump(44100, seed=3), 44100)
    sf.write(root / "kicks" / "k2.wav", hiss(44100, seed=5), 44100)
    (root / "aaa").symlink_to(ext)


def test_a_folder_not_reached_holds_the_merge(small_pack: Path, tmp_path: Path,  # noqa: F811
                                              monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    root, ext, db = tmp_path / "lib", tmp_path / "ext", tmp_path / "lib.db"
    _library_with_a_linked_folder(root, ext)
    assert _tag(root, small_pack, db) == 0
    before = _listing(db)
    _stop_at(monkeypatch, 3)                                  # aaa/a1, aaa/a2 staged
    assert _tag(root, NEW_PACK, db) == 130
    monkeypatch.undo()
    shutil.move(ext, tmp_path / "away")                       # the drive unplugged
    capsys.readouterr()
    assert _tag(root, NEW_PACK, db) == 0
    out = capsys.readouterr().out
    assert "replaced those of" not in out
    assert "re-tag with tagger-drums 0.1.1 is not finished" in out and "aaa/" in out
    assert "run the same command again" in out
    assert _listing(db) == before                             # the old tags stay listed, aaa's with them
    assert {"aaa/a1.wav", "aaa/a2.wav"} <= set(_stage_rows(db))    # and what the re-tag did there stays
    assert main(["library", "query", str(db)]) == 0
    assert "not those under a folder that could not be opened" in capsys.readouterr().err
    shutil.move(tmp_path / "away", ext)                       # plugged in again
    assert _tag(root, NEW_PACK, db) == 0
    out = capsys.readouterr().out
    assert "replaced those of" in out and "4 unchanged" in out
    assert not retag.stage_path(db).exists()
    assert sum(len(v) for v in _listing(db).values()) >= 4


def _mywords(path: Path, seed: int, version: str) -> Path:
    """A two-word tagger pack "mywords ``version``" of a network seeded ``seed``, exported to ``path``."""
    import torch
    from trainer.tagger.model import TaggerConfig, TaggerNet
    from trainer.tagger.onnx_export import export_tagger
    torch.manual_seed(seed)
    net = TaggerNet(TaggerConfig(clip_samples=8000, channels=(8, 16), embed_dim=16), 2).eval()
    return export_tagger(net, ["kick", "snare"], path, name="mywords", description=version, thresholds=[0.5, 0.5])


def test_a_pack_exported_again_at_the_same_path_starts_over(library_dir: Path, small_pack: Path,  # noqa: F811
                                                            tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    db, pack = tmp_path / "lib.db", tmp_path / "out" / "mywords.hatpack"
    pack.parent.mkdir()
    assert _tag(library_dir, small_pack, db) == 0
    _mywords(pack, 1, "0.1.1")
    _stop_at(monkeypatch, 4)
    assert _tag(library_dir, pack, db) == 130
    monkeypatch.undo()
    pack.unlink()
    _mywords(pack, 2, "0.1.2")                                # retrained, exported to the same file
    _stop_at(monkeypatch, 3)
    capsys.readouterr()
    assert _tag(library_dir, pack, db) == 130
    said = capsys.readouterr()
    assert "going on with the re-tag" not in said.out
    assert "2 of 6 files tagged with the new pack so far" in said.err    # counted afresh: 2 files


def test_another_pack_given_drops_the_stopped_retag(library_dir: Path, small_pack: Path,  # noqa: F811
                                                    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "lib.db"
    assert _tag(library_dir, small_pack, db) == 0
    _stop_at(monkeypatch, 4)
    assert _tag(library_dir, NEW_PACK, db) == 130
    monkeypatch.undo()
    other = _mywords(tmp_path / "mywords.hatpack", 1, "0.1.1")
    capsys.readouterr()
    assert _tag(library_dir, other, db) == 0
    out = capsys.readouterr().out
    assert "going on" not in out
    assert "replaced those of small 0.1.0" in out
    assert libdb.get_meta(sqlite3.connect(db), "pack").startswith("mywords")
    words = set(_listing(db))
    assert words and words <= {"kick", "snare"}               # none of tagger-drums' words came along


def test_the_same_pack_copied_elsewhere_goes_on(library_dir: Path, small_pack: Path,  # noqa: F811
                                                tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "lib.db"
    assert _tag(library_dir, small_pack, db) == 0
    _stop_at(monkeypatch, 4)
    assert _tag(library_dir, NEW_PACK, db) == 130
    monkeypatch.undo()
    copy = tmp_path / "copy.hatpack"
    shutil.copy2(NEW_PACK, copy)
    capsys.readouterr()
    assert _tag(library_dir, copy, db) == 0
    out = capsys.readouterr().out
    assert "going on with the re-tag with tagger-drums" in out and "3 of 6 files were done" in out


def test_a_stage_beside_a_database_deleted_is_dropped(library_dir: Path, small_pack: Path,  # noqa: F811
                                                      tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "lib.db"
    assert _tag(library_dir, small_pack, db) == 0
    _stop_at(monkeypatch, 4)
    assert _tag(library_dir, NEW_PACK, db) == 130
    monkeypatch.undo()
    for extra in ("", "-wal", "-shm"):
        Path(f"{db}{extra}").unlink(missing_ok=True)         # the library started over
    capsys.readouterr()
    assert _tag(library_dir, small_pack, db) == 0
    out = capsys.readouterr().out
    assert "re-tag" in out and "dropped" in out               # said once, as it goes
    assert not retag.stage_path(db).exists()
    capsys.readouterr()
    assert main(["library", "query", str(db)]) == 0
    assert "re-tag" not in capsys.readouterr().err


def test_kept_tags_back_to_a_file_changed_during_a_retag_wait_too(library_dir: Path, small_pack: Path,  # noqa: F811
                                                                  tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The library's row of a file changed during a re-tag is of its old bytes until the merge: kept tags given to
    its new bytes then, and the file deleted, were kept again by the old bytes' hash (a copy of the old sound
    would have got them)."""
    db = tmp_path / "lib.db"
    assert _tag(library_dir, small_pack, db) == 0
    k1, h1 = library_dir / "kicks" / "k1.wav", library_dir / "hats" / "h1.wav"
    assert main(["library", "fix", str(db), str(k1), "tom"]) == 0
    shutil.move(k1, tmp_path / "k1.bak")
    assert _tag(library_dir, small_pack, db) == 0             # k1 left: "tom" kept by its bytes
    shutil.copy2(tmp_path / "k1.bak", h1)                      # its bytes over hats/h1.wav, during the re-tag
    _stop_at(monkeypatch, 4)                                   # the three hats tagged into the stage
    assert _tag(library_dir, NEW_PACK, db) == 130
    monkeypatch.undo()
    h1.unlink()                                                # deleted before the re-tag ends
    assert _tag(library_dir, NEW_PACK, db) == 0
    assert [(k.path, k.tags) for k in kept_left(db)] == [("kicks/k1.wav", ("tom",))]


def test_kept_tags_wait_for_the_bytes_they_came_back_with(library_dir: Path, small_pack: Path,  # noqa: F811
                                                          tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A file that took a kept sound's bytes during a re-tag and then got its own bytes back before it ended is not
    given that sound's tags at the merge."""
    db = tmp_path / "lib.db"
    assert _tag(library_dir, small_pack, db) == 0
    k1, h1 = library_dir / "kicks" / "k1.wav", library_dir / "hats" / "h1.wav"
    assert main(["library", "fix", str(db), str(k1), "tom"]) == 0
    shutil.move(k1, tmp_path / "k1.bak")
    assert _tag(library_dir, small_pack, db) == 0
    shutil.copy2(h1, tmp_path / "h1.bak")
    shutil.copy2(tmp_path / "k1.bak", h1)                      # k1's bytes over hats/h1.wav, during the re-tag
    _stop_at(monkeypatch, 4)
    assert _tag(library_dir, NEW_PACK, db) == 130
    monkeypatch.undo()
    shutil.copy2(tmp_path / "h1.bak", h1)                      # and h1's own sound back (a new mtime)
    assert _tag(library_dir, NEW_PACK, db) == 0
    assert "tom" not in library.current_tags(db, h1)
    assert [(k.path, k.tags) for k in kept_left(db)] == [("kicks/k1.wav", ("tom",))]
