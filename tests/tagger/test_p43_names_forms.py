"""p43 names QA, item 3: one name in its two Unicode forms (NFC typed on a keyboard, NFD kept from a Mac) is one
file wherever a path is typed: `library fix`, `library query --like`, a training CSV.  Nothing is renamed."""
from __future__ import annotations

import csv
import json
import unicodedata
from pathlib import Path

import pytest
import soundfile as sf

from hatbox.cli import main
from hatbox.names import on_disk
from trainer.tagger.data import load_items

from .conftest import hiss, thump

NFC = unicodedata.normalize("NFC", "é/café é.wav")
NFD = unicodedata.normalize("NFD", NFC)


@pytest.fixture
def tagged(tmp_path: Path, small_pack: Path) -> Path:
    """A library holding é/café é.wav named NFD (as a Mac wrote it) and a hat, tagged into lib/db.sqlite."""
    lib = tmp_path / "lib"
    (lib / unicodedata.normalize("NFD", "é")).mkdir(parents=True)
    sf.write(lib / NFD, thump(16000), 16000)
    sf.write(lib / "hat.wav", hiss(16000), 16000)
    assert main(["tag", str(lib), "--pack", str(small_pack), "--out", str(tmp_path / "db.sqlite")]) == 0
    return lib


def _names(lib: Path) -> list[str]:
    return sorted(str(p.relative_to(lib)) for p in lib.rglob("*.wav"))


def test_library_fix_takes_the_nfc_form_of_an_nfd_name(tagged, tmp_path, capsys):
    capsys.readouterr()
    assert main(["library", "fix", str(tmp_path / "db.sqlite"), NFC, "tom"]) == 0, capsys.readouterr().err
    assert "tom (yours" in capsys.readouterr().out
    assert main(["library", "query", str(tmp_path / "db.sqlite"), "--tag", "tom", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)                      # ASCII JSON (p44): the name as it is on disk
    assert any(row["path"].endswith(NFD) for row in rows) and _names(tagged) == sorted([NFD, "hat.wav"])  # kept


def test_library_query_like_takes_either_form(tagged, tmp_path, capsys):
    capsys.readouterr()
    assert main(["library", "query", str(tmp_path / "db.sqlite"), "--like", str(tagged / NFC), "--json"]) == 0, \
        capsys.readouterr().err
    assert "hat.wav" in capsys.readouterr().out


def test_a_training_csv_names_a_file_in_the_other_form(tmp_path):
    (tmp_path / "d").mkdir()
    sf.write(tmp_path / "d" / unicodedata.normalize("NFD", "kick é.wav"), thump(16000), 16000)
    sf.write(tmp_path / "d" / unicodedata.normalize("NFC", "hat ü.wav"), hiss(16000), 16000)
    with open(tmp_path / "t.csv", "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["d/" + unicodedata.normalize("NFC", "kick é.wav"), "kick"],
                                  ["d/" + unicodedata.normalize("NFD", "hat ü.wav"), "hat"]])
    items = load_items(tmp_path / "t.csv", [])
    assert sorted(p.path.name for p in items) == sorted(p.name for p in (tmp_path / "d").iterdir())


def test_on_disk_matches_each_part_in_either_form(tmp_path):
    folder = tmp_path / unicodedata.normalize("NFD", "Flöte")
    folder.mkdir()
    (folder / unicodedata.normalize("NFC", "é.wav")).write_bytes(b"")
    typed = tmp_path / unicodedata.normalize("NFC", "Flöte") / unicodedata.normalize("NFD", "é.wav")
    assert on_disk(typed) == folder / unicodedata.normalize("NFC", "é.wav")
    assert on_disk(tmp_path / "none.wav") is None


def test_on_disk_tries_each_form_of_a_folder_that_exists_in_both(tmp_path):
    """QA's library: é/ written NFC and NFD, side by side, each with its own file."""
    nfc_dir = tmp_path / unicodedata.normalize("NFC", "é")
    nfd_dir = tmp_path / unicodedata.normalize("NFD", "é")
    nfc_dir.mkdir()
    nfd_dir.mkdir()
    (nfc_dir / "a.wav").write_bytes(b"")
    (nfd_dir / unicodedata.normalize("NFD", "café.wav")).write_bytes(b"")
    typed = tmp_path / unicodedata.normalize("NFC", "é/café.wav")
    assert on_disk(typed) == nfd_dir / unicodedata.normalize("NFD", "café.wav")
