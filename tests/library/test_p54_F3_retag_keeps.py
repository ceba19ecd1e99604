"""p54 F3: `hatbox tag LIB --pack NEW --out DB` on a database an older pack tagged, stopped part way, left the listings
with only the files tagged again so far (`library query DB --tag kick` lost every other file).  Now the old pack's
tags stay listed (with a note: how far the re-tag got, the command that finishes it) until the re-tag has gone through
every file; the same command goes on; then the new tags replace the old in one transaction, the producer's own tags
untouched.  A first tagging and a run with the same pack write no stage and behave as before."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import device.library.retag as retag
import device.library.tag as tagmod
from device import library
from device.library.query import run_counts
from hatbox.cli import main
from tests.tagger.conftest import library_dir, small_pack  # noqa: F401 - fixtures
from tests.test_p39_broken_packs import FACTORY

NEW_PACK = FACTORY / "tagger-drums.hatpack"


def _listing(db: Path) -> dict[str, list[str]]:
    """Every tag a file carries -> the files listed under it (sorted), as `library query --tag` lists them."""
    return {t: sorted(str(h.path) for h in library.files_with_tag(db, t)) for t, n in library.list_tags(db).items()
            if n}


def _tag(lib: Path, pack: Path, db: Path) -> int:
    return main(["tag", str(lib), "--pack", str(pack), "--out", str(db)])


def _stop_at(monkeypatch: pytest.MonkeyPatch, nth: int) -> None:
    """Ctrl-C as the run comes to its ``nth`` file (the files decoded before it are saved, as on a real Ctrl-C)."""
    real, seen = tagmod._one, []

    def one(*args, **kwargs):
        seen.append(1)
        if len(seen) == nth:
            raise KeyboardInterrupt
        return real(*args, **kwargs)
    monkeypatch.setattr(tagmod, "_one", one)


@pytest.fixture
def tagged(library_dir: Path, small_pack: Path, tmp_path: Path) -> Path:  # noqa: F811
    """``library_dir`` tagged by ``small_pack`` into tmp_path/lib.db, kicks/k1.wav corrected to "tom"."""
    db = tmp_path / "lib.db"
    assert _tag(library_dir, small_pack, db) == 0
    assert main(["library", "fix", str(db), str(library_dir / "kicks" / "k1.wav"), "tom"]) == 0
    return db


def test_a_stopped_retag_keeps_the_old_tags_listed(tagged: Path, library_dir: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    before = _listing(tagged)
    _stop_at(monkeypatch, 4)
    capsys.readouterr()
    assert _tag(library_dir, NEW_PACK, tagged) == 130
    said = capsys.readouterr()
    assert "tagging all 6 files again with tagger-drums" in said.out
    assert "the listings keep the old tags until every file is tagged again" in said.out
    err = said.err
    assert "re-tag stopped (Ctrl-C): 3 of 6 files tagged with the new pack so far" in err
    assert "run the same command again" in err
    assert _listing(tagged) == before                   # every file still under its old tags, "tom" with them
    assert library.current_tags(tagged, library_dir / "kicks" / "k1.wav") == ["tom"]
    assert run_counts(tagged).older == 0                # no file of the old pack is left out of the listing
    monkeypatch.undo()
    assert main(["library", "query", str(tagged), "--tag", "tom"]) == 0
    err = capsys.readouterr().err
    assert "a re-tag with tagger-drums" in err and "is part way (3 of 6 files)" in err
    assert f"--pack {NEW_PACK} --out {tagged}" in err and "finishes it" in err
    assert "stopped part-way" not in err                # the library's own tagging is whole


def test_the_same_command_goes_on_and_swaps_at_once(tagged: Path, library_dir: Path,
                                                    monkeypatch: pytest.MonkeyPatch,
                                                    capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    _stop_at(monkeypatch, 4)
    assert _tag(library_dir, NEW_PACK, tagged) == 130
    monkeypatch.undo()
    # a correction made while the re-tag waits stays too
    assert main(["library", "fix", str(tagged), str(library_dir / "hats" / "h1.wav"), "ride"]) == 0
    capsys.readouterr()
    assert _tag(library_dir, NEW_PACK, tagged) == 0
    out = capsys.readouterr().out
    assert "going on with the re-tag with tagger-drums" in out and "3 of 6 files were done" in out
    assert "3 tagged, 2 unchanged" in out               # the 2 the stopped run tagged are not tagged again
    assert "replaced those of" in out
    assert not retag.stage_path(tagged).exists()
    counts = run_counts(tagged)
    assert counts.older == 0 and counts.tagged == 5
    assert library.current_tags(tagged, library_dir / "kicks" / "k1.wav") == ["tom"]
    assert library.current_tags(tagged, library_dir / "hats" / "h1.wav") == ["ride"]
    from device.library.runner import tagger_tags
    from export.pack import read_pack
    listed = set(_listing(tagged)) - {"tom", "ride"}
    assert listed and listed <= set(tagger_tags(read_pack(NEW_PACK).manifest))   # the new pack's words only
    assert main(["library", "query", str(tagged)]) == 0
    assert "re-tag" not in capsys.readouterr().err


def test_a_merge_cut_off_leaves_the_old_tags(tagged: Path, library_dir: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    before = _listing(tagged)

    def crash(con: sqlite3.Connection) -> None:
        raise sqlite3.OperationalError("disk I/O error")    # after the rows were swapped, before the meta
    monkeypatch.setattr(retag, "_swap_meta", crash)
    assert _tag(library_dir, NEW_PACK, tagged) != 0
    assert _listing(tagged) == before                    # rolled back whole
    assert retag.stage_path(tagged).exists()
    monkeypatch.undo()
    assert _tag(library_dir, NEW_PACK, tagged) == 0        # goes on: every file in the stage already
    assert run_counts(tagged).tagged == 5 and not retag.stage_path(tagged).exists()


def test_a_stage_left_after_its_merge_is_dropped(tagged: Path, library_dir: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:  # noqa: F811
    assert _tag(library_dir, NEW_PACK, tagged) == 0
    stage = retag.stage_path(tagged)
    con = sqlite3.connect(tagged)                        # a stage whose removal a crash cut off after its merge
    con.execute("VACUUM INTO ?", (str(stage),))
    con.close()
    capsys.readouterr()
    assert main(["library", "query", str(tagged)]) == 0
    assert "re-tag" not in capsys.readouterr().err       # the library's pack: no re-tag is part way
    assert _tag(library_dir, NEW_PACK, tagged) == 0
    assert not stage.exists()


def test_first_tagging_and_same_pack_runs_write_no_stage(library_dir: Path, small_pack: Path,  # noqa: F811
                                                         tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "lib.db"
    _stop_at(monkeypatch, 4)
    assert _tag(library_dir, small_pack, db) == 130
    monkeypatch.undo()
    assert not retag.stage_path(db).exists()
    assert run_counts(db).tagged == 2                     # the first tagging lists what it tagged, as before
    assert _tag(library_dir, small_pack, db) == 0
    assert not retag.stage_path(db).exists() and run_counts(db).tagged == 5
