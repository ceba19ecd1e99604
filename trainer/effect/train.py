"""The effect training loop: time-budgeted, truncated BPTT over streamed chunks, best-on-validation.

Python API (what the CLI and the benchmarks call)::

    from trainer.effect.train import train_effect
    result = train_effect("data/ds1", out="ds1.hatpack", minutes=5, arch="gru")
    result.pack, result.metrics["val_esr"], result.metrics["val_esr_per_setting"], result.metrics["latency"]

Each pair's last ``val_fraction`` of time is held out (an earlier stretch as long when the gear's output is
silent there: trainer/effect/split.py).  Training draws random segments of
``warmup + chunks * chunk`` samples from the remaining time; the first ``warmup`` samples only
warm the state up (no gradient), then the model runs chunk by chunk carrying its (detached)
state, with one optimiser step per chunk (truncated BPTT).  Small models train fastest with
one intra-op thread (``threads``, default 1); use torchrun to use more cores or GPUs.  Validation every
``eval_every_s`` seconds keeps the best weights; under a step budget (``max_steps``) the learning rate and the
validations go by steps, so a seed and a step count give the same pack (trainer/effect/schedule.py).  The
final metrics are measured on the exported pack through the box's processor (a pack worse than silence after few
steps is said to be under-trained: evaluate.short_run_words).
"""
from __future__ import annotations

import copy
import math
import sys
import tempfile
import time
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from hatbox.text import TRAINING_GOES_ON
from trainer import accel
from trainer.cpuwatch import CpuWatch
from trainer.early_stop import NoStop, StopRequest, stopped_words
from trainer.made import made_words
from trainer.effect import data as datamod
from trainer.effect.data import EffectData
from trainer.effect.losses import effect_loss, esr_loss
from trainer.effect.models import DEFAULT_ARCH, EffectModel, build, count_params
from trainer.effect.config import (AUTO_ARCH, AUTO_CANDIDATES, GOLDEN_SAMPLES, MAX_STATE_BYTES, OPTIONS,  # noqa: F401
                                   SETTINGS, TrainConfig, check_report, make_config,
                                   model_settings, state_bytes)
from export.atomic import check_out, locks_out, staged_report
from trainer.effect.gear_gain import gear_gain
from trainer.effect.split import held_out, moved_notes, signal_start, train_pieces
from trainer.effect.schedule import EvalClock, lr_at, phase_lr  # noqa: F401  (lr_at: read here before)
from trainer.effect.schedule import Phase as _Phase
from hatbox.names import check_pack_name, default_pack_name


@dataclass
class TrainResult:
    """What a training run produced."""

    pack: Path
    metrics: dict[str, Any]           # empty on non-main torchrun processes
    report: Path | None = None
    history: list[dict[str, float]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)      # about the data (dropped columns, encoding)
    warnings: list[str] = field(default_factory=list)   # about the data and the result (e.g. ESR worse than silence)
    said: list[str] = field(default_factory=list)       # the warnings already said on stderr before training


