"""`hatbox box-pack --prune` and ``POST /packs/prune`` (p44 year QA: 173 packs kept forever, a roll back reaching 16,
no bulk clean-up, no totals); the box-pack list in version order with totals."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from device.midi_programs import Entry
from hatbox.cli import main
from tests.api.conftest import PairedServer, make_box
from tests.api.test_p44_year_store import install


def _fill(store: Any, tmp: Path, versions: int) -> list[dict[str, Any]]:
    """``versions`` versions of fuzz (2.1.0 .. 2.N.0) each made active in turn (the history keeps the last 16), and
    three of amp never active."""
    fuzz = []
    for n in range(1, versions + 1):
        fuzz.append(install(store, tmp, "fuzz", f"2.{n}.0"))
        store.activate(fuzz[-1]["id"])
    for n in range(1, 4):
        install(store, tmp, "amp", f"0.{n}.0")
    return fuzz


def test_prune_deletes_what_nothing_reaches_in_one_call(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    api = box.app.state.box
    fuzz = _fill(api.store, tmp_path, 30)
    mapped = fuzz[2]["id"]                                          # 2.3.0, mapped to program 5 by id
    box.app.state.programs.programs.set(Entry(5, None, mapped, "effect", "fuzz", "2.3.0", False))
    plan = box.client.post("/packs/prune", json={"keep": 1}, headers=box.auth).json()
    went = {p["id"] for p in plan["packs"]}
    reach = set(api.store.reachable())
    assert plan["dry_run"] and len(api.store.ids()) == 33                # nothing deleted by a dry run
    assert mapped not in went and not went & reach and fuzz[-1]["id"] not in went
    assert {p["name"] for p in plan["packs"]} == {"fuzz", "amp"} and len(went) == 33 - 16 - 1 - 1 - 1
    assert [p["version"] for p in plan["packs"] if p["name"] == "amp"] == ["0.2.0", "0.1.0"]   # 0.3.0 the newest
    assert plan["bytes"] == sum(p["size"] for p in plan["packs"]) and plan["kept"] == 33 - len(went)
    done = box.client.post("/packs/prune", json={"keep": 1, "dry_run": False, "ids": sorted(went)[:5]},
                           headers=box.auth).json()
    assert len(done["packs"]) == 5 and len(api.store.ids()) == 28 and api.store.problems() == []
    rest = box.client.post("/packs/prune", json={"keep": 1, "dry_run": False}, headers=box.auth).json()
    assert len(rest["packs"]) == len(went) - 5 and set(api.store.ids()) == reach | {mapped} | {
        p["id"] for p in api.store.list() if p["name"] == "amp" and p["version"] == "0.3.0"}
    assert box.client.post("/slots/effect/rollback", headers=box.auth).status_code == 200    # history intact
    again = box.client.post("/packs/prune", json={}, headers=box.auth).json()
    assert again["packs"] == [] and "nothing to delete" in again["message"]


def test_the_laptop_lists_asks_and_deletes(paired_server: PairedServer, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    store = paired_server.app.state.box.store
    _fill(store, tmp_path, 18)
    capsys.readouterr()
    assert main(["box-pack"]) == 0
    got = capsys.readouterr()
    versions = [line.split()[2].rstrip(",") for line in got.out.splitlines() if "  fuzz " in line]
    assert versions[:4] == ["2.18.0", "2.17.0", "2.16.0", "2.15.0"] and versions[-1] == "2.1.0"
    assert got.err.startswith("21 packs, ") and "; 0 libraries, 0 KiB" in got.err     # piped: the footer apart
    monkeypatch.setenv("CI", "true")
    assert main(["box-pack", "--prune"]) == 2                        # no one to ask: refused, nothing deleted
    got = capsys.readouterr()
    assert "nothing was deleted" in got.err and "--yes" in got.err and len(store.ids()) == 21
    assert "3 packs (" in got.out and "  effect amp 0.2.0  " in got.out     # fuzz 2.1.0 (past the history), amp
    assert main(["box-pack", "--prune", "--keep", "0", "--yes"]) == 0      # 0.1.0, 0.2.0; and with --keep 0: 0.3.0
    said = capsys.readouterr().out
    assert "deleted 4 packs, freed " in said and "the box holds 17 packs" in said and len(store.ids()) == 17
    assert main(["box-pack", "--keep", "2"]) == 2 and "--keep N goes with --prune" in capsys.readouterr().err
