"""Where an effect training phase is on its learning-rate schedule, and when it validates.

A phase with a step budget (``--max-steps``) goes by its steps: the learning rate follows the steps taken and
validation (which picks the best weights) comes every :func:`eval_every_steps` steps, so the same seed and step
count give the same pack (bit-exact on one machine at a fixed ``--threads``; p42 cloud QA: two runs differed, the
rate and the validations following the wall clock).  A phase with only a time budget (``--minutes``) goes by the
wall clock, as the README's and the benchmarks' figures were measured: how far it gets depends on the machine.

A resumed training (``--resume``: trainer/effect/resume.py) has a phase of its own whose rate is
:func:`restart_lr`: the first run's cosine has reached its floor (or stopped part way, at a Ctrl-C), so the added
budget gets a warm restart of its own: from the rate where the earlier run stopped, up over its first
:data:`RESTART_WARM` to :data:`RESTART_PEAK` of ``lr``, then a cosine down to the same floor as a first run's.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

from trainer.effect.config import TrainConfig

FLOOR = 0.05            # the schedules' last rate, as a share of ``lr``
EVALS_PER_PHASE = 20     # with a step budget: validations in a phase (every twentieth of its steps), and one at its end


@dataclass
class Phase:
    """One stretch of training: its wall-clock and step budgets (``max_steps``: the most optimiser
    steps it takes, exactly; None: no limit), and where it sits on the learning-rate schedule
    (``lr_from`` to ``lr_from + lr_span``), history times offset by ``t0``."""

    seconds: float
    max_steps: int | None = None
    lr_from: float = 0.0
    lr_span: float = 1.0
    t0: float = 0.0
    label: str = ""
    restart: float | None = None      # a resumed phase: the rate where the earlier run stopped (restart_lr)


def lr_at(cfg: TrainConfig, frac: float) -> float:
    """Cosine decay over the budget (``frac`` 0..1 of it) down to 5% of the initial rate."""
    return cfg.lr * (FLOOR + (1 - FLOOR) * 0.5 * (1 + math.cos(math.pi * min(1.0, frac))))


RESTART_PEAK = 1.0      # a resumed phase's highest rate, as a share of ``lr`` (restart_lr; measured in its docstring)
RESTART_WARM = 0.1      # the share of a resumed phase spent climbing from where the earlier run stopped to its peak


def restart_lr(cfg: TrainConfig, start: float, frac: float) -> float:
    """A resumed phase's rate ``frac`` (0..1) of the way through its added budget: from ``start`` (the rate the
    earlier run stopped at) linearly up to the peak (the higher of ``start`` and ``RESTART_PEAK * lr``) over its first
    :data:`RESTART_WARM`, then a cosine down to ``FLOOR * lr``.  The full rate, not a lower peak: on the factory
    recipe (9 settings x 10 s) a 300-step run resumed for 300 ended at held-out ESR 0.0096 with it, 0.0128 at half
    and 0.0176 at a quarter (600 steps uninterrupted: 0.0076); 1200 resumed for 600, 0.00105 with it and 0.00160 at
    a quarter.  The climb keeps the first losses by the earlier run's last (they rise a few times over it while the
    rate climbs; the best weights so far are kept throughout): docs/effect.md, "Train on from where it stopped"."""
    peak, floor, frac = max(start, RESTART_PEAK * cfg.lr), FLOOR * cfg.lr, min(1.0, max(0.0, frac))
    if frac < RESTART_WARM and peak > start:
        return start + (peak - start) * frac / RESTART_WARM
    along = (frac - RESTART_WARM) / (1.0 - RESTART_WARM) if peak > start else frac
    return floor + (peak - floor) * 0.5 * (1 + math.cos(math.pi * max(0.0, along)))


def phase_lr(cfg: TrainConfig, phase: Phase, steps: int, seconds: float) -> float:
    """The learning rate after ``steps`` optimiser steps and ``seconds`` of the phase: by the steps when the phase
    has a step budget, else by the time (a resumed phase: :func:`restart_lr`)."""
    along = steps / phase.max_steps if phase.max_steps else seconds / phase.seconds
    if phase.restart is not None:
        return restart_lr(cfg, phase.restart, along)
    return lr_at(cfg, phase.lr_from + phase.lr_span * along)


def eval_every_steps(phase: Phase, every_s: float) -> int | None:
    """Optimiser steps between validations in ``phase``: None when it goes by time (every ``every_s`` seconds);
    0 (every segment) when ``every_s`` is 0; else a twentieth of its step budget (:data:`EVALS_PER_PHASE`), at
    least 1."""
    if phase.max_steps is None:
        return None
    return 0 if every_s <= 0 else max(1, math.ceil(phase.max_steps / EVALS_PER_PHASE))


class EvalClock:
    """When the phase validates next: every :func:`eval_every_steps` steps, or every ``every_s`` seconds of wall
    time for a phase without a step budget."""

    def __init__(self, phase: Phase, every_s: float) -> None:
        self.every_s = every_s
        self.every_steps = eval_every_steps(phase, every_s)
        self.last_t = time.monotonic()
        self.last_step = 0

    def due(self, steps: int) -> bool:
        """Whether to validate now, ``steps`` optimiser steps into the phase (then counts from here)."""
        now = time.monotonic()
        if self.every_steps is None:
            ready = now - self.last_t >= self.every_s
        else:
            ready = steps - self.last_step >= self.every_steps
        if ready:
            self.last_t, self.last_step = now, steps
        return ready
