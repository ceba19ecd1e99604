"""p57 QA_D finding 3: deleting another laptop's pack did not say whose it was (the library's delete question does),
and "deactivate, then delete" removed a pack another laptop had made active seconds before without a word.  The
deactivation says who made the pack active and when; the delete question and its answer name who pushed the pack
(the library question's rule) and that it is what its slot played last."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from hatbox.cli import main
from tests.api.conftest import PairedServer
from tests.api.packs import gain_pack


def _push_as_another(server: PairedServer, tmp_path: Path, name: str) -> str:
    """Pair ``name`` through the API and push (and make active) an effect pack from it: the pack's id."""
    import httpx
    code = server.app.state.box.pairing.current()
    token = httpx.post(f"{server.running.url}/pair", json={"code": code, "name": name}).json()["token"]
    pack = gain_pack(tmp_path / "syn-s3.hatpack", "syn-s3", "0.1.0")
    r = httpx.post(f"{server.running.url}/packs", params={"activate": "true"}, content=pack.read_bytes(),
                   headers={"Authorization": f"Bearer {token}"}, timeout=60)
    assert r.status_code == 201, r.text
    return r.json()["pack"]["id"]


def test_deactivate_then_delete_says_whose_pack_it_is_and_that_it_played(paired_server: PairedServer, tmp_path: Path,
                                                                           capsys, monkeypatch: pytest.MonkeyPatch
                                                                           ) -> None:
    pid = _push_as_another(paired_server, tmp_path, "laptop-s3")
    capsys.readouterr()
    assert main(["box-pack", "--deactivate", "effect"]) == 0
    out = capsys.readouterr().out
    assert re.search(rf"the box's effect slot is empty \(was {pid}, activated by laptop-s3 \d+ s ago: it stays "
                     r"installed\)", out), out
    asked: list[str] = []
    monkeypatch.setattr("builtins.input", lambda q: asked.append(q) or "n")
    assert main(["box-pack", pid, "--delete"]) == 0
    assert re.match(rf"delete pack {pid} \(syn-s3 0\.1\.0, effect, [^)]*\), uploaded \d{{4}}-\d\d-\d\d \d\d:\d\d by "
                    r"laptop-s3, from the box; it is what the effect slot played last, before the slot was emptied",
                    asked[0]), asked[0]
    assert paired_server.app.state.box.store.ids() == [pid]
    assert capsys.readouterr().out.endswith(" was not deleted\n")
    assert main(["box-pack", pid, "--delete", "--yes"]) == 0
    out = capsys.readouterr().out
    assert re.match(rf"deleted pack {pid} \([^)]*\), uploaded [-\d :]+ by laptop-s3; it was what the effect slot "
                    r"played last, before the slot was emptied\n", out), out


def test_a_pack_with_no_known_pusher_is_asked_about_as_before(paired_server: PairedServer, tmp_path: Path,
                                                              capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    from hatbox.slot_words import owner_clause
    assert owner_clause({"installed": 1.0e9, "installed_by": None}) == ""         # installed on the box itself
    assert owner_clause({"installed": 1.0e9, "installed_by": ""}) == ""
    from hatbox.library_owners import owner_clause as library_clause
    lib = {"uploaded": 1.0e9, "uploaded_by": "laptop-s4"}
    assert owner_clause({"installed": 1.0e9, "installed_by": "laptop-s4"}) == library_clause(lib)   # one rule
