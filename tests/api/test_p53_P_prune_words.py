"""p53 QA: `hatbox box-pack --prune` could not tell twin packs (one name and version, other bytes) apart - kept lines
had no ids - and "nothing to delete: ... (kept_packs says which)" named a JSON field the output never shows; and the
change log (`hatbox box-logs --changes`) listed each prune dry run (the plan, the question before --yes) as a
change."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from device.logs import box_logging
from device.midi_programs import Entry
from hatbox.pack_names import short_id
from tests.api.conftest import PairedServer, make_box
from tests.api.test_p44_year_store import install
from tests.cli_run import run


def _twins(store: Any, tmp: Path, n: int) -> list[dict[str, Any]]:
    """``n`` packs my-amp 0.1.0 with other bytes, in install order; the first made active."""
    packs = [install(store, tmp, "my-amp", "0.1.0", body=f"take {i}".encode()) for i in range(n)]
    store.activate(packs[0]["id"])
    return packs


def test_p53_P_kept_twins_are_told_apart_and_said_in_words(paired_server: PairedServer, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    store = paired_server.app.state.box.store
    live, mapped, newest = _twins(store, tmp_path, 3)
    solo = install(store, tmp_path, "fuzz", "1.0.0")
    store.activate(solo["id"])                          # the effect slot's history keeps live a roll back away
    paired_server.app.state.programs.programs.set(Entry(0, None, mapped["id"], "effect", "my-amp", "0.1.0", False))
    rc, out, err = run(capsys, "box-pack", "--prune", "--yes")
    assert rc == 0, err
    assert f"  kept  effect my-amp 0.1.0 ({short_id(live)})  roll back 1\n" in out, out
    assert f"  kept  effect my-amp 0.1.0 ({short_id(mapped)})  program 0\n" in out, out
    assert f"  kept  effect my-amp 0.1.0 ({short_id(newest)})  newest\n" in out, out
    assert "  kept  effect fuzz 1.0.0  active\n" in out                  # a name no other shares: no id
    assert "kept_packs" not in out + err
    assert "nothing to delete: each of the 4 packs on the box stays, for the reason on its 'kept' line above" in out


def _change_lines(box: Any) -> list[str]:
    return box.client.get("/logs", params={"file": "changes"}, headers=box.auth).json()["lines"]


def _prune(box: Any, **body: Any) -> dict[str, Any]:
    r = box.client.post("/packs/prune", json={"keep": 1, **body}, headers=box.auth)
    assert r.status_code == 200, r.text
    return r.json()


def test_p53_P_the_change_log_holds_only_prunes_that_changed_something(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    store = box.app.state.box.store
    old = [install(store, tmp_path, "amp", f"0.{n}.0") for n in range(1, 4)]
    with box_logging(box.store_dir, terminal=False):
        assert len(_prune(box)["packs"]) == 2                             # the plan, then the question's plan
        assert len(_prune(box, history=0)["packs"]) == 2
        assert "kept_packs" not in _prune(box, ids=[])["message"]         # nothing listed: nothing deleted
        assert _prune(box, dry_run=False, ids=[])["packs"] == []
        done = _prune(box, dry_run=False, ids=[old[0]["id"]])
        assert [p["id"] for p in done["packs"]] == [old[0]["id"]]
        lines = [line for line in _change_lines(box) if "prune" in line]
    assert len(lines) == 1 and "packs prune: 1 pack deleted: freed " in lines[0], lines
    assert old[0]["id"] in lines[0] and "dry run" not in lines[0]
