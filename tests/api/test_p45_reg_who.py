"""p45 regression QA of "who did what" (two laptops on one box):

1. a restart forgot who made each pack active (start-up repair wrote a pointer without ``activated``);
2. a library its owner deleted was only "the box has no library 'ID'" to the other laptop (packs said who and when);
3. `box-library ID --tag kick` while tagging said "the first 17 of 22" of a list -k 50 did not cut (the count is read
   a moment after the list);
4. the words: device names bare (not 'laptopB' in one place and laptopB in the next), `box-pack ID --activate`'s
   "(was X, activated by laptopB 8 s ago)" as a push says it, and "the other ts9 11.5.0" where a push of the same name
   and version replaced the other bytes.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest
from fastapi.testclient import TestClient

from device.api.app import ApiConfig, create_app
from device.api.sim import RecordingControl
from tests.api.conftest import FAST_ENGINE
from tests.api.test_p45_duo_packs import Duo as PackDuo
from tests.api.test_p45_library_owners import Duo as LibraryDuo
from tests.api.test_p45_library_owners import Laptops, laptops  # noqa: F401 - the fixture


@pytest.fixture
def packs(tmp_path: Path) -> PackDuo:
    return PackDuo(tmp_path)


@pytest.fixture
def libs(tmp_path: Path) -> Iterator[LibraryDuo]:
    d = LibraryDuo(tmp_path)
    yield d
    for lib in d.app.state.box.libraries.list():
        d.app.state.box.libraries.cancel(lib["id"])
        d.wait(lib["id"])


def _restarted(duo: PackDuo) -> TestClient:
    """The box started again on the same store (a new app: start-up recovery runs on it)."""
    return TestClient(create_app(duo.tmp / "box", RecordingControl(), ApiConfig(engine=FAST_ENGINE)))


def test_a_restart_keeps_who_made_each_pack_active(packs: PackDuo) -> None:
    packs.push(packs.a, "2.0.0")
    packs.push(packs.b, "3.0.0")
    again = _restarted(packs)
    listed = {p["version"]: p for p in again.get("/packs", headers=packs.a).json()}
    assert listed["3.0.0"]["active"] and listed["3.0.0"]["activated_by"] == "laptopB"
    assert [p["activated_by"] for p in again.get("/status", headers=packs.a).json()["packs"]] == ["laptopB"]


def test_a_slot_that_fell_back_at_start_says_no_one(packs: PackDuo) -> None:
    packs.push(packs.a, "2.0.0")
    gone = packs.push(packs.b, "3.0.0")["pack"]["id"]
    (packs.tmp / "box" / "packs" / gone / "pack.hatpack").write_bytes(b"damaged")   # removed at start: 2.0.0 plays
    listed = {p["version"]: p for p in _restarted(packs).get("/packs", headers=packs.a).json()}
    assert "3.0.0" not in listed and listed["2.0.0"]["active"]
    assert listed["2.0.0"]["activated_by"] is None          # laptopA made it active once, but not what plays now


def test_a_library_its_owner_deleted_says_who_and_when(libs: LibraryDuo) -> None:
    lid = libs.upload(libs.a, "kit")
    libs.wait(lid)
    assert libs.client.delete(f"/libraries/{lid}", headers=libs.a).status_code == 204
    for route in (f"/libraries/{lid}", f"/libraries/{lid}/tags", f"/libraries/{lid}/tags/kick",
                  f"/libraries/{lid}/unsure"):
        r = libs.client.get(route, headers=libs.b)
        assert r.status_code == 404, route
        said = r.json()["message"]
        assert said.startswith(f"no library '{lid}': laptopA deleted it at ") and said.endswith(" s ago)"), said
    gone = libs.get(libs.b, "/libraries/deleted")
    assert [(g["id"], g["name"], g["by"]) for g in gone] == [(lid, "kit", "laptopA")] and gone[0]["ago_s"] < 60
    r = libs.client.get("/libraries/lib-none-000000", headers=libs.b)
    assert r.status_code == 404 and r.json()["message"] == "no library 'lib-none-000000'"   # never on the box


def test_the_other_laptop_hears_who_deleted_the_library(laptops: Laptops, capsys: Any) -> None:  # noqa: F811
    assert laptops.run(capsys, "A", "push-library", str(laptops.folder("A", "kit", (4800,))), "--wait",
                       "--quiet")[0] == 0
    lid = laptops.ids("kit")[0]
    assert laptops.run(capsys, "A", "box-library", lid, "--delete", "--yes")[0] == 0
    for asked in (lid, "kit"):
        rc, _, err = laptops.run(capsys, "B", "box-library", asked, "--tag", "kick")
        assert rc != 0 and f"the box has no library '{asked}': laptopA deleted it at " in err, err
        assert " s ago)" in err


def _note(monkeypatch: pytest.MonkeyPatch, capsys: Any, shown: int, k: int, counts: dict[str, int]) -> str:
    """What tag_list_note says after ``shown`` files of -k ``k`` of a library being tagged whose counts are now
    ``counts`` (read a moment after the list)."""
    from hatbox import library_browse
    monkeypatch.setattr(library_browse, "_state", lambda c, lid: {"id": lid, "state": "tagging",
                                                                  "progress": {"done": 30, "total": 770}})
    monkeypatch.setattr(library_browse, "_tag_counts", lambda c, lid: counts)
    capsys.readouterr()
    library_browse.tag_list_note(None, "lib-kit-1", "kick", shown, k)
    return capsys.readouterr().err


def test_a_list_not_cut_at_k_is_not_called_the_first_n(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    said = _note(monkeypatch, capsys, 17, 50, {"kick": 22})
    assert "the first" not in said and "more may come" in said, said
    said = _note(monkeypatch, capsys, 17, 17, {"kick": 22})
    assert "the first 17 of 22" in said and "more may come" in said, said


def test_the_words_name_devices_bare_and_say_what_was_replaced() -> None:
    from hatbox.library_owners import owner_clause, uploaded_words
    from hatbox.pack_who import previous_words, replaced_words
    lib = {"uploaded": 1.7e9, "uploaded_by": "laptopB", "uploaded_by_you": False}
    assert uploaded_words(lib).endswith(" by laptopB") and owner_clause(lib).endswith(" by laptopB,")
    body = {"previous": "effect-ts9-2.0.0-ab12", "replaced": {"id": "effect-ts9-2.0.0-ab12", "by": "laptopB",
                                                              "ago_s": 8}}
    assert previous_words(body) == " (was effect-ts9-2.0.0-ab12, activated by laptopB 8 s ago)"
    assert previous_words({"previous": "X"}) == " (was X)"                     # an older box: who not known
    twin = {"id": "effect-ts9-11.5.0-aaaa", "name": "ts9", "version": "11.5.0", "by": "laptopA", "ago_s": 1}
    pushed = {"id": "effect-ts9-11.5.0-bbbb", "name": "ts9", "version": "11.5.0"}
    assert replaced_words(twin, pushed) == " (was the other ts9 11.5.0, activated by laptopA 1 s ago)"
    assert replaced_words(twin, {**pushed, "version": "12.0.0"}) == " (was ts9 11.5.0, activated by laptopA 1 s ago)"
