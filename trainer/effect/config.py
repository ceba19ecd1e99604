"""What an effect training run may be asked for, checked before any work: the settings (:class:`TrainConfig`,
:func:`make_config`: ranges, model sizes, the streaming state a pack can carry) and the output paths.

trainer/effect/train.py re-exports these names; the loop itself lives there.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from export.atomic import unwritable
from export.pack import RATIO_FROM
from hatbox.errors import HatboxError
from trainer.effect import data as datamod
from trainer.effect.models import DEFAULT_ARCH, build

AUTO_ARCH = "auto"
AUTO_CANDIDATES = ("gru", "tcn")   # the first is the default; the others are challengers (trainer/effect/train.py)


@dataclass
class TrainConfig:
    """Knobs of the training run (defaults tuned for a 2-core CPU and ~5 minutes)."""

    arch: str = DEFAULT_ARCH      # an architecture name, or "auto" (see fit)
    minutes: float = 5.0
    seed: int = 0
    device: str | None = None
    warmup: int = 2048            # samples of state warm-up (no gradient) per segment
    chunk: int = 512              # samples per TBPTT chunk (one optimiser step each)
    chunks: int = 4               # trained chunks per segment
    batch: int = 16
    lr: float = 5e-3
    stft_weight: float = 0.0       # ESR-only measured best for held-out ESR; try 0.1 for perceptual balance
    val_fraction: float = 0.15
    val_seconds: float = 1.0      # per pair, for model selection during training
    eval_every_s: float = 20.0
    max_steps: int | None = None
    threads: int | None = 1       # torch intra-op threads (None: torch's default)
    scale_data: bool = True       # normalise the network's input/output scale from the data
    per_recording: bool = True    # ESR normalised per recording (each knob setting weighs the same)
    model: dict[str, Any] = field(default_factory=dict)


# --------------------------------------------------------------------------- options, checked before any work
OPTIONS = ("arch", "minutes", "seed", "device", "max_steps")   # the CLI's own options (--arch, ...)
SETTINGS = tuple(f for f in TrainConfig.__dataclass_fields__ if f not in OPTIONS and f != "model")
# Whole-number settings and their ranges.  The upper bounds catch typos (``--set batch=16000``) that would
# allocate gigabytes or train for days; each is far above what a capture needs (docs/effect.md, "Settings").
_INTS = {"warmup": (0, 96000),         # samples of warm-up per segment (2 s at 48 kHz)
         "chunk": (1, 16384),          # samples per TBPTT chunk
         "chunks": (1, 64),            # chunks (optimiser steps) per segment
         "batch": (1, 512),            # segments per batch
         "threads": (1, 1024)}         # torch intra-op threads (null: torch's default)
_POSITIVE = ("lr", "val_seconds")                                         # numbers above 0
_NON_NEGATIVE = ("stft_weight", "eval_every_s")                           # numbers from 0 up
_FLAGS = ("scale_data", "per_recording")
_MODEL_RANGE = {"hidden": (1, 512),      # recurrent state size (gru, lstm, tcn_gru)
                "film_hidden": (1, 256),  # knob embedding size
                "channels": (1, 96),      # TCN channels (97 with the other tcn defaults exceeds MAX_STATE_BYTES)
                "layers": (1, 64),        # TCN layers
                "cycle": (1, 16),         # TCN dilations 1, 2, .. 2 ** (cycle - 1), then again
                "kernel": (2, 16)}        # TCN kernel size
# The range of a size setting that an architecture takes and _MODEL_RANGE does not name (a new architecture's
# own, e.g. model.taps): small, as a typo must not allocate gigabytes; the state limit below still applies.  Give
# a new setting its own range above (tests/effect/test_p44_new_arch.py names any left to this one).
DEFAULT_MODEL_RANGE = (1, 64)
# The most bytes of float32 streaming state one stream may have (768 KiB, 196608 values; the default tcn has
# 24552).  Sizes that are each within range still multiply (a tcn's state is channels x (kernel - 1) x dilation
# per layer: model.cycle=16 model.layers=16 makes 6 MiB).  The pack's golden snapshot holds that state (zeros)
# beside GOLDEN_SAMPLES of audio in and out and of each knob (8 KiB each): three quarters of RATIO_FROM keeps the
# snapshot, with MAX_KNOBS (16) knobs, under the size from which the pack reader holds a member to its
# compression-ratio limit, which an all-zero state (about 1000:1) fails as a possible archive bomb (the pack
# writer refuses such a pack, so without these checks it failed after the whole training).  768 KiB + 18 x 8 KiB
# is 912 KiB, leaving over 100 KiB for the npz's headers; the knob count is checked from pairs.csv before any
# audio is read (trainer/effect/data.py check_knob_count).  It also bounds what the box carries in and out of the
# model every block.  Each size's upper bound alone stays within it.
MAX_STATE_BYTES = RATIO_FROM * 3 // 4
GOLDEN_SAMPLES = 2048             # samples of held-out input in the pack's golden snapshot


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def model_settings(arch: str) -> list[str]:
    """The ``model.*`` settings architecture ``arch`` takes (its constructor's size arguments; for a registry entry
    that is a function, that function's named arguments: never ``*args``/``**kwargs``, which an unknown
    ``model.KEY`` was then said to be the only settings of)."""
    import inspect

    from trainer.effect.models import ARCHS, RNNEffect
    made = RNNEffect if arch in ("gru", "lstm") else ARCHS[arch]
    params = inspect.signature(made.__init__ if isinstance(made, type) else made).parameters.values()
    return [p.name for p in params if p.name not in ("self", "knobs", "cell")
            and p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)]


def model_range(key: str) -> tuple[int, int]:
    """The whole-number range of size setting ``model.KEY``: its own in :data:`_MODEL_RANGE`, else
    :data:`DEFAULT_MODEL_RANGE` (a setting of an architecture added since, which has none there yet)."""
    return _MODEL_RANGE.get(key, DEFAULT_MODEL_RANGE)


def make_config(**config: Any) -> TrainConfig:
    """A checked :class:`TrainConfig`: HatboxError naming the accepted settings for an unknown key or a bad value."""
    from trainer.effect.models import ARCHS
    unknown = [k for k in config if k not in TrainConfig.__dataclass_fields__]
    if unknown:
        raise HatboxError(f"unknown training setting {unknown[0]!r}",
                          hint="settings: " + ", ".join(SETTINGS) + ", model.KEY")
    cfg = TrainConfig(**config)
    archs = (*ARCHS, AUTO_ARCH)
    if cfg.arch not in archs:
        raise HatboxError(f"unknown architecture {cfg.arch!r}", hint="choose from " + ", ".join(archs))
    if not (_number(cfg.minutes) and cfg.minutes > 0):
        raise HatboxError(f"minutes must be a finite number above 0, got {cfg.minutes!r}")
    if cfg.max_steps is not None and not (_whole(cfg.max_steps) and cfg.max_steps >= 1):
        raise HatboxError(f"max steps must be a whole number of at least 1, got {cfg.max_steps!r}")
    if not (_whole(cfg.seed) and 0 <= cfg.seed < 2 ** 63):
        raise HatboxError(f"seed must be a whole number from 0 up, got {cfg.seed!r}")
    if cfg.device is not None and not (isinstance(cfg.device, str)
                                       and cfg.device.split(":")[0] in ("cpu", "cuda", "mps")):
        raise HatboxError(f"device must be cpu, cuda, cuda:N or mps, got {cfg.device!r}")
    for key, bounds in _INTS.items():
        if key != "threads" or cfg.threads is not None:
            _check_whole(key, getattr(cfg, key), bounds)
    for key in _POSITIVE + _NON_NEGATIVE:
        value = getattr(cfg, key)
        if not (_number(value) and (value > 0 if key in _POSITIVE else value >= 0)):
            raise HatboxError(f"setting {key} must be a number {'above' if key in _POSITIVE else 'of at least'} 0, "
                              f"got {value!r}")
    if not (_number(cfg.val_fraction) and 0 < cfg.val_fraction < 1):
        raise HatboxError(f"setting val_fraction must be a fraction between 0 and 1, got {cfg.val_fraction!r}")
    for key in _FLAGS:
        if not isinstance(getattr(cfg, key), bool):
            raise HatboxError(f"setting {key} must be true or false, got {getattr(cfg, key)!r}")
    if not isinstance(cfg.model, dict):
        raise HatboxError("model settings are given one by one, as model.KEY=VALUE (e.g. model.hidden=24)")
    if cfg.model:
        if cfg.arch == AUTO_ARCH:
            raise datamod.DataError("model settings (" + ", ".join(f"model.{k}" for k in cfg.model)
                            + ") belong to one architecture: give --arch with them")
        accepted = model_settings(cfg.arch)
        for key, value in cfg.model.items():
            if key not in accepted:
                raise HatboxError(f"unknown model setting 'model.{key}' for --arch {cfg.arch}",
                                  hint="model settings of " + cfg.arch + ": "
                                       + ", ".join(f"model.{k}" for k in accepted))
            _check_whole(f"model.{key}", value, model_range(key))
    _check_state(cfg)
    return cfg


def state_bytes(arch: str, model: dict[str, Any]) -> int:
    """Bytes of one stream's float32 streaming state for ``arch`` with ``model`` settings (built on torch's
    meta device: no weights are allocated)."""
    with torch.device("meta"):
        net = build(arch, 0, **model)
    return 4 * sum(math.prod(shape) for shape in net.state_shapes())


def _check_state(cfg: TrainConfig) -> None:
    """HatboxError naming the settings and the limit when the model's state exceeds MAX_STATE_BYTES."""
    for arch in AUTO_CANDIDATES if cfg.arch == AUTO_ARCH else (cfg.arch,):
        size = state_bytes(arch, cfg.model)
        if size <= MAX_STATE_BYTES:
            continue
        given = ", ".join(f"model.{k}={v}" for k, v in cfg.model.items()) or "its default sizes"
        sizing = ", ".join(f"model.{k}" for k in model_settings(arch) if k != "film_hidden")
        raise HatboxError(
            f"--arch {arch} with {given} has a streaming state of {size // 4} values ({size / 2 ** 20:.1f} MiB); "
            f"the limit is {MAX_STATE_BYTES // 4} values ({MAX_STATE_BYTES // 1024} KiB)",
            hint=f"lower one of {sizing}: the state goes into the pack's golden snapshot and the box carries it every "
                 "block (docs/effect.md, Settings)")


