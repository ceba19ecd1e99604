"""`hatbox box-devices`: the computers paired with the box, `--revoke ID|NAME` takes one back (a lost laptop); pairing
again from the same computer revokes its earlier pairing (each `hatbox pair` left one more token on the box)."""
from __future__ import annotations

from hatbox.cli import main
from tests.api.conftest import PairedServer


def _pair_another(server: PairedServer, name: str) -> str:
    """Pair a second computer called ``name`` straight through the API; its token id."""
    import httpx
    code = server.app.state.box.pairing.current()
    r = httpx.post(f"{server.running.url}/pair", json={"code": code, "name": name})
    assert r.status_code == 200, r.text
    return r.json()["token_id"]


def test_the_list_names_each_computer_and_marks_this_one(paired_server: PairedServer, capsys) -> None:
    other = _pair_another(paired_server, "studio-mac")
    capsys.readouterr()
    assert main(["box-devices"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "paired with the box: 2 computers"
    assert any("laptop" in line and line.endswith("(this computer)") for line in out)
    assert any(line.startswith(f"  {other}  studio-mac") and "this computer" not in line for line in out)
    assert out[-1] == "take one back (a lost or sold computer): hatbox box-devices --revoke ID"


def test_revoke_by_name_takes_that_computer_off(paired_server: PairedServer, capsys) -> None:
    import httpx
    other = _pair_another(paired_server, "studio-mac")
    token = next(t for t in paired_server.app.state.box.tokens.list() if t["id"] == other)
    assert token["name"] == "studio-mac"
    capsys.readouterr()
    assert main(["box-devices", "--revoke", "Studio-Mac", "--yes"]) == 0        # p57: another's pairing: asked
    assert capsys.readouterr().out == f"revoked studio-mac ({other}): it can no longer reach the box\n"
    assert [t["id"] for t in paired_server.app.state.box.tokens.list() if t["id"] == other] == []
    assert main(["box-devices", "--revoke", "nobody"]) == 2
    assert "no computer paired with the box is called or has the id 'nobody'" in capsys.readouterr().err
    assert httpx.get(f"{paired_server.running.url}/status").status_code == 401


def test_pairing_again_revokes_this_computers_earlier_pairing(paired_server: PairedServer, capsys) -> None:
    box = paired_server.app.state.box
    (first,) = [t["id"] for t in box.tokens.list()]
    capsys.readouterr()
    assert main(["pair", paired_server.running.url, "--code", box.pairing.current(), "--name", "laptop"]) == 0
    out = capsys.readouterr().out
    assert f"this computer's earlier pairing with it ({first}) is revoked" in out
    assert [t["name"] for t in box.tokens.list()] == ["laptop"] and first not in [t["id"] for t in box.tokens.list()]
    assert main(["box-devices"]) == 0 and "1 computer" in capsys.readouterr().out


def test_revoking_this_computers_own_pairing_asks_first(paired_server: PairedServer, capsys, monkeypatch) -> None:
    box = paired_server.app.state.box
    (mine,) = [t["id"] for t in box.tokens.list()]
    monkeypatch.setattr("builtins.input", lambda _q: "n")
    capsys.readouterr()
    assert main(["box-devices", "--revoke", mine]) == 0
    assert capsys.readouterr().out == "not revoked: this computer stays paired\n" and len(box.tokens.list()) == 1

    def closed(_q):
        raise EOFError
    monkeypatch.setattr("builtins.input", closed)
    assert main(["box-devices", "--revoke", "laptop"]) == 2
    assert "add --yes" in capsys.readouterr().err and len(box.tokens.list()) == 1
    assert main(["box-devices", "--revoke", "laptop", "--yes"]) == 0
    assert "this computer has to pair again" in capsys.readouterr().out and box.tokens.list() == []
    assert main(["status"]) == 2                      # p25: the token left the settings (was: "wrong or revoked")
    err = capsys.readouterr().err
    assert "not paired with the box" in err and "pair first" in err and "revoked" not in err   # p33: said here


def test_pairing_again_at_another_address_of_the_same_box_revokes_the_earlier_pairing(
        paired_server: PairedServer, capsys) -> None:
    """p25: only a pairing saved under the very same URL string was revoked: a first pairing at a typo that still
    reached the box (127.0.01, its name, its IP) stayed on it."""
    box = paired_server.app.state.box
    (first,) = [t["id"] for t in box.tokens.list()]
    other_spelling = paired_server.running.url.replace("127.0.0.1", "localhost")
    assert other_spelling != paired_server.running.url
    capsys.readouterr()
    assert main(["pair", other_spelling, "--code", box.pairing.current(), "--name", "laptop"]) == 0
    assert f"this computer's earlier pairing with it ({first}) is revoked" in capsys.readouterr().out
    assert [t["name"] for t in box.tokens.list()] == ["laptop"]


def test_unpair_revokes_this_computers_pairing_and_forgets_it(paired_server: PairedServer, capsys) -> None:
    import json

    from hatbox.cmd_remote import config_path
    box = paired_server.app.state.box
    url = paired_server.running.url
    assert main(["unpair"]) == 0
    assert capsys.readouterr().out == f"unpaired from {url}: revoked on the box; pair again with hatbox pair {url}\n"
    assert box.tokens.list() == []
    cfg = json.loads(config_path().read_text())
    assert cfg["url"] == url and "token" not in cfg and "token_id" not in cfg
    assert main(["unpair"]) == 0
    assert "not paired with a box: nothing to undo" in capsys.readouterr().out


def test_unpair_with_the_box_off_keeps_the_pairing_unless_forced(paired_server: PairedServer, capsys) -> None:
    """Thirty-fourth stop: unpair with the box off exited 0 and dropped the only token that could revoke the
    pairing; it keeps it now, and --force forgets it here, saying how to revoke it."""
    from hatbox.cmd_remote import load_config
    (mine,) = [t["id"] for t in paired_server.app.state.box.tokens.list()]
    paired_server.running.stop()
    assert main(["unpair"]) == 2
    err = capsys.readouterr().err
    assert "the pairing is kept" in err and "hatbox unpair --force" in err and load_config().get("token")
    assert main(["unpair", "--force"]) == 0
    out = capsys.readouterr().out
    assert "not revoked on the box (" in out and f"hatbox box-devices --revoke {mine} from a paired computer" in out
    assert not load_config().get("token")


def test_unpair_of_a_pairing_revoked_elsewhere_says_so(paired_server: PairedServer, capsys) -> None:
    """Thirty-fourth stop: after another computer revoked this one, unpair said to revoke it (it was already)."""
    (mine,) = [t["id"] for t in paired_server.app.state.box.tokens.list()]
    paired_server.app.state.box.tokens.revoke(mine)
    assert main(["unpair"]) == 0
    out = capsys.readouterr().out
    assert "no longer accepted its token" in out and "--revoke" not in out


def test_unpair_takes_the_box_s_address_written_another_way(paired_server: PairedServer, capsys) -> None:
    port = paired_server.running.url.rsplit(":", 1)[1]
    assert main(["unpair", "--url", f"127.0.0.1:{port}"]) == 0
    assert "revoked on the box" in capsys.readouterr().out



def test_unpair_with_settings_that_do_not_name_the_pairing_forgets_it_and_says_how(paired_server: PairedServer,
                                                                                  capsys) -> None:
    """Review (p25): a settings file without token_id sent DELETE /tokens/None and pointed at --revoke None."""
    import json

    from hatbox.cmd_remote import config_path
    cfg = json.loads(config_path().read_text())
    del cfg["token_id"]
    config_path().write_text(json.dumps(cfg))
    assert main(["unpair"]) == 0
    out = capsys.readouterr().out
    assert "None" not in out
    assert "hatbox box-devices --revoke ID from a paired computer (hatbox box-devices lists" in out
    assert len(paired_server.app.state.box.tokens.list()) == 1          # nothing revoked blindly


def test_unpair_with_a_mistyped_url_forgets_nothing(paired_server: PairedServer, capsys) -> None:
    """Before (twenty-seventh stop's QA): `unpair --url` with a typo dropped the saved pairing, left the token good on
    the box, and exited 0."""
    import json

    from hatbox.cmd_remote import config_path
    before = json.loads(config_path().read_text())
    assert main(["unpair", "--url", "http://127.0.0.1:18799"]) == 2
    err = capsys.readouterr().err
    assert f"this computer is paired with {before['url']}, not http://127.0.0.1:18799; nothing was done" in err
    assert json.loads(config_path().read_text()) == before
    assert len(paired_server.app.state.box.tokens.list()) == 1
    assert main(["unpair", "--url", before["url"] + "/"]) == 0           # its own address, any trailing slash
    assert "revoked on the box" in capsys.readouterr().out
