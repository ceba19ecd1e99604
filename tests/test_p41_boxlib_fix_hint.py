"""Forty-first stop, QA of a producer's library workflow: `box-library LIB --fix` of a file the library on the box
does not hold hints at what applies to the box (its listings, push-library again), never the laptop's `hatbox tag`."""
from __future__ import annotations

from pathlib import Path

from device.api.libraries import default_tagger
from tests.api.conftest import make_box, wav_bytes, zip_bytes
from tests.api.packs import tagger_pack
from tests.test_p41_boxlib_retag_keeps import _wait


def test_fixing_a_file_the_box_does_not_hold_hints_at_the_box(tmp_path: Path) -> None:
    box = make_box(tmp_path, tagger=default_tagger)
    assert box.push(tagger_pack(tmp_path / "t.hatpack")).status_code == 201
    kit = zip_bytes({"kit/s0.wav": wav_bytes(2400), "kit/s1.wav": wav_bytes(2880)})
    lid = box.client.post("/libraries", content=kit, headers=box.auth).json()["id"]
    assert _wait(box, lid)["state"] == "done"
    r = box.client.put(f"/libraries/{lid}/files/tags", json={"path": "Misc/nope.wav", "tags": ["thump"]},
                       headers=box.auth)
    assert r.status_code == 422, r.text
    hint = r.json()["hint"]
    assert "hatbox tag" not in hint and "tag the folder again" not in hint, hint
    assert "hatbox push-library FOLDER" in hint and f"hatbox box-library {lid} --tag TAG" in hint, hint
