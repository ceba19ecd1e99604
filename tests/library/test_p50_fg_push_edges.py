"""p50 FG: push-library's edges.

1. Two "café.wav" in one folder, one composed (NFC) and one decomposed (NFD, as a Mac writes it): the box keeps the
   first and refused the other, and both files' corrections went, so the kept file carried the other's correction
   and its own was lost.  The laptop now leaves the second out (one line naming both) and sends only the kept
   file's corrections.
2. A link that loops (loopA -> loopB -> loopA) was said "cannot be read (RuntimeError: Symlink loop from ...)".
"""
from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.library import files_with_tag, tag_library
from device.library.folder_tar import LOOP_WORDS, pack_directory, walk_folder
from hatbox.cli import main
from hatbox.errors import HatboxError
from hatbox.push_walk import twin_files, twins_left_out
from tests.api.conftest import paired_server  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack

NFC = unicodedata.normalize("NFC", "Names/café.wav")
NFD = unicodedata.normalize("NFD", "Names/café.wav")


def _twins(tmp_path: Path) -> Path:
    """A library whose Names/ holds café.wav twice: composed (a rising ramp), decomposed (a falling one)."""
    lib = tmp_path / "cafe"
    (lib / "Names").mkdir(parents=True)
    sf.write(lib / NFC, np.linspace(-0.5, 0.5, 2400, dtype=np.float32), 48000)
    sf.write(lib / NFD, np.linspace(0.5, -0.5, 3600, dtype=np.float32), 48000)
    sf.write(lib / "plain.wav", np.linspace(-0.2, 0.2, 2000, dtype=np.float32), 48000)
    return lib


def test_the_second_of_two_names_alike_but_for_unicode_form_is_a_twin(tmp_path):
    lib = _twins(tmp_path)
    assert NFD < NFC                            # the walk's (and the archive's) order: the decomposed one first
    assert twin_files(walk_folder(lib)) == {NFC: NFD}
    assert twins_left_out(lib) == {NFC: NFD}
    assert twins_left_out(lib / "plain.wav") == {}


def test_push_sends_the_first_twin_and_only_its_corrections(tmp_path, paired_server, capsys):
    lib = _twins(tmp_path)
    pack = tagger_pack(tmp_path / "t.hatpack")
    db = tmp_path / "lib.db"
    tag_library(lib, pack, db)
    assert main(["library", "fix", str(db), str(lib / NFC), "percussion"]) == 0
    assert main(["library", "fix", str(db), str(lib / NFD), "tom"]) == 0
    assert main(["push", str(pack), "--activate", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["push-library", str(lib), "--fixes", str(db), "--wait", "--quiet"]) == 0
    out = capsys.readouterr().out
    skipped = [line for line in out.splitlines() if "skipped" in line]
    assert len(skipped) == 1 and "another Unicode form" in skipped[0], out
    assert "composed" in skipped[0] and "decomposed (as macOS writes them)" in skipped[0], out
    assert "only the first is kept" not in out, out            # the box refused nothing: nothing was sent twice
    assert "your corrections of 1 file (from " in out, out
    box = paired_server.app.state.box
    (held,) = box.libraries.list()
    tags_db = box.libraries.db_path(held["id"])
    tom = [(h.path.name, h.corrected) for h in files_with_tag(tags_db, "tom")]
    assert [(unicodedata.normalize("NFC", n), c) for n, c in tom] == [("café.wav", True)]
    with pytest.raises(HatboxError, match="not one of this library's tags"):     # the other's correction: not sent
        files_with_tag(tags_db, "percussion")
    kept = box.libraries.files_path(held["id"]) / "Names"
    (only,) = list(kept.iterdir())
    assert sf.info(str(only)).frames == 3600                   # the decomposed one's sound, the first in the archive


def test_a_link_loop_is_said_in_words(tmp_path):
    lib = tmp_path / "lib"
    (lib / "Links").mkdir(parents=True)
    sf.write(lib / "a.wav", np.zeros(480, np.float32), 48000)
    os.symlink("loopB", lib / "Links" / "loopA")
    os.symlink("loopA", lib / "Links" / "loopB")
    skipped: list[tuple[str, str]] = []
    pack_directory(lib, tmp_path / "out.tar", skipped)
    assert ("Links/loopA", LOOP_WORDS) in skipped and ("Links/loopB", LOOP_WORDS) in skipped, skipped
    assert not [why for _, why in skipped if "RuntimeError" in why or "cannot be read" in why], skipped
