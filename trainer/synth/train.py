"""Training the neural synth: notes -> tensors -> Adam on the multi-resolution STFT loss, on a time budget.

CPU by default; CUDA when present; under torchrun each process trains on its own shard of
batches and gradients are averaged by DistributedDataParallel (trainer.accel).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import torch

from hatbox.errors import DataError
from hatbox.progress import progress_bar, progress_line
from trainer import accel
from trainer.cpuwatch import CpuWatch
from trainer.early_stop import NoStop, StopRequest, stopped_words
from trainer.synth.data import Note, print_warning, split_heldout
from trainer.synth.heldout import held_pitch, held_pitch_words
from trainer.synth.envelope_fit import EnvelopeFit, cut_by_crop, envelope_words, fit_envelope
from trainer.synth.features import loudness_db
from trainer.synth.loss import multires_stft
from trainer.synth.model import NeuralSynth, SynthConfig, phasors_torch


@dataclass
class NoteSet:
    """Notes as tensors: audio [N, L], loud [N, L/hop + 1] dB, pitch [N], inst [N], velocity [N]; ``paths``: each
    note's file (empty when not known)."""

    audio: torch.Tensor
    loud: torch.Tensor
    pitch: torch.Tensor
    inst: torch.Tensor
    velocity: torch.Tensor
    paths: tuple[str, ...] = ()

    def __len__(self) -> int:
        return int(self.audio.shape[0])

    def subset(self, idx: torch.Tensor) -> "NoteSet":
        paths = tuple(self.paths[int(i)] for i in idx.tolist()) if self.paths else ()
        return NoteSet(self.audio[idx], self.loud[idx], self.pitch[idx], self.inst[idx], self.velocity[idx], paths)


@dataclass
class TrainResult:
    model: NeuralSynth
    names: list[str]
    velocity_map: dict[str, float]
    history: list[dict] = field(default_factory=list)
    seconds: float = 0.0
    steps: int = 0
    others_cores: float | None = None       # CPU cores other programs took meanwhile (trainer/cpuwatch.py)
    eval_set: str = "heldout"               # what progress and the report score: HELDOUT or TRAIN_SET notes
    stopped_early: str | None = None        # a first Ctrl-C ended training before its budget (trainer.early_stop)
    no_holdout: bool = False                # --no-holdout: every note trained on, none held out to score it
    ranges: dict[str, list[int]] = field(default_factory=dict)    # instrument -> [lowest, highest] trained MIDI note
    envelope: EnvelopeFit | None = None     # the envelope fitted from the training notes (trainer.synth.envelope_fit)
    device: str | None = None              # where it trained, in words (trainer.accel.device_words); None: not known
    no_holdout_why: str | None = None       # why no note was held out (:func:`no_holdout_why`); None: some were
    level_fit: dict | None = None           # the pack's playing level (trainer.synth.level.fit_pack); None: not set
    held_share: dict[str, list[int]] = field(default_factory=dict)   # instrument -> [notes held out, its notes]


def print_line(text: str) -> None:
    """The default ``say`` of :func:`train`: a line on stdout, at once."""
    print(text, flush=True)


HELDOUT = "heldout"         # evaluation on held-out notes (pitches never trained on)
TRAIN_SET = "train_set"     # no held-out notes: evaluation on training notes, labelled as such


def to_noteset(notes: list[Note], names: list[str], hop: int) -> NoteSet:
    n = max(len(x.audio) for x in notes) // hop * hop
    audio = np.stack([x.audio[:n] for x in notes])
    return NoteSet(torch.from_numpy(audio), torch.from_numpy(np.stack([loudness_db(a, hop) for a in audio])),
                   torch.tensor([x.pitch for x in notes], dtype=torch.float32),
                   torch.tensor([names.index(x.instrument) for x in notes]),
                   torch.tensor([float(x.velocity) for x in notes]), tuple(x.path for x in notes))


DEFAULT_DB_PER_VELOCITY = 0.25     # dB a velocity step when the notes cannot tell (one velocity, or take numbers)
MAX_DB_PER_VELOCITY = 0.6      # dB a velocity step may change a note's level: 76 dB over 1..127 (a piano: about 40)


