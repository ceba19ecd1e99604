"""Fifty-second stop: the API's routes are built once per process (device.api.app.route_table) and shared by every
app create_app makes; what each app keeps of its own (its box, MIDI channel setters, program switcher, capture
sessions, audition) stays its own.  Two boxes served side by side from one process (the duo tests, a laptop's
`hatbox device run` beside a panel) must not write into each other's store."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from device.api.app import create_app, route_table
from device.store_layout import CHANNELS_BY_FILE
from tests.midi.p44_box import program_box


def _pair(box, name: str) -> dict[str, str]:
    code = box.app.state.box.pairing.current()
    r = box.client.post("/pair", json={"code": code, "name": name})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def _kept(store: Path) -> list[tuple[str, str]]:
    path = store / CHANNELS_BY_FILE
    if not path.is_file():
        return []
    return [(k["slot"], k["by"]) for k in json.loads(path.read_bytes())["records"]]


def test_two_boxes_in_one_process_keep_their_channel_setters_apart(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    a = program_box(tmp_path / "a", monkeypatch)
    b = program_box(tmp_path / "b", monkeypatch)
    try:
        r = b.client.put("/midi/channels", json={"kit_channel": 3}, headers=_pair(b, "laptopB"))
        assert r.status_code == 200, r.text
        r = a.client.put("/midi/channels", json={"synth_channel": 3}, headers=_pair(a, "laptopA"))
        assert r.status_code == 200, r.text          # a's kit never played channel 3 alone: no clash there
    finally:
        a.stop()
        b.stop()
    assert _kept(tmp_path / "a") == [("synth", "laptopA")]
    assert _kept(tmp_path / "b") == [("kit", "laptopB")]


def test_apps_share_the_routes_but_not_their_state(tmp_path: Path) -> None:
    from device.api.sim import RecordingControl
    from device.api.app import ApiConfig
    apps = [create_app(tmp_path / name, RecordingControl(), ApiConfig(on_code=lambda c: None)) for name in "xy"]
    try:
        table = route_table()
        for app in apps:
            shared = [r for r in app.router.routes if r in table]
            assert len(shared) == len(table) > 60
        x, y = (app.state for app in apps)
        for name in ("programs", "channel_setters", "capture_sessions", "audition"):
            assert getattr(x, name) is not getattr(y, name), name
        assert x.programs.programs.path.parent == tmp_path / "x" and y.programs.programs.path.parent == tmp_path / "y"
        assert x.channel_setters.by.path.parent == tmp_path / "x"
    finally:
        for app in apps:
            app.state.box.stop()
