"""p47 QA, scripted listings of the laptop's library (`hatbox library query DB ... --json | jq length` from cron):
--json was cut at the default -k (10) without a word; its rows differed from `box-library --json`'s.  Now --json
without -k lists every file, a -k that left files out is said on stderr (the text listing's words), and the rows
are hatbox.listing_json's, the keys `box-library --json` prints for the same listing."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import soundfile as sf

from device import library
from hatbox.cli import main
from tests.tagger.conftest import hiss, thump

FILES = 14
BOOM = 12           # files the producer tagged "boom": more than the default -k


@pytest.fixture
def db(tmp_path: Path, small_pack: Path) -> Path:
    """A library of :data:`FILES` hits tagged by the small pack, :data:`BOOM` of them corrected to "boom"."""
    root = tmp_path / "lib"
    root.mkdir()
    for i in range(FILES):
        sf.write(root / f"s{i:02d}.wav", thump(22050, 0.3, 50 + 9 * i, seed=i) if i % 2 else hiss(22050, 0.3, seed=i),
                 22050)
    out = tmp_path / "lib.db"
    library.tag_library(root, small_pack, out)
    for i in range(BOOM):
        library.set_tags(out, f"s{i:02d}.wav", ["boom"])
    return out


def _query(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> tuple[list, str]:
    assert main(["library", "query", str(db), *argv]) == 0
    got = capsys.readouterr()
    return json.loads(got.out), got.err


def test_json_without_k_lists_every_file_and_a_cut_is_said(db, capsys) -> None:
    rows, err = _query(capsys, db, "--tag", "boom", "--json")          # before: 10 of 12, stderr empty
    assert len(rows) == BOOM and "first" not in err
    rows, err = _query(capsys, db, "--like", str(db.parent / "lib" / "s00.wav"), "--json")
    assert len(rows) == FILES - 1 and "first" not in err
    rows, err = _query(capsys, db, "--tag", "boom", "-k", "5", "--json")
    assert len(rows) == 5 and f"... the first 5 of {BOOM}: -k {BOOM} lists them all" in err
    rows, err = _query(capsys, db, "--unsure", "-k", "1", "--json")
    assert len(rows) == 1 and f"the first 1 of {FILES - BOOM}" in err
    assert main(["library", "query", str(db), "--tag", "boom"]) == 0            # the text listing: 10, as before
    got = capsys.readouterr()
    assert len(got.out.splitlines()) == 10 and f"the first 10 of {BOOM}" in got.err


def test_rows_have_the_boxs_keys(db, capsys) -> None:
    rows, _ = _query(capsys, db, "--tag", "boom", "--json")
    assert all(set(r) == {"path", "score", "yours", "corrected"} and r["yours"] is r["corrected"] is True for r in rows)
    rows, _ = _query(capsys, db, "--unsure", "--json")
    assert rows and all(set(r) == {"path", "margin", "guesses", "exclusive", "in_doubt"} for r in rows)
    assert all(set(g) == {"tag", "score"} for r in rows for g in r["guesses"])
    rows, _ = _query(capsys, db, "--like", str(db.parent / "lib" / "s00.wav"), "-k", "2", "--json")
    assert all(set(r) == {"path", "score", "closeness", "yours"} for r in rows)


def test_the_laptop_and_the_box_print_one_shape(library_dir, small_pack, tmp_path, monkeypatch, capsys) -> None:
    """The same kicks, tagged on the laptop and on the box: each listing's rows have the same keys (the box's tag rows
    also who made a correction) and their values the same types."""
    from .conftest import box_with_kicks
    laptop_db = tmp_path / "kicks.db"
    library.tag_library(library_dir / "kicks", small_pack, laptop_db)
    library.set_tags(laptop_db, "k1.wav", ["tom"])
    with box_with_kicks(library_dir, small_pack, tmp_path, monkeypatch):
        capsys.readouterr()
        lid = json.loads(_box(capsys, "--json"))[0]["id"]
        assert main(["box-library", lid, "--fix", "k1.wav", "tom"]) == 0
        capsys.readouterr()
        for ask in (["--tag", "tom"], ["--unsure"], ["--like", "k1.wav"]):
            box = json.loads(_box(capsys, lid, *ask, "--json"))
            laptop, _ = _query(capsys, laptop_db, *ask[:-1], *_laptop_arg(ask, library_dir), "--json")
            assert box and laptop, ask
            extra = {"by", "by_you"} if ask[0] == "--tag" else set()
            assert set(box[0]) == set(laptop[0]) | extra, ask
            assert {k: type(v) for k, v in box[0].items() if k not in extra} == \
                {k: type(v) for k, v in laptop[0].items()}, ask
            if ask[0] == "--unsure":
                assert type(box[0]["guesses"][0]) is type(laptop[0]["guesses"][0]) is dict


def _box(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(["box-library", *argv]) == 0
    return capsys.readouterr().out


def _laptop_arg(ask: list[str], library_dir: Path) -> list[str]:
    """The last word of ``ask`` as `library query` takes it (--like: the file's path on this laptop)."""
    return [str(library_dir / "kicks" / ask[-1])] if ask[0] == "--like" else [ask[-1]]
