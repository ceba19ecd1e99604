"""p57 QA_D 6 and 9 (a workshop: one box, five laptops): the teacher's `box-logs --changes` read "DELETE
/packs/ID by 'laptop-s2' (200)", "DELETE /libraries/lib-kit-fa3293 by ...", "POST /kit/from-library by ..." (no
name, not whose, not which library a kit plays), "... it switches nothing now by 'laptop-s5'" (the "by" on the
set list's clause, the mapping's author not named) and "the effect slot emptied by ..." four times for a slot that
was empty already.  Each is one prose line now; and a kit made of a library deleted meanwhile says who deleted it
(the deletion is kept by the libraries before the kit hears of it) and its id where the name is not unique."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import BoxUnderTest, make_box, wav_bytes, zip_bytes
from tests.api.packs import gain_pack


def _said(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "hatbox.api" and r.levelno == logging.INFO]


def _pair(box: BoxUnderTest, name: str) -> dict[str, str]:
    code = box.app.state.box.pairing.current()
    r = box.client.post("/pair", json={"code": code, "name": name})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _push(box: BoxUnderTest, tmp_path: Path, who: dict[str, str], version: str) -> str:
    path = gain_pack(tmp_path / f"fuzz-{version}.hatpack", "fuzz", version, seed=len(version) + int(version[0]))
    r = box.client.post("/packs", params={"activate": True}, content=path.read_bytes(), headers=who)
    assert r.status_code == 201, r.text
    return str(r.json()["pack"]["id"])


def _library(box: BoxUnderTest, who: dict[str, str], name: str = "kit") -> str:
    r = box.client.post("/libraries", params={"name": name}, content=zip_bytes({"k.wav": wav_bytes()}), headers=who)
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


def test_a_pack_deletion_names_the_pack_and_whose_it_was(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    box = make_box(tmp_path)                             # "test"
    b = _pair(box, "laptopB")
    with caplog.at_level(logging.INFO, logger="hatbox.api"):
        one = _push(box, tmp_path, box.auth, "1.0.0")
        _push(box, tmp_path, b, "2.0.0")                 # active now: 1.0.0 may go
        assert box.client.delete(f"/packs/{one}", headers=b).status_code == 204
    said = _said(caplog)
    assert f"pack fuzz 1.0.0 ({one}, test's) deleted by 'laptopB'" in said, said
    assert not any(line.startswith("DELETE ") for line in said), said


def test_a_set_list_deletion_puts_by_on_the_deletion_and_names_who_mapped(tmp_path: Path,
                                                                          caplog: pytest.LogCaptureFixture) -> None:
    box = make_box(tmp_path)
    b = _pair(box, "laptopB")
    one = _push(box, tmp_path, box.auth, "1.0.0")
    _push(box, tmp_path, box.auth, "2.0.0")
    r = box.client.put("/midi/programs/4", json={"pack": one}, headers=box.auth)      # "test" maps program 4
    assert r.status_code == 200, r.text
    with caplog.at_level(logging.INFO, logger="hatbox.api"):
        assert box.client.delete(f"/packs/{one}", headers=b).status_code == 204
    line = [s for s in _said(caplog) if s.startswith("pack fuzz 1.0.0")]
    assert len(line) == 1, _said(caplog)
    assert line[0].startswith(f"pack fuzz 1.0.0 ({one}, test's) deleted by 'laptopB': program 4 (set list) "
                              "plays effect pack fuzz 2.0.0 ("), line          # the newest of its name now
    assert line[0].endswith(" ago)") and "instead (mapped by test " in line[0], line
    assert not line[0].endswith("by 'laptopB'")


def test_a_library_deletion_names_the_library_and_whose_it_was(tmp_path: Path,
                                                               caplog: pytest.LogCaptureFixture) -> None:
    box = make_box(tmp_path)
    b = _pair(box, "laptopB")
    lid = _library(box, box.auth)
    with caplog.at_level(logging.INFO, logger="hatbox.api"):
        assert box.client.delete(f"/libraries/{lid}", headers=b).status_code == 204
    said = _said(caplog)
    assert f"library kit ({lid}, test's) deleted by 'laptopB'" in said, said
    assert not any(line.startswith("DELETE ") for line in said), said


def test_a_kit_made_from_a_library_says_which_and_whose(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from tests.api.test_kit import _tagged_library
    box, lid = _tagged_library(tmp_path)                 # "test"'s library, called "library"
    b = _pair(box, "laptopB")
    with caplog.at_level(logging.INFO, logger="hatbox.api"):
        r = box.client.post("/kit/from-library", json={"library": lid}, headers=b)
        assert r.status_code == 200, r.text
    said = _said(caplog)
    assert f"kit made from library library ({lid}, test's) by 'laptopB': 3 notes" in said, said
    assert not any(line.startswith("POST /kit") for line in said), said


def test_emptying_an_empty_slot_logs_nothing(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    box = make_box(tmp_path)
    one = _push(box, tmp_path, box.auth, "1.0.0")
    with caplog.at_level(logging.INFO, logger="hatbox.api"):
        for _ in range(3):
            assert box.client.post("/slots/effect/deactivate", headers=box.auth).status_code == 200
    said = [s for s in _said(caplog) if "effect slot" in s or "/slots/" in s]
    assert said == [f"the effect slot emptied (was {one}) by 'test'"], said


def _deleted_meanwhile(box: BoxUnderTest, lid: str, monkeypatch: pytest.MonkeyPatch, by: str) -> Any:
    """The library is deleted by ``by`` as the kit's tags are read: the kit has not heard of it yet."""
    import device.library as library
    real = library.list_tags

    def deleted_first(db: Path) -> dict[str, int]:
        box.app.state.box.libraries.delete(lid, by=by)
        return real(db)
    monkeypatch.setattr(library, "list_tags", deleted_first)


