"""p43 regression QA: a library deleted (by the other laptop) while `box-kit --from LIB` waited on its question: after
"y" the laptop said the bare "the box says: no library 'lib-kitb-c83967'" with the hint to list libraries.  The box
keeps who deleted a library (kit.json's ``deleted``, device.kit_history) and its 404 says it; the laptop says
"library kitB was deleted ...; the kit is as it was" whatever the box's words."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from device.api.kit_routes import KitKeeper
from hatbox.cli import main
from tests.api.conftest import PairedServer
from tests.api.test_kit import _tagged_library
from tests.api.test_p43_duo import _second_library
from tests.api.test_p43_duo_cli import _answer_after, _id, _libraries
from tests.cli_run import run as _run


def test_a_kit_of_a_library_deleted_meanwhile_says_who_deleted_it(tmp_path: Path) -> None:
    box, lid = _tagged_library(tmp_path)
    other = _second_library(box, tmp_path)
    assert box.client.put("/kit/notes/C3", json={"library": other, "file": "kit/boom.wav"},
                          headers=box.auth).status_code == 200
    seen = [{"note": 48, "library": other, "file": "kit/boom.wav"}]
    assert box.client.delete(f"/libraries/{lid}", headers=box.auth).status_code == 204   # no note of it in the kit
    r = box.client.post("/kit/from-library", json={"library": lid, "seen": seen}, headers=box.auth)
    assert r.status_code == 404, r.text
    said = r.json()["message"]
    assert "no library" not in said and "was deleted by 'test' (" in said, said
    assert said.endswith("); the kit is as it was")
    assert [n["note"] for n in box.client.get("/kit", headers=box.auth).json()["notes"]] == [48]
    kept = json.loads((box.store_dir / "kit.json").read_text(encoding="utf-8"))
    assert [(d["library"], d["by"], d["notes"]) for d in kept["deleted"]] == [(lid, "test", [])]
    assert [d.by for d in KitKeeper(box.store_dir / "kit.json").deleted] == ["test"]      # kept across a restart


def test_a_library_the_box_never_held_is_still_a_plain_404(tmp_path: Path) -> None:
    box, _ = _tagged_library(tmp_path)
    r = box.client.post("/kit/from-library", json={"library": "lib-nope-000000"}, headers=box.auth)
    assert r.status_code == 404 and r.json()["message"] == "no library 'lib-nope-000000'"


def test_from_says_the_library_was_deleted_while_its_question_was_open(
        tmp_path: Path, paired_server: PairedServer, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """On one box (libraries kitA, kitB and kitC made once: the two cases made kitA and the one deleted each), kitB
    deleted while `box-kit --from kitB` asked, the box saying who deleted it; then kitC, by a box that forgot."""
    _libraries(tmp_path, "kitA", "kitB", "kitC")
    assert main(["box-kit", "--map", "C3", "kit/boom.wav", "--library", "kitA"]) == 0
    with monkeypatch.context() as mp:
        _deleted_while_asked(paired_server, capsys, mp, "kitB", box_forgot=False)
    _deleted_while_asked(paired_server, capsys, monkeypatch, "kitC", box_forgot=True)


def _deleted_while_asked(paired_server: PairedServer, capsys: pytest.CaptureFixture[str],
                         monkeypatch: pytest.MonkeyPatch, lib: str, box_forgot: bool) -> None:
    """`box-kit --from LIB` (the kit: C3 set by hand) whose question another laptop's delete of LIB comes during;
    ``box_forgot``: the box then forgets who deleted it (an older box, or too long ago)."""
    lid, keeper = _id(paired_server, lib), paired_server.app.state.box.kit
    capsys.readouterr()

    def other_laptop() -> None:
        assert main(["box-library", lib, "--delete", "--yes"]) == 0
        if box_forgot:                       # a box that kept no word of it (an older one, or too long ago)
            keeper.deleted, keeper.silenced = [], []
            paired_server.app.state.box.libraries._deleted._records = {}       # the libraries' record too (p57)
    _answer_after(monkeypatch, other_laptop)
    rc, out, err = _run(capsys, "box-kit", "--from", lib)
    assert "the kit holds 1 note set by hand" in err                       # the question, on stderr (p47)
    assert rc == 2 and "no library" not in err
    first = [line for line in err.splitlines() if line.startswith("hatbox: error:")][0]
    if box_forgot:
        assert first.endswith(f"library {lib} ({lid}) was deleted; the kit is as it was"), err   # p57 QA_D 9
    else:
        assert f"library {lib} was deleted by 'laptop' (" in first and first.endswith("); the kit is as it was"), err
    assert "hatbox box-library lists the libraries the box still holds" in err
    assert sorted(keeper.notes) == [48]                                       # the kit is as it was
