"""Reading and turning the box's knobs from the laptop (forty-second stop's QA): no route or command read or set a
knob; only the panel, a MIDI CC and unauthenticated OSC turned them, and `hatbox status` did not show them.  Now
``GET /knobs`` and ``PUT /knobs/{slot}/{name}`` (device/api/knob_routes.py), `hatbox box-knob`, and a knobs line in
`hatbox status`."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from device.api.app import ApiConfig, create_app
from device.api.sim import RecordingControl
from hatbox.box_control import BoxControl
from hatbox.cli import main
from tests.api.conftest import FAST_ENGINE, BoxUnderTest, PairedServer
from tests.api.packs import gain_pack


def _knob_msgs(control: RecordingControl) -> list[dict[str, Any]]:
    return [m for m in control.sent if m["op"] == "knob"]


def test_the_knobs_of_what_plays_are_listed_with_value_range_unit_and_default(
        playing: tuple[BoxUnderTest, str]) -> None:
    box, _pid = playing
    r = box.client.get("/knobs", headers=box.auth)
    assert r.status_code == 200, r.text
    assert r.json() == [{"slot": "effect", "pack": "good", "name": "gain", "value": 0.5, "min": 0.0, "max": 1.0,
                         "default": 0.5, "unit": "", "scale": "linear"}]
    assert box.client.get("/knobs").status_code == 401


def test_a_knob_is_turned_through_the_boxs_control_and_read_back(playing: tuple[BoxUnderTest, str]) -> None:
    box, _pid = playing
    r = box.client.put("/knobs/effect/GAIN", json={"value": 0.8}, headers=box.auth)     # any case, as OSC
    assert r.status_code == 200, r.text
    assert r.json()["name"] == "gain" and r.json()["value"] == 0.8
    assert _knob_msgs(box.control) == [{"op": "knob", "slot": "effect", "name": "gain", "value": 0.8}]
    assert box.client.get("/knobs", headers=box.auth).json()[0]["value"] == 0.8
    assert box.client.put("/knobs/effect/gain", json={"value": 0.8}).status_code == 401


@pytest.mark.parametrize("slot, name, value, status, words", [
    ("effect", "gain", 1.5, 422, "knob 'gain' of the effect pack 'good' goes from 0 to 1, not 1.5; it was left at 0.5"),
    ("effect", "drive", 0.5, 404, "the effect pack 'good' has no knob 'drive' (its knobs: gain)"),
    ("synth", "cutoff", 0.5, 409, "no pack plays in the synth slot"),
])
def test_a_knob_that_cannot_be_turned_is_refused_in_words_and_nothing_is_sent(
        playing: tuple[BoxUnderTest, str], slot: str, name: str, value: float, status: int, words: str) -> None:
    box, _pid = playing
    r = box.client.put(f"/knobs/{slot}/{name}", json={"value": value}, headers=box.auth)
    assert r.status_code == status and words in r.json()["message"], r.text
    assert _knob_msgs(box.control) == []


def test_a_slot_without_knobs_or_a_value_that_is_no_number_is_a_bad_request(
        playing: tuple[BoxUnderTest, str]) -> None:
    box, _pid = playing
    r = box.client.put("/knobs/tagger/gain", json={"value": 0.5}, headers=box.auth)
    assert r.status_code == 400 and "effect" in r.json()["message"], r.text
    r = box.client.put("/knobs/effect/gain", json={"value": "loud"}, headers=box.auth)
    assert r.status_code == 400 and "value" in r.json()["message"], r.text
    assert _knob_msgs(box.control) == []


def test_midi_pick_up_learns_a_knob_turned_over_the_api(tmp_path: Path) -> None:
    """The route sends through the box's BoxControl, whose knob values MIDI pick-up reads."""
    codes: list[str] = []
    control = BoxControl(RecordingControl())
    client = TestClient(create_app(tmp_path / "box", control, ApiConfig(engine=FAST_ENGINE, on_code=codes.append)))
    auth = {"Authorization": "Bearer " + client.post("/pair", json={"code": codes[-1], "name": "t"}).json()["token"]}
    pack = gain_pack(tmp_path / "good.hatpack", "good", "1.0.0")
    assert client.post("/packs", params={"activate": True}, content=pack.read_bytes(), headers=auth).status_code == 201
    assert client.put("/knobs/effect/gain", json={"value": 0.25}, headers=auth).status_code == 200
    assert control.knobs.values[("effect", "gain")] == 0.25


def test_box_knob_lists_shows_and_turns_knobs(paired_server: PairedServer, tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["push", str(gain_pack(tmp_path / "good.hatpack", "good", "1.0.0")), "--activate", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["box-knob"]) == 0
    assert "effect.gain" in capsys.readouterr().out
    assert main(["box-knob", "gain", "0.75"]) == 0                     # a knob alone: the one slot that has it
    assert capsys.readouterr().out.split() == ["effect.gain", "0.75", "(0..1,", "default", "0.5)"]
    assert _knob_msgs(paired_server.control)[-1] == {"op": "knob", "slot": "effect", "name": "gain", "value": 0.75}
    assert main(["status"]) == 0
    assert "knobs: effect.gain 0.75" in capsys.readouterr().out


@pytest.mark.parametrize("args, words", [
    (["effect.gain", "2"], "goes from 0 to 1, not 2"),
    (["effect.gain", "0.5dB"], "knob 'gain': '0.5dB' is not a number (it has no unit)"),
    (["effect.drive", "1"], "the box plays no knob 'effect.drive' (its knobs: effect.gain)"),
    (["amp.gain"], "the slot is effect or synth, not 'amp'"),
])
def test_box_knob_refuses_in_words(paired_server: PairedServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                   args: list[str], words: str) -> None:
    assert main(["push", str(gain_pack(tmp_path / "good.hatpack", "good", "1.0.0")), "--activate", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["box-knob", *args]) != 0
    assert words in capsys.readouterr().err
    assert _knob_msgs(paired_server.control) == []
