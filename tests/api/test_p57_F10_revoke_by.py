"""p57 QA_D finding 2 (the route's half, F10 handover 1): DELETE /tokens/{id} hands the asker's device name to
TokenStore.revoke, so the revoked laptop's refusal says who revoked its pairing ("revoked by 'laptop-s2'")."""
from __future__ import annotations

from hatbox.cli import main
from tests.api.conftest import PairedServer


def test_the_revoked_laptop_is_told_who_revoked_it(paired_server: PairedServer) -> None:
    import httpx
    code = paired_server.app.state.box.pairing.current()
    r = httpx.post(f"{paired_server.running.url}/pair", json={"code": code, "name": "laptop-s4"})
    other, token = r.json()["token_id"], r.json()["token"]
    assert main(["box-devices", "--revoke", other, "--yes"]) == 0          # this computer is "laptop"
    r = httpx.get(f"{paired_server.running.url}/status", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    assert r.json()["message"].startswith("the box does not accept this token: its pairing ('laptop-s4') was "
                                          "revoked by 'laptop' at ")
