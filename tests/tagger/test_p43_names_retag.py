"""p43 upgrade QA, item 8: `hatbox tag` on a database an older hatbox (or another pack) tagged says why it tags
every file again, before it does."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import soundfile as sf

from device.library.runner import earlier_tagger, pack_ids
from export.pack import read_pack
from hatbox.cli import main

from .conftest import hiss, thump


@pytest.fixture
def tagged(tmp_path: Path, small_pack: Path) -> tuple[Path, Path]:
    lib = tmp_path / "lib"
    lib.mkdir()
    sf.write(lib / "k.wav", thump(16000), 16000)
    sf.write(lib / "h.wav", hiss(16000), 16000)
    db = tmp_path / "db.sqlite"
    assert main(["tag", str(lib), "--pack", str(small_pack), "--out", str(db)]) == 0
    return lib, db


def _record(db: Path, model: str) -> None:
    con = sqlite3.connect(db)
    con.execute("UPDATE meta SET value = ? WHERE key = 'model'", (model,))
    con.execute("UPDATE files SET model = ?", (model,))
    con.commit()
    con.close()


def test_a_database_holding_the_weights_only_id_is_said_to_be_an_older_hatboxs(tagged, small_pack, capsys):
    lib, db = tagged
    _record(db, pack_ids(read_pack(small_pack))[1])
    capsys.readouterr()
    assert main(["tag", str(lib), "--pack", str(small_pack), "--out", str(db)]) == 0
    out = capsys.readouterr().out
    assert "this database was tagged by an older hatbox: tagging all 2 files again" in out
    assert "2 tagged, 0 unchanged" in out


def test_another_packs_id_is_said_too(tagged, small_pack, capsys):
    lib, db = tagged
    _record(db, "0123456789abcdef")
    capsys.readouterr()
    assert main(["tag", str(lib), "--pack", str(small_pack), "--out", str(db)]) == 0
    assert "tagged by an older hatbox (or another pack): tagging all 2 files again" in capsys.readouterr().out


def test_nothing_is_said_when_the_same_pack_tags_again(tagged, small_pack, capsys):
    lib, db = tagged
    capsys.readouterr()
    assert main(["tag", str(lib), "--pack", str(small_pack), "--out", str(db)]) == 0
    assert "tagging all" not in capsys.readouterr().out


def test_earlier_tagger_words():
    assert earlier_tagger("", "m", "w") == "" and earlier_tagger("m", "m", "w") == ""
    assert earlier_tagger("w", "m", "w") == "an older hatbox"
    assert earlier_tagger("x", "m", "w") == "an older hatbox (or another pack)"