# --------------------------------------------------------------------------- batches
class Segments:
    """Random training segments and fixed validation windows over the data's pairs.

    Each pair's held-out stretch is :func:`trainer.effect.split.held_out` (its tail unless the output is silent
    there); segments are drawn from the training pieces around it that are long enough for one."""

    def __init__(self, data: EffectData, cfg: TrainConfig, rng: np.random.Generator) -> None:
        self.data, self.rng = data, rng
        self.knobs = [data.knob_vector(p) for p in data.pairs]
        self.held = [held_out(p.output, cfg.val_fraction) for p in data.pairs]
        pieces = [train_pieces(p.output.shape[0], h) for p, h in zip(data.pairs, self.held)]
        longest = [max((b - a for a, b in ps), default=0) for ps in pieces]
        shortest = min(longest)
        scale = min(1.0, shortest / (cfg.warmup + cfg.chunk * cfg.chunks))
        self.chunk = max(32, int(cfg.chunk * scale))
        self.warmup = int(cfg.warmup * scale)
        self.length = self.warmup + self.chunk * cfg.chunks
        if self.length > shortest:
            raise datamod.DataError(f"recordings are too short to train on ({shortest} samples "
                                    f"outside the held-out part; need {self.length})")
        # the training pieces that hold a segment, and how many segment starts each has
        self.pieces = [[(a, b) for a, b in ps if b - a >= self.length] for ps in pieces]
        self.starts = [[b - a - self.length + 1 for a, b in ps] for ps in self.pieces]
        usable = [sum(b - a for a, b in ps) for ps in self.pieces]
        self.weights = np.array(usable, np.float64) / sum(usable)
        self.power = np.array([max(float(np.mean(np.square(self._training(p.output, i), dtype=np.float64))), 1e-10)
                               for i, p in enumerate(data.pairs)], np.float32)

    def _training(self, audio: np.ndarray, i: int) -> np.ndarray:
        """Pair ``i``'s ``audio`` [N] over its training pieces, joined -> [M]."""
        return np.concatenate([audio[a:b] for a, b in self.pieces[i]])

    def scales(self) -> tuple[float, float]:
        """(1 / std of training input, std of training output - input), for EffectModel.set_scales."""
        xs = np.concatenate([self._training(p.input, i) for i, p in enumerate(self.data.pairs)])
        rs = np.concatenate([self._training(p.output - p.input, i) for i, p in enumerate(self.data.pairs)])
        return 1.0 / max(float(np.std(xs)), 1e-4), max(float(np.std(rs)), 1e-4)

    def _start(self, i: int) -> int:
        """A random segment start in pair ``i``'s training pieces (uniform over every valid start)."""
        u = int(self.rng.integers(0, sum(self.starts[i])))
        for (a, _b), count in zip(self.pieces[i], self.starts[i]):
            if u < count:
                return a + u
            u -= count
        raise AssertionError("unreachable")

    def batch(self, size: int) -> tuple[torch.Tensor, ...]:
        """x [B, S], y [B, S], k [B, S, K], recording power [B]; S = warmup + chunks * chunk."""
        idx = self.rng.choice(len(self.pieces), size=size, p=self.weights)
        xs, ys, ks = [], [], []
        for i in idx:
            a = self._start(i)
            p = self.data.pairs[i]
            xs.append(p.input[a:a + self.length])
            ys.append(p.output[a:a + self.length])
            ks.append(np.broadcast_to(self.knobs[i], (self.length, len(self.knobs[i]))))
        return (torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(ys)), torch.from_numpy(np.stack(ks)),
                torch.from_numpy(self.power[idx]))

    def validation(self, seconds: float) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, int]:
        """Held-out windows of ``seconds`` (where the output has signal: split.signal_start), each after up to
        ``warmup`` samples of context -> x [P, C + n], y [P, C + n], k [P, C + n, K], C (context length)."""
        n = min(int(seconds * self.data.rate), min(b - a for a, b in self.held))
        starts = [signal_start(p.output, h, n) for p, h in zip(self.data.pairs, self.held)]
        ctx = min(self.warmup, min(starts))
        xs, ys, ks = [], [], []
        for p, s, k in zip(self.data.pairs, starts, self.knobs):
            xs.append(p.input[s - ctx:s + n])
            ys.append(p.output[s - ctx:s + n])
            ks.append(np.broadcast_to(k, (ctx + n, len(k))))
        return torch.from_numpy(np.stack(xs)), torch.from_numpy(np.stack(ys)), torch.from_numpy(np.stack(ks)), ctx


# --------------------------------------------------------------------------- steps
def _knobs(k: torch.Tensor, model: EffectModel) -> torch.Tensor | None:
    return k if model.knobs else None