def test_a_deletion_racing_a_kit_keeps_who(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.api.test_kit import _tagged_library
    box, lid = _tagged_library(tmp_path)
    _deleted_meanwhile(box, lid, monkeypatch, "laptop-s5")
    r = box.client.post("/kit/from-library", json={"library": lid}, headers=box.auth)
    assert r.status_code == 404, r.text
    said = r.json()["message"]
    assert said.startswith("library library was deleted by 'laptop-s5' ("), said    # the only "library": no id
    assert said.endswith("); the kit is as it was")


def test_a_deleted_library_of_a_shared_name_is_named_by_its_id(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.api.test_kit import _tagged_library
    box, lid = _tagged_library(tmp_path)
    _library(box, box.auth, "library")                   # another library of the same name
    _deleted_meanwhile(box, lid, monkeypatch, "laptop-s5")
    r = box.client.post("/kit/from-library", json={"library": lid}, headers=box.auth)
    assert r.status_code == 404, r.text
    assert r.json()["message"].startswith(f"library library ({lid}) was deleted by 'laptop-s5' ("), r.json()


def test_kit_notes_set_and_cleared_are_said_in_words(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    from tests.api.test_kit import _tagged_library
    box, lid = _tagged_library(tmp_path)
    with caplog.at_level(logging.INFO, logger="hatbox.api"):
        for file in ("kit/boom.wav", "kit/crack.wav"):
            r = box.client.put("/kit/notes/C3", json={"library": lid, "file": file}, headers=box.auth)
            assert r.status_code == 200, r.text
        assert box.client.delete("/kit/notes/C3", headers=box.auth).status_code == 200
        assert box.client.put("/kit/notes/C2", json={"library": lid, "file": "kit/boom.wav"},
                              headers=box.auth).status_code == 200
        for _ in range(2):
            assert box.client.delete("/kit", headers=box.auth).status_code == 204
    said = [s for s in _said(caplog) if "kit" in s]
    assert said == [f"kit note 48 (C3) plays boom.wav of library library ({lid}, test's) by 'test'",
                    f"kit note 48 (C3) plays crack.wav of library library ({lid}, test's) (was boom.wav) by 'test'",
                    "kit note 48 (C3) cleared (it played crack.wav) by 'test'",
                    f"kit note 36 (C2) plays boom.wav of library library ({lid}, test's) by 'test'",
                    "the kit cleared (1 note went silent) by 'test'"], said      # the second clear: nothing
