"""p57 QA_D finding 2: any workshop laptop revoked another's pairing with no question, and the revoked laptop heard
only "the box does not accept this token (wrong or revoked)".  `box-devices --revoke` now asks before revoking
another computer's pairing, naming it (--yes skips, as for this computer's own), and the box keeps who revoked a
pairing and when, which its refusal of that token says."""
from __future__ import annotations

from pathlib import Path

import pytest

from device.api.auth import AuthError, TokenStore
from hatbox.cli import main
from tests.api.conftest import PairedServer


def _pair_another(server: PairedServer, name: str) -> tuple[str, str]:
    """Pair a second computer called ``name`` straight through the API: (its token id, its token)."""
    import httpx
    code = server.app.state.box.pairing.current()
    r = httpx.post(f"{server.running.url}/pair", json={"code": code, "name": name})
    assert r.status_code == 200, r.text
    return r.json()["token_id"], r.json()["token"]


def _ids(server: PairedServer) -> list[str]:
    return [t["id"] for t in server.app.state.box.tokens.list()]


def test_revoking_another_computers_pairing_asks_first_naming_it(paired_server: PairedServer, capsys,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    other, _ = _pair_another(paired_server, "laptop-s4")
    asked: list[str] = []
    monkeypatch.setattr("builtins.input", lambda q: asked.append(q) or "n")
    capsys.readouterr()
    assert main(["box-devices", "--revoke", "laptop-s4"]) == 0
    assert capsys.readouterr().out == "not revoked: laptop-s4 stays paired\n" and other in _ids(paired_server)
    assert asked[0].startswith(f"revoke the pairing of laptop-s4 ({other}, paired ") and "pairs again" in asked[0]

    def closed(_q: str) -> str:
        raise EOFError
    monkeypatch.setattr("builtins.input", closed)
    assert main(["box-devices", "--revoke", "laptop-s4"]) == 2
    err = capsys.readouterr().err
    assert "not revoked: no answer to 'revoke the pairing of laptop-s4" in err and "add --yes" in err
    assert other in _ids(paired_server)
    monkeypatch.setattr("builtins.input", lambda _q: "y")
    assert main(["box-devices", "--revoke", "laptop-s4"]) == 0
    assert capsys.readouterr().out == f"revoked laptop-s4 ({other}): it can no longer reach the box\n"
    assert other not in _ids(paired_server)


def test_the_revoked_laptop_is_told_its_pairing_was_revoked(paired_server: PairedServer, capsys) -> None:
    import httpx
    other, token = _pair_another(paired_server, "laptop-s4")
    assert main(["box-devices", "--revoke", other, "--yes"]) == 0
    r = httpx.get(f"{paired_server.running.url}/status", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    said = r.json()["message"]
    assert said.startswith("the box does not accept this token: its pairing ('laptop-s4') was revoked") and \
        "wrong or revoked" not in said and " s ago)" in said
    assert "pair again" in r.json()["hint"]


def test_the_box_keeps_who_revoked_a_pairing_across_a_restart(tmp_path: Path) -> None:
    tokens = TokenStore(tmp_path / "tokens.json")
    tid, token = tokens.issue("laptop-s4")
    tokens.issue("laptop-s2")
    assert tokens.revoke(tid, by="laptop-s2")
    for store in (tokens, TokenStore(tmp_path / "tokens.json")):       # the same after a restart
        with pytest.raises(AuthError) as err:
            store.check(token)
        said = str(err.value).splitlines()[0]
        assert said.startswith("the box does not accept this token: its pairing ('laptop-s4') was revoked by "
                               "'laptop-s2' at ") and said.endswith(" s ago)")
    with pytest.raises(AuthError, match=r"wrong or revoked"):
        tokens.check("a-token-never-issued")


def test_a_record_of_revocations_that_cannot_be_read_loses_only_the_words(tmp_path: Path) -> None:
    tokens = TokenStore(tmp_path / "tokens.json")
    tid, token = tokens.issue("laptop-s4")
    tokens.revoke(tid, by="laptop-s2")
    (tmp_path / "tokens.revoked.json").write_text("{not json")
    with pytest.raises(AuthError, match=r"wrong or revoked"):
        TokenStore(tmp_path / "tokens.json").check(token)


def test_hatbox_status_on_the_revoked_laptop_says_its_pairing_was_revoked(paired_server: PairedServer,
                                                                          capsys) -> None:
    import httpx
    (mine,) = _ids(paired_server)
    _, token = _pair_another(paired_server, "laptop-s2")
    r = httpx.delete(f"{paired_server.running.url}/tokens/{mine}", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 204, r.text
    capsys.readouterr()
    assert main(["status"]) == 2
    err = capsys.readouterr().err
    assert "its pairing ('laptop') was revoked" in err and "wrong or revoked" not in err, err
    assert "hatbox pair" in err
