"""p57 RD3 4: `hatbox box-pack --deactivate KIND` read GET /packs before its POST to learn who had made the slot's pack
active (the box drops that record as it empties the slot), a second request that another laptop's change could slip
between.  The box now answers the deactivation with ``replaced`` (what it emptied out, who had made it active and how
long ago), as it answers an activation, and the laptop says it from there: the same words, one request."""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from hatbox import box_packs
from hatbox.cli import main
from tests.api.conftest import BoxUnderTest, PairedServer, make_box
from tests.api.packs import gain_pack


def _pair(box: BoxUnderTest, name: str) -> dict[str, str]:
    """A second laptop ``name`` paired with ``box``: its auth header."""
    code = box.app.state.box.pairing.current()
    token = box.client.post("/pair", json={"code": code, "name": name}).json()["token"]
    return {"Authorization": f"Bearer {token}"}


def test_the_deactivation_answers_what_it_emptied_out_and_whose_it_was(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    other = _pair(box, "laptop-s3")
    pack = gain_pack(tmp_path / "syn-s3.hatpack", "syn-s3", "0.1.0")
    pid = box.client.post("/packs", params={"activate": True}, content=pack.read_bytes(), headers=other).json()
    pid = pid["pack"]["id"]
    body = box.client.post("/slots/effect/deactivate", headers=box.auth).json()
    assert body["previous"] == pid and body["active"] is None
    replaced = body["replaced"]
    assert {k: replaced[k] for k in ("id", "kind", "name", "version", "by")} == \
        {"id": pid, "kind": "effect", "name": "syn-s3", "version": "0.1.0", "by": "laptop-s3"}
    assert 0.0 <= replaced["ago_s"] < 60.0
    again = box.client.post("/slots/effect/deactivate", headers=box.auth).json()    # empty already
    assert again["previous"] is None and again["replaced"] is None


def test_the_laptop_says_whose_pack_it_emptied_out_from_the_answer_alone(paired_server: PairedServer,
                                                                          tmp_path: Path, capsys,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    import httpx
    code = paired_server.app.state.box.pairing.current()
    token = httpx.post(f"{paired_server.running.url}/pair", json={"code": code, "name": "laptop-s3"}).json()["token"]
    pack = gain_pack(tmp_path / "syn-s3.hatpack", "syn-s3", "0.1.0")
    r = httpx.post(f"{paired_server.running.url}/packs", params={"activate": "true"}, content=pack.read_bytes(),
                   headers={"Authorization": f"Bearer {token}"}, timeout=60)
    pid = r.json()["pack"]["id"]
    asks = _spy_requests(monkeypatch)
    capsys.readouterr()
    assert main(["box-pack", "--deactivate", "effect"]) == 0
    out = capsys.readouterr().out
    assert re.fullmatch(rf"the box's effect slot is empty \(was {pid}, activated by laptop-s3 \d+ s ago: it stays "
                        r"installed\)\n", out), out
    assert asks == [("POST", "/slots/effect/deactivate")]                   # no GET /packs before it


def _spy_requests(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """The (method, path) of every request `box-pack` makes through hatbox.box_packs from now on."""
    seen: list[tuple[str, str]] = []
    call, asked = box_packs._call, box_packs.asked

    def spied_call(client: Any, method: str, path: str, *a: Any, **k: Any) -> Any:
        seen.append((method, path))
        return call(client, method, path, *a, **k)

    def spied_asked(client: Any, path: str, *a: Any, **k: Any) -> Any:
        seen.append(("GET", path))
        return asked(client, path, *a, **k)
    monkeypatch.setattr(box_packs, "_call", spied_call)
    monkeypatch.setattr(box_packs, "asked", spied_asked)
    return seen


@pytest.mark.parametrize("answer, said", [
    ({"slot": "effect", "active": None, "previous": "fx-1", "replaced": None}, " (was fx-1: it stays installed)"),
    ({"slot": "effect", "active": None, "previous": "fx-1"}, " (was fx-1: it stays installed)"),
    ({"slot": "effect", "active": None, "previous": None, "replaced": None}, ""),
])
def test_an_older_box_s_answer_is_said_without_who(answer: dict[str, Any], said: str) -> None:
    from hatbox.pack_who import previous_words
    assert previous_words(answer, ": it stays installed") == said
