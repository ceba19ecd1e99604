"""One effect training run (split from trainer/effect/train.py): the model, its best weights on validation and its
history (:class:`Run`), scoring it on the held-out windows, when a phase is finished, and the choice between the
architectures that ``--arch auto`` tries (:func:`choose_arch`).  The loop that trains a run: trainer/effect/train.py.
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

import numpy as np
import torch

from trainer import accel
from trainer.early_stop import NoStop, StopRequest
from trainer.effect.config import AUTO_CANDIDATES, TrainConfig
from trainer.effect.data import EffectData
from trainer.effect.losses import esr_loss
from trainer.effect.models import DEFAULT_ARCH, EffectModel, build
from trainer.effect.schedule import Phase as _Phase
from trainer.effect.segments import Segments


def knob_input(k: torch.Tensor, model: EffectModel) -> torch.Tensor | None:
    """The knobs ``k`` [B, S, K] as ``model`` takes them: None for a model without knobs."""
    return k if model.knobs else None


def validate(model: EffectModel, val: tuple[torch.Tensor, ...], device: torch.device) -> float:
    """Mean per-pair ESR on the held-out windows (context excluded)."""
    x, y, k, ctx = val
    model.eval()
    with torch.no_grad():
        y_hat, _ = model(x.to(device), knob_input(k.to(device), model), model.initial_state(x.shape[0], device))
    model.train()
    per = [float(esr_loss(y_hat[i, ctx:], y[i, ctx:].to(device))) for i in range(x.shape[0])]
    return float(np.mean(per))


AUTO_TRIAL = 0.2                   # share of the budget each candidate trains before the choice


# A challenger replaces the default only when its trial validation ESR is this many times lower.  The GRU
# keeps improving long after its trial (pedalboard compressor: 0.013-0.028 after 2 min, 0.0025-0.010 after
# 10, while the TCN, ahead at 2 min with 0.010, ends at 0.010); where it fails outright (guitarix DS-1 with knobs:
# 0.25 after 2 min and 0.18-0.25 after 10, TCN 0.019 after 2 min) the gap is an order of magnitude.
AUTO_SWITCH = 5.0


@dataclass
class Run:
    model: EffectModel
    best: dict[str, torch.Tensor]
    arch: str = DEFAULT_ARCH
    best_esr: float = float("inf")
    steps: int = 0                          # optimiser steps this model took (its trial included)
    other_steps: int = 0                    # optimiser steps the other candidates' trials took (auto)
    main: bool = True
    history: list[dict[str, float]] = field(default_factory=list)
    others_cores: float | None = None       # CPU cores other programs took meanwhile (trainer/cpuwatch.py)
    trials: dict[str, float] = field(default_factory=dict)   # arch -> validation ESR after its trial (auto)
    trial_skipped: str | None = None        # why --arch auto ran no trial (too few --max-steps), for the user
    stopped_early: bool = False             # a first Ctrl-C ended training before its budget (trainer.early_stop)
    opt: torch.optim.Optimizer | None = None                  # kept between phases (Adam's moments carry on)
    last: dict[str, torch.Tensor] | None = None   # the weights after its last step (fit keeps them: --resume's start)
    resumes: list[list[float]] = field(default_factory=list)  # [step, seconds] where each earlier --resume began


def evaluate(run: Run, val: tuple, device: torch.device, t: float) -> float:
    """Score ``run`` on the held-out windows ``val`` at ``t`` seconds into training (kept in its history; its best
    weights kept when it is the best so far) -> the validation ESR."""
    v = validate(run.model, val, device)
    run.history.append({"t": t, "step": run.steps, "val_esr": v})
    if v < run.best_esr:
        run.best_esr, run.best = v, copy.deepcopy(run.model.state_dict())
    return v


def new_model(data: EffectData, cfg: TrainConfig, segs: Segments, device: torch.device, arch: str) -> EffectModel:
    """A fresh ``arch`` model for ``data``'s knobs, scaled to the training audio (``cfg.scale_data``), on ``device``."""
    model = build(arch, len(data.knobs), **cfg.model)
    if cfg.scale_data:
        model.set_scales(*segs.scales())
    return model.to(device)


def finished(phase: _Phase, steps: int, t: float, dist: accel.Dist, stop: StopRequest | NoStop = NoStop()) -> bool:
    """Time (or step) budget spent, or a stop asked (a first Ctrl-C, once the phase has taken a step), on any
    process -> every process stops together."""
    done = (t >= phase.seconds or (phase.max_steps is not None and steps >= phase.max_steps)
            or (stop.asked and steps > 0))
    return accel.mean_across(float(done), dist) > 0


def new_run(data: EffectData, cfg: TrainConfig, segs: Segments, dist: accel.Dist, arch: str) -> Run:
    """A run of a fresh ``arch`` model (:func:`new_model`), its first weights the best so far."""
    model = new_model(data, cfg, segs, dist.device, arch)
    return Run(model, copy.deepcopy(model.state_dict()), arch=arch, main=dist.main)


def new_optimizer(model: EffectModel, cfg: TrainConfig) -> torch.optim.Optimizer:
    """A run's optimiser over ``model``'s weights: Adam at ``cfg.lr`` (a ``--resume`` loads its saved state into one:
    trainer/effect/resume.py ``resumed_run``)."""
    return torch.optim.Adam(model.parameters(), lr=cfg.lr)


def choose_arch(trials: dict[str, float]) -> str:
    """The architecture to keep after the trials (arch -> validation ESR, in AUTO_CANDIDATES order):
    the first (default) one, unless the best challenger's ESR is AUTO_SWITCH times lower."""
    default, *challengers = trials
    if not challengers:
        return default
    best = min(challengers, key=lambda a: trials[a])
    return best if trials[best] * AUTO_SWITCH < trials[default] else default


def trial_skipped_reason(max_steps: int) -> str:
    """Why ``--arch auto --max-steps max_steps`` trains the default architecture without a trial."""
    least = math.ceil(1 / AUTO_TRIAL)
    return (f"--arch auto ran no trial: --max-steps {max_steps} gives each trial {AUTO_TRIAL:.0%} of the steps, which "
            f"rounds down to 0 (a trial needs --max-steps {least} or more), so {AUTO_CANDIDATES[0]}, the default, "
            f"took {'the one step' if max_steps == 1 else f'all {max_steps} steps'}")


def asked_anywhere(stop: StopRequest | NoStop, dist: accel.Dist) -> bool:
    """Whether a stop was asked on any process (all take the same turn)."""
    return accel.mean_across(float(stop.asked), dist) > 0
