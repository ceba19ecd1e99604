"""Going on with an effect training from where it stopped: ``hatbox train effect DATA --out PACK --resume``.

Every training that writes a pack writes, next to it, what it needs to go on: ``PACK.hatpack.resume`` (e.g.
``mypedal.hatpack.resume``; :func:`state_path`), a torch file (read with ``weights_only``: tensors, numbers and text,
no code) holding the weights after the last step, the best weights and their check score, Adam's state, the step
count and seconds trained, the learning rate it stopped at, the curves (history), the settings, the model's sizes,
and what it was trained on: the SHA-256 and size of pairs.csv and of every recording (content, not dates: a folder
copied elsewhere resumes), the latencies found, the knobs' ranges and the held-out stretches.  The data's
normalisation (the model's input and output scales) is in the weights.  The pack itself carries none of it (the
box never needs it); its manifest's metric ``training_id`` names the state file it goes with.

A resume refuses, in words, before any training: no state beside PACK, a state file it cannot read (corrupt, cut
short), one of another format (:data:`STATE_FORMAT`), a pack at PACK written by another training, recordings or
pairs.csv that changed (named), another ``--arch``, ``--seed`` or a setting that changes the model or the split
(:data:`FIXED_SETTINGS`, ``model.*``).  The schedule it goes on with: trainer/effect/schedule.py ``restart_lr``.
"""
from __future__ import annotations

import json
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import torch

from device.store_layout import file_sha256
from hatbox import __version__
from hatbox.errors import DataError, HatboxError
from trainer.effect.config import TrainConfig
from trainer.effect.data import EffectData
from trainer.effect.split import held_out

STATE_FORMAT = 1                   # the state file's layout; another is refused (:func:`load`)
SUFFIX = ".resume"                 # PACK.hatpack -> PACK.hatpack.resume (`*.hatpack` copies leave it behind)
FIXED_SETTINGS = ("scale_data", "val_fraction")      # change the model's scaling or the held-out split
HISTORY_TRAIN = ("t", "step", "loss", "train_esr")   # the two kinds of history rows (trainer/effect/train.py)
HISTORY_VAL = ("t", "step", "val_esr")
AGAIN = "train again without --resume (a new training writes a new state file)"
META_KEYS = ("training_id", "arch", "model_config", "config", "name", "steps", "other_steps", "seconds", "best_esr",
             "lr", "trials", "resumes", "data", "latencies", "rate", "knobs", "held_out")   # what save writes


@dataclass
class State:
    """A read state file: ``meta`` (JSON-able: settings, counts, the data's fingerprint) and ``tensors`` (the weights
    ``model`` and ``best``, the optimiser's ``opt``, the history ``train`` [N, 4] and ``val`` [M, 3] float64)."""

    path: Path
    meta: dict[str, Any]
    tensors: dict[str, Any]

    @property
    def steps(self) -> int:
        return int(self.meta["steps"])

    @property
    def seconds(self) -> float:
        return float(self.meta["seconds"])

    @property
    def all_steps(self) -> int:
        """The optimiser steps taken before this resume: :attr:`steps` and an ``--arch auto`` trial's of the other
        architecture (``other_steps``), as metrics' ``steps`` counts them."""
        return self.steps + int(self.meta["other_steps"])


def state_path(out: str | Path) -> Path:
    """Where the pack ``out``'s training state lies: beside it, ``out`` + :data:`SUFFIX`."""
    out = Path(out)
    return out.with_name(out.name + SUFFIX)


# --------------------------------------------------------------------------- reading, and what it refuses
def load(out: str | Path) -> State:
    """The training state beside ``out`` -> :class:`State`; HatboxError when there is none, it cannot be read, or it
    is of another format."""
    path = state_path(out)
    if not path.is_file():
        raise HatboxError(f"nothing to resume: no training state beside {out} (looked for {path.name})",
                          hint=_nothing_hint(Path(out)))
    try:
        raw = torch.load(path, map_location="cpu", weights_only=True)
        meta = json.loads(raw["meta"])
        tensors = {k: raw[k] for k in ("model", "best", "opt", "train", "val")}
    except Exception as exc:  # noqa: BLE001 - any way of being unreadable is the same to the user
        raise HatboxError(f"the training state {path} cannot be read: it is damaged or cut short "
                          f"({type(exc).__name__}: {str(exc)[:120]})", hint=AGAIN) from None
    _check_format(path, meta)
    return State(path, meta, tensors)


def _nothing_hint(out: Path) -> str:
    if out.is_file():
        return (f"{out.name} was trained by a hatbox before --resume (or its {out.name}{SUFFIX} was moved or "
                f"removed): {AGAIN}")
    return "train it first (without --resume); each training leaves its state beside the pack it writes"


