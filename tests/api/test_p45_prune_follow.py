"""p45 soak QA: a MIDI program mapped by pack NAME plays the newest version of it, yet `hatbox box-pack --prune
--history 0 --yes` kept, forever, the version it was first mapped with ("kept effect hatbox-drive 0.1.0 program 0"
while program 0 played 0.4.0).  A by-name mapping now keeps only what it plays (the newest by install sequence), a
by-id mapping keeps its own pack, and the kept pack's reason says which."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from device.midi_programs import Entry, resolve
from device.prune_plan import program_keeps
from hatbox.cli import main
from tests.api.conftest import PairedServer, make_box
from tests.api.test_p44_year_store import install


def _pushes(store: Any, tmp: Path, versions: list[str], active: int) -> list[dict[str, Any]]:
    """drive at ``versions``, installed in that order, the first ``active`` of them made active in turn."""
    packs = [install(store, tmp, "drive", v) for v in versions]
    for pack in packs[:active]:
        store.activate(pack["id"])
    return packs


def _follow(program: int, pack: dict[str, Any]) -> Entry:
    return Entry(program, None, pack["id"], "effect", "drive", pack["version"], True)


def test_a_mapping_by_name_keeps_what_it_plays_not_the_version_it_was_mapped_with(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    store = box.app.state.box.store
    drive = _pushes(store, tmp_path, ["0.1.0", "0.2.0", "0.3.0", "0.4.0"], active=4)
    box.app.state.programs.programs.set(_follow(0, drive[0]))         # mapped when 0.1.0 was the newest
    plan = box.client.post("/packs/prune", json={"history": 0, "keep": 0}, headers=box.auth).json()
    assert [(p["version"], p["why"]) for p in plan["kept_packs"]] == [("0.4.0", "active")]
    assert [p["version"] for p in plan["packs"]] == ["0.3.0", "0.2.0", "0.1.0"]       # the old code kept 0.1.0
    done = box.client.post("/packs/prune", json={"history": 0, "keep": 0, "dry_run": False}, headers=box.auth)
    assert len(done.json()["packs"]) == 3 and store.ids() == [drive[3]["id"]] and store.problems() == []
    assert resolve(_follow(0, drive[0]), store.list()) == (store.list()[0], "")       # program 0 still plays 0.4.0


def test_the_newest_is_by_install_sequence_and_a_mapping_by_id_keeps_its_pack(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    store = box.app.state.box.store
    drive = _pushes(store, tmp_path, ["0.1.0", "0.3.0", "0.2.0"], active=1)     # 0.2.0 pushed last: it plays
    box.app.state.programs.programs.set(_follow(0, drive[0]))
    box.app.state.programs.programs.set(Entry(5, 9, drive[1]["id"], "effect", "drive", "0.3.0", False))
    plan = box.client.post("/packs/prune", json={"history": 0, "keep": 0}, headers=box.auth).json()
    why = {p["version"]: p["why"] for p in plan["kept_packs"]}
    assert why == {"0.1.0": "active", "0.3.0": "program 5 on channel 10",
                   "0.2.0": "program 0, follows the newest 'drive'"} and plan["packs"] == []


def test_a_mapping_by_id_whose_pack_is_gone_keeps_what_plays_instead(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    drive = _pushes(box.app.state.box.store, tmp_path, ["0.1.0", "0.2.0"], active=0)
    gone = Entry(3, None, "effect-drive-0.0.9-000000000000", "effect", "drive", "0.0.9", False)
    assert program_keeps([gone, _follow(4, drive[0])], box.app.state.box.store.list()) == {
        drive[1]["id"]: "program 3, in place of its deleted pack"}          # the first program's reason
    assert program_keeps([Entry(1, None, "x", "synth", "none", "1", True)], []) == {}


def test_the_laptop_says_why_and_deletes_the_version_mapped_with(paired_server: PairedServer, tmp_path: Path,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    store = paired_server.app.state.box.store
    drive = _pushes(store, tmp_path, ["0.1.0", "0.2.0", "0.3.0", "0.4.0"], active=3)   # 0.4.0 pushed, not active
    paired_server.app.state.programs.programs.set(_follow(0, drive[0]))
    capsys.readouterr()
    assert main(["box-pack", "--prune", "--history", "0", "--keep", "0", "--yes"]) == 0
    out = capsys.readouterr().out
    assert "  kept  effect drive 0.3.0  active\n" in out
    assert "  kept  effect drive 0.4.0  program 0, follows the newest 'drive'\n" in out
    assert "  kept  effect drive 0.1.0" not in out and "  effect drive 0.1.0  " in out
    assert "played by a MIDI program (one mapped by name plays only the newest)" in out
    assert sorted(store.ids()) == sorted([drive[2]["id"], drive[3]["id"]])