def train_segment(model: EffectModel, net: torch.nn.Module, opt: torch.optim.Optimizer,
                  batch: tuple[torch.Tensor, ...], segs: "Segments", cfg: TrainConfig,
                  max_steps: int | None = None) -> tuple[float, float, int]:
    """One segment: warm up the state, then one step per chunk, at most ``max_steps`` of them
    (None: every chunk) -> (mean loss, mean ESR, optimiser steps taken)."""
    x, y, k, power = batch
    power = power if cfg.per_recording else None
    w, chunk = segs.warmup, segs.chunk
    state = model.initial_state(x.shape[0], x.device)
    if w:
        with torch.no_grad():
            _, state = model(x[:, :w], _knobs(k[:, :w], model), state)
    losses, esrs = [], []
    starts = range(w, x.shape[1], chunk)
    for a in starts if max_steps is None else starts[:max_steps]:
        state = [s.detach() for s in state]
        y_hat, state = net(x[:, a:a + chunk], _knobs(k[:, a:a + chunk], model), state)
        loss, e = effect_loss(y_hat, y[:, a:a + chunk], cfg.stft_weight, power)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(float(loss.detach()))
        esrs.append(float(e.detach()))
    return float(np.mean(losses)), float(np.mean(esrs)), len(losses)


def validate(model: EffectModel, val: tuple[torch.Tensor, ...], device: torch.device) -> float:
    """Mean per-pair ESR on the held-out windows (context excluded)."""
    x, y, k, ctx = val
    model.eval()
    with torch.no_grad():
        y_hat, _ = model(x.to(device), _knobs(k.to(device), model), model.initial_state(x.shape[0], device))
    model.train()
    per = [float(esr_loss(y_hat[i, ctx:], y[i, ctx:].to(device))) for i in range(x.shape[0])]
    return float(np.mean(per))


# --------------------------------------------------------------------------- the loop
AUTO_TRIAL = 0.2                   # share of the budget each candidate trains before the choice
# A challenger replaces the default only when its trial validation ESR is this many times lower.  The GRU
# keeps improving long after its trial (pedalboard compressor: 0.013-0.028 after 2 min, 0.0025-0.010 after
# 10, while the TCN, ahead at 2 min with 0.010, ends at 0.010); where it fails outright (guitarix DS-1 with knobs:
# 0.25 after 2 min and 0.18-0.25 after 10, TCN 0.019 after 2 min) the gap is an order of magnitude.
AUTO_SWITCH = 5.0


@dataclass
class _Run:
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


def _evaluate(run: _Run, val: tuple, device: torch.device, t: float) -> float:
    v = validate(run.model, val, device)
    run.history.append({"t": t, "step": run.steps, "val_esr": v})
    if v < run.best_esr:
        run.best_esr, run.best = v, copy.deepcopy(run.model.state_dict())
    return v


def _model(data: EffectData, cfg: TrainConfig, segs: Segments, device: torch.device, arch: str) -> EffectModel:
    model = build(arch, len(data.knobs), **cfg.model)
    if cfg.scale_data:
        model.set_scales(*segs.scales())
    return model.to(device)


def _finished(phase: _Phase, steps: int, t: float, dist: accel.Dist, stop: StopRequest | NoStop = NoStop()) -> bool:
    """Time (or step) budget spent, or a stop asked (a first Ctrl-C, once the phase has taken a step), on any
    process -> every process stops together."""
    done = (t >= phase.seconds or (phase.max_steps is not None and steps >= phase.max_steps)
            or (stop.asked and steps > 0))
    return accel.mean_across(float(done), dist) > 0


def fit(data: EffectData, cfg: TrainConfig, progress: bool = True, stop: StopRequest | NoStop = NoStop()) -> _Run:
    """Train a model on ``data`` for ``cfg.minutes``; returns the run with the best weights.
    ``stop.asked`` (a first Ctrl-C: trainer.early_stop) ends training after the current step, keeping the best
    weights so far (``run.stopped_early``); under ``auto`` the trials not started yet are left out.

    ``cfg.arch == "auto"``: each of :data:`AUTO_CANDIDATES` trains for :data:`AUTO_TRIAL` of the
    budget, the one :func:`choose_arch` picks keeps training for the rest (its learning-rate
    schedule continues where its trial left it); ``run.trials`` holds the trial scores.
    ``cfg.max_steps``: the most optimiser steps of the whole fit, trials included (exactly that
    many unless the time budget runs out first).
    """
    if cfg.arch == AUTO_ARCH and cfg.model:
        raise datamod.DataError("model settings (" + ", ".join(f"model.{k}" for k in cfg.model)
                                + ") belong to one architecture: give --arch with them")
    datamod.check_knob_count([k.name for k in data.knobs], "the training data")   # data built without load_folder
    dist = accel.setup(cfg.device)
    accel.seed_everything(cfg.seed + dist.rank)
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    segs = Segments(data, cfg, np.random.default_rng(cfg.seed + dist.rank))
    val, budget = segs.validation(cfg.val_seconds), cfg.minutes * 60.0
    watch = CpuWatch()
    try:
        if cfg.arch == AUTO_ARCH:
            run = _fit_auto(data, cfg, segs, val, dist, progress, stop)
        else:
            run = _new_run(data, cfg, segs, dist, cfg.arch)
            _train(run, cfg, segs, val, dist, _Phase(budget, cfg.max_steps, label=cfg.arch), progress, stop)
    finally:
        accel.teardown(dist)
    run.others_cores = watch.others_cores()
    run.model.load_state_dict(run.best)
    return run


