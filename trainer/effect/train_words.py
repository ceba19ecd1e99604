"""What the effect trainer says around a training (split from trainer/effect/train.py): its plan before the progress
bar, the warnings about the data said before training (short recordings, a sample rate the box does not run), the
notes on held-out stretches moved, and the warnings about a finished capture (worse than silence, a pack the box's
validation refuses at some knob setting).  Torch-free."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from trainer.effect.config import AUTO_ARCH, AUTO_CANDIDATES, TrainConfig
from trainer.effect.data import EffectData
from trainer.effect.gear_gain import gear_gain
from trainer.effect.split import held_out, moved_notes


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
