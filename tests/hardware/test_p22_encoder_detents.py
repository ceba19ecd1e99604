"""Encoders as a builder meets them: A and B wired the other way (``reverse``), fast spins whose
callbacks see skipped states, long back-and-forth play (no drift), a pin read that fails in the
GPIO callback, and acceleration that stays monotonic."""
from __future__ import annotations

import dataclasses
import errno
import logging
from typing import Any

import numpy as np
import pytest

from device.ui.events import EncoderTurn
from device.ui.inputs import Inputs, SimHands
from hardware.board import load_board
from hardware.encoder import Acceleration, EventQueue, QuadratureDecoder, RotaryEncoder
from hardware.sim.encoder import hand_turns, spin, turn_edges
from hardware.sim.gpio import SimGPIO

A, B = 29, 31
GRAY = [(1, 1), (0, 1), (0, 0), (1, 0)]          # position p (quarter steps) -> (A, B); clockwise = p rising


def _decode(periods: np.ndarray, directions: np.ndarray, seed: int, gpio: SimGPIO | None = None,
            reverse: bool = False) -> tuple[list[Any], RotaryEncoder]:
    gpio = gpio or SimGPIO()
    gpio.setmode(gpio.BOARD)
    q = EventQueue()
    enc = RotaryEncoder(gpio, A, B, q, reverse=reverse)
    edges, end = turn_edges(periods, directions, A, B, np.random.default_rng(seed))
    gpio.schedule_many(edges)
    gpio.run_until(end + 0.1)
    return q.drain(), enc


def test_reverse_turns_the_sign_of_every_detent() -> None:
    periods, directions = hand_turns(200, (2.0, 30.0), np.random.default_rng(11))
    plain, _ = _decode(periods, directions, 12)
    turned, enc = _decode(periods, directions, 12, reverse=True)
    assert [e.delta for e in plain] == list(directions)
    assert [e.delta for e in turned] == [-d for d in directions] and enc.position == -int(directions.sum())
    assert [e.steps for e in turned] == [-e.steps for e in plain]


def test_reverse_in_the_board_file_reaches_the_pages() -> None:
    base = load_board("sim")
    encoders = (base.encoders[0], dataclasses.replace(base.encoders[1], reverse=True), *base.encoders[2:])
    board = dataclasses.replace(base, encoders=encoders, screen=dataclasses.replace(base.screen, driver="dummy"))
    gpio = SimGPIO()
    inputs = Inputs(board, sim=True, gpio=gpio)
    from hardware.sim.encoder import turn_edges
    enc = board.encoders[1]                         # A-before-B edges on a knob the file says is wired B-before-A
    edges, _ = turn_edges(np.full(3, 0.1), np.full(3, 1), enc.a, enc.b, np.random.default_rng(0), t0=gpio.time())
    gpio.schedule_many(edges)
    SimHands(inputs).turn(0, 2, rate=10.0)
    gpio.run_until(1.0)
    turns = [(e.index, e.delta) for e in inputs.events() if isinstance(e, EncoderTurn)]
    assert sorted(turns) == [(0, 1), (0, 1), (1, -1), (1, -1), (1, -1)]
    inputs.close()
    inputs = Inputs(board, sim=True, gpio=(gpio := SimGPIO()))      # the sim's hands turn it as it is wired:
    SimHands(inputs).turn(1, 3, rate=10.0)                          # clockwise is up
    gpio.run_until(1.0)
    assert [(e.index, e.delta) for e in inputs.events() if isinstance(e, EncoderTurn)] == [(1, 1)] * 3
    inputs.close()


def test_any_walk_back_and_forth_counts_exactly_its_detents() -> None:
    """Every quarter step seen (bounce is a walk too): 10,000 steps with reversals anywhere never drift."""
    rng = np.random.default_rng(3)
    dec, p, count = QuadratureDecoder(), 0, 0
    for step in rng.choice([-1, 1], size=10_000, p=[0.45, 0.55]):
        p += int(step)
        count += dec.feed(*GRAY[p % 4])
    while p % 4:                                      # come back to the nearest rest
        p += 1
        count += dec.feed(*GRAY[p % 4])
    assert count == p // 4 and p // 4 > 100


@pytest.mark.parametrize("direction", [1, -1])
def test_skipped_states_lose_detents_but_never_count_backwards(direction: int) -> None:
    """A fast spin read late: each callback sees the levels one or two quarter steps on (a state skipped).
    (Three steps on looks exactly like one step back: no decoder can tell; the spin is then too fast.)"""
    rng = np.random.default_rng(7)
    dec, p, counts = QuadratureDecoder(), 0, []
    while abs(p) < 40_000:
        p += direction * int(rng.choice([1, 2], p=[0.7, 0.3]))
        counts.append(dec.feed(*GRAY[p % 4]))
    assert set(counts) <= {0, direction}
    assert 0 < abs(sum(counts)) <= abs(p) // 4


def test_a_long_fast_spin_with_bounce_counts_every_detent() -> None:
    periods, directions = spin(2000, 100.0, -1, np.random.default_rng(21))
    events, enc = _decode(periods, directions, 22)
    assert len(events) == 2000 and enc.position == -2000 and all(e.delta == -1 for e in events)


def test_a_pin_read_that_fails_in_the_callback_is_skipped(caplog: Any) -> None:
    class Glitch(SimGPIO):
        def __init__(self) -> None:
            super().__init__()
            self.failures = 3

        def input(self, channel: int) -> int:
            if self.failures and self.time() > 0.5:
                self.failures -= 1
                raise OSError(errno.EIO, "Getting line value: Input/output error")
            return super().input(channel)

    periods, directions = spin(40, 5.0, 1, np.random.default_rng(1))
    with caplog.at_level(logging.ERROR, logger="hatbox.hardware"):
        events, enc = _decode(periods, directions, 2, gpio=Glitch())
    assert 36 <= len(events) <= 40 and all(e.delta == 1 for e in events)    # a detent or so lost, never more
    assert enc.read_errors == 3 and len(caplog.records) == 1


def test_acceleration_is_monotonic_and_resets_on_reversal() -> None:
    acc = Acceleration()
    dts = np.linspace(0.0, 0.2, 400)
    steps = [acc.steps(float(dt)) for dt in dts]
    assert steps == sorted(steps, reverse=True) and steps[0] == acc.max_steps and steps[-1] == 1
    assert all(s == 1 for dt, s in zip(dts, steps) if dt >= acc.slow_s)
    gpio = SimGPIO()
    gpio.setmode(gpio.BOARD)
    q = EventQueue()
    enc = RotaryEncoder(gpio, A, B, q)
    for t, delta in [(0.0, 1), (0.01, 1), (0.02, 1), (0.03, -1), (0.04, -1)]:
        enc._detent(delta, t)
    assert [e.steps for e in q.drain()] == [1, acc.max_steps, acc.max_steps, -1, -acc.max_steps]
