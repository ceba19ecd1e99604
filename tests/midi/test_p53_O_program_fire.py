"""p53 QA (O, finding 2): a program change (the set list, ``hatbox box-midi --program N PACK``) could be fired by MIDI
only; a performer with no MIDI port (TouchOSC, a script) could not step through the set list.  Now ``/hatbox/program
N [CHANNEL]`` (and ``/hatbox/program/N[/CHANNEL]`` from a button) goes through the box's MIDI map as a MIDI program
change does, and ``POST /midi/programs/{program}/fire`` answers what it switched, or why not."""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import pytest
from pythonosc.udp_client import SimpleUDPClient

from device.osc import OscMap, OscServer
from tests.midi.p44_box import ProgramBox, packs, program_box


def _map(box: ProgramBox, program: int, pack: str, **more: Any) -> None:
    r = box.client.put(f"/midi/programs/{program}", json={"pack": pack, **more}, headers=box.auth)
    assert r.status_code == 200, r.text


def _osc(box: ProgramBox) -> OscServer:
    return OscServer(OscMap(knobs=box.control.knobs), box.control.send, host="127.0.0.1", port=0,
                     midi=box.control.midi)


def _said(caplog: pytest.LogCaptureFixture, logger: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == logger]


@pytest.fixture
def box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    made = program_box(tmp_path / "box", monkeypatch)
    yield made
    made.stop()


def test_osc_program_switches_the_mapped_pack_over_udp(box: ProgramBox, tmp_path: Path,
                                                       caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="hatbox.midi")
    p = packs(tmp_path / "packs")
    a, b = box.push(p["a"], activate=True), box.push(p["b"])
    _map(box, 3, b)
    server = _osc(box).start()
    try:
        SimpleUDPClient("127.0.0.1", server.port).send_message("/hatbox/program", 3)
        deadline = time.monotonic() + 10
        while box.switcher.last is None and time.monotonic() < deadline:
            time.sleep(0.01)
        assert box.switcher.wait(10)
    finally:
        server.stop()
    assert box.active() == b and box.loads()[-1].endswith(f"{b}/pack.hatpack")
    last = box.switcher.last
    assert last["ok"] and last["program"] == 3 and last["channel"] is None
    # the MIDI program change's own line, as a MIDI one writes it, with its sender (p53 M3)
    assert f"MIDI program 3: effect pack beta 1.0.0 ({b}) switched in (was {a}); sent by OSC 127.0.0.1" \
        in _said(caplog, "hatbox.midi")
    assert last["source"] == "OSC 127.0.0.1"
    assert not any(m["op"] == "program" for m in box.control.engine.sent)       # never the engine's


def test_osc_program_does_what_a_midi_program_change_does_when_unmapped(box: ProgramBox,
                                                                        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="hatbox.midi")
    server = _osc(box)
    try:
        server._on_message("/hatbox/program", 9, sender="192.0.2.7")
        assert box.switcher.wait(10)
        osc_last, osc_said = box.switcher.last, _said(caplog, "hatbox.midi")
        box.switcher.forget_said()                      # so that the MIDI one is said again
        box.program(9)
        assert box.switcher.wait(10)
    finally:
        server.stop()
    assert osc_last["message"] == box.switcher.last["message"] == \
        "program 9: nothing mapped (hatbox box-midi --program 9 PACK maps one)"
    midi_said = "MIDI program 9: nothing mapped (hatbox box-midi --program 9 PACK maps one)"
    assert osc_said == [f"{midi_said}; sent by OSC 192.0.2.7"]          # its sender named (p53 M3)
    assert _said(caplog, "hatbox.midi") == [*osc_said, midi_said]


def test_osc_program_on_a_channel_and_from_a_button(box: ProgramBox, tmp_path: Path) -> None:
    p = packs(tmp_path / "packs")
    a, b = box.push(p["a"], activate=True), box.push(p["b"])
    _map(box, 4, b, channel=10)
    server = _osc(box)
    try:
        server._on_message("/hatbox/program", 4)           # channel 10's own mapping: not for "any channel"
        assert box.switcher.wait(10) and box.active() == a and "nothing mapped" in box.switcher.last["message"]
        server._on_message("/hatbox/program", 4, 10)
        assert box.switcher.wait(10) and box.active() == b
        _map(box, 5, a, channel=10)
        server._on_message("/hatbox/program/5/10", 0.0)    # a button's release: nothing
        assert box.switcher.wait(10) and box.active() == b and box.switcher.last["program"] == 4
        server._on_message("/hatbox/program/5/10", 1.0)    # its press
        assert box.switcher.wait(10) and box.active() == a and box.switcher.last["channel"] == 10
    finally:
        server.stop()


