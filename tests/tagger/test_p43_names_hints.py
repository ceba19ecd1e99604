"""p43 names QA, item 5 (hatbox tag's side): the command a library query's note advises quotes the database path."""
from __future__ import annotations

import shlex
from pathlib import Path

import soundfile as sf

from hatbox.cli import main

from .conftest import thump


def test_a_moved_library_note_quotes_the_database(tmp_path: Path, small_pack: Path, capsys) -> None:
    lib = tmp_path / "Bibliothek Ü"
    lib.mkdir()
    sf.write(lib / "k.wav", thump(16000), 16000)
    db = tmp_path / "meine Tags ü.sqlite"
    assert main(["tag", str(lib), "--pack", str(small_pack), "--out", str(db)]) == 0
    lib.rename(tmp_path / "elsewhere")
    capsys.readouterr()
    assert main(["library", "query", str(db), "--failed"]) == 0
    err = capsys.readouterr().err
    command = err.split("`")[1]
    assert shlex.split(command) == ["hatbox", "tag", "NEW-FOLDER", "--out", str(db)]