def _check_format(path: Path, meta: Any) -> None:
    """HatboxError for a state of another layout (another hatbox) or of another trainer."""
    if not isinstance(meta, dict) or not isinstance(meta.get("format"), int):
        raise HatboxError(f"the training state {path} cannot be read: it holds no format number", hint=AGAIN)
    if meta["format"] != STATE_FORMAT:
        raise HatboxError(f"the training state {path} was written by hatbox {meta.get('hatbox', '?')} in format "
                          f"{meta['format']}; this hatbox ({__version__}) goes on from format {STATE_FORMAT} only",
                          hint=f"resume with the hatbox that wrote it, or {AGAIN}")
    if meta.get("kind") != "effect":
        raise HatboxError(f"the training state {path} is of a {meta.get('kind')!r} training, not an effect's",
                          hint=AGAIN)
    missing = [k for k in META_KEYS if k not in meta]
    if missing:
        raise HatboxError(f"the training state {path} cannot be read: it is damaged (no {', '.join(missing)})",
                          hint=AGAIN)


def check_pack(state: State, out: str | Path) -> None:
    """HatboxError when a pack at ``out`` is not the one ``state`` was saved with (another training wrote it since);
    none there is fine (the resume writes it)."""
    from export.pack import read_pack
    out = Path(out)
    if not out.is_file():
        return
    try:
        trained = read_pack(out).manifest.metrics.get("training_id")
    except Exception:  # noqa: BLE001 - an unreadable pack is no pack of this training
        trained = None
    if trained != state.meta["training_id"]:
        raise HatboxError(f"{out} is not the pack its training state {state.path.name} goes with: another training "
                          "wrote it since", hint=f"{AGAIN}, or give --out the pack this state was saved with")


def merged_config(state: State, given: dict[str, Any]) -> dict[str, Any]:
    """The resumed run's settings: the saved ones, with those ``given`` (None: not given) that may change on a resume
    (lr, batch, chunk, threads, device, ...); ``minutes`` and ``max_steps`` are the added budget.  HatboxError for
    another architecture, seed, model size or :data:`FIXED_SETTINGS`."""
    saved, meta = dict(state.meta["config"]), state.meta
    _same_arch(given.get("arch"), saved["arch"], meta["arch"])
    if given.get("seed") is not None and given["seed"] != saved["seed"]:
        raise HatboxError(f"--seed {given['seed']} with --resume: the training goes on with its own seed "
                          f"({saved['seed']})", hint="leave --seed out, or train afresh with another seed")
    _same_model(given.get("model") or {}, meta["model_config"], meta["arch"])
    for key in FIXED_SETTINGS:
        if key in given and given[key] != saved[key]:
            raise HatboxError(f"--set {key}={given[key]} with --resume: the training you are resuming used "
                              f"{key}={saved[key]}, and this setting changes the "
                              + ("held-out split" if key == "val_fraction" else "model's scaling"),
                              hint=f"leave it out to go on, or {AGAIN}")
    config = {**saved, "device": None, "max_steps": None, "minutes": 5.0, "arch": meta["arch"]}
    config.update({k: v for k, v in given.items() if v is not None and k not in ("arch", "model")})
    return config


def _same_arch(given: str | None, asked: str, trained: str) -> None:
    if given is not None and given not in (asked, trained):
        raise HatboxError(f"--arch {given} with --resume: the training you are resuming is a {trained}"
                          + (f" (chosen by --arch {asked})" if asked != trained else ""),
                          hint=f"leave --arch out to go on with {trained}, or {AGAIN} to train a {given}")


def _same_model(given: dict[str, Any], trained: dict[str, Any], arch: str) -> None:
    for key, value in given.items():
        if trained.get(key) != value:
            raise HatboxError(f"--set model.{key}={value} with --resume: the {arch} you are resuming has "
                              f"model.{key}={trained.get(key)}, and the weights fit that size only",
                              hint=f"leave model.{key} out to go on, or {AGAIN}")


# --------------------------------------------------------------------------- what it was trained on
def _base(data: str | Path) -> tuple[Path, str]:
    """(the data folder, its CSV's name) of a ``data`` argument (a folder or its pairs.csv)."""
    data = Path(data)
    return (data.parent, data.name) if data.is_file() else (data, "pairs.csv")


def _entry(path: Path, shown: str) -> dict[str, Any]:
    return {"path": shown, "size": path.stat().st_size, "sha256": file_sha256(path)}