def fit_velocity_map(ds: NoteSet, warn: Callable[[str], None] = print_warning) -> dict[str, float]:
    """A note's sustained level (90th-percentile frame loudness, dB) as a line in velocity (1..127): the slope
    fitted within each instrument (:func:`within_slope`: an instrument recorded at one velocity, or at its own
    level, says nothing of how a note grows with velocity), through the notes' mean level at their mean velocity.
    No instrument with two velocities: the default slope, said with a ``warn``.  A slope over
    :data:`MAX_DB_PER_VELOCITY` is no velocity a player gives: the names' numbers are left out (the map of notes of
    one velocity) with a ``warn`` (the synth QA of the fortieth stop: takes named ``60_1``, ``60_2``, read as
    velocities 1 and 2 15 dB apart, gave a level of +1882 dB at velocity 127, a pack the box refuses).  Before the
    sixtieth stop one line was fitted over every instrument's notes: strings at mp and f 9.4 dB apart (0.295 dB a
    step) beside three instruments at velocity 100 at their own levels got 0.173 dB a step."""
    level = torch.quantile(ds.loud, 0.9, dim=1).numpy().astype(np.float64)
    v = ds.velocity.numpy().astype(np.float64)
    flat = {"db_at_127": float(np.mean(level)), "db_per_velocity": DEFAULT_DB_PER_VELOCITY}
    slope = within_slope(v, level, ds.inst.numpy())
    if slope is None:           # said (the synth QA of the forty-second stop: "C4 soft.wav", "C4 ff.wav" all read
        warn(one_velocity_words(int(v[0])) if np.ptp(v) == 0 else     # as velocity 100, and the default map went
             each_one_velocity_words())                                # by without a word)
        return flat
    if slope > MAX_DB_PER_VELOCITY:
        warn(f"the notes' levels change by {slope:.1f} dB per velocity step (velocities {int(v.min())}-{int(v.max())}"
             f" from the file names), more than an instrument played harder does (at most {MAX_DB_PER_VELOCITY:g}): "
             f"those numbers are not used as velocities; if they are take numbers, that is right (name the files "
             f"NAME_PITCH_VELOCITY.wav, velocities 1-127, for the synth to learn how a note grows with velocity)")
        return flat
    slope = max(slope, 0.0)
    return {"db_at_127": float(np.mean(level) + slope * (127 - np.mean(v))), "db_per_velocity": slope}


def within_slope(velocity: np.ndarray, level: np.ndarray, group: np.ndarray) -> float | None:
    """The pooled within-group slope of ``level`` [N] (dB) on ``velocity`` [N]: each ``group`` [N]'s (instrument's)
    notes taken about its own means, so an instrument's own level, or its one velocity, does not weigh in; None
    when no group holds two velocities."""
    dv, dl = velocity.copy(), level.copy()
    for g in np.unique(group):
        own = group == g
        dv[own] -= velocity[own].mean()
        dl[own] -= level[own].mean()
    spread = float(np.sum(dv * dv))
    return float(np.sum(dv * dl)) / spread if spread > 1e-9 else None


def one_velocity_words(velocity: int) -> str:
    """The warning for notes that all have one velocity: the synth's velocity response is then a default."""
    assumed = " (what a file name with no velocity in it is read as)" if velocity == 100 else ""
    return (f"every note has the same velocity, {velocity}{assumed}: how loud the synth plays at each velocity is "
            f"a default ({DEFAULT_DB_PER_VELOCITY:g} dB a velocity step), not your instrument's; to teach it yours, "
            "record notes at a few velocities and put each one's velocity in its file name: NAME_PITCH_VELOCITY.wav "
            "(e.g. piano_060_040.wav, piano_060_100.wav; 1-127) or a dynamic mark (C4 pp.wav, C4 mf.wav, C4 ff.wav)")