def _new_run(data: EffectData, cfg: TrainConfig, segs: Segments, dist: accel.Dist, arch: str) -> _Run:
    model = _model(data, cfg, segs, dist.device, arch)
    return _Run(model, copy.deepcopy(model.state_dict()), arch=arch, main=dist.main)


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


def _asked(stop: StopRequest | NoStop, dist: accel.Dist) -> bool:
    """Whether a stop was asked on any process (all take the same turn)."""
    return accel.mean_across(float(stop.asked), dist) > 0


def _fit_auto(data: EffectData, cfg: TrainConfig, segs: Segments, val: tuple, dist: accel.Dist,
              progress: bool, stop: StopRequest | NoStop = NoStop()) -> _Run:
    budget = cfg.minutes * 60.0
    trial_s = AUTO_TRIAL * budget
    own_s = budget - (len(AUTO_CANDIDATES) - 1) * trial_s        # the winner's whole training time
    share = trial_s / own_s
    # a step budget is shared like the time: each trial AUTO_TRIAL of it, the winner the rest
    trial_steps = None if cfg.max_steps is None else int(cfg.max_steps * AUTO_TRIAL)
    if trial_steps == 0:           # too few steps for a trial: the default architecture takes them all
        run = _new_run(data, cfg, segs, dist, AUTO_CANDIDATES[0])
        run.trial_skipped = trial_skipped_reason(cfg.max_steps)
        _train(run, cfg, segs, val, dist, _Phase(budget, cfg.max_steps, label=run.arch), progress, stop)
        return run
    runs: dict[str, _Run] = {}
    trials: dict[str, float] = {}
    for arch in AUTO_CANDIDATES:
        if runs and _asked(stop, dist):            # stopped early: the trials run so far choose
            break
        run = runs[arch] = _new_run(data, cfg, segs, dist, arch)
        _train(run, cfg, segs, val, dist, _Phase(trial_s, trial_steps, 0.0, share, label=f"trial {arch}"), progress,
               stop)
        # every process takes the main process's score, so all pick the same winner
        trials[arch] = accel.mean_across(run.best_esr if dist.main else 0.0, dist) * dist.world
    win = runs[choose_arch(trials)]
    win.trials = trials
    win.other_steps = sum(r.steps for r in runs.values() if r is not win)
    rest_steps = None if cfg.max_steps is None else cfg.max_steps - win.other_steps - win.steps
    if _asked(stop, dist):
        win.stopped_early = True
        return win
    _train(win, cfg, segs, val, dist, _Phase(own_s - trial_s, rest_steps, share, 1.0 - share, t0=trial_s,
                                              label=win.arch), progress, stop)
    return win


