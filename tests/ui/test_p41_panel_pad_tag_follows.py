"""Forty-first stop (panel QA): after a retag (`hatbox box-library LIB --fix FILE tom`) the Kit pad still said "kick"
(and `hatbox box-kit` printed "tag kick"), the tag frozen in kit.json when the kit was made, while the Library page
listed the file under tom.  A pad (and GET /kit) now shows the file's tags in its library's database; the tag it was
chosen for only while the file still carries it, or when it has none now (or is gone)."""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import soundfile as sf

from device import library
from device.api.box_kit import BoxKit
from device.api.kit_routes import KitKeeper, _kit
from device.api.libraries import Libraries
from device.kit import KitNote, save_kit
from device.ui.shots import RecordingControl

LID = "lib-kit-000001"


def _box(tmp_path: Path) -> Any:
    """A box whose one library (two files, tagged by a tagger sure of none of its words) plays on C2 and D2, both
    chosen for "kick"."""
    from tests.tagger.test_p32_own_words import _picky_pack
    root = tmp_path / "libraries"
    files = root / LID / "files"
    files.mkdir(parents=True)
    for i, n in enumerate((4800, 9600)):
        sf.write(files / f"s{i}.wav", np.linspace(-0.5, 0.5, n, dtype=np.float32), 48000)
    library.tag_library(files, _picky_pack(tmp_path), files.parent / "tags.db")
    (files.parent / "library.json").write_text(json.dumps({"id": LID, "name": "kit", "state": "done", "accepted": 2}))
    save_kit(tmp_path / "kit.json", {36: KitNote(36, LID, "s0.wav", tag="kick"), 38: KitNote(38, LID, "s1.wav",
                                                                                             tag="kick")})
    return SimpleNamespace(libraries=Libraries(root), kit=KitKeeper(tmp_path / "kit.json"), control=RecordingControl())


def test_a_retagged_file_shows_its_new_tag_on_the_pad_and_in_get_kit(tmp_path):
    box = _box(tmp_path)
    files = box.libraries.files_path(LID)
    library.set_tags(box.libraries.db_path(LID), files / "s0.wav", ["tom"])        # what --fix writes
    pads = BoxKit(box).pads()
    assert pads[36].tag == "tom"
    assert pads[38].tag == "kick"                     # no tags now: the one it was chosen for
    assert {n.note: n.tag for n in _kit(box).notes} == {36: "tom", 38: "kick"}


def test_a_file_still_carrying_its_tag_keeps_it_and_a_gone_file_falls_back(tmp_path):
    box = _box(tmp_path)
    files = box.libraries.files_path(LID)
    library.set_tags(box.libraries.db_path(LID), files / "s0.wav", ["hat", "kick"])
    (files / "s1.wav").unlink()
    pads = BoxKit(box).pads()
    assert pads[36].tag == "kick"
    assert pads[38].tag == "kick" and pads[38].missing


def test_the_kit_page_names_the_new_tag(tmp_path):
    import os
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    import pygame
    pygame.display.init()
    pygame.font.init()
    from device.ui.data import MemoryData
    from device.ui.panel import Panel
    box = _box(tmp_path)
    library.set_tags(box.libraries.db_path(LID), box.libraries.files_path(LID) / "s0.wav", ["tom"])
    panel = Panel(RecordingControl(), MemoryData(kit=BoxKit(box)), (800, 480))
    panel.show_title("Kit")
    assert panel.page.pads[36].tag == "tom" and "[tom]" in panel.page._line()[-1]
