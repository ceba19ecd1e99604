"""The 429 answer's hint after too many wrong pairing codes offers the panel's "new code" button only
where a panel holding the API's pairing runs beside it; without one (``hatbox device run --no-panel``,
a panel that did not start, ``python -m device.api --sim``) it says to wait out the pause or to restart
the box, which does end it (pauses live in the API process's memory only)."""
from __future__ import annotations

import argparse
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from device.api.app import ApiConfig, create_app
from device.api.auth import FREE_MISSES
from device.api.sim import RecordingControl
from hatbox.errors import HatboxError
from tests.api.conftest import FAST_ENGINE, BoxUnderTest


def _wrong(shown: str) -> str:
    return "AAAAAA" if shown != "AAAAAA" else "BBBBBB"


def _pause(client: Any, url: str, shown: str) -> list[Any]:
    """FREE_MISSES wrong codes, then the right one: the answers (the last two are 429s)."""
    answers = [client.post(f"{url}/pair", json={"code": _wrong(shown)}) for _ in range(FREE_MISSES)]
    answers.append(client.post(f"{url}/pair", json={"code": shown}))
    return answers


def test_with_a_panel_attached_the_429_offers_its_button(box: BoxUnderTest) -> None:
    box.app.state.box.pairing.attach_panel()            # what hatbox device run does when its panel runs
    answers = _pause(box.client, "", box.codes[-1])
    assert [r.status_code for r in answers] == [401] * (FREE_MISSES - 1) + [429, 429]
    for r in answers[-2:]:
        hint = r.json()["hint"]
        assert "press 'new code' on the panel's Settings page to pair now" in hint, hint
        assert f"try again in {r.headers['Retry-After']} s" in hint
    assert "off the box's panel" in answers[0].json()["hint"]


def test_without_a_panel_the_429_says_to_wait_or_restart(box: BoxUnderTest) -> None:
    """The bug: every 429 offered the panel's button, also where no panel runs (`--no-panel`,
    `python -m device.api --sim`): the owner was sent to a button that does not exist."""
    answers = _pause(box.client, "", box.codes[-1])
    assert [r.status_code for r in answers] == [401] * (FREE_MISSES - 1) + [429, 429]
    for r in answers[-2:]:
        hint = r.json()["hint"]
        assert "'new code'" not in hint and "panel" not in hint, hint
        assert hint.startswith(f"wait {r.headers['Retry-After']} s, then send the code shown on the terminal the box runs in")
        assert "restarting the box also ends the pause" in hint
    assert "panel" not in answers[0].json()["hint"] and "box's log" in answers[0].json()["hint"]


def test_a_restart_does_end_the_pause_and_keeps_the_tokens(box: BoxUnderTest) -> None:
    """What the panel-less hint promises: the same store served again (a restarted box) pairs at once
    with the code it shows, and the tokens issued before still work."""
    assert _pause(box.client, "", box.codes[-1])[-1].status_code == 429
    codes: list[str] = []
    again = TestClient(create_app(box.store_dir, RecordingControl(), ApiConfig(engine=FAST_ENGINE,
                                                                            on_code=codes.append)))
    r = again.post("/pair", json={"code": codes[-1], "name": "after restart"})
    assert r.status_code == 200 and r.json()["token"]
    assert again.get("/tokens", headers=box.auth).status_code == 200


def _args(tmp_path: Path, panel: bool) -> argparse.Namespace:
    return argparse.Namespace(api=True, panel=panel, store=tmp_path / "box", host="127.0.0.1", port=0, rate=48000,
                              block=128, audio=None, sim=True, seconds=0.0)


def _served_hint(args: argparse.Namespace, monkeypatch: pytest.MonkeyPatch, then: Any = None) -> str:
    """hatbox device run's API (hatbox/cmd_device.py, a real server on loopback) paused by wrong codes,
    after ``then(args)``: the 429's hint."""
    import httpx

    from hatbox import cmd_device

    monkeypatch.setattr("device.api.server._advertise", lambda *a, **k: None)     # no mDNS in tests
    codes: list[str] = []
    monkeypatch.setattr(cmd_device, "_show_code", lambda a: codes.append)
    stop = cmd_device._start_api(args, RecordingControl())
    try:
        if then is not None:
            then(args)
        r = _pause(httpx, stop.__self__.url, codes[-1])[-1]
        assert r.status_code == 429
        return r.json()["hint"]
    finally:
        stop()


def test_device_run_offers_the_button_only_with_its_panel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert "press 'new code'" in _served_hint(_args(tmp_path / "a", panel=True), monkeypatch)
    hint = _served_hint(_args(tmp_path / "b", panel=False), monkeypatch)            # --no-panel
    assert "'new code'" not in hint and "restarting the box" in hint


def test_device_run_whose_panel_does_not_start_stops_offering_it(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """`hatbox device run` with no display: the panel fails to start and the box runs headless."""
    from hatbox import cmd_device

    def no_display(*_a: Any, **_k: Any) -> int:
        raise HatboxError("no display")

    fake_ui = types.ModuleType("device.ui.app")
    fake_ui.run_panel = no_display                                     # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "device.ui.app", fake_ui)
    ended = types.SimpleNamespace(alive=lambda: False)                 # the engine: already finished

    def run_the_box(args: argparse.Namespace) -> None:
        assert cmd_device._panel_data(args).pairing.panel_attached()
        cmd_device._wait(args, RecordingControl(), ended)

    hint = _served_hint(_args(tmp_path, panel=True), monkeypatch, run_the_box)
    assert "'new code'" not in hint and "restarting the box" in hint