def _train(run: _Run, cfg: TrainConfig, segs: Segments, val: tuple, dist: accel.Dist, phase: _Phase,
           progress: bool, stop: StopRequest | NoStop = NoStop()) -> None:
    """Train ``run.model`` for one phase, validating every ``cfg.eval_every_s`` seconds, or under a step budget every
    twentieth of its steps (best weights kept; trainer/effect/schedule.py)."""
    from hatbox.progress import progress_bar

    model = run.model
    if run.opt is None:
        run.opt = torch.optim.Adam(model.parameters(), lr=cfg.lr)
    net, opt = accel.wrap(model, dist), run.opt
    start = time.monotonic()
    clock = EvalClock(phase, cfg.eval_every_s)      # by steps under a step budget: reproducible (schedule.py)
    first_step = run.steps
    # a bar over the phase's seconds, no rate (tqdm's default would read "1.00s/s"); with a step limit too, over
    # the further along of the two (as `train tagger`'s), so that it ends full whichever ends the phase
    steps_too = phase.max_steps is not None
    bar = progress_bar(total=phase.max_steps if steps_too else round(phase.seconds), desc=f"train {phase.label}",
                       kind="budget" if steps_too else "seconds", disable=not (progress and dist.main))
    while not _finished(phase, run.steps - first_step, t := time.monotonic() - start, dist, stop):
        for g in opt.param_groups:
            g["lr"] = phase_lr(cfg, phase, run.steps - first_step, t)
        left = None if phase.max_steps is None else phase.max_steps - (run.steps - first_step)
        batch = tuple(b.to(dist.device) for b in segs.batch(cfg.batch))
        loss, e, taken = train_segment(model, net, opt, batch, segs, cfg, left)
        run.steps += taken
        run.history.append({"t": phase.t0 + t, "step": run.steps, "loss": loss, "train_esr": e})
        if dist.main and clock.due(run.steps - first_step):
            # the held-out error first: a narrow terminal cuts the line's end (p44 terminal QA)
            bar.set_postfix({"val_esr": f"{_evaluate(run, val, dist.device, phase.t0 + t):.4f}", "loss": f"{loss:.4f}"})
        if steps_too:
            done = run.steps - first_step
            along = max(done / max(1, phase.max_steps or 1), (time.monotonic() - start) / phase.seconds)
            bar.set_postfix_str(f"{done} of {phase.max_steps} steps, loss={loss:.4f}", refresh=False)
            bar.update(min(1.0, along) * (phase.max_steps or 1) - bar.n)
        else:
            bar.update(max(0, min(round(phase.seconds), round(time.monotonic() - start)) - bar.n))
    done = run.steps - first_step
    ran_out = (time.monotonic() - start >= phase.seconds
               or (phase.max_steps is not None and done >= phase.max_steps))
    if _asked(stop, dist) and not ran_out:      # a Ctrl-C ended it, not its budget (one at the end is no stop)
        run.stopped_early = True
    if dist.main:
        _evaluate(run, val, dist.device, phase.t0 + time.monotonic() - start)
    bar.close()


def load_data(data: str | Path | None, input: str | Path | None, target: str | Path | None,
              allow_clipping: bool) -> EffectData:
    """A pairs.csv folder, or a single input/target pair (not both: the folder would be left unread)."""
    if data is not None and (input is not None or target is not None):
        raise datamod.DataError(f"give a folder of pairs ({data}) or --input/--target, not both",
                                hint="one run trains one set: the folder's pairs.csv, or the single pair")
    if input is not None or target is not None:
        if input is None or target is None:
            raise datamod.DataError("a single pair needs both --input and --target")
        return datamod.load_single(input, target, allow_clipping=allow_clipping)
    if data is None:
        raise datamod.DataError("give a folder holding pairs.csv, or --input A.wav --target B.wav")
    return datamod.load_folder(data, allow_clipping=allow_clipping)


def _golden(data: EffectData, cfg: TrainConfig) -> tuple[np.ndarray, np.ndarray]:
    """The golden snapshot's input: the first pair's held-out audio [<= GOLDEN_SAMPLES] and its knobs [K]."""
    pair = data.pairs[0]
    span = held_out(pair.output, cfg.val_fraction)
    a = signal_start(pair.output, span, GOLDEN_SAMPLES)
    return pair.input[a:min(span[1], a + GOLDEN_SAMPLES)], data.knob_vector(pair)


