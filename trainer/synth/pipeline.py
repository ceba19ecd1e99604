"""Folder of notes -> trained model -> synth pack + report (what `hatbox train synth` runs)."""
from __future__ import annotations

import math
import time
from pathlib import Path
from typing import Callable

from export.atomic import locks_out, refuse_report_clashes, staged_report
from hatbox.errors import HatboxError
from hatbox.names import check_pack_name, default_pack_name
from trainer import accel
from trainer.synth.data import REPORT_CHECKPOINT, REPORT_JSON, load_folder
from trainer.early_stop import StopRequest
from trainer.made import made_words
from trainer.synth.model import SynthConfig
from export.manifest import Manifest
from trainer.synth.level import TARGET_PEAK_DBFS, VELOCITY, fit_pack, levelled_extras, measure
from trainer.synth.onnx_export import in_memory, synth_parts, write_synth
from trainer.synth.report import TrainingLog, write_report
from trainer.synth.train import TrainResult, save_checkpoint, train
from export.atomic import check_out, unwritable

SECONDS_RANGE = (0.25, 30.0)        # note length: the loss's 2048-point STFT and the report's pitch window need 0.25 s


def pack_from_result(result: TrainResult, out: str | Path, name: str, metrics: dict) -> Path:
    """Write the pack of ``result`` (its playing level, ``result.level_fit``, where it was set) with ``metrics``
    (those :data:`REPORT_ONLY` left out)."""
    return write_synth(out, *pack_parts(result, name, {k: v for k, v in metrics.items() if k not in REPORT_ONLY}))


def pack_parts(result: TrainResult, name: str, metrics: dict | None = None) -> tuple[Manifest, dict[str, bytes]]:
    """The manifest and members of ``result``'s pack (trainer.synth.onnx_export.synth_parts), not written."""
    emb = result.model.embed.weight.detach().cpu().numpy()
    fitted = {} if result.envelope is None else {"envelope": result.envelope.envelope,
                                                  "envelope_fit": result.envelope.to_dict()}
    extras = {"velocity_map": result.velocity_map, "pitch_ranges": result.ranges, **fitted}
    if result.level_fit is not None:
        extras = levelled_extras(extras, result.level_fit)
    return synth_parts(result.model.net.cpu().eval(), emb, result.names, name=name, extras=extras,
                       metrics=metrics or {})


# what the summary and the report's metrics.json say that the pack's manifest does not keep (`pack inspect` says a
# pack's level from extras.level_fit, and would list these as bare "figure KEY" lines)
REPORT_ONLY = ("playing_level", "held_out_by_instrument")


def playing_level(result: TrainResult, name: str, keep: bool, warn: Callable[[str], None]) -> dict:
    """Measure ``result``'s pack as the box plays it (trainer.synth.level) and, unless ``keep``, set its playing level
    to the factory synth's (``result.level_fit``: a note at velocity 100 peaks at TARGET_PEAK_DBFS, median); the
    metrics' ``playing_level``: the level set (dB), the median peak before and after (dBFS), the target, the
    seconds it took (after training: not part of --minutes); ``kept`` with --keep-level; ``failed`` (and a ``warn``)
    where it could not be set, whatever the reason (a training is not lost to it): the pack then plays at the notes'
    own level."""
    t0 = time.monotonic()
    pack = in_memory(name, *pack_parts(result, name))
    try:
        if keep:
            said = {"kept": True, "peak_dbfs": round(measure(pack).median_dbfs, 1)}
        else:
            result.level_fit = fit_pack(pack, TARGET_PEAK_DBFS)
            said = {"level_db": result.level_fit["level_db"],
                    "peak_dbfs": result.level_fit["after"]["median_peak_dbfs"],      # type: ignore[index]
                    "was_peak_dbfs": result.level_fit["before"]["median_peak_dbfs"]}     # type: ignore[index]
    except Exception as err:  # noqa: BLE001 - a level not set loses nothing: the trained pack is written as before
        why = str(err) if isinstance(err, HatboxError) else f"{type(err).__name__}: {err}"
        warn(f"the pack's playing level was not set ({why}): it plays at your recordings' level; "
             f"hatbox pack level PACK tries again")
        return {"failed": why}
    return {**said, "target_peak_dbfs": TARGET_PEAK_DBFS, "velocity": VELOCITY,
            "seconds": round(time.monotonic() - t0, 1)}


def check_options(*, minutes: float, seconds: float, threads: int) -> None:
    """HatboxError for a training option out of range (the CLI's argument types catch these first)."""
    if (isinstance(minutes, bool) or not isinstance(minutes, (int, float))
            or not (math.isfinite(minutes) and minutes > 0)):
        raise HatboxError(f"minutes must be a finite number above 0, got {minutes!r}")
    lo, hi = SECONDS_RANGE
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not lo <= seconds <= hi:
        raise HatboxError(f"seconds (the note length) must be within {lo:g}..{hi:g}, got {seconds!r}")
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise HatboxError(f"threads must be a whole number of at least 1, got {threads!r}")


