"""A touch controller that is not found, or stops answering, is said on the panel (once, in red in the tab bar,
while the pages play on), not only in the log; and errors whose message is blank or starts on a new line
still make one line (hatbox.errors.first_line) instead of an IndexError or an empty message."""
from __future__ import annotations

import errno
import sqlite3
import time
from typing import Any

import pytest

from device.ui import draw as D
from device.ui import inputs as inputs_mod
from device.ui.app import PanelApp, StatusPoller, resolve_board
from device.ui.demo import demo_data, demo_status
from device.ui.events import Touch
from device.ui.inputs import TOUCH_REPEAT_S, Inputs
from device.ui.panel import TOAST_S, Panel, error_text
from device.ui.shots import RecordingControl
from hardware.board import load_board
from hardware.sim.gpio import SimGPIO
from hardware.sim.i2c import SimI2CBus
from hardware.sim.touch import SimFT5x06
from hardware.touch import TouchError
from tests.ui.conftest import PanelClock

NOT_FOUND = ("touch not available: no ft5x06 touch controller answers at I2C address 0x38 (Remote I/O error); "
             "the panel runs without touch")


def _empty_bus(self: Inputs) -> Any:
    return SimI2CBus(7)                                  # nobody answers on the bus


def test_a_touch_controller_not_found_is_said_once_on_the_panel(pg: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inputs_mod.Inputs, "_sim_bus", _empty_bus)
    control = RecordingControl(demo_status())
    app = PanelApp(control, resolve_board("sim", True), sim=True, data=demo_data(), headless=True)
    try:
        clock = PanelClock()
        app.panel.clock = clock
        assert app.inputs.touch is None and app.inputs.problems == [NOT_FOUND]
        app.next_frame = 0.0
        app.step()
        assert app.panel.message() == (NOT_FOUND, D.BAD)
        pad = app.panel.play.pad                             # the pages play on under the notice
        app.panel.handle(Touch("down", 0, pad.centerx, pad.centery, 0.0))
        assert control.sent[-1]["op"] == "xy"
        clock.now += TOAST_S
        for _ in range(3):
            app.next_frame = 0.0
            app.step()
            assert app.panel.message()[0] != NOT_FOUND       # said once
        assert app.inputs.take_problems() == []
    finally:
        app.close()


class Unplugged(SimI2CBus):
    """The panel's I2C bus, whose touch controller can be unplugged (every transfer fails with EIO)."""

    down = False

    def _dev(self, addr: int) -> Any:
        if self.down:
            raise OSError(errno.EIO, "Input/output error")
        return super()._dev(addr)


class _UnpluggableRig(Inputs):
    """The simulated panel inputs with an FT5x06 on a bus that can be unplugged (``_bus.down``)."""

    def _sim_bus(self) -> Any:
        bus = Unplugged(7)
        self.chip = SimFT5x06(800, 480, gpio=self.gpio, int_pin=37)
        bus.attach(0x38, self.chip)
        return bus


def _unplug(inputs: Inputs, gpio: SimGPIO, seconds: float) -> None:
    """Unplug the touch controller of ``inputs`` (an :class:`_UnpluggableRig`) for ``seconds`` of ``gpio``'s clock
    while the panel polls it, then plug it back and let its retry (every 1 s) succeed."""
    inputs._bus.down = True
    inputs.chip.report([(0, 100, 100)])              # INT falls: the read fails, then poll() retries
    end = gpio.time() + seconds
    while gpio.time() < end:
        gpio.run_until(gpio.time() + 0.03)
        inputs.poll()
    inputs._bus.down = False
    gpio.run_until(gpio.time() + 1.1)
    inputs.poll()


def test_a_touch_controller_that_stops_answering_is_said_each_time_it_goes(pg: Any) -> None:
    gpio = SimGPIO()
    inputs = _UnpluggableRig(load_board("sim"), sim=True, gpio=gpio)
    panel = Panel(RecordingControl(), demo_data())

    def unplugged_for(seconds: float) -> None:
        _unplug(inputs, gpio, seconds)

    unplugged_for(1.0)
    fresh = inputs.take_problems()
    assert fresh == ["touch stopped answering: a read failed (Input/output error); the panel goes on without "
                     "touch (check its cable and power)"]
    assert inputs.touch is not None and not inputs.touch.health.gone and inputs.take_problems() == []
    panel.hardware_problems(fresh)
    surface = pg.Surface(panel.size)
    panel.draw(surface)
    assert panel.message() == (fresh[0], D.BAD)
    unplugged_for(0.1)                                  # a glitch too short to be "gone": nothing said
    assert inputs.take_problems() == []
    unplugged_for(1.0)                                  # a loose cable, a second later: not said again
    assert inputs.take_problems() == []
    gpio.run_until(gpio.time() + TOUCH_REPEAT_S)
    unplugged_for(1.0)                                  # unplugged again a minute later: said again
    assert inputs.take_problems() == fresh
    inputs.close()


