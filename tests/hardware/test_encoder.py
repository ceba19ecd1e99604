"""Encoder edges from the simulator (timing + bounce), decoded by the real driver code."""
from __future__ import annotations

import threading

import numpy as np
import pytest

from hardware.encoder import Acceleration, Button, EventQueue, QuadratureDecoder, RotaryEncoder
from hardware.sim.encoder import BounceModel, hand_turns, spin, turn_edges
from hardware.sim.gpio import SimGPIO

A, B, SW = 29, 31, 32


def _decode(periods: np.ndarray, directions: np.ndarray, seed: int, model: BounceModel = BounceModel()) -> list:
    gpio = SimGPIO(callback_latency=50e-6)
    gpio.setmode(gpio.BOARD)
    q = EventQueue()
    RotaryEncoder(gpio, A, B, q)
    edges, end = turn_edges(periods, directions, A, B, np.random.default_rng(seed), model)
    gpio.schedule_many(edges)
    gpio.run_until(end + 0.1)
    return q.drain()


def test_clean_cycles_follow_the_diagram() -> None:
    dec = QuadratureDecoder()
    cw = [dec.feed(a, b) for a, b in [(0, 1), (0, 0), (1, 0), (1, 1)]]
    ccw = [dec.feed(a, b) for a, b in [(1, 0), (0, 0), (0, 1), (1, 1)]]
    assert cw == [0, 0, 0, 1] and ccw == [0, 0, 0, -1]


def test_bounce_back_to_rest_counts_nothing() -> None:
    dec = QuadratureDecoder()
    out = [dec.feed(a, b) for a, b in [(0, 1), (1, 1), (0, 1), (0, 0), (0, 1), (0, 0), (1, 0), (1, 1), (1, 0), (1, 1)]]
    assert sum(out) == 1


@pytest.mark.parametrize("seed", range(8))
@pytest.mark.parametrize("rates", [(1.0, 4.0), (4.0, 20.0)])
def test_hand_turns_with_bounce_lose_and_add_nothing(seed: int, rates: tuple[float, float]) -> None:
    periods, directions = hand_turns(60, rates, np.random.default_rng(seed))
    events = _decode(periods, directions, seed + 100)
    assert [e.delta for e in events] == list(directions)


def test_the_simulated_signal_really_bounces() -> None:
    periods, directions = hand_turns(40, (1.0, 20.0), np.random.default_rng(5))
    edges, _ = turn_edges(periods, directions, A, B, np.random.default_rng(6), BounceModel())
    falling_a = sum(1 for _, ch, level in edges if ch == A and level == 0)
    assert len(edges) > 4 * len(periods) + 40          # chatter on top of the 4 clean transitions
    assert falling_a > len(periods) + 10               # counting A's falling edges would over-count


@pytest.mark.parametrize("seed", range(6))
def test_fast_spin_never_reads_the_wrong_direction(seed: int) -> None:
    direction = 1 if seed % 2 else -1
    periods, directions = spin(80, 100.0, direction, np.random.default_rng(seed))
    events = _decode(periods, directions, seed + 7)
    assert all(e.delta == direction for e in events)
    assert len(events) >= 0.9 * len(periods)


def test_acceleration_multiplies_fast_turns_only() -> None:
    slow = _decode(*spin(10, 2.0, 1, np.random.default_rng(1)), seed=2)
    fast = _decode(*spin(10, 60.0, -1, np.random.default_rng(1)), seed=2)
    assert all(e.steps == 1 for e in slow)
    assert max(-e.steps for e in fast) > 1 and all(e.steps < 0 for e in fast)
    assert Acceleration().steps(0.001) == Acceleration().max_steps


def test_push_button_debounces_press_and_release() -> None:
    gpio = SimGPIO()
    gpio.setmode(gpio.BOARD)
    q = EventQueue()
    button = Button(gpio, SW, q, name="e0")
    rng = np.random.default_rng(0)
    for t0, level in [(0.10, 0), (0.40, 1), (0.70, 0), (0.75, 1)]:
        for i, tt in enumerate(np.sort(t0 + rng.uniform(0, 0.004, size=6))):
            gpio.schedule(float(tt), SW, 1 - level if i % 2 == 0 else level)
        gpio.schedule(t0 + 0.0045, SW, level)
        gpio.schedule(t0, SW, level)
    gpio.run_until(1.0)
    button.poll()
    assert [(e.pressed, round(e.t, 2)) for e in q.drain()] == [(True, 0.1), (False, 0.4), (True, 0.7), (False, 0.75)]


def test_realtime_simulator_runs_callbacks_on_its_own_thread() -> None:
    gpio = SimGPIO(realtime=True)
    gpio.setmode(gpio.BCM)
    gpio.setup(5, gpio.IN, pull_up_down=gpio.PUD_UP)
    seen: list[str] = []
    done = threading.Event()
    gpio.add_event_detect(5, gpio.FALLING, callback=lambda ch: (seen.append(threading.current_thread().name), done.set()))
    gpio.drive(5, 0)
    assert done.wait(2.0) and seen == ["sim-gpio"] and gpio.input(5) == 0
    gpio.close()
