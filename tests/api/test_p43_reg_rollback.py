"""p43 regression QA: a roll back after the other laptop deleted its target landed on an older pack without a word
("the box's active effect pack is effect-b-fuzz-... again (was ...)" where the player expected fxD, which laptop B
deleted, the delete's question having said "it is what --rollback effect goes back to").  The roll back's answer
(``went_past``) and the laptop's line say the pack it would have gone back to was deleted, by whom, and that this is
the one before it (device/api/slot_routes.py)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from hatbox.cli import main
from tests.api.conftest import PairedServer, make_box
from tests.api.packs import gain_pack
from tests.cli_run import run as _run


def _three(box, tmp_path: Path) -> list[str]:
    ids = []
    for name in ("fuzz", "fxd", "fxc"):
        r = box.push(gain_pack(tmp_path / f"{name}.hatpack", name))
        assert r.status_code == 201, r.text
        ids.append(r.json()["pack"]["id"])
    return ids


def test_a_roll_back_past_a_deleted_target_says_so_once(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    fuzz, fxd, fxc = _three(box, tmp_path)
    assert box.client.get("/slots", headers=box.auth).json()[0]["rollback_to"] == fxd
    assert box.client.delete(f"/packs/{fxd}", headers=box.auth).status_code == 204
    noted = json.loads((box.store_dir / "deleted_targets.json").read_text())["effect"]
    assert (noted["pack"], noted["by"], noted["active"], noted["next"]) == (fxd, "test", fxc, fuzz)
    r = box.client.post("/slots/effect/rollback", headers=box.auth)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["active"], body["previous"]) == (fuzz, fxc)
    assert body["went_past"].startswith(f"{fxd}, what it went back to before, was deleted by 'test' on ")
    assert body["went_past"].endswith(": this is the one before it")
    assert box.client.post(f"/packs/{fxc}/activate", headers=box.auth).status_code == 200
    again = box.client.post("/slots/effect/rollback", headers=box.auth).json()
    assert again["active"] == fuzz and "went_past" not in again          # said once: the note is used up


def test_a_roll_back_after_another_activation_says_nothing_of_the_deletion(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    fuzz, fxd, fxc = _three(box, tmp_path)
    assert box.client.delete(f"/packs/{fxd}", headers=box.auth).status_code == 204
    assert box.client.post(f"/packs/{fuzz}/activate", headers=box.auth).status_code == 200   # the history moved on
    body = box.client.post("/slots/effect/rollback", headers=box.auth).json()
    assert body["active"] == fxc and "went_past" not in body


def test_a_plain_roll_back_says_nothing_more(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    fuzz, fxd, fxc = _three(box, tmp_path)
    body = box.client.post("/slots/effect/rollback", headers=box.auth).json()
    assert body["active"] == fxd and "went_past" not in body


def test_the_laptop_says_the_roll_back_went_one_further(tmp_path: Path, paired_server: PairedServer,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("fuzz", "fxd", "fxc"):
        assert main(["push", str(gain_pack(tmp_path / f"{name}.hatpack", name)), "--activate", "--quiet"]) == 0
    box = paired_server.app.state.box
    fxd = box.store.rollback_target("effect")
    assert main(["box-pack", fxd, "--delete", "--yes"]) == 0
    capsys.readouterr()
    rc, out, err = _run(capsys, "box-pack", "--rollback", "effect")
    assert rc == 0, err
    line = next(x for x in out.splitlines() if x.startswith("the box's active effect pack is "))
    assert f" again (was " in line and f"({fxd}, what it went back to before, was deleted by 'laptop' on " in line
    assert line.endswith(": this is the one before it)")