def plan_words(data: EffectData, cfg: TrainConfig) -> str:
    """What a training is about to do, said before its progress bar (twenty-seventh stop's QA: it went straight to
    the bar, and a knob column that never changed was said only after the minutes of training): the pairs, their
    audio, the knobs and the settings they were recorded at, the share held out, the budget."""
    seconds = sum(p.output.shape[0] for p in data.pairs) / data.rate
    knobs = "; ".join(f"{k.name} {', '.join(f'{v:g}' for v in sorted({p.setting[k.name] for p in data.pairs}))}"
                      + (f" {k.unit}" if k.unit else "") for k in data.knobs) or "no knobs"
    steps = f", at most {cfg.max_steps} steps" if cfg.max_steps is not None else ""
    arch = cfg.arch if cfg.arch != AUTO_ARCH else f"the best of {', '.join(AUTO_CANDIDATES)} (by a trial)"
    return (f"training {arch} on {len(data.pairs)} pair{'s' if len(data.pairs) != 1 else ''} ({seconds:.1f} s "
            f"of audio; knobs: {knobs}), {100 * cfg.val_fraction:g} % of each held out to score it, for "
            f"{cfg.minutes:g} min{steps}")


SHORT_HELD_OUT_S = 1.0      # a pair whose held-out stretch is shorter than this gets a warning before training


def short_recordings(data: EffectData, val_fraction: float) -> list[str]:
    """A warning (in a list; [] when none) for pairs so short that the stretch held out to score them is under
    :data:`SHORT_HELD_OUT_S`: a 0.5 s pair trained with 75 ms held out and no word of it (twenty-seventh stop's QA).
    Said before training, naming up to three pairs."""
    short = [(p.name, p.output.shape[0] / data.rate) for p in data.pairs
             if (lambda span: span[1] - span[0])(held_out(p.output, val_fraction)) < SHORT_HELD_OUT_S * data.rate]
    if not short:
        return []
    shown = ", ".join(f"{name} ({secs:.1f} s)" for name, secs in short[:3])
    more = f" and {len(short) - 3} more" if len(short) > 3 else ""
    return [f"{'a recording is' if len(short) == 1 else 'recordings are'} short: {shown}{more}; the "
            f"{100 * val_fraction:g} % held out to score {'it' if len(short) == 1 else 'each'} is under "
            f"{SHORT_HELD_OUT_S:g} s, too little to tell a good capture from a poor one - record 10 s or more at each "
            f"setting (the factory pack has 20 s)"]


def held_out_notes(data: EffectData, val_fraction: float) -> list[str]:
    """Notes on the pairs whose held-out stretch is not their tail (the gear's output is silent there)."""
    return moved_notes([p.name for p in data.pairs], [p.output.shape[0] for p in data.pairs],
                       [held_out(p.output, val_fraction) for p in data.pairs], data.rate, val_fraction)


def gear_max_gain_db(eff: EffectData, block: int = 128) -> float | None:
    """The gear's gain (dB) over its training pairs as the box's runaway guard is told it: output over input RMS
    of ``block``-sample blocks, measured as the guard measures (device/audio/protect.max_block_gain_db), over the
    blocks whose input holds a real share of the take, a high percentile of them, so a pop at a take's start does
    not set it (trainer/effect/gear_gain.py).  The box sets the pack's runaway limit no lower than this plus a
    margin, since a faithful model does what the gear does (a neural model probed with test tones off its training
    material can show far less: docs/engine.md).  None when no output block is that loud."""
    return gear_gain(eff.pairs, eff.rate, block)[0]


