"""p48 review of the output-volume route: a refusal of 6.0000001 dB said "not 6 dB"; a stopped engine said "the knobs
could not be read" of the volume, and "nothing was changed" after the engine had taken it; `hatbox box-knob volume`
took any failure to read the volume (the engine stopped, a dropped connection, a refused token) for a box from
before the forty-eighth stop; and "who set it" came back after a panel detour (OSC -60, the panel up and back to
-60: the status blamed the OSC sender again)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest
from fastapi.testclient import TestClient

from device.api.app import ApiConfig, create_app
from device.api.sim import RecordingControl
from device.control import EngineStoppedError
from device.osc import OscMap, OscServer
from device.kept_play import OSC
from hatbox.box_control import BoxControl
from hatbox.cli import main
from tests.api.conftest import FAST_ENGINE, BoxUnderTest, PairedServer

STRANGER = "192.0.2.7"


@pytest.mark.parametrize("db, shown", [(6.0000001, "6.0000001"), (-60.00001, "-60.00001"), (20, "20")])
def test_a_volume_just_out_of_range_is_said_with_the_digits_that_show_it(box: BoxUnderTest, db: float,
                                                                         shown: str) -> None:
    r = box.client.put("/volume", json={"db": db}, headers=box.auth)
    assert r.status_code == 422, r.text
    assert r.json()["message"] == f"the output volume goes from -60 to +6 dB, not {shown} dB; it was left at 0 dB"


def _engine_stops(control: Any, monkeypatch: pytest.MonkeyPatch, after: int = 0) -> None:
    """``control.status`` answers ``after`` times, then raises as an engine that stopped answering."""
    real, calls = control.status, [0]

    def status() -> dict[str, Any]:
        calls[0] += 1
        if calls[0] > after:
            raise EngineStoppedError("the audio engine did not answer within 2 s")
        return real()
    monkeypatch.setattr(control, "status", status)


def test_a_stopped_engine_is_said_of_the_volume(box: BoxUnderTest, monkeypatch: pytest.MonkeyPatch) -> None:
    _engine_stops(box.control, monkeypatch)
    for r in (box.client.get("/volume", headers=box.auth), box.client.put("/volume", json={"db": -6},
                                                                          headers=box.auth)):
        assert r.status_code == 503, r.text
        assert r.json()["message"] == ("the output volume could not be read: the audio engine did not answer within "
                                       "2 s; nothing was changed")
    assert [m for m in box.control.sent if m["op"] == "volume"] == []


def test_a_volume_set_whose_new_value_cannot_be_read_is_said_set(box: BoxUnderTest,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    _engine_stops(box.control, monkeypatch, after=1)              # the read before the send answers, not the one after
    r = box.client.put("/volume", json={"db": -6}, headers=box.auth)
    assert r.status_code == 503, r.text
    message = r.json()["message"]
    assert message.startswith("the output volume was set to -6 dB; its new value could not be read: the audio engine")
    assert "nothing was changed" not in message and message.endswith("hatbox box-knob volume shows it once the "
                                                                      "engine answers")
    assert [(m["db"], m["by"], m["source"]) for m in box.control.sent if m["op"] == "volume"] == [(-6.0, "api", "test")]


def test_a_knob_turned_whose_new_value_cannot_be_read_is_said_turned(playing: tuple[BoxUnderTest, str],
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    box, _ = playing
    _engine_stops(box.control, monkeypatch, after=1)
    r = box.client.put("/knobs/effect/gain", json={"value": 0.5}, headers=box.auth)
    assert r.status_code == 503, r.text
    assert r.json()["message"].startswith("knob 'gain' was turned; where it stands now could not be read")
    assert "nothing was changed" not in r.json()["message"]


@pytest.fixture
def box_control_api(tmp_path: Path) -> Iterator[tuple[TestClient, BoxControl, dict[str, str]]]:
    """The API over a BoxControl, as `hatbox device run` serves it (the simulated engine behind it): the client, the
    control (the panel's and OSC's), the paired token's header."""
    codes: list[str] = []
    control = BoxControl(RecordingControl())
    app = create_app(tmp_path / "box", control, ApiConfig(engine=FAST_ENGINE, on_code=codes.append))
    with TestClient(app) as client:
        token = client.post("/pair", json={"code": codes[-1], "name": "studio-mac"}).json()["token"]
        yield client, control, {"Authorization": f"Bearer {token}"}


def _osc_sets(control: BoxControl, db: float) -> None:
    server = OscServer(OscMap(), control.send, host="127.0.0.1", port=0)
    try:
        server._on_message("/hatbox/volume", db, sender=STRANGER)
    finally:
        server.stop()


def _said(client: TestClient, auth: dict[str, str]) -> tuple[Any, Any]:
    """(GET /volume's set_by, GET /status's engine volume_set)."""
    volume = client.get("/volume", headers=auth).json()
    return volume.get("set_by"), client.get("/status", headers=auth).json()["engine"].get("volume_set")


def test_a_panel_detour_back_to_the_strangers_volume_is_not_blamed_on_him(
        box_control_api: tuple[TestClient, BoxControl, dict[str, str]]) -> None:
    client, control, auth = box_control_api
    _osc_sets(control, -60.0)
    by, said = _said(client, auth)
    assert by == OSC and said["source"] == STRANGER          # OSC notes after its send: its note stands
    control.send({"op": "volume", "db": -3.0})                # the panel turns it up...
    control.send({"op": "volume", "db": -60.0})               # ...and back down
    assert _said(client, auth) == (None, None)
    assert client.get("/volume", headers=auth).json()["db"] == -60.0


def test_the_api_note_stands_and_a_panel_turn_in_a_batch_clears_it(
        box_control_api: tuple[TestClient, BoxControl, dict[str, str]]) -> None:
    client, control, auth = box_control_api
    r = client.put("/volume", json={"db": -12}, headers=auth)
    assert r.status_code == 200 and r.json()["set_by"] == "api" and r.json()["set_from"] == "studio-mac"
    assert control.send_many([{"op": "volume", "db": -12.0}]) == [None]      # the engine's batch: forgotten too
    assert _said(client, auth) == (None, None)


def test_box_knob_volume_says_a_stopped_engine_not_an_old_box(paired_server: PairedServer,
                                                              capsys: pytest.CaptureFixture[str],
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    _engine_stops(paired_server.control, monkeypatch, after=1)     # GET /knobs answers, GET /volume does not
    capsys.readouterr()
    assert main(["box-knob", "volume", "0"]) != 0
    err = capsys.readouterr().err
    assert "the output volume could not be read: the audio engine did not answer within 2 s" in err, err
    assert "before the forty-eighth stop" not in err
    assert [m for m in paired_server.control.sent if m["op"] == "volume"] == []


def test_box_knob_volume_says_a_refused_token(paired_server: PairedServer, capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    import hatbox.cmd_box_knob
    real = hatbox.cmd_box_knob._call

    def call(c: Any, method: str, path: str, **kw: Any) -> Any:
        if path == "/volume":
            c.headers["Authorization"] = "Bearer forgotten-by-the-box"
        return real(c, method, path, **kw)
    monkeypatch.setattr(hatbox.cmd_box_knob, "_call", call)
    capsys.readouterr()
    assert main(["box-knob", "volume"]) != 0
    err = capsys.readouterr().err
    assert "the box refused" in err and "before the forty-eighth stop" not in err, err