@pytest.mark.parametrize("address, args, why", [
    ("/hatbox/program", [3.5], "program 3.5 is not a whole number 0..127"),
    ("/hatbox/program", [200], "program 200 is not a whole number 0..127"),
    ("/hatbox/program", ["3"], "'3' is not a number"),
    ("/hatbox/program", [3, 17], "channel 17 is not a whole number 1..16"),
    ("/hatbox/program", [], ""),
])
def test_osc_program_drops_what_it_does_not_take_and_says_so(address: str, args: list, why: str,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="hatbox.osc")
    assert OscMap().translate(address, args) == []
    said = _said(caplog, "hatbox.osc")
    assert len(said) == 1 and why in said[0] and "/hatbox/program takes a program 0..127" in said[0], said


def test_osc_program_button_with_a_bad_address_part_says_what_that_form_takes(
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="hatbox.osc")
    assert OscMap().translate("/hatbox/program/x", [1.0]) == []
    said = _said(caplog, "hatbox.osc")
    assert len(said) == 1 and "'x' in the address is not a program 0..127" in said[0], said
    assert "/hatbox/program/N (or /hatbox/program/N/CHANNEL) takes a button's value" in said[0]
    assert OscMap().translate("/hatbox/program/3/4/5", [1.0]) == []
    assert "ignored OSC address '/hatbox/program/3/4/5': /hatbox/program takes a program 0..127" in \
        _said(caplog, "hatbox.osc")[-1]


def test_osc_program_without_the_api_says_there_is_no_set_list(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="hatbox.osc")
    from device.midi import MidiHub, MidiMap
    sent: list[dict[str, Any]] = []
    for midi, words in ((MidiHub(MidiMap()), "runs without it (hatbox device run --no-api)"),
                        (None, "started without the box's MIDI map")):
        server = OscServer(OscMap(), sent.append, host="127.0.0.1", port=0, midi=midi)
        try:
            server._on_message("/hatbox/program", 3)
        finally:
            server.stop()
        assert "/hatbox/program 3 refused: no set list here" in _said(caplog, "hatbox.osc")[-1]
        assert words in _said(caplog, "hatbox.osc")[-1]
    assert sent == []


def test_the_api_fires_a_program_and_answers_what_it_switched(box: ProgramBox, tmp_path: Path) -> None:
    p = packs(tmp_path / "packs")
    a, b = box.push(p["a"], activate=True), box.push(p["b"])
    _map(box, 3, b)
    assert box.client.post("/midi/programs/3/fire").status_code == 401
    r = box.client.post("/midi/programs/3/fire", headers=box.auth)
    assert r.status_code == 200, r.text
    got = r.json()
    assert (got["program"], got["channel"], got["pack"], got["slot"], got["switched"]) == (3, None, b, "effect", True)
    assert got["message"] == f"program 3: effect pack beta 1.0.0 ({b}) switched in (was {a})"
    assert box.active() == b and box.switcher.last["message"] == got["message"]
    r = box.client.post("/midi/programs/3/fire", headers=box.auth)
    assert r.status_code == 200 and r.json()["switched"] is False and "plays already" in r.json()["message"]


def test_the_api_refuses_a_program_that_switches_nothing(box: ProgramBox, tmp_path: Path) -> None:
    p = packs(tmp_path / "packs")
    a, b = box.push(p["a"], activate=True), box.push(p["b"])
    r = box.client.post("/midi/programs/7/fire", headers=box.auth)
    assert r.status_code == 404 and r.json()["message"].startswith("program 7: nothing mapped"), r.text
    _map(box, 4, b, channel=10)
    r = box.client.post("/midi/programs/4/fire", headers=box.auth)
    assert r.status_code == 404 and "it is mapped on channel 10: give ?channel=N" in r.json()["message"]
    _map(box, 5, b)                                      # by id: once b is deleted, nothing of its name is left
    assert box.client.delete(f"/packs/{b}", headers=box.auth).status_code in (200, 204)
    r = box.client.post("/midi/programs/5/fire", headers=box.auth)
    assert r.status_code == 409 and "is no longer on the box (deleted)" in r.json()["message"], r.text
    assert box.active() == a
    assert box.client.post("/midi/programs/128/fire", headers=box.auth).status_code == 400
    assert box.client.post("/midi/programs/5/fire", params={"channel": 17}, headers=box.auth).status_code == 400


def test_the_api_fires_a_channels_own_mapping(box: ProgramBox, tmp_path: Path) -> None:
    p = packs(tmp_path / "packs")
    a, b = box.push(p["a"], activate=True), box.push(p["b"])
    _map(box, 4, b, channel=10)
    r = box.client.post("/midi/programs/4/fire", params={"channel": 10}, headers=box.auth)
    assert r.status_code == 200 and r.json()["channel"] == 10 and r.json()["pack"] == b, r.text
    assert r.json()["message"].startswith("program 4 on channel 10: effect pack beta")


def test_the_start_warning_says_osc_can_switch_the_set_list() -> None:
    from device.osc import network_warning
    assert "switch the set list's packs" in str(network_warning("0.0.0.0", 12000))
