"""`hatbox tag LIBRARY` says a name held in two Unicode forms (a Mac's decomposed café.wav beside a Linux copy's
composed one) as push-library does, with one function (hatbox.push_walk.twin_words): both are tagged, push-library
sends only the first (fifty-first stop, fix L2: `hatbox tag` said nothing while push-library named them, p50 FG)."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import soundfile as sf

from device.library.db import connect_readonly, known_files
from device.library.folder_tar import walk_folder
from hatbox.cli import main
from hatbox.push_walk import twin_words, twins_among
from tests.api.packs import tagger_pack

NFC = unicodedata.normalize("NFC", "Names/café.wav")
NFD = unicodedata.normalize("NFD", "Names/café.wav")


def _library(tmp_path: Path, twins: bool = True) -> Path:
    """Names/café.wav composed and (``twins``) decomposed, and plain.wav."""
    lib = tmp_path / "cafe"
    (lib / "Names").mkdir(parents=True)
    sf.write(lib / NFC, np.linspace(-0.5, 0.5, 2400, dtype=np.float32), 48000)
    if twins:
        sf.write(lib / NFD, np.linspace(0.5, -0.5, 3600, dtype=np.float32), 48000)
    sf.write(lib / "plain.wav", np.linspace(-0.2, 0.2, 2000, dtype=np.float32), 48000)
    return lib


def _tag(tmp_path: Path, lib: Path, capsys) -> list[str]:
    """`hatbox tag` of ``lib`` with a small tagger pack: its notes on stdout."""
    pack = tagger_pack(tmp_path / "t.hatpack")
    capsys.readouterr()
    assert main(["tag", str(lib), "--pack", str(pack), "--out", str(tmp_path / "lib.db")]) == 0
    return [line for line in capsys.readouterr().out.splitlines() if line.startswith("note: ")]


def test_tag_tags_both_and_says_which_push_library_sends(tmp_path: Path, capsys) -> None:
    lib = _library(tmp_path)
    notes = [n for n in _tag(tmp_path, lib, capsys) if "Unicode form" in n]
    (words,) = twin_words({NFC: NFD}, sent="", tail="{kept}").values()
    assert len(notes) == 1, notes
    assert notes[0].startswith(f"note: {NFC}: the same name as {NFD} in another Unicode form: its accents are written "
                               "composed, that one's decomposed (as macOS writes them); both are tagged here")
    assert f"`hatbox push-library` sends only the first, {NFD}, with its corrections" in notes[0]
    assert words.removesuffix(NFD) in notes[0]                    # push-library's words, from the one function
    con = connect_readonly(tmp_path / "lib.db")
    assert {NFC, NFD} <= set(known_files(con)), "both are tagged"
    con.close()


def test_no_note_without_twins_and_the_same_first_as_the_walk(tmp_path: Path, capsys) -> None:
    assert not [n for n in _tag(tmp_path, _library(tmp_path, twins=False), capsys) if "Unicode form" in n]
    lib = _library(tmp_path / "two")
    walk = walk_folder(lib)
    assert twins_among(rel for rel, _ in reversed(walk.files())) == walk.twins() == {NFC: NFD}
    assert twins_among(["a b/é.wav", unicodedata.normalize("NFD", "a/é.wav"), "a/é.wav"]) == \
        {"a/é.wav": unicodedata.normalize("NFD", "a/é.wav")}
