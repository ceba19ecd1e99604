"""The Settings page keeps the pairing code it shows current: a code lives CODE_TTL_S (10 min), and
while the page is shown (only then) it asks the pairing for its code about once a second, which
renews an expired one; the owner no longer types a code the API refuses as expired."""
from __future__ import annotations

from typing import Any

import pytest

from device.api.auth import CODE_TTL_S, AuthError, Pairing
from device.ui import draw as D
from device.ui.data import MemoryData
from device.ui.pages.settings import POLL_S, clock_text
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from tests.ui.conftest import find_text


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


class CountingPairing(Pairing):
    """The API's Pairing, counting how often the panel asks for the code."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.asked = 0

    def current(self) -> str:
        self.asked += 1
        return super().current()


def _panel(pg: Any, cls: type[CountingPairing] = CountingPairing) -> tuple[Panel, CountingPairing, MemoryData, Clock]:
    """A panel whose data holds a real pairing (its codes shown as the API's on_code shows them); the
    page's and the pairing's clocks are one."""
    clock, data = Clock(), MemoryData()
    pairing = cls(lambda code: data.setting.update(pairing_code=code), clock=clock)
    pairing.current()                                       # the API shows a code as it starts
    data.pairing = pairing
    panel = Panel(RecordingControl(), data, (800, 480))
    panel.pages[-1].clock = clock                           # the Settings page
    return panel, pairing, data, clock


def _statuses(panel: Panel, clock: Clock, seconds: float, hz: float = 10.0) -> None:
    """``seconds`` of engine statuses at ``hz``, as the poller delivers them."""
    for _ in range(round(seconds * hz)):
        clock.t += 1.0 / hz
        panel.set_status({"xruns": 0})


def test_an_expired_code_is_renewed_while_the_settings_page_is_shown(pg: Any) -> None:
    # the bug: the page showed the code the API made at start for ever; after 10 minutes the owner
    # typed it, was told it had expired, and only then saw a new one
    panel, pairing, data, clock = _panel(pg)
    panel.show_title("Settings")
    old = data.settings()["pairing_code"]
    _statuses(panel, clock, CODE_TTL_S + 2.0)
    new = data.settings()["pairing_code"]
    assert new != old
    surface = pg.Surface((800, 480))
    panel.draw(surface)
    assert find_text(surface, new, 72, D.ACCENT) and not find_text(surface, old, 72, D.ACCENT)
    pairing.redeem(new, client="10.0.0.5")                  # the code shown pairs (not expired)
    with pytest.raises(AuthError):
        pairing.redeem(old, client="10.0.0.5")


def test_entering_the_page_shows_a_current_code_at_once(pg: Any) -> None:
    panel, pairing, data, clock = _panel(pg)
    old = data.settings()["pairing_code"]
    clock.t += CODE_TTL_S + 1.0                              # expired while another page was shown
    panel.show_title("Settings")
    assert data.settings()["pairing_code"] != old


def test_the_code_is_asked_for_about_once_a_second_and_only_on_the_settings_page(pg: Any) -> None:
    panel, pairing, data, clock = _panel(pg)
    asked = pairing.asked
    for title in ("Play", "Effect", "Library", "Models"):
        panel.show_title(title)
        _statuses(panel, clock, 3.0)
    assert pairing.asked == asked                            # no page but Settings asks
    panel.show_title("Settings")
    _statuses(panel, clock, 10.0, hz=30.0)                   # the app loop passes a status every frame
    assert 10 <= pairing.asked - asked <= 10 / POLL_S + 1
    panel.show_title("Play")
    asked = pairing.asked
    _statuses(panel, clock, CODE_TTL_S + 2.0)
    assert pairing.asked == asked


def test_without_an_api_nothing_is_asked_and_the_page_draws(pg: Any) -> None:
    panel = Panel(RecordingControl(), MemoryData(setting={"pairing_code": "428 913"}), (800, 480))
    panel.show_title("Settings")
    panel.set_status({"xruns": 0})
    surface = pg.Surface((800, 480))
    panel.draw(surface)
    assert find_text(surface, "428 913", 72, D.ACCENT) and panel.state.toast == ""


def test_how_long_the_code_stays_valid_is_shown_where_the_pairing_tells(pg: Any) -> None:
    panel, pairing, data, clock = _panel(pg, CountingPairing)
    panel.show_title("Settings")
    _statuses(panel, clock, 61.0)
    surface = pg.Surface((800, 480))
    panel.draw(surface)
    left = pairing.valid_for()
    assert left == pytest.approx(CODE_TTL_S - 61.0) and find_text(surface, f"valid {clock_text(left)}", 24, D.DIM)
    _statuses(panel, clock, CODE_TTL_S - 61.0 + 1.5)          # expired and renewed: a full 10 min again
    panel.draw(surface)
    left = pairing.valid_for()
    assert CODE_TTL_S - 1.5 <= left and find_text(surface, f"valid {clock_text(left)}", 24, D.DIM)
