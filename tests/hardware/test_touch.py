"""Touch gestures from the simulated controllers, read by the real driver over the simulated bus."""
from __future__ import annotations

import pytest

from hardware.board import native_to_panel, panel_to_native
from hardware.sim import gestures
from hardware.sim.gpio import SimGPIO
from hardware.sim.i2c import SimI2CBus
from hardware.sim.touch import SimFT5x06, SimGT911
from hardware.touch import TouchController, TouchError, TouchEvent

INT = 37


def _rig(chip: str, mode: str, sensor: tuple[int, int] = (800, 480)):
    gpio = SimGPIO()
    gpio.setmode(gpio.BOARD)
    bus = SimI2CBus(7)
    sim = SimGT911(*sensor, gpio=gpio, int_pin=INT) if chip == "gt911" else SimFT5x06(*sensor, gpio=gpio, int_pin=INT)
    bus.attach(0x5D if chip == "gt911" else 0x38, sim)
    events: list[TouchEvent] = []
    irq = dict(gpio=gpio, int_pin=INT) if mode == "interrupt" else {}
    drv = TouchController(bus, chip, events.append, screen=(800, 480), sensor=sensor, **irq)
    return gpio, sim, drv, events


@pytest.mark.parametrize("chip", ["ft5x06", "gt911"])
@pytest.mark.parametrize("mode", ["interrupt", "polling"])
def test_tap_lands_where_it_was_made(chip: str, mode: str) -> None:
    gpio, sim, drv, events = _rig(chip, mode)
    gestures.play(sim, gpio, gestures.tap(612, 77), poll=drv.poll)
    assert [(e.kind, e.id, e.x, e.y) for e in events] == [("down", 0, 612, 77), ("up", 0, 612, 77)]


@pytest.mark.parametrize("chip", ["ft5x06", "gt911"])
def test_drag_moves_through_its_path(chip: str) -> None:
    gpio, sim, drv, events = _rig(chip, "interrupt")
    gestures.play(sim, gpio, gestures.drag(100, 400, 700, 40, seconds=0.2), poll=drv.poll)
    kinds = [e.kind for e in events]
    assert kinds[0] == "down" and kinds[-1] == "up" and kinds.count("move") >= 15
    assert (events[0].x, events[0].y) == (100, 400) and (events[-2].x, events[-2].y) == (700, 40)
    xs = [e.x for e in events if e.kind == "move"]
    assert xs == sorted(xs)


@pytest.mark.parametrize("chip", ["ft5x06", "gt911"])
def test_two_fingers_are_tracked_apart(chip: str) -> None:
    gpio, sim, drv, events = _rig(chip, "interrupt")
    gestures.play(sim, gpio, gestures.two_fingers((50, 60), (700, 420)), poll=drv.poll)
    downs = {e.id: (e.x, e.y) for e in events if e.kind == "down"}
    ups = sorted(e.id for e in events if e.kind == "up")
    assert downs == {0: (50, 60), 1: (700, 420)} and ups == [0, 1]


def test_controller_resolution_is_scaled_to_the_screen() -> None:
    gpio, sim, drv, events = _rig("gt911", "interrupt", sensor=(1024, 600))
    gestures.play(sim, gpio, gestures.tap(512, 300), poll=drv.poll)
    assert (events[0].x, events[0].y) == (400, 240)


def test_gt911_holds_frames_until_the_host_clears_status() -> None:
    gpio = SimGPIO()
    bus = SimI2CBus()
    chip = SimGT911()
    bus.attach(0x5D, chip)
    events: list[TouchEvent] = []
    drv = TouchController(bus, "gt911", events.append, screen=(800, 480))
    chip.report([(0, 10, 20)])
    chip.report([(0, 30, 40)])                # held: the host has not read the first frame
    drv.poll()
    drv.poll()                                # clearing status released the held frame
    assert [(e.kind, e.x) for e in events] == [("down", 10), ("move", 30)]


def test_missing_controller_is_a_clear_error() -> None:
    with pytest.raises(TouchError, match="0x38"):
        TouchController(SimI2CBus(), "ft5x06", print, screen=(800, 480))
    with pytest.raises(TouchError, match="unknown touch controller"):
        TouchController(SimI2CBus(), "xpt2046", print, screen=(800, 480))


@pytest.mark.parametrize("rotation", [0, 90, 180, 270])
def test_rotation_round_trips(rotation: int) -> None:
    for x, y in [(0, 0), (799, 0), (123, 456), (799, 479)]:
        px, py = native_to_panel(x, y, rotation, 800, 480)
        pw, ph = (480, 800) if rotation in (90, 270) else (800, 480)
        assert 0 <= px < pw and 0 <= py < ph
        assert panel_to_native(px, py, rotation, 800, 480) == (x, y)
