"""p43 regression QA: `hatbox box-kit --map C4 "tom ñ.wav" --library LIB` with the name typed decomposed (NFD, as a
Mac pastes it) was refused ("note 60 (C4) cannot play tom ñ.wav: no audio file at .../tom ñ.wav") while the box
keeps uploaded names composed (NFC) and --fix, --like and --play took either form.  The kit keeps the file as the
library holds it (device.library.paths.on_disk)."""
from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from tests.api.conftest import make_box, wav_bytes, zip_bytes
from tests.api.test_kit import SamplerBehind

NAME = "kit/tom ñ.wav"


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


@pytest.mark.parametrize("typed", [NAME, _nfd(NAME)], ids=["composed", "decomposed"])
def test_a_kit_note_takes_the_file_typed_in_either_form(tmp_path: Path, typed: str) -> None:
    box = make_box(tmp_path)
    r = box.client.post("/libraries", params={"name": "drums"}, headers=box.auth,
                        content=zip_bytes({_nfd(NAME): wav_bytes(4800)}))        # a Mac's zip: kept composed
    assert r.status_code in (200, 201), r.text
    lid = r.json()["id"]
    assert (box.app.state.box.libraries.files_path(lid) / NAME).is_file()
    wired = SamplerBehind(box.control)
    put = box.client.put("/kit/notes/C4", json={"library": lid, "file": typed}, headers=box.auth)
    assert put.status_code == 200, put.text
    assert [(n["note"], n["file"], n["missing"]) for n in put.json()["notes"]] == [(60, NAME, False)]
    assert wired.strike(60) > 0.1
    kept = json.loads((box.store_dir / "kit.json").read_text(encoding="utf-8"))
    assert [n["file"] for n in kept["notes"]] == [NAME]                       # as the library holds it
