"""Which stretch of each recording is held out from training (and scored), and what is left to train on.

The held-out stretch of a recording of N samples is ``L = N - int(N * (1 - val_fraction))`` samples long and is
the recording's tail, unless the gear's output is (near-)silent there: ESR (error energy over target energy) is
undefined on a silent target (it printed 2e23 on a recording whose last 40 % was digital silence), so the stretch
then moves back, a quarter of its length at a time, to the latest place where the output has signal.  A stretch
has signal when at least half of its quarters do, and a quarter does when its RMS is at least HELD_OUT_FLOOR_DBFS
and at most HELD_OUT_BELOW_DB under the whole output's; where no stretch has that, the one with the most quarters
of signal (the latest of those) is held out, and an output with no quarter of signal anywhere is a DataError
(the data checks refuse such outputs first: under -60 dBFS RMS, trainer/effect/data.py SILENCE_DBFS).  The choice
depends on the recording alone (deterministic), and a tail with signal is held out as before.
Training uses what lies before and after the held-out stretch (:func:`train_pieces`); the validation window
during training and the golden snapshot's stretch are placed inside it the same way (:func:`signal_start`).
"""
from __future__ import annotations

import numpy as np

from hatbox.errors import DataError

HELD_OUT_FLOOR_DBFS = -70.0     # a stretch of output quieter than this (RMS) is silent
HELD_OUT_BELOW_DB = 30.0        # ... and so is one this much quieter than the whole output (a fade, a gap)
QUARTERS = 4                    # a stretch is judged by its quarters, and moves by one at a time


def held_out_length(n: int, val_fraction: float) -> int:
    """Samples held out of a recording of ``n`` samples (the last ``val_fraction`` of it, as before)."""
    return n - int(n * (1 - val_fraction))


def _energy(target: np.ndarray) -> np.ndarray:
    """Cumulative energy [N + 1] (float64): the energy of ``target[a:b]`` is ``e[b] - e[a]``."""
    return np.concatenate([[0.0], np.cumsum(np.square(target, dtype=np.float64))])


def _floor(energy: np.ndarray) -> float:
    """The least mean power (full scale = 1) of a quarter with signal, for an output of cumulative ``energy``."""
    whole = energy[-1] / max(1, energy.shape[0] - 1)
    return max(10 ** (HELD_OUT_FLOOR_DBFS / 10), whole * 10 ** (-HELD_OUT_BELOW_DB / 10))


def _quarters_with_signal(energy: np.ndarray, starts: np.ndarray, length: int) -> np.ndarray:
    """How many of the QUARTERS quarters of each stretch ``[s, s + length)`` have signal -> [len(starts)] int."""
    floor = _floor(energy)
    count = np.zeros(starts.shape[0], np.int64)
    for j in range(QUARTERS):
        lo, hi = starts + length * j // QUARTERS, starts + length * (j + 1) // QUARTERS
        count += (hi > lo) & (energy[hi] - energy[lo] >= floor * (hi - lo))
    return count


def _pick(energy: np.ndarray, starts: np.ndarray, length: int) -> tuple[int, int]:
    """(index into ``starts`` of the first stretch with signal, else of the first with the most quarters of
    signal; that count)."""
    count = _quarters_with_signal(energy, starts, length)
    enough = np.flatnonzero(count >= QUARTERS // 2)
    best = int(enough[0]) if enough.size else int(np.argmax(count))
    return best, int(count[best])


def held_out(target: np.ndarray, val_fraction: float) -> tuple[int, int]:
    """The held-out stretch ``[start, end)`` of a recording whose gear output is ``target`` [N]: the tail when
    it has signal, else the latest stretch as long that does (starts N - L, N - L - L / 4, ..., 0)."""
    n = int(target.shape[0])
    length = held_out_length(n, val_fraction)
    if not 0 < length <= n:
        raise DataError(f"cannot hold out {val_fraction:g} of a recording of {n} samples")
    starts = np.arange(n - length, -1, -max(1, length // QUARTERS))
    if starts[-1] != 0:
        starts = np.append(starts, 0)
    energy = _energy(target)
    best, count = _pick(energy, starts, length)
    if count == 0:
        raise DataError(f"the gear's output is silent (below {HELD_OUT_FLOOR_DBFS:g} dBFS) throughout, so no "
                        "stretch of it can be held out to score the capture on",
                        hint="record the gear's output with signal (check its routing and level)")
    return int(starts[best]), int(starts[best]) + length


def signal_start(target: np.ndarray, span: tuple[int, int], n: int) -> int:
    """Where a window of ``n`` samples inside ``span`` starts: the span's start when the output has signal
    there, else the first start (a quarter of ``n`` apart) where it does, else the one with the most signal."""
    a, b = span
    n = min(n, b - a)
    starts = np.arange(a, b - n + 1, max(1, n // QUARTERS))
    if starts[-1] != b - n:
        starts = np.append(starts, b - n)
    return int(starts[_pick(_energy(target), starts, n)[0]])


def train_pieces(n: int, span: tuple[int, int]) -> list[tuple[int, int]]:
    """The stretches ``[a, b)`` of a recording of ``n`` samples left for training around the held-out ``span``
    (the part before it, then the part after it; empty ones left out)."""
    a, b = span
    return [(lo, hi) for lo, hi in ((0, a), (b, n)) if hi > lo]


def moved_notes(names: list[str], lengths: list[int], spans: list[tuple[int, int]], rate: int,
                val_fraction: float) -> list[str]:
    """Notes for the report on the recordings (``names``, of ``lengths`` samples) whose held-out ``spans`` are
    not their tails (the output is silent there): one per distinct stretch, naming up to three recordings."""
    moved: dict[tuple[int, int], list[str]] = {}
    for name, n, span in zip(names, lengths, spans):
        if span[1] != n:
            moved.setdefault(span, []).append(name)
    notes = []
    for (a, b), which in moved.items():
        shown = ", ".join(which[:3]) + (f" and {len(which) - 3} more" if len(which) > 3 else "")
        notes.append(f"{shown}: the gear's output is (near-)silent in the last {100 * val_fraction:g} % of the "
                     f"recording, where an error-to-signal ratio means nothing; held out {a / rate:.2f}-"
                     f"{b / rate:.2f} s instead")
    return notes