def test_a_loose_touch_cable_does_not_flood_the_panel(pg: Any) -> None:
    """A controller that drops out every 1.7 s for 100 s made 60 problems and 45 queued 4 s red notices (three
    minutes of red after the cable settled): now one each minute at most, and never the same one waiting twice."""
    gpio = SimGPIO()
    inputs = _UnpluggableRig(load_board("sim"), sim=True, gpio=gpio)
    panel = Panel(RecordingControl(), demo_data())
    start = gpio.time()
    for _ in range(60):
        _unplug(inputs, gpio, 0.6)
        panel.hardware_problems(inputs.take_problems())
    minutes = (gpio.time() - start) / 60
    assert 1 <= len(inputs.problems) <= int(minutes) + 1
    assert len(panel._hardware) <= 1
    panel.hardware_problems(["touch not available: no chip", "touch not available: no chip"])
    assert sum(1 for lines in panel._hardware if "no chip" in " ".join(lines)) == 1
    inputs.close()


def test_a_touch_problem_waits_for_a_red_notice_and_has_shorter_wordings(pg: Any) -> None:
    panel = Panel(RecordingControl(), demo_data(), (320, 480))
    clock = PanelClock()
    panel.clock = clock
    panel.state.say("effect bypassed: NaN/inf output", alarm=True)
    panel.hardware_problems([NOT_FOUND])
    surface = pg.Surface(panel.size)
    panel.draw(surface)
    assert panel.message()[0] == "effect bypassed: NaN/inf output"
    clock.now += TOAST_S
    panel.draw(surface)
    panel.draw(surface)
    assert panel.message() == (NOT_FOUND, D.BAD)
    assert panel.state.toast_lines() == ((NOT_FOUND, "touch not available - hold encoder 1 and turn it for pages",
                                          "touch not available"), True)


def test_a_touch_error_with_no_message_does_not_stop_the_panel(monkeypatch: pytest.MonkeyPatch) -> None:
    def silent(self: Inputs) -> Any:
        raise TouchError("")
    monkeypatch.setattr(inputs_mod.Inputs, "_sim_bus", silent)
    inputs = Inputs(load_board("sim"), sim=True, gpio=SimGPIO())
    assert inputs.problems == ["touch not available: TouchError; the panel runs without touch"]
    inputs.close()


@pytest.mark.parametrize("exc, text", [
    (RuntimeError("\nthe page broke\nmore"), "the page broke"),
    (sqlite3.OperationalError("\ndatabase is locked"), "library: database is locked"),
    (RuntimeError(""), "RuntimeError"),
])
def test_error_text_is_never_blank(exc: Exception, text: str) -> None:
    assert error_text(exc) == text


def test_engine_not_answering_says_why_when_the_reason_starts_on_a_new_line() -> None:
    class Gone:
        def status(self) -> dict[str, Any]:
            raise ConnectionError("\nthe engine's pipe closed")

    poller = StatusPoller(Gone(), hz=100.0).start()     # type: ignore[arg-type]
    try:
        deadline = time.monotonic() + 5.0
        while not poller.error and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        poller.stop()
    assert poller.error == "engine not answering: the engine's pipe closed"


def test_touch_coming_back_is_said_on_the_panel_once_per_outage_said(pg: Any) -> None:
    """Before, a controller that answered again after "touch stopped answering" was only in the log: the red
    notice was the last word the player saw."""
    from device.ui.inputs import TOUCH_BACK
    gpio = SimGPIO()
    inputs = _UnpluggableRig(load_board("sim"), sim=True, gpio=gpio)
    panel = Panel(RecordingControl(), demo_data())
    clock = PanelClock()
    panel.clock = clock

    def unplugged_for(seconds: float) -> None:
        _unplug(inputs, gpio, seconds)

    unplugged_for(1.0)
    problems, news = inputs.take_problems(), inputs.take_news()
    assert len(problems) == 1 and news == [TOUCH_BACK] == ["touch works again"]
    panel.hardware_problems(problems)
    panel.hardware_problems(news, alarm=False)
    surface = pg.Surface(panel.size)
    panel.draw(surface)
    assert panel.message() == (problems[0], D.BAD)              # the problem first, in red
    clock.now += TOAST_S
    panel.draw(surface)
    panel.draw(surface)
    assert panel.message()[0] == TOUCH_BACK and panel.message()[1] != D.BAD   # then the news, not in red
    unplugged_for(1.0)                                          # within the minute: neither is said again
    assert inputs.take_problems() == [] and inputs.take_news() == []
    gpio.run_until(gpio.time() + TOUCH_REPEAT_S)
    unplugged_for(1.0)
    assert len(inputs.take_problems()) == 1 and inputs.take_news() == [TOUCH_BACK]
    inputs.close()


def test_the_app_hands_the_news_to_the_panel(pg: Any) -> None:
    from device.ui.inputs import TOUCH_BACK
    control = RecordingControl(demo_status())
    app = PanelApp(control, resolve_board("sim", True), sim=True, data=demo_data(), headless=True)
    try:
        app.panel.clock = PanelClock()
        app.inputs.news.append(TOUCH_BACK)
        app.next_frame = 0.0
        app.step()
        assert app.panel.message()[0] == TOUCH_BACK and app.inputs.take_news() == []
    finally:
        app.close()
