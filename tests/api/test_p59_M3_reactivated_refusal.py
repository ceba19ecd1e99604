"""p59 Q1 9: laptop A's delete question said "emptied by laptopB 1 s ago"; laptop B made the pack active again before A
answered y, and the refusal said only "'ID' is active; deactivate it or activate another first".  The box knows who
made it active and when (active.json ``activated``): its 409 says so."""
from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from hatbox.cli import main
from tests.api.conftest import PairedServer
from tests.api.packs import gain_pack


def _pair(server: PairedServer, name: str) -> str:
    code = server.app.state.box.pairing.current()
    return httpx.post(f"{server.running.url}/pair", json={"code": code, "name": name}).json()["token"]


def _push(server: PairedServer, token: str, path: Path) -> str:
    r = httpx.post(f"{server.running.url}/packs", params={"activate": "true"}, content=path.read_bytes(),
                   headers={"Authorization": f"Bearer {token}"}, timeout=60)
    assert r.status_code == 201, r.text
    return r.json()["pack"]["id"]


def _delete_while(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, pid: str, meanwhile) -> str:
    """This laptop's `box-pack PID --delete`, ``meanwhile()`` run while its question waits, answered y: stderr."""
    asked: list[str] = []
    monkeypatch.setattr("builtins.input", lambda q: asked.append(q) or meanwhile() or "y")
    assert main(["box-pack", pid, "--delete"]) == 2
    assert "emptied by laptop" in asked[0], asked
    return capsys.readouterr().err


def test_the_refusal_names_the_laptop_that_made_it_active_again(paired_server: PairedServer, tmp_path: Path,
                                                                 capsys, monkeypatch: pytest.MonkeyPatch) -> None:
    token = _pair(paired_server, "laptopB")
    pid = _push(paired_server, token, gain_pack(tmp_path / "fx.hatpack", "fx", "0.1.0"))
    assert main(["box-pack", "--deactivate", "effect"]) == 0          # this laptop ("laptop") empties the slot
    capsys.readouterr()

    def b_activates() -> None:
        r = httpx.post(f"{paired_server.running.url}/packs/{pid}/activate",
                       headers={"Authorization": f"Bearer {token}"}, timeout=30)
        assert r.status_code == 200, r.text

    err = _delete_while(capsys, monkeypatch, pid, b_activates)
    assert re.search(rf"'{pid}' is active; deactivate it or activate another first \(laptopB made it active at "
                     r"\d\d:\d\d, \d+ s ago\)", err), err
    assert pid in paired_server.app.state.box.store.ids()                      # nothing deleted


def test_a_pack_made_active_on_the_box_says_so(paired_server: PairedServer, tmp_path: Path, capsys,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    token = _pair(paired_server, "laptopB")
    pid = _push(paired_server, token, gain_pack(tmp_path / "fx.hatpack", "fx", "0.1.0"))
    assert main(["box-pack", "--deactivate", "effect"]) == 0
    capsys.readouterr()
    store = paired_server.app.state.box.store
    err = _delete_while(capsys, monkeypatch, pid, lambda: store.activate(pid) and None)   # the panel, MIDI: no laptop
    assert re.search(r"is active; deactivate it or activate another first \(it was made active on the box at "
                     r"\d\d:\d\d, \d+ s ago\)", err), err
