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
steps is said to be under-trained: evaluate.short_run_words).  The batches are trainer/effect/segments.py's, a run and
the choice of architecture trainer/effect/runs.py's, the words said around a training trainer/effect/train_words.py's.
"""
from __future__ import annotations

import copy
import os
import sys
import tempfile
import time
from collections import deque
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
from trainer.effect import take_checks
from trainer.effect.data import EffectData
from trainer.effect.losses import effect_loss
from trainer.effect.models import EffectModel, count_params
from trainer.effect.config import (AUTO_ARCH, AUTO_CANDIDATES, GOLDEN_SAMPLES, MAX_STATE_BYTES, OPTIONS,  # noqa: F401
                                   SETTINGS, TrainConfig, check_report, make_config,
                                   model_settings, state_bytes)
from export.atomic import check_out, locks_out, staged_report
from trainer.effect.gear_gain import gear_gain
from trainer.effect.split import held_out, signal_start
# a run, its scoring and the choice of architecture; the batches; the words said around a training (split from here)
from trainer.effect.runs import (AUTO_SWITCH, AUTO_TRIAL, Run, asked_anywhere, choose_arch, evaluate,  # noqa: F401
                                 finished, knob_input, new_optimizer, new_run, trial_skipped_reason, validate)
from trainer.effect.segments import Segments
from trainer.effect import resume as resume_mod
from trainer.effect.resume import State
from trainer.effect.train_words import (SHORT_HELD_OUT_S, gear_max_gain_db, held_out_notes, knob_warnings,  # noqa: F401
                                        plan_words, rate_warning, result_warnings, short_recordings)
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


# --------------------------------------------------------------------------- steps


def train_segment(model: EffectModel, net: torch.nn.Module, opt: torch.optim.Optimizer,
                  batch: tuple[torch.Tensor, ...], segs: Segments, cfg: TrainConfig,
                  max_steps: int | None = None) -> tuple[float, float, int]:
    """One segment: warm up the state, then one step per chunk, at most ``max_steps`` of them
    (None: every chunk) -> (mean loss, mean ESR, optimiser steps taken)."""
    x, y, k, power = batch
    power = power if cfg.per_recording else None
    w, chunk = segs.warmup, segs.chunk
    state = model.initial_state(x.shape[0], x.device)
    if w:
        with torch.no_grad():
            _, state = model(x[:, :w], knob_input(k[:, :w], model), state)
    losses, esrs = [], []
    starts = range(w, x.shape[1], chunk)
    for a in starts if max_steps is None else starts[:max_steps]:
        state = [s.detach() for s in state]
        y_hat, state = net(x[:, a:a + chunk], knob_input(k[:, a:a + chunk], model), state)
        loss, e = effect_loss(y_hat, y[:, a:a + chunk], cfg.stft_weight, power)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(float(loss.detach()))
        esrs.append(float(e.detach()))
    return float(np.mean(losses)), float(np.mean(esrs)), len(losses)


# --------------------------------------------------------------------------- the loop


@dataclass
class Spent:
    """What a :func:`fit` spent: ``seconds``, the seconds its training steps took (every phase's, its checks on the way
    included, as the budget counts them; not the preparation before nor each phase's last check)."""

    seconds: float = 0.0


def fit(data: EffectData, cfg: TrainConfig, progress: bool = True, stop: StopRequest | NoStop = NoStop(),
        spent: Spent | None = None, resume: State | None = None) -> Run:
    """Train a model on ``data`` for ``cfg.minutes``; returns the run with the best weights (``spent``, when given,
    gets the training steps' seconds: :class:`Spent`).
    ``stop.asked`` (a first Ctrl-C: trainer.early_stop) ends training after the current step, keeping the best
    weights so far (``run.stopped_early``); under ``auto`` the trials not started yet are left out.

    ``cfg.arch == "auto"``: each of :data:`AUTO_CANDIDATES` trains for :data:`AUTO_TRIAL` of the
    budget, the one :func:`choose_arch` picks keeps training for the rest (its learning-rate
    schedule continues where its trial left it); ``run.trials`` holds the trial scores.
    ``cfg.max_steps``: the most optimiser steps of the whole fit, trials included (exactly that
    many unless the time budget runs out first).
    ``resume``: a saved training state (trainer/effect/resume.py) to go on from, for ``cfg.minutes`` and
    ``cfg.max_steps`` more (its architecture only: the trials, under ``auto``, were its first run's).
    """
    if cfg.arch == AUTO_ARCH and cfg.model:
        raise datamod.DataError("model settings (" + ", ".join(f"model.{k}" for k in cfg.model)
                                + ") belong to one architecture: give --arch with them")
    datamod.check_knob_count([k.name for k in data.knobs], "the training data")   # data built without load_folder
    dist = accel.setup(cfg.device)
    accel.seed_everything(cfg.seed + dist.rank)
    if cfg.threads:
        torch.set_num_threads(cfg.threads)
    segs = Segments(data, cfg, np.random.default_rng(resume_mod.segment_seed(cfg.seed, dist.rank, resume)))
    val, budget = segs.validation(cfg.val_seconds), cfg.minutes * 60.0
    watch = CpuWatch()
    spent = Spent() if spent is None else spent
    try:
        if resume is not None:
            run = resume_mod.resumed_run(resume, data, cfg, segs, dist)
            spent.seconds = _train(run, cfg, segs, val, dist, resume_mod.resumed_phase(resume, cfg), progress, stop)
        elif cfg.arch == AUTO_ARCH:
            run, spent.seconds = _fit_auto(data, cfg, segs, val, dist, progress, stop)
        else:
            run = new_run(data, cfg, segs, dist, cfg.arch)
            spent.seconds = _train(run, cfg, segs, val, dist, _Phase(budget, cfg.max_steps, label=cfg.arch), progress,
                                   stop)
    finally:
        accel.teardown(dist)
    run.others_cores = watch.others_cores()
    run.last = copy.deepcopy(run.model.state_dict())     # where a --resume goes on from (the pack takes the best)
    run.model.load_state_dict(run.best)
    return run


def _fit_auto(data: EffectData, cfg: TrainConfig, segs: Segments, val: tuple, dist: accel.Dist,
              progress: bool, stop: StopRequest | NoStop = NoStop()) -> tuple[Run, float]:
    """The trials and the winner's further training -> (the winner, the seconds every phase's steps took)."""
    budget = cfg.minutes * 60.0
    trial_s = AUTO_TRIAL * budget
    own_s = budget - (len(AUTO_CANDIDATES) - 1) * trial_s        # the winner's whole training time
    share = trial_s / own_s
    # a step budget is shared like the time: each trial AUTO_TRIAL of it, the winner the rest
    trial_steps = None if cfg.max_steps is None else int(cfg.max_steps * AUTO_TRIAL)
    if trial_steps == 0:           # too few steps for a trial: the default architecture takes them all
        run = new_run(data, cfg, segs, dist, AUTO_CANDIDATES[0])
        run.trial_skipped = trial_skipped_reason(cfg.max_steps)
        return run, _train(run, cfg, segs, val, dist, _Phase(budget, cfg.max_steps, label=run.arch), progress, stop)
    runs: dict[str, Run] = {}
    trials: dict[str, float] = {}
    trained = 0.0
    for arch in AUTO_CANDIDATES:
        if runs and asked_anywhere(stop, dist):            # stopped early: the trials run so far choose
            break
        run = runs[arch] = new_run(data, cfg, segs, dist, arch)
        trained += _train(run, cfg, segs, val, dist, _Phase(trial_s, trial_steps, 0.0, share, label=f"trial {arch}"),
                          progress, stop)
        # every process takes the main process's score, so all pick the same winner
        trials[arch] = accel.mean_across(run.best_esr if dist.main else 0.0, dist) * dist.world
    win = runs[choose_arch(trials)]
    win.trials = trials
    win.other_steps = sum(r.steps for r in runs.values() if r is not win)
    rest_steps = None if cfg.max_steps is None else cfg.max_steps - win.other_steps - win.steps
    if asked_anywhere(stop, dist):
        win.stopped_early = True
        return win, trained
    trained += _train(win, cfg, segs, val, dist, _Phase(own_s - trial_s, rest_steps, share, 1.0 - share, t0=trial_s,
                                                         label=win.arch), progress, stop)
    return win, trained


def _train(run: Run, cfg: TrainConfig, segs: Segments, val: tuple, dist: accel.Dist, phase: _Phase,
           progress: bool, stop: StopRequest | NoStop = NoStop()) -> float:
    """Train ``run.model`` for one phase, validating every ``cfg.eval_every_s`` seconds, or under a step budget every
    twentieth of its steps (best weights kept; trainer/effect/schedule.py), and once more at its end -> the seconds
    its steps took (the checks on the way included: the budget counts them; the last one not).  The bar shows the
    loss of the last :data:`LOSS_WINDOW` segments as it moves and the latest check as such (:func:`bar_words`)."""
    from hatbox.progress import progress_bar

    model = run.model
    if run.opt is None:
        run.opt = new_optimizer(model, cfg)
    net, opt = accel.wrap(model, dist), run.opt
    start = time.monotonic()
    clock = EvalClock(phase, cfg.eval_every_s)      # by steps under a step budget: reproducible (schedule.py)
    first_step = run.steps
    resumed = first_step if phase.restart is not None else None      # a --resume: the bar counts on from there
    # a bar over the phase's seconds, no rate (tqdm's default would read "1.00s/s"); with a step limit too, over
    # the further along of the two (as `train tagger`'s), so that it ends full whichever ends the phase
    steps_too = phase.max_steps is not None
    total = phase.max_steps if steps_too else round(phase.seconds)
    bar = progress_bar(total=total, desc=f"train {phase.label}", kind="budget" if steps_too else "seconds",
                       disable=not (progress and dist.main))
    recent: deque[float] = deque(maxlen=LOSS_WINDOW)
    check: tuple[float, int] | None = None          # the latest check: (held-out ESR, the step it was taken at)
    while not finished(phase, run.steps - first_step, t := time.monotonic() - start, dist, stop):
        for g in opt.param_groups:
            g["lr"] = phase_lr(cfg, phase, run.steps - first_step, t)
        left = None if phase.max_steps is None else phase.max_steps - (run.steps - first_step)
        batch = tuple(b.to(dist.device) for b in segs.batch(cfg.batch))
        loss, e, taken = train_segment(model, net, opt, batch, segs, cfg, left)
        recent.append(loss)
        run.steps += taken
        run.history.append({"t": phase.t0 + t, "step": run.steps, "loss": loss, "train_esr": e})
        if dist.main and clock.due(run.steps - first_step):
            check = evaluate(run, val, dist.device, phase.t0 + t), run.steps
        done = run.steps - first_step
        bar.set_postfix_str(bar_words(float(np.mean(recent)), check, done, phase.max_steps, resumed), refresh=False)
        # short of full until the last check is shown with it (a plain line is said as the bar fills)
        bar.update(bar_position(phase, done, time.monotonic() - start, full=False) - bar.n)
    trained = time.monotonic() - start
    done = run.steps - first_step
    ran_out = trained >= phase.seconds or (phase.max_steps is not None and done >= phase.max_steps)
    if asked_anywhere(stop, dist) and not ran_out:      # a Ctrl-C ended it, not its budget (one at the end is no stop)
        run.stopped_early = True
    if dist.main:       # the last check (what curves.png plots last; the best weights may be these)
        check = evaluate(run, val, dist.device, phase.t0 + trained), run.steps
        bar.set_postfix_str(bar_words(float(np.mean(recent)) if recent else None, check, done, phase.max_steps,
                                      resumed), refresh=False)
    bar.update(bar_position(phase, done, trained, full=ran_out) - bar.n)
    bar.close()
    return trained


LOSS_WINDOW = 10        # the bar's loss: the mean of the last this many segments' (one alone jumps about)


def bar_words(loss: float | None, check: tuple[float, int] | None, done: int, max_steps: int | None,
              resumed: int | None = None) -> str:
    """The training bar's words after its budget: "24 of 60 steps" under a step budget, the latest check "val_esr=
    0.6853 at step 120" (the held-out error first: a narrow terminal drops fields from the end), then the running
    ``loss`` "loss=0.4631".  Before: "val_esr=..., loss=..." set at each check only, so both stood still between
    checks, and the last check was never shown (QA of the fifty-fourth stop).  A resumed phase (``resumed``: the
    steps taken before it) counts on: "step 1224, 24 of 60 more steps"; without a step budget "step 1224, 24 more"."""
    more = " more" if resumed is not None else ""
    parts = [f"{done} of {max_steps}{more} steps"] if max_steps is not None else []
    if resumed is not None:
        parts.insert(0, f"step {resumed + done}" + ("" if max_steps is not None else f", {done} more"))
    if check is not None:
        parts.append(f"val_esr={check[0]:.4f} at step {check[1]}")
    if loss is not None:
        parts.append(f"loss={loss:.4f}")
    return ", ".join(parts)


def bar_position(phase: _Phase, done: int, elapsed: float, full: bool) -> float:
    """Where the bar of ``phase`` stands after ``done`` steps and ``elapsed`` seconds: seconds of its budget, or
    under a step budget its steps, by whichever of steps and time is further along; short of its end unless
    ``full`` (the last check is shown as it fills)."""
    if phase.max_steps is None:
        total = round(phase.seconds)
        return total if full else max(0, min(total - 1, round(elapsed)))
    total = phase.max_steps or 1
    along = max(done / total, elapsed / phase.seconds if phase.seconds > 0 else 0.0)
    return float(total) if full else min(along, BAR_SHORT) * total


BAR_SHORT = 0.999       # the most of a step budget's bar filled before the phase's last check


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


@locks_out
def train_effect(data: str | Path | None = None, out: str | Path = "effect.hatpack", *,
                 input: str | Path | None = None, target: str | Path | None = None,
                 name: str | None = None, report: str | Path | None = None,
                 allow_clipping: bool = False, progress: bool = True, takes_normalised: bool = False,
                 keep_dry_channel: bool = False, resume: bool = False, **config: Any) -> TrainResult:
    """Train an effect from ``data`` (folder with pairs.csv) or ``input``/``target``; write ``out``.

    ``config`` sets :class:`TrainConfig` fields (minutes, arch, seed, device, batch, chunk,
    lr, stft_weight, val_fraction, max_steps, threads, model={arch overrides}).
    Returns a :class:`TrainResult`; ``metrics`` holds ``val_esr`` (mean over pairs, measured on
    the held-out tails through the exported pack), ``val_esr_per_setting``, ``val_esr_per_pair``,
    ``latency`` (samples found per pair), ``train_seconds`` (the training steps', as the budget counts them),
    ``load_check_seconds`` (the rest: loading, checking, scoring), ``steps`` (optimiser steps, trials included),
    ``params``, ``arch``,
    ``others_cores`` (CPU cores other programs took on average while it trained; None if unknown),
    ``val_esr_hum`` (where the takes carry mains hum their DI lacks: {"share": the error the hum accounts for,
    "without": the error left}, trainer.effect.take_checks.hum_error).
    ``takes_normalised``, ``keep_dry_channel``: train takes that look normalised one by one, and outputs carrying the
    DI on a channel, which are refused otherwise (trainer.effect.take_checks.before_training).
    ``resume``: go on from the training state beside ``out`` (trainer/effect/resume.py) for ``minutes`` and
    ``max_steps`` more; ``data`` (or ``input``/``target``) None: the recordings it was trained on.  Every training
    leaves its state beside ``out`` (``out`` + ".resume"), written after the pack.
    """
    from export.onnx_effect import export_effect
    from trainer.effect.evaluate import evaluate_data, quality_warnings
    began = time.monotonic()        # loading and checking: all but the training steps (``load_check_seconds``)
    state = None
    if resume:
        state, (data, input, target), config = _resume_setup(out, data, input, target, config)
        name = name or state.meta["name"]
    else:                        # arch and seed not given (None): their defaults
        config = {k: v for k, v in config.items() if not (k in ("arch", "seed") and v is None)}
    cfg = make_config(**config)
    if data is not None:         # a folder on its way that may not be entered: said in words, not an internal error
        datamod.check_data_path(data)
    name = name or _default_name(data, input, out)
    check_pack_name(name)
    csv_file = None if data is None else (Path(data) / "pairs.csv" if Path(data).is_dir() else Path(data))
    check_out(out, keep=((input, "the --input recording"), (target, "the --target recording"),
                         (csv_file, "the set's pairs.csv")))
    if report:
        check_report(report, out, data)
    if state is not None:        # pairs.csv and every recording as they were, before any audio is read
        resume_mod.check_data(state, data, input, target)
    eff = load_data(data, input, target, allow_clipping)
    data_fp = resume_mod.fingerprint(eff, data, input, target)       # for the state written beside the pack
    if state is not None:
        resume_mod.check_loaded(state, eff, cfg)
    from trainer.effect.report_denoise import plan_levels
    checked = plan_levels(eff)          # a denoiser's set trains at every mic level (segments.level_gains)
    eff.warnings.extend(take_checks.before_training(eff, takes_normalised, keep_dry_channel))
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
    spent = Spent()                 # the training steps' seconds, as the budget counts them
    with StopRequest(sigterm=True) as stop:       # a first Ctrl-C or SIGTERM: stop, keep the best weights so far
        run = fit(eff, cfg, progress, stop, spent, state)
        stop.training_over()           # a first Ctrl-C from here on: the pack is still written
        seconds = spent.seconds
        if not run.main:
            return TrainResult(Path(out), {}, None, run.history)
        earlier = 0.0 if state is None else state.seconds       # a resume's figures count on from its first run's
        metrics = {"arch": run.arch, "params": count_params(run.model), "steps": run.steps + run.other_steps,
                   "train_seconds": round(earlier + seconds, 1), "val_esr_torch": run.best_esr,
                   "latency": eff.latencies, "sample_rate": eff.rate, "single_pair": data is None,
                   "others_cores": None if run.others_cores is None else round(run.others_cores, 2)}
        if run.trials:
            metrics["arch_trials"] = {a: round(v, 6) for a, v in run.trials.items()}
        if run.trial_skipped:
            metrics["arch_trial_skipped"] = run.trial_skipped
        metrics["training_id"] = training_id = resume_mod.new_training_id()    # the state file beside it: the same
        if state is not None:
            metrics["resumed"] = resumed_figures(run, state, seconds)
        now_steps = metrics["steps"] - (0 if state is None else metrics["resumed"]["from_step"])   # this run's
        if run.stopped_early:
            metrics["stopped_early"] = stopped_words(seconds, cfg.minutes * 60.0, now_steps, by=stop.by)
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
            hummed = take_checks.hum_error(eff.pairs, eff.rate, {p.name: held_out(p.output, cfg.val_fraction)
                                                                 for p in eff.pairs}, scores["per_pair"])
            if hummed is not None:
                metrics["val_esr_hum"] = {k: round(v, 6) for k, v in hummed.items()}
            # the time around the training: loading, preparing, the last checks, scoring the pack (68 s were said
            # for a 60 s budget, the training's and this together: QA of the fifty-fourth stop)
            metrics["load_check_seconds"] = round(time.monotonic() - began - seconds, 1)
            from hatbox.advice import run_limit      # what ended the run: the warning names it (p41)
            warnings = (list(eff.warnings) + result_warnings(metrics)
                        + quality_warnings(metrics, eff, run_limit({**metrics, "steps": now_steps}, cfg.max_steps,
                                                                   cfg.minutes),
                                           report=bool(report))
                        + knob_warnings(trial))
            from trainer.effect.report_denoise import denoise_metrics, denoise_notes, pack_summary
            denoise = denoise_metrics(metrics, eff, cfg.val_fraction, checked)   # SNR beside noisereduce: a denoiser's
            if denoise["denoise"]:          # the pack carries its medians: pack inspect, the summary's words
                metrics["denoise_snr"] = pack_summary(denoise["denoise"], eff.level_range_db)
            told = {**metrics, **denoise, "warnings": warnings, "resumes": run.resumes}      # the report's figures
            rep = (_write_report(stage, run, eff, trial, told, cfg,
                                 made_words(out, data if data is not None else target)) if stage else None)
            pack = export_effect(run.model, out, name=name, rate=eff.rate, knobs=eff.knobs, golden_audio=gx,
                                 golden_knobs=gk, metrics=metrics, description=description)
            notes = list(eff.notes) + denoise_notes(denoise)
            kind, line = _save_state(out, run, cfg, eff, data_fp, name, earlier + seconds, training_id)
            (warnings if kind == "warning" else notes).append(line)
        if rep is not None:                          # where it lies now that the report has moved in
            rep = Path(report) / rep.name
        return TrainResult(Path(pack), metrics, rep, run.history, notes, warnings, said=said)


def _resume_setup(out: str | Path, data: Any, input: Any, target: Any,
                  config: dict[str, Any]) -> tuple[State, tuple[Any, Any, Any], dict[str, Any]]:
    """A resume's saved state (refused in words: trainer/effect/resume.py), the recordings (those given, else the
    ones it was trained on) and its settings (the saved ones, with those given that may change)."""
    state = resume_mod.load(out)
    resume_mod.check_pack(state, out)
    config = resume_mod.merged_config(state, config)
    given = data is not None or input is not None or target is not None
    return state, ((data, input, target) if given else resume_mod.saved_data(state)), config


def resumed_figures(run: Run, state: State, seconds: float) -> dict[str, Any]:
    """metrics' ``resumed``: the step and training seconds it went on from, and the steps and seconds it added (the
    report's metrics also have ``resumes``: [step, seconds] where each resume of this training began)."""
    return {"from_step": state.all_steps, "from_seconds": round(state.seconds, 1),
            "steps": run.steps + run.other_steps - state.all_steps, "seconds": round(seconds, 1)}


def _save_state(out: str | Path, run: Run, cfg: TrainConfig, eff: EffectData, data_fp: dict[str, Any], name: str,
                seconds: float, training_id: str) -> tuple[str, str]:
    """Write the training state beside the pack just written -> ("note", where it is and how to go on), or
    ("warning", why it could not be written: the pack is written all the same)."""
    try:
        path = resume_mod.save(out, run, cfg, eff, data_fp, name=name, seconds=seconds, training_id=training_id)
    except OSError as exc:
        return "warning", (f"the training state could not be written beside the pack ({exc}): --resume cannot go "
                           "on from this training")
    return "note", (f"to train on from here, run the same command with --resume (--minutes M or --max-steps N: that "
                    f"much more): the training's state is kept beside the pack, in {path.name}")


def _default_name(data: str | Path | None, input: str | Path | None, out: str | Path | None = None) -> str:
    """The pack name when --name is not given: the data folder's name, cleaned; for one pair (``--input``), the
    pack file's (``amp.hatpack`` -> amp: the DI file's name, ``di``, says nothing of the gear), else the input's."""
    if data is not None:          # the folder's name, also when the pairs.csv itself is given; "." and ".." name
        folder = Path(os.path.abspath(data))     # the folder they stand for (p52 QA2: "." named every pack "effect")
        return default_pack_name((folder.parent if folder.is_file() else folder).name, "effect")
    return default_pack_name(Path(str(out)).stem if out else Path(str(input)).stem, "effect")


def _write_report(report: str | Path, run: Run, eff: EffectData, pack: Path,
                  metrics: dict[str, Any], cfg: TrainConfig, made: dict[str, str] | None = None) -> Path:
    from trainer.effect.report import write_report
    return write_report(report, history=run.history, data=eff, pack=pack, metrics=metrics,
                        config=asdict(cfg), made=made)
