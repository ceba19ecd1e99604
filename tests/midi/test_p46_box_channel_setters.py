"""Forty-sixth stop: who set a MIDI channel from a laptop is kept on the box's card (STORE/midi-channels-by.json,
device/store_notes.py): after a restart the check-and-set of ``PUT /midi/channels`` still names who set the channel
it refuses to clash with (before: kept in memory only, the refusal after a restart named nobody)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from device.store_layout import CHANNELS_BY_FILE
from tests.midi.p44_box import program_box


def _pair(box, name: str) -> dict[str, str]:
    code = box.app.state.box.pairing.current()
    r = box.client.post("/pair", json={"code": code, "name": name})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_who_set_a_channel_is_named_after_a_restart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = program_box(tmp_path / "box", monkeypatch)
    try:
        r = box.client.put("/midi/channels", json={"kit_channel": 3}, headers=_pair(box, "laptopA"))
        assert r.status_code == 200, r.text
    finally:
        box.stop()
    kept = json.loads((tmp_path / "box" / CHANNELS_BY_FILE).read_bytes())["records"]
    assert [(k["slot"], k["by"]) for k in kept] == [("kit", "laptopA")]
    again = program_box(tmp_path / "box", monkeypatch)                  # the power came back
    try:
        r = again.client.put("/midi/channels", json={"synth_channel": 3}, headers=_pair(again, "laptopB"))
        assert r.status_code == 409, r.text
        assert r.json()["message"].startswith("the kit plays MIDI channel 3 alone (laptopA set it ")
    finally:
        again.stop()


def test_a_damaged_setters_file_names_nobody_and_the_change_goes_on(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "box").mkdir()
    (tmp_path / "box" / CHANNELS_BY_FILE).write_text("[not json", encoding="utf-8")
    box = program_box(tmp_path / "box", monkeypatch)
    try:
        r = box.client.put("/midi/channels", json={"kit_channel": 4}, headers=_pair(box, "laptopA"))
        assert r.status_code == 200, r.text
        kept = json.loads((tmp_path / "box" / CHANNELS_BY_FILE).read_bytes())["records"]
        assert [(k["slot"], k["by"]) for k in kept] == [("kit", "laptopA")]
    finally:
        box.stop()


def test_a_record_of_another_channel_names_nobody(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """p46 reg QA: laptopC set the kit to 5; the box restarted with --kit-channel 2 on its command line; a clash on
    channel 2 said "(laptopC set it 5 s ago)", though laptopC never chose 2."""
    from device.api.midi_routes import ChannelSetters, ChannelsSet
    setters = ChannelSetters(tmp_path / CHANNELS_BY_FILE)
    setters.noted(ChannelsSet(kit_channel=5), "laptopC")
    assert setters.who("kit", 5).startswith(" (laptopC set it ")
    again = ChannelSetters(tmp_path / CHANNELS_BY_FILE)             # after a restart
    assert again.who("kit", 5).startswith(" (laptopC set it ")
    assert again.who("kit", 2) == ""                                 # the command line's channel: not laptopC's
    setters.noted(ChannelsSet(kit_channel=None), "laptopA")          # back to every channel
    assert setters.who("kit", None).startswith(" (laptopA set it ") and setters.who("kit", 5) == ""
