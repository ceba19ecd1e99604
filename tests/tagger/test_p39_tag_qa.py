"""Thirty-ninth stop's QA of `hatbox tag`: a links folder made for one library was emptied and filled with another's
when given as that one's --links (the database refuses another library); an unreadable sample's reason was
Python's own words."""
from __future__ import annotations

import errno
from pathlib import Path

import pytest

from hatbox.cli import main
from tests.test_p39_broken_packs import FACTORY, small_library

PACK = str(FACTORY / "tagger-drums.hatpack")


def links_in(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_symlink())


def test_a_links_folder_of_another_library_is_refused_and_kept(tmp_path: Path, capsys) -> None:
    a, b = small_library(tmp_path / "a"), small_library(tmp_path / "b")
    links = tmp_path / "links"
    assert main(["tag", str(a), "--pack", PACK, "--out", str(tmp_path / "a.db"), "--links", str(links)]) == 0
    made = links_in(links)
    capsys.readouterr()
    assert main(["tag", str(b), "--pack", PACK, "--out", str(tmp_path / "b.db"), "--links", str(links)]) == 2
    err = capsys.readouterr().err
    assert f"--links {links} holds the links of another library (they point at {a.resolve()}" in err
    assert links_in(links) == made and all(str(p.resolve()).startswith(str(a.resolve())) for p in links.rglob("*.wav"))
    assert not (tmp_path / "b.db").exists()


def test_a_links_folder_of_a_library_moved_since_is_rebuilt(tmp_path: Path, capsys) -> None:
    """Its links point at nothing now: the library's own folder under its new name, not another's."""
    a = small_library(tmp_path / "a")
    links, db = tmp_path / "links", tmp_path / "a.db"
    assert main(["tag", str(a), "--pack", PACK, "--out", str(db), "--links", str(links)]) == 0
    moved = a.rename(tmp_path / "a-moved")
    db.unlink()
    assert main(["tag", str(moved), "--pack", PACK, "--out", str(db), "--links", str(links)]) == 0
    assert links_in(links) and all(p.resolve().parent == moved.resolve() for p in links.rglob("*.wav"))


def test_a_sample_that_cannot_be_read_is_said_in_words(tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    """Root reads any file, so the refusal is made here as the file system makes it for another user."""
    from device.library import tag
    lib = small_library(tmp_path / "lib")
    real = tag._heard

    def heard(path: Path, *a, **k):
        if path.name == "hat.wav":
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, *a, **k)

    monkeypatch.setattr(tag, "_heard", heard)
    assert main(["tag", str(lib), "--pack", PACK, "--out", str(tmp_path / "t.db")]) == 0
    out = capsys.readouterr().out
    assert "hat.wav: cannot read: permission denied (let your user read it: chmod u+r" in out and "Errno" not in out


def stopped_after_one(lib: Path, db: Path) -> None:
    """Tag ``lib`` into ``db`` and stop after its first file (as Ctrl-C or the box's cancel does)."""
    import threading

    from device.library import tag_library
    cancel = threading.Event()
    report = tag_library(lib, PACK, db, progress=lambda done, total: cancel.set(), cancel=cancel, batch=1)
    assert report.cancelled


def test_a_library_whose_tagging_stopped_part_way_says_so(tmp_path: Path, capsys) -> None:
    """QA: after Ctrl-C at 116 of 856 files, `query --failed` said "every audio file of the library is tagged",
    and `fix` of a file not reached yet said it "was added to the library since it was tagged"."""
    lib, db = small_library(tmp_path / "lib"), tmp_path / "t.db"
    stopped_after_one(lib, db)
    assert main(["library", "query", str(db), "--failed"]) == 0
    out, err = capsys.readouterr()
    assert "stopped part-way, at 1 of 3 files" in err and f"hatbox tag {lib}" in err
    assert out == "" and err.splitlines()[-1] == "no file failed or was skipped so far"   # stderr when piped (p44)
    refused = []
    for name in ("kick.wav", "hat.wav", "ride.wav"):   # the one file tagged takes its fix
        if main(["library", "fix", str(db), str(lib / name), "mine"]) == 2:
            refused.append(capsys.readouterr().err)
    assert len(refused) == 2, refused
    assert all("is not tagged yet: the last hatbox tag of the library stopped before it reached it" in e
               for e in refused)
    assert main(["tag", str(lib), "--pack", PACK, "--out", str(db)]) == 0
    capsys.readouterr()
    assert main(["library", "query", str(db), "--failed"]) == 0
    out, err = capsys.readouterr()
    assert "every audio file of the library is tagged" in err and "part-way" not in err   # stderr when piped (p44)