def each_one_velocity_words() -> str:
    """The warning for notes whose instruments each have one velocity (not all the same): how loud a note grows
    with velocity is then a default, as for :func:`one_velocity_words` (two instruments at their own velocities
    say nothing of it: their levels differ as instruments do)."""
    return (f"each instrument's notes have one velocity (instruments differ, but an instrument at its own level says "
            f"nothing of how a note grows with velocity): how loud the synth plays at each velocity is a default "
            f"({DEFAULT_DB_PER_VELOCITY:g} dB a velocity step), not your instruments'; to teach it yours, record an "
            "instrument's notes at a few velocities and put each one's velocity in its file name: "
            "NAME_PITCH_VELOCITY.wav (e.g. piano_060_040.wav, piano_060_100.wav; 1-127) or a dynamic mark (C4 pp.wav, "
            "C4 ff.wav)")


def _window(ds: NoteSet, rng: np.random.Generator, hop: int, win: int) -> int:
    last = (ds.audio.shape[1] - win) // hop
    return 0 if rng.random() < 0.3 or last <= 0 else int(rng.integers(0, last + 1)) * hop


def train_step(model: torch.nn.Module, opt: torch.optim.Optimizer, batch: NoteSet, start: int, win: int,
               rng: np.random.Generator) -> float:
    cfg: SynthConfig = (model.module if hasattr(model, "module") else model).cfg
    ph = phasors_torch(rng, len(batch), batch.loud.shape[1], cfg.hop).to(batch.loud.device)
    pred = model(batch.pitch, batch.loud, batch.inst, start, win, ph)
    loss = multires_stft(pred, batch.audio[:, start:start + win])
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 2.0)
    opt.step()
    return float(loss.detach())


@torch.no_grad()
def render_notes(model: NeuralSynth, ds: NoteSet, seed: int = 0) -> torch.Tensor:
    """Whole notes [N, L] (on the CPU) resynthesised from their pitch, loudness curve and instrument."""
    dev = next(model.parameters()).device
    ds = _to(ds, dev)
    ph = phasors_torch(np.random.default_rng(seed), len(ds), ds.loud.shape[1], model.cfg.hop).to(dev)
    return model(ds.pitch, ds.loud, ds.inst, 0, ds.audio.shape[1], ph).cpu()


@torch.no_grad()
def heldout_loss(model: NeuralSynth, ds: NoteSet) -> float:
    return float(multires_stft(render_notes(model, ds), ds.audio.cpu()))


