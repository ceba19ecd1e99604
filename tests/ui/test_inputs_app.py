"""From simulated hardware to control messages: rotation, gestures, encoders, the app loop."""
from __future__ import annotations

import dataclasses
import time
from typing import Any

import pytest

from device.ui.app import PanelApp, resolve_board, run_panel
from device.ui.demo import TIMBRES, demo_data, demo_status
from device.ui.events import EncoderPress, EncoderTurn, Touch
from device.ui.inputs import Inputs, SimHands
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from hardware.board import load_board
from hardware.display import Display
from hardware.pins import PinBackendError
from hardware.sim.gpio import SimGPIO
from hatbox.errors import HatboxError
from tests.ui.conftest import pixel


def _rig(rotation: int = 0, chip: str = "ft5x06") -> tuple[Inputs, SimHands, SimGPIO, Any]:
    base = load_board("sim")
    board = dataclasses.replace(base, screen=dataclasses.replace(base.screen, rotation=rotation, driver="dummy"),
                                touch=dataclasses.replace(base.touch, chip=chip, address=None))
    gpio = SimGPIO()
    inputs = Inputs(board, sim=True, gpio=gpio)
    return inputs, SimHands(inputs), gpio, board


def _settle(gpio: SimGPIO, seconds: float = 0.012) -> None:
    """Run the virtual clock past the next 100 Hz scan of the simulated glass."""
    gpio.run_until(gpio.time() + seconds)


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
@pytest.mark.parametrize("chip", ["ft5x06", "gt911"])
def test_tap_where_the_cursor_is_seen_lands_on_it(pg: Any, rotation: int, chip: str) -> None:
    inputs, hands, gpio, board = _rig(rotation, chip)
    panel = Panel(RecordingControl(), demo_data(), board.panel_size)
    pad = panel.page
    target = (0.25, 0.8)
    px, py = pad.xy_to_pad(*target)
    nx, ny = board.to_native(px, py)                 # where that pad point is on the glass
    hands.finger(0, nx, ny)
    _settle(gpio)
    events = inputs.events()
    assert [type(e) for e in events] == [Touch] and events[0].kind == "down"
    assert (events[0].x, events[0].y) == pytest.approx((px, py), abs=1.0)
    for e in events:
        panel.handle(e)
    sent = panel.control.sent[-1]
    assert (sent["x"], sent["y"]) == pytest.approx(target, abs=2.0 / pad.pad.width)
    disp = Display(800, 480, rotation, "dummy")      # and the cursor is drawn under that finger
    panel.draw(disp.panel)
    assert pixel(disp.native_image(), nx, ny) == (255, 255, 255)


@pytest.mark.parametrize("rotation", [0, 90])
def test_drag_across_the_pad_sweeps_x(pg: Any, rotation: int) -> None:
    inputs, hands, gpio, board = _rig(rotation)
    panel = Panel(RecordingControl(), demo_data(), board.panel_size)
    pad = panel.page.pad
    for i in range(21):
        hands.finger(0, *board.to_native(pad.x + i * (pad.width - 1) / 20, pad.centery))
        _settle(gpio)
    hands.finger(0, None)
    _settle(gpio)
    for e in inputs.events():
        panel.handle(e)
    xs = [m["x"] for m in panel.control.sent]
    assert len(xs) == 21 and xs == sorted(xs) and xs[0] == pytest.approx(0, abs=0.01) and xs[-1] == pytest.approx(1, abs=0.01)
    assert all(m["y"] == pytest.approx(0.5, abs=0.01) for m in panel.control.sent)


@pytest.mark.parametrize("rotation", [0, 270])
def test_second_finger_does_not_steal_the_pad(pg: Any, rotation: int) -> None:
    inputs, hands, gpio, board = _rig(rotation)
    panel = Panel(RecordingControl(), demo_data(), board.panel_size)
    pad = panel.page.pad
    hands.finger(0, *board.to_native(pad.x + 10, pad.y + 10))
    hands.finger(1, *board.to_native(pad.right - 10, pad.bottom - 10))
    _settle(gpio, 0.02)                              # the second finger shows at the next scan
    events = inputs.events()
    assert sorted(e.id for e in events if e.kind == "down") == [0, 1]
    for e in events:
        panel.handle(e)
    assert len(panel.control.sent) == 1 and panel.control.sent[0]["x"] < 0.1 and panel.control.sent[0]["y"] > 0.9
    hands.finger(0, None)
    hands.finger(1, *board.to_native(pad.centerx, pad.centery))
    _settle(gpio)
    for e in inputs.events():
        panel.handle(e)
    assert len(panel.control.sent) == 1               # finger 1 landed while finger 0 held the pad: it never takes over


def test_simulated_knobs_and_buttons_reach_the_pages(pg: Any) -> None:
    inputs, hands, gpio, board = _rig()
    hands.turn(2, 3, rate=20.0)
    hands.turn(1, -2, rate=20.0)
    _settle(gpio, 0.5)
    hands.press(0, True)
    _settle(gpio, 0.05)
    hands.press(0, False)
    _settle(gpio, 0.05)
    inputs.poll()
    events = inputs.events()
    turns = [(e.index, e.delta) for e in events if isinstance(e, EncoderTurn)]
    assert sorted(turns) == [(1, -1), (1, -1), (2, 1), (2, 1), (2, 1)]
    assert [(e.index, e.pressed) for e in events if isinstance(e, EncoderPress)] == [(0, True), (0, False)]


