"""Encoder decoding under contact bounce: simulated edges (hardware/sim/encoder.py) decoded by the
real driver (hardware/encoder.py) on the simulated pins (virtual clock, 50 us callback latency).

1. Hand turns at 1-20 detents/s (runs, direction changes, pauses): missed and extra detents.
2. Fast spins at 100 (and 150, 200) detents/s: wrong-direction and missed detents.
3. Stress: a fixed chatter window (not shortened with speed) of 0.5-3 ms at 100 and 200 detents/s -
   where the two contacts chatter at once and the signal itself becomes ambiguous.

    .venv/bin/python bench/ui_encoder.py [--quick]
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from run_name import run_suffix
from ui_common import machine, write_result

from hardware.encoder import EventQueue, RotaryEncoder  # noqa: E402
from hardware.sim.encoder import BounceModel, hand_turns, spin, turn_edges  # noqa: E402
from hardware.sim.gpio import SimGPIO  # noqa: E402


def decode(periods: np.ndarray, directions: np.ndarray, seed: int, model: BounceModel) -> tuple[list[int], int]:
    gpio = SimGPIO(callback_latency=50e-6)
    gpio.setmode(gpio.BOARD)
    q = EventQueue()
    RotaryEncoder(gpio, 29, 31, q)
    edges, end = turn_edges(periods, directions, 29, 31, np.random.default_rng(seed), model)
    gpio.schedule_many(edges)
    gpio.run_until(end + 0.1)
    return [e.delta for e in q.drain()], len(edges)


def hand(trials: int, rng: np.random.Generator) -> dict:
    missed = extra = detents = edges = 0
    exact = 0
    for s in range(trials):
        periods, dirs = hand_turns(60, (1.0, 20.0), rng)
        got, n_edges = decode(periods, dirs, 10_000 + s, BounceModel())
        want = list(dirs)
        detents, edges = detents + len(want), edges + n_edges
        exact += got == want
        missed += max(0, len(want) - len(got))
        extra += max(0, len(got) - len(want))
    return {"gestures": trials, "detents": detents, "edges": edges, "edges_per_detent": round(edges / detents, 2),
            "gestures_decoded_exactly": exact, "missed": missed, "extra": extra}


def fast(rate: float, trials: int, rng: np.random.Generator, model: BounceModel) -> dict:
    wrong = missed = total = 0
    for s in range(trials):
        direction = 1 if s % 2 else -1
        periods, dirs = spin(50, rate, direction, rng)
        got, _ = decode(periods, dirs, 20_000 + s, model)
        wrong += sum(1 for d in got if d != direction)
        missed += len(dirs) - sum(1 for d in got if d == direction)
        total += len(dirs)
    return {"rate_detents_per_s": rate, "detents": total, "wrong_direction": wrong, "missed": missed,
            "chatter_ms": round(1000 * min(model.bounce_s, (model.bounce_frac or 1e9) / rate), 3)}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--quick", action="store_true")
    args = p.parse_args()
    trials = 40 if args.quick else 200
    rng = np.random.default_rng(0)
    t0 = time.perf_counter()
    res = {"machine": machine(), "model": BounceModel().__dict__ | {"callback_latency_s": 50e-6}}
    res["hand_1_20_per_s"] = hand(trials, rng)
    print("hand turns 1-20 detents/s:", res["hand_1_20_per_s"])
    res["fast"] = [fast(r, trials // 2, rng, BounceModel()) for r in (100.0, 150.0, 200.0)]
    for row in res["fast"]:
        print("fast spin:", row)
    res["stress_fixed_chatter"] = [fast(r, trials // 4, rng, BounceModel(bounce_s=b, bounce_frac=None))
                                   for r in (100.0, 200.0) for b in (0.0005, 0.001, 0.0015, 0.003)]
    for row in res["stress_fixed_chatter"]:
        print("stress (fixed chatter):", row)
    res["seconds"] = round(time.perf_counter() - t0, 1)
    write_result(f"ui_encoder{run_suffix(p, args, {'quick': 'quick'})}", res)


if __name__ == "__main__":
    main()
