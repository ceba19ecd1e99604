"""Half-step encoders (two detents per quadrature cycle: they rest at A=B=1 and at A=B=0), set by the board
file's ``detents_per_cycle = 2``: every click counts, in both directions, through bounce - beside the
full-step encoders (one detent per cycle, four transitions) that stay as they were.  The edges come from the
electrical simulator (hardware/sim/encoder.py), whose detent is one full cycle: for a half-step encoder
each of its cycles is two clicks."""
from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest

from device.ui.events import EncoderTurn
from device.ui.inputs import Inputs, SimHands
from hardware.board import load_board
from hardware.encoder import EventQueue, QuadratureDecoder, RotaryEncoder
from hardware.sim.encoder import hand_turns, spin, turn_edges
from hardware.sim.gpio import SimGPIO

A, B = 29, 31
GRAY = [(1, 1), (0, 1), (0, 0), (1, 0)]          # position p (quarter steps) -> (A, B); clockwise = p rising


def _decode(periods: np.ndarray, directions: np.ndarray, seed: int, detents_per_cycle: int) -> list[Any]:
    """The Turn events of the real driver for the simulator's cycles (``periods`` [N] s, ``directions`` [N])."""
    gpio = SimGPIO()
    gpio.setmode(gpio.BOARD)
    q = EventQueue()
    RotaryEncoder(gpio, A, B, q, detents_per_cycle=detents_per_cycle)
    edges, end = turn_edges(periods, directions, A, B, np.random.default_rng(seed))
    gpio.schedule_many(edges)
    gpio.run_until(end + 0.1)
    return q.drain()


@pytest.mark.parametrize("detents_per_cycle", [1, 2])
@pytest.mark.parametrize("direction", [1, -1])
@pytest.mark.parametrize("seed", range(4))
def test_every_click_counts_once_in_both_directions(detents_per_cycle: int, direction: int, seed: int) -> None:
    periods, directions = spin(30, 8.0, direction, np.random.default_rng(seed))
    events = _decode(periods, directions, seed + 50, detents_per_cycle)
    assert [e.delta for e in events] == [direction] * 30 * detents_per_cycle


@pytest.mark.parametrize("seed", range(4))
def test_half_step_hand_turns_with_bounce_lose_and_add_nothing(seed: int) -> None:
    periods, directions = hand_turns(60, (1.0, 15.0), np.random.default_rng(seed))
    events = _decode(periods, directions, seed + 100, 2)
    assert [e.delta for e in events] == [int(d) for d in directions for _ in range(2)]


def test_a_full_step_table_counts_only_every_second_click_of_a_half_step_encoder() -> None:
    """What the board file's setting is for: a half-step encoder turned 4 clicks (2 cycles) read as full-step."""
    full, half = QuadratureDecoder(1), QuadratureDecoder(2)
    walk = [GRAY[p % 4] for p in range(1, 9)]                  # 8 quarter steps clockwise, click at 00 and 11
    assert sum(full.feed(*ab) for ab in walk) == 2
    assert [half.feed(*ab) for ab in walk] == [0, 1, 0, 1, 0, 1, 0, 1]


def test_half_step_turning_back_at_the_middle_rest_counts_each_click() -> None:
    dec = QuadratureDecoder(2)
    p, counts = 0, []
    for step in [1, 1, -1, -1, -1, -1, 1, 1]:                   # 11 -> 00 -> 11 -> 00 -> 11 (clicks: +, -, -, +)
        p += step
        counts.append(dec.feed(*GRAY[p % 4]))
    assert [c for c in counts if c] == [1, -1, -1, 1]


def test_half_step_any_walk_back_and_forth_counts_exactly_its_clicks() -> None:
    """Every quarter step seen (bounce is a walk too): reversals anywhere never drift."""
    rng = np.random.default_rng(4)
    dec, p, count = QuadratureDecoder(2), 0, 0
    for step in rng.choice([-1, 1], size=10_000, p=[0.45, 0.55]):
        p += int(step)
        count += dec.feed(*GRAY[p % 4])
    while p % 2:                                                 # come back to the nearest rest (11 or 00)
        p += 1
        count += dec.feed(*GRAY[p % 4])
    assert count == p // 2 and p // 2 > 200


@pytest.mark.parametrize("direction", [1, -1])
def test_half_step_skipped_states_lose_clicks_but_never_count_backwards(direction: int) -> None:
    rng = np.random.default_rng(9)
    dec, p, counts = QuadratureDecoder(2), 0, []
    while abs(p) < 20_000:
        p += direction * int(rng.choice([1, 2], p=[0.8, 0.2]))
        counts.append(dec.feed(*GRAY[p % 4]))
    assert set(counts) <= {0, direction} and 0 < abs(sum(counts)) <= abs(p) // 2


def test_detents_per_cycle_of_the_board_reaches_the_pages() -> None:
    base = load_board("sim")
    encoders = (dataclasses.replace(base.encoders[0], detents_per_cycle=2), *base.encoders[1:])
    board = dataclasses.replace(base, encoders=encoders, screen=dataclasses.replace(base.screen, driver="dummy"))
    gpio = SimGPIO()
    inputs = Inputs(board, sim=True, gpio=gpio)
    hands = SimHands(inputs)
    hands.turn(0, 3, rate=10.0)                     # three simulated cycles on the half-step knob: six clicks
    hands.turn(1, -2, rate=10.0)                    # two on a full-step one: two clicks
    gpio.run_until(1.0)
    turns = [(e.index, e.delta) for e in inputs.events() if isinstance(e, EncoderTurn)]
    assert sorted(turns) == [(0, 1)] * 6 + [(1, -1)] * 2
    inputs.close()


def test_an_unknown_detents_per_cycle_is_refused_by_the_decoder() -> None:
    with pytest.raises(ValueError, match="detents_per_cycle 4 is not one of"):
        QuadratureDecoder(4)


def test_a_half_step_encoder_resting_at_00_at_power_up_counts_its_first_click() -> None:
    """A half-step encoder rests at A=B=0 as often as at 11; the decoder started at 11 and lost the first click
    of one that came up at 00."""
    gpio = SimGPIO()
    gpio.setmode(gpio.BOARD)
    for pin in (A, B):
        gpio.setup(pin, gpio.IN, pull_up_down=gpio.PUD_UP)
        gpio.drive(pin, 0)
    q = EventQueue()
    RotaryEncoder(gpio, A, B, q, detents_per_cycle=2)
    t0 = gpio.time()
    gpio.schedule_many([(t0 + 0.01, A, 1), (t0 + 0.02, B, 1)])      # clockwise from 00: 00 -> 10 -> 11
    gpio.run_until(t0 + 0.1)
    assert [t.delta for t in q.drain()] == [1]
