"""p44 set-list regression QA: `box-pack --prune` says why each pack stays, and ``--history N`` lets older roll-back
steps go (five auditioned versions were kept forever as roll-back steps); roll back still works for what stays;
``--prune --json`` is refused as every change with --json is."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from device.midi_programs import Entry
from hatbox.cli import main
from tests.api.conftest import PairedServer, make_box
from tests.api.test_p44_year_store import install


def _audition(store: Any, tmp: Path) -> list[dict[str, Any]]:
    """crunch 0.1.0 .. 0.1.4 each made active in turn (an audition), and pedal2 0.1.0 never active."""
    crunch = []
    for n in range(5):
        crunch.append(install(store, tmp, "crunch", f"0.1.{n}"))
        store.activate(crunch[-1]["id"])
    install(store, tmp, "pedal2", "0.1.0")
    return crunch


def test_the_dry_run_says_why_each_pack_stays_and_history_lets_steps_go(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    store = box.app.state.box.store
    crunch = _audition(store, tmp_path)
    box.app.state.programs.programs.set(Entry(3, None, crunch[0]["id"], "effect", "crunch", "0.1.0", False))
    plan = box.client.post("/packs/prune", json={}, headers=box.auth).json()
    why = {p["version"]: p["why"] for p in plan["kept_packs"] if p["name"] == "crunch"}
    assert plan["packs"] == [] and why == {"0.1.4": "active", "0.1.3": "roll back 1", "0.1.2": "roll back 2",
                                           "0.1.1": "roll back 3", "0.1.0": "program 3"}
    assert [p["why"] for p in plan["kept_packs"] if p["name"] == "pedal2"] == ["newest"]
    plan = box.client.post("/packs/prune", json={"history": 1}, headers=box.auth).json()
    assert [p["version"] for p in plan["packs"]] == ["0.1.2", "0.1.1"] and len(store.ids()) == 6   # a dry run
    assert [(s["slot"], s["step"]) for s in plan["history_dropped"]] == [("effect", 2), ("effect", 3),
                                                                         ("effect", 4)]    # 0.1.0: its program
    done = box.client.post("/packs/prune", json={"history": 1, "dry_run": False,
                                                 "ids": [p["id"] for p in plan["packs"]]}, headers=box.auth).json()
    assert len(done["packs"]) == 2 and len(done["history_dropped"]) == 3 and store.problems() == []
    assert store.pointer().history["effect"] == [crunch[3]["id"]]
    r = box.client.post("/slots/effect/rollback", headers=box.auth)           # roll back works for what stays
    assert r.status_code == 200 and r.json()["active"] == crunch[3]["id"]
    r = box.client.post("/slots/effect/rollback", headers=box.auth)           # one step kept: no further
    assert r.status_code == 409 and "no earlier effect pack" in r.json()["message"]
    assert box.client.post("/packs/prune", json={"history": 17}, headers=box.auth).status_code in (400, 422)


def test_the_laptop_lists_why_asks_with_the_steps_and_refuses_json(paired_server: PairedServer, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str],
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    store = paired_server.app.state.box.store
    crunch = _audition(store, tmp_path)
    capsys.readouterr()
    assert main(["box-pack", "--prune"]) == 0
    out = capsys.readouterr().out
    assert "  kept  effect crunch 0.1.4  active" in out and "  kept  effect crunch 0.1.0  roll back 4" in out
    assert "  kept  effect pedal2 0.1.0  newest" in out and "--history N" in out
    asked: list[str] = []
    monkeypatch.setattr("hatbox.box_prune.can_ask", lambda: True)
    monkeypatch.setattr("builtins.input", lambda q: asked.append(q) or "n")
    assert main(["box-pack", "--prune", "--history", "2"]) == 0
    assert asked[-1].startswith("delete these 2 packs (") and "and 2 roll-back steps (effect: crunch 0.1.1, " \
        "crunch 0.1.0) from the box?" in asked[-1] and len(store.ids()) == 6
    assert main(["box-pack", "--prune", "--history", "2", "--yes"]) == 0
    assert "deleted 2 packs" in capsys.readouterr().out and len(store.ids()) == 4
    assert store.rollback_target("effect") == crunch[3]["id"]
    assert main(["box-pack", "--rollback", "effect"]) == 0
    assert main(["box-pack", "--prune", "--json", "--yes"]) == 2
    assert "--json goes with the listing, not with --prune" in capsys.readouterr().err and len(store.ids()) == 4
    assert main(["box-pack", "--history", "2"]) == 2
    assert "--history N goes with --prune" in capsys.readouterr().err