@locks_out
def train_effect(data: str | Path | None = None, out: str | Path = "effect.hatpack", *,
                 input: str | Path | None = None, target: str | Path | None = None,
                 name: str | None = None, report: str | Path | None = None,
                 allow_clipping: bool = False, progress: bool = True, **config: Any) -> TrainResult:
    """Train an effect from ``data`` (folder with pairs.csv) or ``input``/``target``; write ``out``.

    ``config`` sets :class:`TrainConfig` fields (minutes, arch, seed, device, batch, chunk,
    lr, stft_weight, val_fraction, max_steps, threads, model={arch overrides}).
    Returns a :class:`TrainResult`; ``metrics`` holds ``val_esr`` (mean over pairs, measured on
    the held-out tails through the exported pack), ``val_esr_per_setting``, ``val_esr_per_pair``,
    ``latency`` (samples found per pair), ``train_seconds``, ``steps`` (optimiser steps, trials included),
    ``params``, ``arch``,
    ``others_cores`` (CPU cores other programs took on average while it trained; None if unknown).
    """
    from export.onnx_effect import export_effect
    from trainer.effect.evaluate import evaluate_data, quality_warnings
    cfg = make_config(**config)
    name = name or _default_name(data, input, out)
    check_pack_name(name)
    csv_file = None if data is None else (Path(data) / "pairs.csv" if Path(data).is_dir() else Path(data))
    check_out(out, keep=((input, "the --input recording"), (target, "the --target recording"),
                         (csv_file, "the set's pairs.csv")))
    if report:
        check_report(report, out, data)
    eff = load_data(data, input, target, allow_clipping)
    eff.notes.extend(held_out_notes(eff, cfg.val_fraction))
    eff.warnings.extend(short_recordings(eff, cfg.val_fraction))
    gear_db, pops = gear_gain(eff.pairs, eff.rate)          # a pop left out of the level guard is said now
    eff.warnings.extend(pops)
    said = [w for w in (rate_warning(eff.rate, single=data is None), *eff.warnings) if w]
    if said and accel.torchrun_rank() == 0:     # now, not after the minutes of training they spoil
        # on stderr, as `train tagger` says its warnings before training (the CLI does not say them again)
        print("".join(f"warning: {line}\n" for line in said) + TRAINING_GOES_ON, file=sys.stderr, flush=True)
    if accel.torchrun_rank() == 0 and progress:
        print(f"{plan_words(eff, cfg)}, on {accel.device_words(cfg.device)}", flush=True)
    t0 = time.monotonic()
    with StopRequest(sigterm=True) as stop:       # a first Ctrl-C or SIGTERM: stop, keep the best weights so far
        run = fit(eff, cfg, progress, stop)
        stop.training_over()           # a first Ctrl-C from here on: the pack is still written
        seconds = time.monotonic() - t0
        if not run.main:
            return TrainResult(Path(out), {}, None, run.history)
        metrics = {"arch": run.arch, "params": count_params(run.model), "steps": run.steps + run.other_steps,
                   "train_seconds": round(seconds, 1), "val_esr_torch": run.best_esr,
                   "latency": eff.latencies, "sample_rate": eff.rate, "single_pair": data is None,
                   "others_cores": None if run.others_cores is None else round(run.others_cores, 2)}
        if run.trials:
            metrics["arch_trials"] = {a: round(v, 6) for a, v in run.trials.items()}
        if run.trial_skipped:
            metrics["arch_trial_skipped"] = run.trial_skipped
        if run.stopped_early:
            metrics["stopped_early"] = stopped_words(seconds, cfg.minutes * 60.0, metrics["steps"], by=stop.by)
        metrics["gear_max_gain_db"] = gear_db
        metrics["device"] = accel.device_words(cfg.device)        # what it trained on (pack inspect: "trained on")
        gx, gk = _golden(eff, cfg)
        description = f"effect captured with hatbox ({run.arch})"
        # The pack is measured from a temporary copy and written to ``out`` once, last, with its held-out
        # metrics: an interrupt or error before that leaves ``out`` as it was, and no report folder this
        # run made.
        # The report is written into a hidden folder beside ``report`` and moves in once the pack is written
        # (export.atomic.staged_report): an interrupt or a full disk leaves the last run's report whole.
        staged = staged_report(Path(report)) if report else nullcontext(None)
        with tempfile.TemporaryDirectory(prefix="hatbox-effect-") as tmp, staged as stage:
            trial = export_effect(run.model, Path(tmp) / "measure.hatpack", name=name, rate=eff.rate, knobs=eff.knobs,
                                  golden_audio=gx, golden_knobs=gk, metrics=metrics, description=description)
            scores = evaluate_data(trial, eff, cfg.val_fraction, progress=progress)
            metrics.update(val_esr=scores["esr"], val_esr_pooled=scores["esr_pooled"],
                           val_esr_per_setting=scores["per_setting"], val_esr_per_pair=scores["per_pair"],
                           val_bypass_esr=scores["bypass_esr"], val_bypass_esr_per_pair=scores["bypass_per_pair"])
            from hatbox.advice import run_limit      # what ended the run: the warning names it (p41)
            warnings = (list(eff.warnings) + result_warnings(metrics)
                        + quality_warnings(metrics, eff, run_limit(metrics, cfg.max_steps, cfg.minutes),
                                           report=bool(report))
                        + knob_warnings(trial))
            from trainer.effect.report_denoise import denoise_metrics, denoise_notes
            denoise = denoise_metrics(metrics, eff, cfg.val_fraction)      # SNR beside noisereduce: a denoiser's set
            rep = (_write_report(stage, run, eff, trial, {**metrics, **denoise, "warnings": warnings}, cfg,
                                 made_words(out, data if data is not None else target)) if stage else None)
            pack = export_effect(run.model, out, name=name, rate=eff.rate, knobs=eff.knobs, golden_audio=gx,
                                 golden_knobs=gk, metrics=metrics, description=description)
        if rep is not None:                          # where it lies now that the report has moved in
            rep = Path(report) / rep.name
        return TrainResult(Path(pack), metrics, rep, run.history, list(eff.notes) + denoise_notes(denoise), warnings,
                           said=said)