def test_a_library_being_tagged_now_says_so(tmp_path: Path, capsys) -> None:
    from device.library import db as libdb
    lib, db = small_library(tmp_path / "lib"), tmp_path / "t.db"
    stopped_after_one(lib, db)
    con = libdb.connect(db)
    libdb.set_meta(con, run="running")                 # as a run writes it when it starts
    con.commit()
    con.close()
    with libdb.tagging_lock(db):                       # and holds the lock while it runs
        assert main(["library", "query", str(db)]) == 0
        assert "the library is being tagged now: what follows is the 1 of 3 files tagged so far" in \
            capsys.readouterr().err
    assert main(["library", "query", str(db)]) == 0    # the run was killed: its lock went with it
    assert "stopped part-way" in capsys.readouterr().err


def test_training_says_what_it_leaves_out_before_it_trains(tmp_path: Path, capsys, monkeypatch) -> None:
    """QA: "tag folder ... holds no audio files", "N audio files directly in ... are left out" and "skipped 1
    unreadable file" came only once training had ended (4.5 minutes by default)."""
    from trainer.tagger import pipeline
    root = tmp_path / "tags"
    for tag in ("kick", "hat"):
        small_library(root / tag)
    (root / "empty").mkdir()
    (root / "loose.wav").write_bytes((root / "kick" / "kick.wav").read_bytes())
    (root / "hat" / "broken.wav").write_bytes(b"RIFF....WAVEfmt nothing")

    class Heard(Exception):
        pass

    def train(*a, **k):
        raise Heard(capsys.readouterr().err)

    monkeypatch.setattr(pipeline, "train", train)
    with pytest.raises(Heard) as said:
        pipeline.train_and_export(root, tmp_path / "t.hatpack", steps=2, minutes=0.1)
    err = str(said.value)
    assert "empty holds no audio files" in err and "directly in" in err
    assert "1 file left out (unreadable; named when training ends)" in err and "training goes on" in err


def test_like_with_nothing_to_compare_with_says_so(tmp_path: Path, capsys) -> None:
    """QA: `query --like FILE --pack P` on a library with no file tagged printed nothing, exit 0."""
    import threading

    from device.library import tag_library
    lib, db = small_library(tmp_path / "lib"), tmp_path / "t.db"
    stop = threading.Event()
    stop.set()                                         # stopped before the first file
    tag_library(lib, PACK, db, cancel=stop, batch=1)
    other = small_library(tmp_path / "elsewhere") / "kick.wav"
    capsys.readouterr()
    assert main(["library", "query", str(db), "--like", str(other), "--pack", PACK]) == 0
    assert "none is tagged yet" in capsys.readouterr().err


def test_a_file_the_tagger_gives_nan_for_blames_the_pack_not_the_sample(tmp_path: Path, capsys, monkeypatch) -> None:
    """QA: a tagger giving NaN for quiet clips only passes the golden check; each such file read "the tagger gave no
    scores for it (its samples overflow the network)" of samples peaking at 0.005."""
    import numpy as np

    from device.library.runner import PackTagger
    real = PackTagger.run

    def run(self, audio):
        probs, emb = real(self, audio)
        probs[0] = np.nan
        return probs, emb

    monkeypatch.setattr(PackTagger, "run", run)
    lib = small_library(tmp_path / "lib")
    assert main(["tag", str(lib), "--pack", PACK, "--out", str(tmp_path / "t.db")]) == 0
    out = capsys.readouterr().out
    assert "a fault of the pack, not of the sample" in out and "overflow" not in out