def test_a_real_board_never_falls_back_to_the_simulator(pg: Any) -> None:
    with pytest.raises(PinBackendError):
        run_panel(RecordingControl(), board="jetson-orin-nano-devkit", sim=False, headless=True, seconds=0.1)
    with pytest.raises(HatboxError, match="simulator"):
        Inputs(load_board("sim"), sim=False)
    assert resolve_board(None, True).gpio == "sim" and resolve_board(None, False).gpio == "jetson"


def test_app_loop_in_realtime_sends_touches_and_shows_engine_trouble(pg: Any) -> None:
    class Flaky(RecordingControl):
        def status(self) -> dict[str, Any]:
            raise ConnectionError("engine gone")

    control = Flaky(demo_status())
    app = PanelApp(control, resolve_board("sim", True), sim=True, data=demo_data(), headless=True)
    try:
        app.run(0.1)
        pad = app.panel.page.pad
        assert app.hands is not None
        app.hands.finger(0, pad.centerx, pad.centery)
        end = time.monotonic() + 2.0
        while not control.sent and time.monotonic() < end:
            app.step()
        assert control.sent and control.sent[0]["op"] == "xy"
        app.hands.turn(0, 1)
        end = time.monotonic() + 2.0
        while len(control.sent) < 2 and time.monotonic() < end:
            app.step()
        assert control.sent[-1] == {"op": "corners", "names": [TIMBRES[1], TIMBRES[1], TIMBRES[2], TIMBRES[3]]}
        app.run(0.15)
        assert "engine not answering" in app.panel.state.offline and app.display.frames >= 3
    finally:
        app.close()


def test_sim_window_mouse_keys_and_wheel_drive_the_simulated_hardware(pg: Any) -> None:
    control = RecordingControl(demo_status())
    app = PanelApp(control, resolve_board("sim", True), sim=True, data=demo_data(), headless=True)

    def until(n: int) -> None:
        end = time.monotonic() + 2.0
        while len(control.sent) < n and time.monotonic() < end:
            app.step()

    try:
        pad = app.panel.page.pad
        pg.event.post(pg.event.Event(pg.MOUSEBUTTONDOWN, button=1, pos=pad.center))
        until(1)
        pg.event.post(pg.event.Event(pg.MOUSEMOTION, pos=(pad.right - 1, pad.centery), rel=(1, 0), buttons=(1, 0, 0)))
        until(2)
        pg.event.post(pg.event.Event(pg.MOUSEBUTTONUP, button=1, pos=(pad.right - 1, pad.centery)))
        assert [m["op"] for m in control.sent] == ["xy", "xy"] and control.sent[1]["x"] == pytest.approx(1.0)
        pg.event.post(pg.event.Event(pg.KEYDOWN, key=pg.K_r, unicode="r", mod=0))     # encoder 4 clockwise
        until(3)
        assert control.sent[2]["names"][3] == TIMBRES[4]
        pg.event.post(pg.event.Event(pg.MOUSEWHEEL, x=0, y=-1, flipped=False))       # encoder 1 back
        until(4)
        assert control.sent[3]["names"][0] == TIMBRES[-1]
        pg.event.post(pg.event.Event(pg.KEYDOWN, key=pg.K_ESCAPE, unicode="\x1b", mod=0))
        app.step()
        assert not app.running
    finally:
        app.close()


def test_keys_for_encoders_a_board_has_not_got_and_clicks_without_touch_do_nothing() -> None:
    """Before (twenty-seventh stop's QA): on a board of one encoder a key for encoder 4 (and, without [touch], any
    click) stopped the whole box with an internal error."""
    base = load_board("sim")
    board = dataclasses.replace(base, screen=dataclasses.replace(base.screen, driver="dummy"),
                                encoders=base.encoders[:1], touch=None)
    gpio = SimGPIO()
    inputs = Inputs(board, sim=True, gpio=gpio)
    hands = SimHands(inputs)
    hands.turn(3, 2)
    hands.press(3, True)
    hands.finger(0, 100, 100)
    hands.turn(0, 2)                                          # the one it has still turns
    _settle(gpio, 0.2)
    assert [type(e).__name__ for e in inputs.events()] == ["EncoderTurn", "EncoderTurn"]
    inputs.close()


def test_a_reversed_encoder_turns_the_way_the_key_says_in_the_sim() -> None:
    """Before (twenty-seventh stop's QA): with reverse = true in the board file, the sim's clockwise key turned the
    knob down: the sim drove a correctly wired encoder, which the driver then reversed."""
    base = load_board("sim")
    encoders = [dataclasses.replace(base.encoders[0], reverse=True), *base.encoders[1:]]
    board = dataclasses.replace(base, screen=dataclasses.replace(base.screen, driver="dummy"), encoders=encoders)
    gpio = SimGPIO()
    inputs = Inputs(board, sim=True, gpio=gpio)
    SimHands(inputs).turn(0, 3)
    _settle(gpio, 0.3)
    assert sum(e.delta for e in inputs.events()) == 3
    inputs.close()