def rate_warning(rate: int, single: bool = False) -> str | None:
    """The warning for data recorded at ``rate`` Hz when the box's engine runs at another rate (it refuses
    such a pack: device/validate.py check_handshake); None when the rates match.  ``single``: one --input/--target
    pair, not a pairs.csv set."""
    from device.validate import EngineSpec
    box = EngineSpec().sample_rate
    if rate == box:
        return None
    which = "both files" if single else "every file in pairs.csv"
    return (f"the recordings are at {rate} Hz but the box runs at {box} Hz and will refuse this pack; resample the "
            f"recordings to {box} Hz (e.g. sox in.wav -r {box} out.wav, for {which}) and train again")


def result_warnings(metrics: dict[str, Any]) -> list[str]:
    """Warnings about a finished capture (shown by the CLI and in the report)."""
    said = []
    rate = metrics.get("sample_rate")
    if rate is not None and (wrong := rate_warning(int(rate), single=bool(metrics.get("single_pair")))):
        said.append(wrong)
    esr = metrics.get("val_esr")
    if esr is not None and not (esr <= 1.0):
        from trainer.effect.evaluate import short_run_words
        said.append(f"held-out ESR {esr:.3f} is above 1: the pack does worse than outputting silence, "
                    + (short if (short := short_run_words(metrics)) else
                       "so something is wrong with the data (output not a recording of this input, misaligned, or a "
                       "different take); check the recordings"))
    return said


def knob_warnings(pack: Path) -> list[str]:
    """The warning for a pack the box's validation will refuse at some knob setting (device/validate.py
    ``knob_settings_problem``: NaN/inf, or a runaway peak, at a corner of the knobs' range): none when it passes."""
    from device.validate import knob_settings_problem
    problem = knob_settings_problem(pack)
    if problem is None:
        return []
    return [f"the box will refuse this pack: {problem}; record the gear at that setting too, or train again "
            "(another --seed, more --minutes)"]


def _default_name(data: str | Path | None, input: str | Path | None, out: str | Path | None = None) -> str:
    """The pack name when --name is not given: the data folder's name, cleaned; for one pair (``--input``), the
    pack file's (``amp.hatpack`` -> amp: the DI file's name, ``di``, says nothing of the gear), else the input's."""
    if data is not None:          # the folder's name, also when the pairs.csv itself is given
        folder = Path(data).absolute().parent.name if Path(data).is_file() else Path(data).name
        return default_pack_name(folder, "effect")
    return default_pack_name(Path(str(out)).stem if out else Path(str(input)).stem, "effect")


def _write_report(report: str | Path, run: _Run, eff: EffectData, pack: Path,
                  metrics: dict[str, Any], cfg: TrainConfig, made: dict[str, str] | None = None) -> Path:
    from trainer.effect.report import write_report
    return write_report(report, history=run.history, data=eff, pack=pack, metrics=metrics,
                        config=asdict(cfg), made=made)
