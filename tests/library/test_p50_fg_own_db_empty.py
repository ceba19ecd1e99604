"""p50 FG: a folder holding its own (empty) tag database, left by an earlier `hatbox tag FOLDER` without --out, while
the corrections were made in lib.db (docs/tagger.md's steps use --out lib.db): push-library sent the empty one's none
and said nothing of corrections.  It now says none go with it, and names a database of the folder that holds some."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from device.library import tag_library
from device.library.db import IN_LIBRARY
from hatbox.cli import main
from hatbox.library_fixes import push_fixes
from hatbox.library_push import databases_of, own_empty_note
from tests.api.conftest import paired_server  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack


def _library(tmp_path: Path) -> tuple[Path, Path]:
    lib = tmp_path / "Samples"
    lib.mkdir()
    for i in range(2):
        sf.write(lib / f"s{i}.wav", np.linspace(-0.5, 0.5, 2400 + 480 * i, dtype=np.float32), 48000)
    pack = tagger_pack(tmp_path / "t.hatpack")
    tag_library(lib, pack, lib / IN_LIBRARY)            # an early `hatbox tag Samples` without --out: no corrections
    return lib, pack


def test_the_note_names_the_database_that_holds_the_corrections(tmp_path, monkeypatch):
    lib, pack = _library(tmp_path)
    monkeypatch.chdir(tmp_path)
    fixes = push_fixes(lib, None, False)
    assert fixes is not None and fixes.path == lib / IN_LIBRARY
    plain = own_empty_note(fixes)
    assert "no corrections go with it (the folder's own database has none" in plain and "--fixes DB" in plain, plain
    tag_library(lib, pack, tmp_path / "lib.db")
    assert main(["library", "fix", str(tmp_path / "lib.db"), str(lib / "s0.wav"), "djembe"]) == 0
    assert databases_of(lib, lib / IN_LIBRARY) == [(Path.cwd() / "lib.db", 1)]
    named = own_empty_note(push_fixes(lib, None, False))
    assert "lib.db holds your corrections of 1 file of it" in named and "--fixes lib.db" in named, named


def test_no_note_when_corrections_go(tmp_path, monkeypatch):
    lib, _ = _library(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert main(["library", "fix", str(lib / IN_LIBRARY), str(lib / "s1.wav"), "djembe"]) == 0
    assert own_empty_note(push_fixes(lib, None, False)) == ""
    assert own_empty_note(None) == ""


def test_push_library_says_it(tmp_path, monkeypatch, paired_server, capsys):
    lib, pack = _library(tmp_path)
    monkeypatch.chdir(tmp_path)
    tag_library(lib, pack, tmp_path / "lib.db")
    assert main(["library", "fix", "lib.db", str(lib / "s1.wav"), "djembe"]) == 0
    capsys.readouterr()
    assert main(["push-library", str(lib), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert err.count("no corrections go with it") == 1 and "--fixes lib.db" in err, err
    assert main(["push-library", str(lib), "--quiet"]) == 0          # held already: said there too
    err = capsys.readouterr().err
    assert err.count("no corrections go with it") == 1 and "--fixes lib.db" in err, err
