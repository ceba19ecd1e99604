"""Forty-seventh stop (F4), carried since earlier stops as "GET /kit tags.db per note": listing the kit (GET /kit, the
panel's pads) opened its library's tags.db once per note to say the tag each shows.  Now once per library and listing
(device/api/kit_tags.py), with the same tags shown (the forty-first stop's rule:
tests/ui/test_p41_panel_pad_tag_follows)."""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from device import library
from device.api.box_kit import BoxKit
from device.api.kit_routes import KitKeeper, _kit
from device.api.libraries import Libraries
from device.kit import KitNote, save_kit
from device.library import db as libdb
from device.ui.shots import RecordingControl

NOTES = 12


def kit_library(root: Path, lid: str, n: int) -> None:
    """Library ``lid`` under ``root`` (the box's libraries folder): ``n`` short WAVs s0.wav.. and a tag database in
    which the tagger heard "kick" in each (no tagger is run: the rows are written as a tagging writes them)."""
    files = root / lid / "files"
    files.mkdir(parents=True)
    con = libdb.connect(files.parent / "tags.db")
    libdb.set_meta(con, root=str(files.resolve()), tags="kick,hat")
    for i in range(n):
        sf.write(files / f"s{i}.wav", np.zeros(480, np.float32), 48000)
        libdb.put_result(con, f"s{i}.wav", (480, i), f"{i:064x}", "m", ["kick", "hat"], np.array([0.9, 0.1]),
                         np.array([1, 0]), np.zeros(4, np.float32))
    con.commit()
    con.close()
    (files.parent / "library.json").write_text(json.dumps({"id": lid, "name": lid, "state": "done", "accepted": n}))


def kit_box(tmp_path: Path, notes: int, second: bool = True) -> Any:
    """A box whose kit plays ``notes`` files of library "lib-a", all chosen for "kick", and (``second``) two of
    "lib-b", one chosen for "snare", one set by hand."""
    root = tmp_path / "libraries"
    kit_library(root, "lib-a", notes)
    kit = {i: KitNote(i, "lib-a", f"s{i}.wav", tag="kick") for i in range(notes)}
    if second:
        kit_library(root, "lib-b", 2)
        kit.update({notes: KitNote(notes, "lib-b", "s0.wav", tag="snare"), notes + 1: KitNote(notes + 1, "lib-b",
                                                                                               "s1.wav")})
    save_kit(tmp_path / "kit.json", kit)
    return SimpleNamespace(libraries=Libraries(root), kit=KitKeeper(tmp_path / "kit.json"), control=RecordingControl())


def _count_opens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    opened: list[str] = []
    real = libdb.connect

    def counting(path: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(Path(path).parent.name)
        return real(path, *args, **kwargs)
    monkeypatch.setattr(libdb, "connect", counting)
    return opened


def test_listing_the_kit_opens_each_librarys_database_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = kit_box(tmp_path, NOTES)
    files = box.libraries.files_path("lib-a")
    library.set_tags(box.libraries.db_path("lib-a"), files / "s3.wav", ["tom"])      # a retag: s3 shows tom
    library.set_tags(box.libraries.db_path("lib-b"), box.libraries.files_path("lib-b") / "s0.wav", ["clap", "hat"])
    opened = _count_opens(monkeypatch)
    notes = {n.note: n.tag for n in _kit(box).notes}
    assert sorted(opened) == ["lib-a", "lib-b"]
    assert notes == {**{i: "kick" for i in range(NOTES)}, 3: "tom", NOTES: "clap, hat", NOTES + 1: None}
    opened.clear()
    pads = BoxKit(box).pads()
    assert sorted(opened) == ["lib-a", "lib-b"] and pads[3].tag == "tom" and pads[NOTES].tag == "clap, hat"


def test_a_library_whose_database_cannot_be_read_shows_the_chosen_tags(tmp_path: Path) -> None:
    box = kit_box(tmp_path, NOTES)
    library.set_tags(box.libraries.db_path("lib-a"), box.libraries.files_path("lib-a") / "s0.wav", ["tom"])
    (box.libraries.root / "lib-a" / "tags.db").write_bytes(b"not a database at all" * 10)
    (box.libraries.files_path("lib-b") / "s0.wav").unlink()
    notes = {n.note: (n.tag, n.missing) for n in _kit(box).notes}
    assert notes[0] == ("kick", False) and notes[NOTES] == ("snare", True) and notes[NOTES + 1] == (None, False)