def fingerprint(eff: EffectData, data: str | Path | None, input: str | Path | None,
                target: str | Path | None) -> dict[str, Any]:
    """What ``eff`` was loaded from: a folder's pairs.csv and every recording it lists (paths relative to the
    folder), or the --input/--target files, each with its size and SHA-256."""
    if data is None:
        return {"kind": "pair", "input": str(Path(input).absolute()), "target": str(Path(target).absolute()),
                "files": [_entry(Path(input), "--input"), _entry(Path(target), "--target")]}
    folder, csv = _base(data)
    listed = dict.fromkeys(Path(f) for p in eff.pairs for f in p.files)          # each once, in the data's order
    return {"kind": "folder", "folder": str(folder.absolute()), "csv": _entry(folder / csv, csv),
            "files": [_entry(f, _relative(f, folder)) for f in listed]}


def _relative(path: Path, folder: Path) -> str:
    try:
        return str(path.absolute().relative_to(folder.absolute()))
    except ValueError:
        return str(path.absolute())


def saved_data(state: State) -> tuple[str | None, str | None, str | None]:
    """(data, input, target) the state was trained on: a resume given no DATA goes on with them."""
    fp = state.meta["data"]
    if fp["kind"] == "folder":                   # its CSV itself: a set may name it otherwise than pairs.csv
        return str(Path(fp["folder"]) / fp["csv"]["path"]), None, None
    return None, fp["input"], fp["target"]


def check_data(state: State, data: str | Path | None, input: str | Path | None, target: str | Path | None) -> None:
    """DataError naming every file that changed (or is gone) since the training ``state`` was saved, before any
    audio is read: pairs.csv first (its rows say which recordings are used), then each recording."""
    fp = state.meta["data"]
    kind = "pair" if data is None else "folder"
    if kind != fp["kind"]:
        was = (f"the folder {fp['folder']}" if fp["kind"] == "folder"
               else f"--input {fp['input']} --target {fp['target']}")
        raise DataError(f"the training you are resuming was trained on {was}", hint="give it the same recordings")
    if data is None:
        changed = [_changed(Path(p), e) for p, e in zip((input, target), fp["files"])]
    else:
        folder, csv = _base(data)
        changed = [_changed(folder / csv, fp["csv"])]
        changed += [] if changed[0] else [_changed(folder / e["path"], e) for e in fp["files"]]
    changed = [c for c in changed if c]
    if changed:
        raise DataError("the recordings changed since the training you are resuming: " + "; ".join(changed),
                        hint="a resume goes on with the recordings it was trained on: put them back as they were, "
                             f"or {AGAIN} on the new ones")


def _changed(path: Path, entry: dict[str, Any]) -> str | None:
    """Why ``path`` is not the file ``entry`` describes, or None."""
    name = f"{entry['path']} ({path})" if entry["path"].startswith("--") else entry["path"]
    if not path.is_file():
        return f"{name} is gone"
    size = path.stat().st_size
    if size != entry["size"]:
        return f"{name} is {size} bytes, it was {entry['size']}"
    if file_sha256(path) != entry["sha256"]:
        return f"{name} has other content (same size)"
    return None


def check_loaded(state: State, eff: EffectData, cfg: TrainConfig) -> None:
    """HatboxError when the loaded data is not prepared as it was (the latencies found, the knobs' ranges, the held-out
    stretches): the recordings are the same (:func:`check_data`), so this hatbox prepares them otherwise."""
    now = _prepared(eff, cfg)
    then = {k: state.meta[k] for k in now}
    differ = [k for k in now if _plain(now[k]) != then[k]]     # as save wrote it (tuples as lists)
    if differ:
        raise HatboxError("the recordings are the same, but this hatbox prepares them otherwise than the one that "
                          f"trained them ({', '.join(differ)} differ): the weights would not fit",
                          hint=f"resume with hatbox {state.meta.get('hatbox', '?')}, or {AGAIN}")


def _prepared(eff: EffectData, cfg: TrainConfig) -> dict[str, Any]:
    return {"latencies": eff.latencies, "rate": eff.rate,
            "knobs": [[k.name, k.min, k.max, k.unit] for k in eff.knobs],
            "held_out": [list(held_out(p.output, cfg.val_fraction)) for p in eff.pairs]}


# --------------------------------------------------------------------------- writing
def new_training_id() -> str:
    """The id a training's pack (metric ``training_id``) and its state file share."""
    return uuid.uuid4().hex


