"""Forty-third stop: a library whose file names a Mac wrote decomposed (NFD), corrected on the laptop and sent with
`push-library`.  The box keeps every uploaded name composed (NFC) since this stop, so the corrections, which carry
the laptop's decomposed paths, found no such file and were dropped without a word; the box now reads each sent path
as its library holds it (device.api.library_routes._as_held)."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import numpy as np
import soundfile as sf

from device.library import files_with_tag, tag_library
from hatbox.cli import main
from tests.api.conftest import paired_server  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack

NAME = unicodedata.normalize("NFD", "Räuspern/kick ü.wav")


def test_corrections_of_decomposed_names_reach_the_box(tmp_path, paired_server, capsys):
    pack = tagger_pack(tmp_path / "t.hatpack")
    lib = tmp_path / "lib"
    for i, name in enumerate([NAME, "plain/s.wav"]):
        (lib / name).parent.mkdir(parents=True, exist_ok=True)
        sf.write(lib / name, np.linspace(-0.5, 0.5, 2400 + 480 * i, dtype=np.float32), 48000)
    db = lib / ".hatbox-tags.sqlite"
    tag_library(lib, pack, db)
    assert main(["library", "fix", str(db), str(lib / NAME), "djembe"]) == 0
    assert main(["push", str(pack), "--activate", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["push-library", str(lib), "--wait", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "your corrections of 1 file (from " in out and "went with it" in out, out
    box = paired_server.app.state.box
    (held,) = box.libraries.list()
    hits = files_with_tag(box.libraries.db_path(held["id"]), "djembe")
    assert [(unicodedata.normalize("NFC", h.path.name), h.corrected) for h in hits] == [("kick ü.wav", True)]