def train(notes: list[Note], minutes: float, cfg: SynthConfig | None = None, batch: int = 8,
          win_s: float = 1.0, lr: float = 3e-3, threads: int = 1, seed: int = 0,
          device: str | None = None, log_every_s: float | None = None,
          stop: StopRequest | NoStop = NoStop(), hold_out: bool = True,
          warn: Callable[[str], None] = print_warning,
          say: Callable[[str], None] = print_line) -> tuple[TrainResult, NoteSet, NoteSet]:
    """Train on ``notes`` for ``minutes`` of wall time; returns (result, train set, evaluation set).
    ``stop.asked`` (a first Ctrl-C: trainer.early_stop) ends training after the current step, at least one step
    in; ``result.stopped_early`` then says when.  ``hold_out`` False trains on every note (once the held-out score
    has been seen): the figures are then training-set ones, labelled so.

    The evaluation set is the held-out notes; when there are none (``result.eval_set == TRAIN_SET``) it
    is a spread of up to 12 training notes, and everything scored on it is labelled a training-set figure.
    ``say`` gets the plan, the fitted envelope and notes in words (printed; a report keeps them), ``warn`` the
    warnings (without their "warning: ")."""
    if not (isinstance(minutes, (int, float)) and math.isfinite(minutes) and minutes > 0):
        raise DataError(f"the training budget must be a number of minutes above 0, got {minutes!r}")
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise DataError(f"threads must be a whole number of at least 1, got {threads!r}")
    if not notes:
        raise DataError("no notes to train on")
    names = sorted({n.instrument for n in notes})
    cfg = SynthConfig(**{**(cfg or SynthConfig()).to_dict(), "n_instruments": len(names)})
    tr_notes, ho_notes = split_heldout(notes, note=lambda text: say(f"note: {text}")) if hold_out \
        else (list(notes), [])
    kept_back = bool(ho_notes) and len(tr_notes) < 2       # holding out would leave too few: train on every note
    if kept_back:
        tr_notes, ho_notes = list(notes), []
    if len(tr_notes) < 2:
        raise DataError(f"too few notes to train on: {len(tr_notes)} (need at least 2)",
                        hint="record more notes: a synth learns an instrument from several pitches")
    torch.set_num_threads(threads)
    dist = accel.setup(device)
    accel.seed_everything(seed + dist.rank)
    tr = to_noteset(tr_notes, names, cfg.hop)
    untrained = sorted(set(names) - {n.instrument for n in tr_notes})
    if untrained:               # split_heldout keeps a note of every instrument: this cannot happen
        raise DataError(f"instrument(s) {', '.join(untrained)} would not be trained")
    ho = to_noteset(ho_notes, names, cfg.hop) if ho_notes else _probe(tr)
    model = NeuralSynth(cfg).to(dist.device)
    wrapped = accel.wrap(model, dist)
    opt = torch.optim.Adam(model.parameters(), lr=lr)
    velocity_map = fit_velocity_map(tr, warn=warn if dist.main else lambda _said: None)
    envelope = fit_envelope(tr.loud.numpy(), tr.inst.numpy(), names, cfg.hop / cfg.rate)
    crop_cuts(envelope, tr_notes, cfg.rate)
    result = TrainResult(model, names, velocity_map, eval_set=HELDOUT if ho_notes else TRAIN_SET,
                         no_holdout=not hold_out, ranges=pitch_ranges(tr_notes), envelope=envelope,
                         device=accel.device_words(dist),
                         no_holdout_why=None if ho_notes else no_holdout_why(notes, hold_out, kept_back),
                         held_share=held_counts(notes, ho_notes))
    if dist.main:
        say(plan_words(tr_notes, ho_notes, minutes, device=result.device))
        idle = accel.idle_gpu_words(dist.device)
        if idle:
            say(f"note: {idle}")
        say(f"envelope {envelope_words(envelope)}")
    if result.no_holdout_why and dist.main:
        say(f"note: no held-out notes ({result.no_holdout_why}): progress and the report score "
            f"{len(ho)} training notes ({TRAIN_SET}_* figures), not unseen ones")
    win = min(int(win_s * cfg.rate) // cfg.hop * cfg.hop, tr.audio.shape[1])
    if log_every_s is None:         # a dozen points on the report's curve, at most one every 2 minutes
        log_every_s = max(10.0, min(120.0, minutes * 60.0 / 12))
    _loop(wrapped, opt, tr, ho, result, minutes * 60.0, batch, win,
          lr, np.random.default_rng(seed + dist.rank), dist, log_every_s, stop)
    accel.teardown(dist)
    return result, tr, ho


def held_counts(notes: list[Note], held: list[Note]) -> dict[str, list[int]]:
    """{instrument: [its notes among ``held``, its notes]} of ``notes``; {} when none is held out."""
    if not held:
        return {}
    out: dict[str, list[int]] = {}
    ids = {id(n) for n in held}
    for n in notes:
        row = out.setdefault(n.instrument, [0, 0])
        row[0] += id(n) in ids
        row[1] += 1
    return dict(sorted(out.items()))


def crop_cuts(envelope: EnvelopeFit, notes: list[Note], rate: int) -> None:
    """Say in ``envelope`` which instruments' ``notes`` (at ``rate`` Hz, cropped to --seconds) mostly still sounded
    where the crop cut them (trainer.synth.envelope_fit.cut_by_crop): their release words then blame the crop."""
    if not notes:
        return
    envelope.crop_s = round(len(notes[0].audio) / rate, 3)
    past: dict[str, list[float]] = {}
    for n in notes:
        past.setdefault(n.instrument, []).append(float(n.past_s))
    envelope.cut = cut_by_crop(past, envelope.crop_s)


def no_holdout_why(notes: list[Note], hold_out: bool, kept_back: bool) -> str:
    """Why :func:`train` held no note of ``notes`` out, in words: --no-holdout (``hold_out`` False); holding them out
    would have left fewer than 2 to train on (``kept_back``); no note on a held-out pitch; or each note on one is its
    instrument's only note, which split_heldout keeps in training (QA of the fifty-fourth stop: flute A3 and nylon
    G3 were told "none of your notes is one")."""
    if not hold_out:
        return "--no-holdout: every note is trained"
    if kept_back:
        return f"holding out your {held_pitch_words(last='and')} notes would leave fewer than 2 to train on, " \
               "so every note is trained"
    on = [n for n in notes if held_pitch(n.pitch)]
    if not on:
        return f"none of your notes is a {held_pitch_words()}, the pitches held out to score the synth"
    from device.notes import note_name
    shown = ", ".join(f"{n.instrument}'s {note_name(n.pitch)}" for n in on[:5]) + \
        (f" and {len(on) - 5} more" if len(on) > 5 else "")
    if len(on) == 1:
        return f"your only {held_pitch_words()}, {shown}, is its instrument's only note, and an instrument's only " \
               "note stays in training"
    return f"each of your {held_pitch_words(last='and')} notes ({shown}) is its instrument's only note, and an " \
           "instrument's only note stays in training"


def pitch_ranges(notes: list[Note]) -> dict[str, list[int]]:
    """{instrument: [lowest, highest] MIDI note trained}: kept in the pack (extras ``pitch_ranges``) so that `play`
    can say when a MIDI file reaches far past what an instrument learned."""
    ranges: dict[str, list[int]] = {}
    for n in notes:
        p = int(round(n.pitch))
        lo, hi = ranges.get(n.instrument, [p, p])
        ranges[n.instrument] = [min(lo, p), max(hi, p)]
    return dict(sorted(ranges.items()))


def plan_words(trained: list[Note], held: list[Note], minutes: float, device: str | None = None) -> str:
    """What a training is about to do, said before its progress bar (it went straight to the bar: twenty-seventh
    stop's QA): each instrument with its trained notes and their range, the notes held out to score it, the budget,
    and the ``device`` it trains on (trainer.accel.device_words; None: not said).
    "training 2 instruments for 15 min on cpu: bright 5 notes (G3-D4), soft 5 notes (G3-D4); held out to score it: 4
    notes (A3, C#4, F4, A4)"."""
    from device.notes import note_name
    by: dict[str, list[float]] = {}
    for n in trained:
        by.setdefault(n.instrument, []).append(n.pitch)
    insts = ", ".join(f"{name} {len(p)} note{'s' if len(p) != 1 else ''} ({note_name(min(p))}"
                      + (f"-{note_name(max(p))})" if round(max(p)) != round(min(p)) else ")")
                      for name, p in sorted(by.items()))
    budget = f"{minutes:g} min" if minutes >= 1 else f"{minutes * 60:.0f} s"
    held_names = list(dict.fromkeys(note_name(p) for p in sorted(n.pitch for n in held)))   # by pitch, once each
    shown = ", ".join(held_names[:8]) + (f" and {len(held_names) - 8} more" if len(held_names) > 8 else "")
    said = f"held out to score it: {len(held)} note{'s' if len(held) != 1 else ''} ({shown})" if held else \
        "no note held out"
    on = f" on {device}" if device else ""
    return f"training {len(by)} instrument{'s' if len(by) != 1 else ''} for {budget}{on}: {insts}; {said}"


def _loop(model, opt, tr: NoteSet, ho: NoteSet, result: TrainResult, budget_s: float, batch: int, win: int,
          lr: float, rng: np.random.Generator, dist: accel.Dist, log_every_s: float,
          stop: StopRequest | NoStop = NoStop()) -> None:
    t0 = last_log = time.monotonic()
    watch = CpuWatch()
    # a bar over the budget's seconds, no rate (tqdm's default would read "1.00s/s")
    total_s = int(budget_s)
    bar = progress_bar(total=total_s, disable=not dist.main, desc="train synth", kind="seconds", mininterval=10)
    smooth = None
    # at least one step, whatever the budget: a pack is never written untrained
    while not _agree_stop(((elapsed := time.monotonic() - t0) >= budget_s or stop.asked) and result.steps > 0,
                          dist):
        for g in opt.param_groups:   # cosine decay over the wall-clock budget
            g["lr"] = lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * elapsed / budget_s)))
        idx = torch.from_numpy(rng.integers(0, len(tr), batch))
        loss = train_step(model, opt, _to(tr.subset(idx), dist.device),
                          _window(tr, rng, result.model.cfg.hop, win), win, rng)
        result.steps += 1
        smooth = loss if smooth is None else 0.95 * smooth + 0.05 * loss
        bar.update(min(total_s, int(time.monotonic() - t0)) - bar.n)     # past the budget: the last step
        bar.set_postfix(loss=f"{smooth:.3f}", step=result.steps)
        if dist.main and time.monotonic() - last_log > log_every_s:
            last_log = time.monotonic()
            result.history.append({"t": round(last_log - t0, 1), "step": result.steps, "train": smooth,
                                   result.eval_set: heldout_loss(result.model, _probe(ho))})
            # progress, on stderr with the bar (stdout is the summary's: p44 terminal QA)
            progress_line(f"t={result.history[-1]['t']}s step={result.steps} train={smooth:.3f} "
                          f"{result.eval_set}={result.history[-1][result.eval_set]:.3f}")
    bar.close()
    result.seconds = time.monotonic() - t0
    if stop.asked and result.seconds < budget_s:
        result.stopped_early = stopped_words(result.seconds, budget_s, result.steps, by=stop.by)
    result.others_cores = watch.others_cores()
    result.history.append({"t": round(result.seconds, 1), "step": result.steps, "train": smooth,
                           result.eval_set: heldout_loss(result.model, _probe(ho))})


