"""p44: the program map over the API (GET/PUT/DELETE /midi/programs, authenticated) and from the laptop (`hatbox
box-midi --program N PACK`, `--program N none`, the listing), and `hatbox status` saying what the last program change
did.  Before p44 none of these routes or options existed."""
from __future__ import annotations

from pathlib import Path

import mido
import pytest

from hatbox.cli import main
from tests.api.conftest import make_box
from tests.api.packs import gain_pack, tagger_pack
from tests.midi.p44_box import packs


def test_set_list_and_clear_through_the_api(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    p = packs(tmp_path / "packs")
    a = box.push(p["a"]).json()["pack"]["id"]
    assert box.client.get("/midi/programs").status_code == 401
    assert box.client.put("/midi/programs/3", json={"pack": a}).status_code == 401
    r = box.client.put("/midi/programs/3", json={"pack": a}, headers=box.auth)
    assert r.status_code == 200, r.text
    assert r.json()["message"] == f"program 3 switches in effect pack alpha 1.0.0 ({a})"
    r = box.client.put("/midi/programs/4", json={"pack": "ALPHA", "channel": 10}, headers=box.auth)   # by name
    assert r.json()["mapped"]["follow"] is True and "following the newest 'alpha'" in r.json()["message"]
    listed = box.client.get("/midi/programs", headers=box.auth).json()
    assert [(row["program"], row["channel"], row["pack"], row["plays"], row["follow"]) for row in listed["programs"]] \
        == [(3, None, a, a, False), (4, 10, a, a, True)]
    assert listed["last"] is None and listed["midi"] == "off" and listed["settle_ms"] == 60
    r = box.client.delete("/midi/programs/4", headers=box.auth)
    assert r.status_code == 404 and "program 4 has no pack mapped" in r.json()["message"]     # it is channel 10's
    r = box.client.delete("/midi/programs/4", params={"channel": 10}, headers=box.auth)
    assert r.status_code == 200 and r.json()["message"].startswith("program 4 on channel 10 no longer switches")
    assert len(box.client.get("/midi/programs", headers=box.auth).json()["programs"]) == 1


def test_the_api_refuses_what_cannot_be_mapped(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    tagger = box.push(tagger_pack(tmp_path / "t.hatpack")).json()["pack"]["id"]
    good = box.push(gain_pack(tmp_path / "g.hatpack", "good")).json()["pack"]["id"]
    put = lambda n, body: box.client.put(f"/midi/programs/{n}", json=body, headers=box.auth)  # noqa: E731
    assert put(128, {"pack": good}).status_code == 400                    # out of the route's schema
    assert put(1, {"pack": good, "channel": 17}).status_code == 400       # a body out of its schema, as elsewhere
    r = put(1, {"pack": tagger})
    assert r.status_code == 422 and "makes no sound" in r.json()["message"]
    r = put(1, {"pack": "nosuch"})
    assert r.status_code == 404 and "nothing was mapped" in r.json()["message"]
    assert box.client.get("/midi/programs", headers=box.auth).json()["programs"] == []


def test_box_midi_maps_lists_and_clears_a_program(served, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    app, control, port = served
    p = packs(tmp_path / "packs")
    for key in ("a", "b"):
        assert main(["push", str(p[key])]) == 0
    capsys.readouterr()
    assert main(["box-midi", "--program", "2", "beta"]) == 0
    assert "program 2 switches in effect pack beta 1.0.0" in capsys.readouterr().out
    assert main(["box-midi", "--program", "5", "alpha", "--program-channel", "3"]) == 0
    capsys.readouterr()
    assert main(["box-midi"]) == 0
    out = capsys.readouterr().out
    assert "  program change -> pack:" in out
    assert "    program   2 -> effect beta 1.0.0 (follows the newest 'beta')" in out     # what plays, first
    assert "    program   5 on channel 3 -> effect alpha 1.0.0" in out
    assert main(["box-midi", "--program", "2", "none"]) == 0
    assert "program 2 no longer switches a pack" in capsys.readouterr().out
    assert main(["box-midi", "--program", "200", "beta"]) == 2
    assert "a MIDI program is 0..127" in capsys.readouterr().err
    assert main(["box-midi", "--program-channel", "3"]) == 2


def test_hatbox_status_says_what_the_last_program_change_did(served, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    app, control, port = served
    p = packs(tmp_path / "packs")
    assert main(["push", str(p["a"]), "--activate"]) == 0 and main(["push", str(p["b"])]) == 0
    assert main(["box-midi", "--program", "0", "beta"]) == 0
    port(mido.Message("program_change", program=0))
    assert app.state.programs.wait(10)
    capsys.readouterr()
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "  last MIDI program change: program 0: effect pack beta 1.0.0 (effect-beta-1.0.0-" in out
    assert "switched in (was effect-alpha-1.0.0-" in out and " s ago)" in out
    assert main(["box-midi"]) == 0
    assert "  last program change: program 0: effect pack beta" in capsys.readouterr().out