def _check_whole(key: str, value: Any, bounds: tuple[int, int]) -> None:
    """HatboxError naming the setting, its value and its range unless ``value`` is a whole number within it."""
    low, high = bounds
    if _whole(value) and low <= value <= high:
        return
    too_big = _whole(value) and value > high
    raise HatboxError(f"setting {key} must be a whole number within {low}..{high}, got {value!r}",
                      hint="the upper bounds catch typos that would allocate gigabytes or train for days "
                           "(docs/effect.md, Settings)" if too_big else None)


def _probe(path: Path, what: str, shown: Path) -> None:
    """HatboxError unless a file can be created at ``path`` (export.atomic.unwritable)."""
    why = unwritable(path)
    if why:
        raise HatboxError(f"cannot write {what} {shown}: {why}", hint="pick a place in a folder you can write to")


# what trainer.effect.report writes into a report folder (a folder that holds one of these and is no hatbox report
# is refused as --report: export.atomic.refuse_report_clashes)
REPORT_FILES = ("report.md", "curves.png", "spectrogram.png", "esr_per_setting.png", "metrics.json")


def check_report(report: str | Path, out: str | Path, data: str | Path | None = None) -> None:
    """HatboxError unless ``report`` can be a report folder (existing folders are written into): not a file, not
    ``out``, and not the data folder ``data`` itself (its plots and markdown would land among the recordings)."""
    report = Path(report)
    if data is not None and Path(data).is_dir() and report.absolute().resolve() == Path(data).absolute().resolve():
        raise HatboxError(f"--report {report} is the folder of recordings: the report would be written among them",
                          hint=f"give the report a folder of its own, e.g. --report {Path(out).with_suffix('')}_report")
    if report.exists() and not report.is_dir():
        raise HatboxError(f"--report {report} is a file", hint="give a folder for the report (made if missing)")
    if report.absolute() == Path(out).absolute():
        raise HatboxError(f"--report and --out are the same path ({report})")
    from export.atomic import refuse_report_clashes
    refuse_report_clashes(report, REPORT_FILES, suggestion=f"{Path(out).with_suffix('')}_report")
    _probe(report / "probe", "--report", report)