def _probe(ho: NoteSet, n: int = 12) -> NoteSet:
    """A fixed, spread-out subset of up to ``n`` notes of ``ho`` for cheap progress checks."""
    return ho.subset(torch.linspace(0, len(ho) - 1, min(n, len(ho))).long())


def save_checkpoint(result: TrainResult, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    torch.save({"cfg": result.model.cfg.to_dict(), "state": result.model.state_dict(), "names": result.names,
                "velocity_map": result.velocity_map, "history": result.history, "seconds": result.seconds,
                "steps": result.steps, "eval_set": result.eval_set,
                "envelope": None if result.envelope is None else result.envelope.envelope,
                "envelope_fit": None if result.envelope is None else result.envelope.to_dict()}, path)
    return path


def load_checkpoint(path: str | Path) -> TrainResult:
    ck = torch.load(path, map_location="cpu", weights_only=False)
    model = NeuralSynth(SynthConfig(**ck["cfg"]))
    model.load_state_dict(ck["state"])
    fit = ck.get("envelope_fit") or {}
    envelope = EnvelopeFit(ck["envelope"], int(fit.get("notes", 0)), fit.get("release_from") in ("notes", "some"),
                           fit.get("instruments", {}), list(fit.get("release_measured_in", [])),
                           {k: list(v) for k, v in (fit.get("release_tails") or {}).items()},
                           dict(fit.get("cut_by_crop") or {}), float(fit.get("crop_s") or 0.0)) \
        if ck.get("envelope") else None                 # release_tails: "too few tails" said after a resume too
    return TrainResult(model.eval(), ck["names"], ck["velocity_map"], ck["history"], ck["seconds"], ck["steps"],
                       eval_set=ck.get("eval_set", HELDOUT), envelope=envelope)


def _to(ds: NoteSet, device: torch.device) -> NoteSet:
    return NoteSet(*(t.to(device) for t in (ds.audio, ds.loud, ds.pitch, ds.inst, ds.velocity)), ds.paths)


def _agree_stop(stop: bool, dist: accel.Dist) -> bool:
    """Every process stops at the same step (any one out of time stops all; DDP needs equal step counts)."""
    if dist.world <= 1:
        return stop
    flag = torch.tensor([1.0 if stop else 0.0], device=dist.device)
    torch.distributed.all_reduce(flag, op=torch.distributed.ReduceOp.MAX)
    return bool(flag.item() > 0)