def save(out: str | Path, run: Any, cfg: TrainConfig, eff: EffectData, data_fp: dict[str, Any], *, name: str,
         seconds: float, training_id: str) -> Path:
    """Write ``run``'s state (trainer.effect.runs.Run, after :func:`trainer.effect.train.fit`) beside ``out``,
    atomically (a stop on the way leaves the older state whole); ``seconds``: its training seconds in all."""
    from export.atomic import atomic_output
    meta = {"format": STATE_FORMAT, "hatbox": __version__, "kind": "effect", "training_id": training_id,
            "arch": run.arch, "model_config": _plain(run.model.config()), "config": _plain(asdict(cfg)),
            "name": name, "steps": run.steps, "other_steps": run.other_steps, "seconds": seconds,
            "best_esr": run.best_esr, "lr": run.opt.param_groups[0]["lr"], "trials": run.trials,
            "resumes": run.resumes, "data": data_fp, **_prepared(eff, cfg)}
    payload = {"meta": json.dumps(meta), "model": _cpu(run.last), "best": _cpu(run.best),
               "opt": run.opt.state_dict(), **history_tensors(run.history)}
    path = state_path(out)
    with atomic_output(path) as fh:
        torch.save(payload, fh)
    return path


def _plain(value: Any) -> Any:
    """``value`` as JSON keeps it (tuples as lists)."""
    return json.loads(json.dumps(value))


def _cpu(weights: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {k: v.detach().cpu() for k, v in weights.items()}


def history_tensors(history: list[dict[str, float]]) -> dict[str, torch.Tensor]:
    """A run's history (rows of :data:`HISTORY_TRAIN` or :data:`HISTORY_VAL`) as two float64 tensors [N, 4], [M, 3]
    (a list of dicts pickles at ~100 bytes a row; an hour's run has ~10^5)."""
    def table(keys: tuple[str, ...]) -> torch.Tensor:
        rows = [[h[k] for k in keys] for h in history if keys[-1] in h]
        return torch.tensor(rows, dtype=torch.float64).reshape(len(rows), len(keys))
    return {"train": table(HISTORY_TRAIN), "val": table(HISTORY_VAL)}


def history_rows(state: State) -> list[dict[str, float]]:
    """The saved history back as rows, in time order (the two kinds merged as they were written)."""
    rows = [dict(zip(keys, r)) for keys, name in ((HISTORY_TRAIN, "train"), (HISTORY_VAL, "val"))
            for r in state.tensors[name].tolist()]
    for r in rows:
        r["step"] = int(r["step"])
    return sorted(rows, key=lambda r: (r["t"], r["step"], "val_esr" in r))


# --------------------------------------------------------------------------- going on
def resumed_run(state: State, data: EffectData, cfg: TrainConfig, segs: Any, dist: Any) -> Any:
    """The run ``state`` saved (trainer.effect.runs.Run): its last weights, Adam's state, best weights and score,
    steps, history and trials, on ``dist.device``; HatboxError when the weights do not fit the model it names."""
    from trainer.effect.runs import new_optimizer, new_run
    meta = state.meta
    run = new_run(data, cfg, segs, dist, meta["arch"])
    try:
        run.model.load_state_dict(state.tensors["model"])
        run.best = {k: v.to(dist.device) for k, v in state.tensors["best"].items()}
        run.opt = new_optimizer(run.model, cfg)
        run.opt.load_state_dict(state.tensors["opt"])
    except (RuntimeError, ValueError, KeyError, TypeError) as exc:
        raise HatboxError(f"the training state {state.path} does not fit the {meta['arch']} it names: it is damaged "
                          f"({str(exc).splitlines()[0][:120]})", hint=AGAIN) from None
    run.best_esr, run.steps, run.other_steps = float(meta["best_esr"]), int(meta["steps"]), int(meta["other_steps"])
    run.trials, run.history = dict(meta["trials"]), history_rows(state)
    run.resumes = [*meta["resumes"], [state.all_steps, state.seconds]]
    return run


def resumed_phase(state: State, cfg: TrainConfig) -> Any:
    """The added budget as a phase (trainer.effect.schedule.Phase): ``cfg.minutes`` and ``cfg.max_steps`` more, its
    history's times after the earlier seconds, its rate a warm restart from where the earlier run stopped."""
    from trainer.effect.schedule import Phase
    return Phase(cfg.minutes * 60.0, cfg.max_steps, t0=state.seconds, restart=float(state.meta["lr"]),
                 label=f"{state.meta['arch']}, on from step {state.all_steps}")


def segment_seed(seed: int, rank: int, state: State | None) -> int | list[int]:
    """The seed of the batches' random stream: ``seed + rank`` for a new training; for a resume one of its own, from
    the steps already taken (the first run's batches are not drawn again in the same order)."""
    return seed + rank if state is None else [seed, rank, state.steps]