def check_outputs(out: Path, name: str, report: Path) -> None:
    """Everything about where the results go, before any work: the pack name, ``out`` (export.atomic.check_out,
    as for the other trainers: a regular file, or none yet, in a folder that can be written) and ``report`` (a
    folder, or not there yet).  Makes nothing."""
    check_pack_name(name)
    check_out(out)
    if report.exists() and not report.is_dir():
        raise HatboxError(f"--report {report} is a file", hint="give a folder for the report (made if missing)")
    if report.resolve() == out.resolve():
        raise HatboxError(f"--report and --out are the same path {out}")
    refuse_report_clashes(report, (REPORT_JSON, REPORT_CHECKPOINT, "report.md", "curves.png"), REPORT_SOUNDS,
                          suggestion=str(out.with_name(out.stem + "_report")))
    _check_writable(report.parent, "--report")


def check_outside_notes(folder: Path, out: Path, report: Path) -> None:
    """HatboxError when ``out`` or ``report`` lies inside the note folder: the next training would read
    the report's WAVs as an instrument."""
    try:
        root = folder.resolve()
    except (OSError, RuntimeError):
        return                                  # load_folder names a bad note folder
    for path, what in ((out, "--out"), (report, "--report")):
        if path.resolve() == root or root in path.resolve().parents:
            raise HatboxError(f"{what} {path} is inside the note folder {folder}",
                              hint="write the pack and its report outside the note folder (the report's WAVs "
                                   "would be read as notes by the next training)")


def _check_writable(folder: Path, what: str) -> None:
    """HatboxError unless files can be created under ``folder`` (export.atomic.unwritable)."""
    why = unwritable(folder / "probe")
    if why:
        raise HatboxError(f"cannot write {what} under {folder}: {why}", hint="pick a folder you can write to")


# the files of a report that name what was trained (instrument, pitch): an earlier run's, of notes or instruments this
# run did not have, are removed when the new report moves in
REPORT_SOUNDS = ("*_real.wav", "*_model.wav", "*_resynth.wav", "*_spectrograms.png")


def summary_after(minutes: float):
    """What `train synth` prints after training, from the metrics (hatbox.cmd_synth.summary_lines and the busy
    machine's warning): the report keeps it too."""
    from hatbox.cmd_synth import summary_lines
    from trainer.cpuwatch import busy_warning

    def lines(metrics: dict) -> list[str]:
        busy = busy_warning(metrics.get("others_cores"), int(metrics["train_steps"]))
        return [line.strip() for line in summary_lines(metrics, minutes)] + ([f"warning: {busy}"] if busy else [])
    return lines


def training_log(minutes: float) -> TrainingLog:
    """The record of what this training says (printed as it is said; the first process only under torchrun)."""
    return TrainingLog(summary=summary_after(minutes), echo=accel.torchrun_rank() == 0)


@locks_out
def train_to_pack(folder: str | Path, out: str | Path, *, minutes: float, name: str | None = None,
                  seconds: float = 1.5, threads: int = 1, device: str | None = None,
                  report: str | Path | None = None, seed: int = 0, check_names: bool = True,
                  hold_out: bool = True, keep_level: bool = False) -> dict:
    """Train on ``folder`` for ``minutes``; write the pack, checkpoint and report. Returns the metrics.

    ``name`` None: the pack is named after ``out``'s stem, cleaned into a valid name the way
    every trainer cleans its default (hatbox.names.default_pack_name); a ``name`` given is used as it is, or
    refused when it breaks the manifest's rule.  The options, the output paths and the data are all
    checked before training starts (``out`` and ``report`` must lie outside ``folder``); a report folder
    is only left behind together with the pack it describes, and an existing one is only overwritten then.
    After training (outside the ``minutes``) the pack is measured as the box plays it and given the factory
    synth's playing level (:func:`playing_level`; ``keep_level``: measured and said, not set)."""
    out = Path(out)
    name = default_pack_name(out.stem, "synth") if name is None else name
    report = Path(report) if report else out.with_name(out.stem + "_report")
    check_options(minutes=minutes, seconds=seconds, threads=threads)
    check_outputs(out, name, report)
    check_outside_notes(Path(folder), out, report)
    accel.planned_device(device)        # refused in words before any work (a CPU-only torch, no such GPU, ...)
    cfg = SynthConfig()
    log = training_log(minutes)
    notes = load_folder(folder, cfg.rate, seconds, check_names=check_names, note=log.note, warn=log.warn)
    log.notes = notes
    with StopRequest(sigterm=True) as stop:       # a first Ctrl-C or SIGTERM: stop training, keep what was trained
        result, _tr, ho = train(notes, minutes, cfg, threads=threads, device=device, seed=seed, stop=stop,
                                hold_out=hold_out, warn=log.warn, say=log.say)
        stop.training_over()           # a first Ctrl-C from here on: the pack is still written
        result.model.cpu().eval()
        if accel.torchrun_rank() != 0:                 # under torchrun only the first process writes
            return {}
        # no report without a pack, and no report half-written
        with staged_report(report, stale=REPORT_SOUNDS) as stage:
            metrics = write_report(result, ho, stage, made=made_words(out, folder), log=log,
                                   more=lambda: {"playing_level": playing_level(result, name, keep_level, log.warn)})
            save_checkpoint(result, stage / REPORT_CHECKPOINT)
            pack_from_result(result, out, name, metrics)
        return metrics
