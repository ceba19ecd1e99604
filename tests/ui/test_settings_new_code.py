"""The Settings page's "new code" button: the owner at the box ends a pairing pause that a stranger
keeps up (device/api/auth.py's owner window), by touch or encoder 4's button, on the panel that
`hatbox device run` (with or without --sim) wires to the API in its own process."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest

from device.api.auth import FREE_MISSES, OWNER_WINDOW_S, Pairing
from device.ui import draw as D
from device.ui.data import MemoryData
from device.ui.events import EncoderPress, Touch
from device.ui.pages.settings import clock_text
from device.ui.panel import MESSAGE_SIZE, Panel
from device.ui.shots import RecordingControl
from tests.ui.conftest import click, find_text


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _paused_panel(pg: Any, size: tuple[int, int] = (800, 480)) -> tuple[Panel, Pairing, MemoryData, Clock]:
    """A panel whose data holds a real Pairing that a stranger has paused (its codes shown as the
    API's on_code shows them on the box)."""
    clock, data = Clock(), MemoryData()
    pairing = Pairing(lambda code: data.setting.update(pairing_code=code), clock=clock)
    pairing.current()
    for _ in range(FREE_MISSES):
        try:
            pairing.redeem("AAAAAA" if pairing.current() != "AAAAAA" else "BBBBBB", client="10.0.0.66")
        except Exception:  # noqa: BLE001 - wrong codes: refused
            pass
    data.pairing = pairing
    panel = Panel(RecordingControl(), data, size)
    panel.show_title("Settings")
    return panel, pairing, data, clock


def test_a_tap_on_new_code_shows_a_fresh_code_and_lifts_the_pause(pg: Any) -> None:
    panel, pairing, data, clock = _paused_panel(pg)
    surface = pg.Surface((800, 480))
    old = data.settings()["pairing_code"]
    panel.draw(surface)
    assert find_text(surface, old, 72, D.ACCENT)
    assert find_text(surface, f"paused {clock_text(pairing.paused_for())}: press new code", 24, D.BAD)
    assert find_text(surface, "new code", 24, D.TEXT)
    panel.handle(Touch("down", 0, *panel.page.new_code_btn.center))
    new = data.settings()["pairing_code"]
    assert new != old and new == pairing.current() and panel.control.sent == []
    assert panel.state.toast.startswith("new pairing code: pair with it within 2 min")
    clock.t += 8.0
    panel.draw(surface)
    assert find_text(surface, new, 72, D.ACCENT) and not find_text(surface, old, 72, D.ACCENT)
    assert find_text(surface, f"open to this code for {clock_text(OWNER_WINDOW_S - 8)}", 24, D.GOOD)
    assert find_text(surface, panel.state.toast, MESSAGE_SIZE, D.ACCENT)
    pairing.redeem(new, client="10.0.0.5")                             # the owner pairs through the pause


def test_encoder_4_button_presses_new_code_too(pg: Any) -> None:
    panel, pairing, data, _ = _paused_panel(pg)
    old = data.settings()["pairing_code"]
    panel.handle(EncoderPress(3, True))
    panel.handle(EncoderPress(3, False))                              # the release does nothing more
    assert data.settings()["pairing_code"] != old and pairing.owner_window_for() == OWNER_WINDOW_S
    click(panel, 0)                               # other buttons: no new code
    assert data.settings()["pairing_code"] == pairing.current()


def test_without_an_api_the_button_says_so(pg: Any) -> None:
    panel = Panel(RecordingControl(), MemoryData(setting={"pairing_code": "428 913"}), (800, 480))
    panel.show_title("Settings")
    panel.handle(Touch("down", 0, *panel.page.new_code_btn.center))
    assert panel.state.toast == "no pairing here: the box's API is not running"
    surface = pg.Surface((800, 480))
    panel.draw(surface)
    assert find_text(surface, "new code", 24, D.DIM)                  # drawn dimmed
    assert find_text(surface, "428 913", 72, D.ACCENT)


@pytest.mark.parametrize("size", [(800, 480), (480, 800)])
def test_the_button_fits_beside_the_widest_code_in_both_orientations(pg: Any, size: tuple[int, int]) -> None:
    panel, pairing, data, _ = _paused_panel(pg, size)
    data.setting["pairing_code"] = "WWWWWW"
    surface = pg.Surface(size)
    panel.draw(surface)
    (x, y), = find_text(surface, "WWWWWW", 72, D.ACCENT)              # whole: not drawn over
    btn = panel.page.new_code_btn
    assert panel.page.rect.contains(btn) and btn.x > x + pg.font.Font(None, 72).size("WWWWWW")[0]
    assert find_text(surface, "new code", 24, D.TEXT)
    assert find_text(surface, "CPU load (audio)", 24, D.DIM)


def _args(tmp_path: Path) -> argparse.Namespace:
    return argparse.Namespace(api=True, panel=True, store=tmp_path / "box", host="127.0.0.1", port=0, rate=48000,
                              block=128, audio=None, sim=True)


def test_device_run_wires_the_panel_button_to_the_api_it_serves(pg: Any, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """`hatbox device run --sim`'s wiring (hatbox/cmd_device.py) over a real HTTP server on loopback:
    a stranger pauses pairing; the owner's right code is refused; the simulated panel's button makes a
    new code that pairs at once."""
    import httpx

    from device.api.sim import RecordingControl as ApiControl
    from hatbox import cmd_device

    monkeypatch.setattr("device.api.server._advertise", lambda *a, **k: None)     # no mDNS in tests
    args = _args(tmp_path)
    stop = cmd_device._start_api(args, ApiControl())
    try:
        url = stop.__self__.url                                          # the RunningServer of stop()
        data = cmd_device._panel_data(args)
        shown = data.settings()["pairing_code"]
        for _ in range(FREE_MISSES):
            httpx.post(f"{url}/pair", json={"code": "AAAAAA" if shown != "AAAAAA" else "BBBBBB"})
        assert httpx.post(f"{url}/pair", json={"code": shown}).status_code == 429
        panel = Panel(RecordingControl(), data, (800, 480))
        panel.show_title("Settings")
        panel.handle(Touch("down", 0, *panel.page.new_code_btn.center))
        new = data.settings()["pairing_code"]
        assert new != shown
        r = httpx.post(f"{url}/pair", json={"code": new, "name": "owner"})
        assert r.status_code == 200 and r.json()["token"]
    finally:
        stop()
