"""Real-hardware checks, run on the board only: ``HATBOX_BOARD=jetson-orin-nano-devkit pytest tests/hardware/test_on_board.py``.

Skipped everywhere else (CI has no pins).  Nothing here has run on a board yet.
"""
from __future__ import annotations

import os

import pytest

from hardware.board import load_board

BOARD = os.environ.get("HATBOX_BOARD")
pytestmark = pytest.mark.skipif(not BOARD, reason="real hardware: set HATBOX_BOARD to a board file name on the board")


@pytest.fixture(scope="module")
def board():
    b = load_board(BOARD)
    assert b.gpio != "sim", "HATBOX_BOARD must name a real board"
    return b


def test_encoder_contacts_rest_high(board) -> None:
    from hardware.pins import open_gpio
    gpio = open_gpio(board.gpio)
    gpio.setmode(gpio.BOARD if board.numbering == "BOARD" else gpio.BCM)
    pud = gpio.PUD_UP if board.pull == "internal" else gpio.PUD_OFF
    pins = [p for e in board.encoders for p in (e.a, e.b, e.button) if p is not None]
    try:
        for pin in pins:
            gpio.setup(pin, gpio.IN, pull_up_down=pud)
        assert {pin: gpio.input(pin) for pin in pins} == {pin: 1 for pin in pins}   # at a detent, released
    finally:
        gpio.cleanup(pins)


def test_touch_controller_answers(board) -> None:
    from hardware.i2c import open_i2c
    from hardware.touch import TouchController
    assert board.touch is not None
    events: list = []
    bus = open_i2c(board.i2c_bus)
    try:
        ctl = TouchController(bus, board.touch.chip, events.append, screen=(board.screen.width, board.screen.height),
                              address=board.touch.address, sensor=board.touch.sensor)
        ctl.poll()
        assert events == []                                                          # nobody touching
    finally:
        bus.close()


def test_display_opens_and_flips(board) -> None:
    from hardware.display import open_display
    disp = open_display(board.screen)
    try:
        disp.panel.fill((255, 168, 38))
        disp.present()
        assert disp.frames == 1
    finally:
        disp.close()
