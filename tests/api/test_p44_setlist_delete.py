"""p44 set-list regression QA: deleting a pack a MIDI program plays names the programs it breaks (the question, the
answer, ``DELETE /packs/{id}`` with ``Prefer: return=representation``); a new version a program follows is
pre-warmed as it is installed."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from device.midi_programs import Entry
from hatbox.cli import main
from tests.api.conftest import PairedServer, make_box
from tests.api.test_p44_year_store import install

PREFER = {"Prefer": "return=representation"}


def _map(app: Any, program: int, pack: dict[str, Any], follow: bool) -> None:
    app.state.programs.programs.set(Entry(program, None, pack["id"], "effect", pack["name"], pack["version"], follow))


def test_the_box_answers_the_programs_a_delete_breaks(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    store = box.app.state.box.store
    old, new, drive = (install(store, tmp_path, n, v) for n, v in (("pedal2", "0.1.0"), ("pedal2", "0.1.1"),
                                                                   ("drive", "0.1.0")))
    _map(box.app, 1, drive, False)                      # by id, the only 'drive'
    _map(box.app, 0, old, True)                         # by name: plays 0.1.1 now
    r = box.client.delete(f"/packs/{drive['id']}", headers={**box.auth, **PREFER})
    assert r.status_code == 200
    assert r.json()["programs"] == [{"program": 1, "channel": None, "plays": None,
                                     "message": "program 1 (set list) played it: it switches nothing now"}]
    r = box.client.delete(f"/packs/{new['id']}", headers={**box.auth, **PREFER})
    said = r.json()["programs"]
    assert [p["plays"] for p in said] == [old["id"]]
    assert said[0]["message"] == f"program 0 (set list) plays effect pack pedal2 0.1.0 ({old['id']}) instead"
    other = install(store, tmp_path, "amp", "1.0.0")
    r = box.client.delete(f"/packs/{other['id']}", headers=box.auth)          # no Prefer: a 204 as before
    assert r.status_code == 204 and r.content == b""


def test_box_pack_delete_asks_and_says_which_programs_it_breaks(paired_server: PairedServer, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    app = paired_server.app
    store = app.state.box.store
    drive, old, new = (install(store, tmp_path, n, v) for n, v in (("drive", "0.1.0"), ("pedal2", "0.1.0"),
                                                                   ("pedal2", "0.1.1")))
    assert main(["box-midi", "--program", "1", drive["id"]]) == 0
    assert main(["box-midi", "--program", "0", "pedal2"]) == 0              # follows the newest: 0.1.1
    asked: list[str] = []
    monkeypatch.setattr("builtins.input", lambda q: asked.append(q) or "n")
    capsys.readouterr()
    assert main(["box-pack", drive["id"], "--delete"]) == 0
    assert "; program 1 (set list) plays it: it will switch nothing?" in asked[-1] and drive["id"] in store.ids()
    assert main(["box-pack", new["id"], "--delete"]) == 0
    assert f"; program 0 (set list) will play effect pack pedal2 0.1.0 ({old['id']}) instead?" in asked[-1]
    capsys.readouterr()
    assert main(["box-pack", drive["id"], "--delete", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "deleted pack " in out and "  note: program 1 (set list) played it: it switches nothing now" in out
    assert main(["box-midi"]) == 0
    listed = capsys.readouterr().out
    assert "program   1 -> GONE: effect drive 0.1.0 was deleted, it switches nothing" in listed
    assert listed.count("drive") == 1                                       # the gone pack said once


def test_a_new_version_a_program_follows_is_prewarmed_at_install(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    store, control = box.app.state.box.store, box.control
    old = install(store, tmp_path, "pedal2", "0.1.0")
    _map(box.app, 0, old, True)
    before = len([m for m in control.sent if m.get("op") == "prewarm"])
    new = install(store, tmp_path, "pedal2", "0.1.1")                       # what program 0 plays from now on
    warmed = [m for m in control.sent if m.get("op") == "prewarm"][before:]
    assert [m["path"] for m in warmed] == [str(store.pack_path(new["id"]))] and warmed[0]["slot"] == "effect"
    install(store, tmp_path, "amp", "1.0.0")                                # no program plays it: not pre-warmed
    assert len([m for m in control.sent if m.get("op") == "prewarm"][before:]) == 1
