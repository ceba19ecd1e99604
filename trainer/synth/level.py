"""A synth pack's playing level: measured as the box plays it and written in its manifest (``extras.level_db``).

A synth plays at the level its training notes had: the factory synth's (FluidR3 through fluidsynth at gain 0.5) put a
note at velocity 100 some 18 dB under a hit of the factory kit on the box's output (p58 QA), so a player going from
pads to keys rode the volume. :func:`level_pack` plays the pack through the box's own synth
(device.audio.synth.SynthSource, 48 kHz, its ``level_db`` included), each of its timbres at a few notes of its trained
range (:func:`reference_notes`) at velocity :data:`VELOCITY`, takes the median of the notes' peaks, and writes the
pack again with ``extras.level_db`` moved by what brings that median to the target (:data:`TARGET_PEAK_DBFS`),
measured again at that level (and moved again until it is there: notes that reach the synth's limiter, +6 dBFS, are
heard quieter than they are) and ``extras.level_fit`` saying what was measured. The target is the kit's: the sampler
plays a sample at velocity 100 at (100/127)^2 of its level, so a drum sample normalised to full scale, as drum kits
ship them, peaks at -4.2 dBFS on the sampler's bus (the demo's VariBreaks kit: kick and snare -4.2, hats -6.8 and
-7.7); a synth note at -6 dBFS sits among them. The model, its golden snapshot and every other member are kept byte
for byte: only the gain after the network changes, so the notes' timbre does not (raising the velocity map instead
would feed the network loudness it never trained on).

Since the sixtieth stop `hatbox train synth` levels the pack it writes (:func:`fit_pack`, in memory, before the
pack is written; ``--keep-level`` keeps the recordings' own level): a QA keyboard player's trained synth played
14-26 dB under the factory synth and nothing after training said so.  An older pack is levelled with `hatbox pack
level PACK` (or this module's own command line, which the factory build runs to set a version too).  A target above
full scale is refused; a signed pack is levelled only into another file (--out: a signature covers the manifest the
level is written in, so the levelled pack is unsigned until its maker signs it again, and the line says so); --out
is checked before anything is measured::

    .venv/bin/python -m trainer.synth.level PACK [--peak -6] [--out OUT.hatpack] [--version 0.1.2]
    hatbox pack level PACK [--peak -6] [--out OUT.hatpack]

Torch-free (numpy, onnxruntime): it runs where the box's synth runs.
"""
from __future__ import annotations

import argparse
import dataclasses
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from device.audio.synth_pack import LEVEL_RANGE_DB, synth_extras
from export.atomic import check_out, same_path, unwritable
from export.pack import MANIFEST, SIGNATURE, Pack, read_pack, write_pack
from hatbox.errors import HatboxError

VELOCITY = 100              # the velocity a level is measured at (a pad hit's and a key's usual strike)
TARGET_PEAK_DBFS = -6.0     # a note's peak at VELOCITY: among a full-scale drum sample's at VELOCITY (-4.2 dBFS)
RATE = 48_000               # the box's rate
HOLD_S = 1.0                # a note held this long, then released
TAIL_S = 0.5                # rendered after the note-off (the release)
BLOCK = 256                 # samples a render
FALLBACK_NOTES = (48, 60, 72)   # the notes measured on a pack that does not say its timbres' trained ranges
MAX_PEAK_DBFS = 0.0         # the highest target taken: full scale (the synth's limiter holds notes under +6 dBFS)
FIT_TOLERANCE_DB = 0.25     # the level set is measured again until the median peak is this close to the target
FIT_TRIES = 4               # measures at the level set, at most (one where no note reached the limiter)


@dataclass(frozen=True)
class Measured:
    """What :func:`measure` heard: each (timbre, note)'s peak (dBFS) and their median."""

    peaks: dict[str, dict[int, float]]
    median_dbfs: float

    def to_dict(self) -> dict[str, object]:
        return {"median_peak_dbfs": round(self.median_dbfs, 2),
                "peaks_dbfs": {t: {str(n): round(p, 2) for n, p in d.items()} for t, d in self.peaks.items()}}


def reference_notes(pack: Pack, timbre: str) -> list[int]:
    """The notes ``timbre`` is measured at: the quartiles of its trained range (``extras.pitch_ranges``, MIDI
    [low, high]), else :data:`FALLBACK_NOTES`."""
    ranges = pack.manifest.extras.get("pitch_ranges")
    span = ranges.get(timbre) if isinstance(ranges, dict) else None
    if not (isinstance(span, list) and len(span) == 2 and all(isinstance(x, int) for x in span)):
        return list(FALLBACK_NOTES)
    lo, hi = sorted(span)
    return sorted({int(round(lo + (hi - lo) * q)) for q in (0.25, 0.5, 0.75)})


def note_peak(pack: Pack, timbre: str, note: int, velocity: int = VELOCITY) -> float:
    """Peak (dBFS; -inf for silence) of ``note`` at ``velocity`` on ``timbre`` (the pad's four corners), held
    :data:`HOLD_S` and released, as the box's synth plays it (its pack's ``level_db`` included)."""
    from device.audio.synth import SynthSource      # numba kernels compile on first use: not at import
    src = SynthSource(pack, RATE)
    src.handle({"op": "corners", "names": [timbre] * 4})
    src.handle({"op": "note_on", "note": note, "velocity": velocity})
    peak = render_peak(src, HOLD_S)
    src.handle({"op": "note_off", "note": note})
    peak = max(peak, render_peak(src, TAIL_S))
    return 20.0 * math.log10(peak) if peak > 0 else -math.inf


def render_peak(src: object, seconds: float) -> float:
    """Render ``seconds`` of ``src`` in :data:`BLOCK`-sample blocks; the largest |sample|."""
    out, peak = np.zeros(BLOCK, np.float32), 0.0
    for _ in range(int(math.ceil(seconds * RATE / BLOCK))):
        src.render(out)                             # type: ignore[attr-defined]
        peak = max(peak, float(np.abs(out).max()))
    return peak


def measure(pack: Pack, velocity: int = VELOCITY) -> Measured:
    """Every timbre's :func:`reference_notes` played (:func:`note_peak`) and the median of their peaks."""
    peaks = {t: {n: note_peak(pack, t, n, velocity) for n in reference_notes(pack, t)}
             for t in synth_extras(pack).names}
    heard = [p for d in peaks.values() for p in d.values() if math.isfinite(p)]
    if not heard:
        raise HatboxError(f"synth pack '{pack.manifest.name}' played no sound at velocity {velocity}: "
                          "there is no level to measure", hint="check the pack with hatbox play first")
    return Measured(peaks, float(np.median(heard)))


def level_pack(src: str | Path, out: str | Path | None = None, *, peak_dbfs: float = TARGET_PEAK_DBFS,
               version: str | None = None) -> dict[str, object]:
    """Measure the synth pack at ``src`` and write it (to ``out``, else over ``src``) with ``extras.level_db`` set
    so that its median note peak at :data:`VELOCITY` is ``peak_dbfs`` (:func:`fit_level`: measured again at the
    level set); ``version`` (MAJOR.MINOR.PATCH) replaces its version when given.  Returns ``extras.level_fit``
    (what was measured before and after, the level set, the target).  HatboxError, nothing written: a target above
    :data:`MAX_PEAK_DBFS`, a signed pack to be written over itself (its signature would be lost), an output that
    cannot be written (all three before anything is measured), a level outside :data:`LEVEL_RANGE_DB` or one that
    does not reach the target, a write that fails."""
    check_target(peak_dbfs)
    pack = read_pack(src)
    target = check_output(pack, Path(src), out)
    m = pack.manifest
    if version is not None:
        m.version = version
        m.validate()
    fit = fit_pack(pack, peak_dbfs)
    m.extras = levelled_extras(m.extras, fit)
    members = {k: v for k, v in pack.members.items() if k not in (MANIFEST, SIGNATURE)}   # a signature covered the
    # manifest as it was: the levelled pack is unsigned until its maker signs it again
    try:
        write_pack(target, m, members)
    except OSError as exc:
        kept = f"{src} is as it was" if target == Path(src) else f"nothing was written; {src} is as it was"
        raise HatboxError(f"could not write {target}: {exc.strerror or exc}; {kept}",
                          hint="free some space, or give another file with --out") from None
    return fit


def fit_pack(pack: Pack, peak_dbfs: float = TARGET_PEAK_DBFS) -> dict[str, object]:
    """What ``extras.level_fit`` says of ``pack`` (in memory; nothing written) levelled to ``peak_dbfs``: measured
    at its own level (:func:`measure`), the level found (:func:`fit_level`) and what is measured at it, the target,
    the velocity, the render's rate and hold.  HatboxError as :func:`fit_level` gives, or for a pack that plays no
    sound."""
    check_target(peak_dbfs)
    before = measure(pack)
    level, after = fit_level(pack, peak_dbfs, before)
    return {"velocity": VELOCITY, "target_peak_dbfs": peak_dbfs, "level_db": level,
            "was_level_db": synth_extras(pack).level_db, "before": before.to_dict(), "after": after.to_dict(),
            "rate": RATE, "hold_s": HOLD_S}


def levelled_extras(extras: dict, fit: dict[str, object]) -> dict:
    """``extras`` with the level of ``fit`` (:func:`fit_pack`): ``level_db`` and ``level_fit``."""
    return {**extras, "level_db": fit["level_db"], "level_fit": fit}


def level_line(src: str, out: str | None, fit: dict[str, object], signed: bool) -> str:
    """What levelling the pack at ``src`` into ``out`` (None: over ``src``) says: the median note peak before and
    after, the level set, and for a ``signed`` source that the levelled pack is unsigned."""
    dest = out or src
    before, after = fit["before"]["median_peak_dbfs"], fit["after"]["median_peak_dbfs"]     # type: ignore[index]
    unsigned = (f"; unsigned: {src}'s signature does not cover it, sign it with hatbox pack sign --key KEY "
                f"{dest}" if signed else "")
    return (f"{dest}: a note at velocity {VELOCITY} peaked at {before:.1f} dBFS (median); level "
            f"{fit['level_db']:+.1f} dB: now {after:.1f} dBFS (measured){unsigned}")


def check_target(peak_dbfs: float) -> None:
    """HatboxError unless ``peak_dbfs`` is a level at or under :data:`MAX_PEAK_DBFS`: the synth's limiter holds a
    note under +6 dBFS, so a level measured above full scale is not the level set."""
    if not (math.isfinite(peak_dbfs) and peak_dbfs <= MAX_PEAK_DBFS):
        raise HatboxError(f"--peak {peak_dbfs:g} dBFS is not a level at or under full scale ({MAX_PEAK_DBFS:g} dBFS): "
                          "the box's synth holds its notes under +6 dBFS; nothing written",
                          hint=f"give --peak {MAX_PEAK_DBFS:g} or lower (default {TARGET_PEAK_DBFS:g}: among a drum "
                               "kit's hits)")


def check_output(pack: Pack, src: Path, out: str | Path | None) -> Path:
    """Where the levelled ``pack`` (read from ``src``) goes: ``out`` (export.atomic.check_out), else over ``src``;
    HatboxError before anything is measured when it cannot be written there, or when a signed pack would be
    written over itself (its signature covers the manifest the level goes in: it would be lost without a word)."""
    in_place = out is None or same_path(out, src)
    if in_place and SIGNATURE in pack.members:
        raise HatboxError(f"{src} is signed: levelling it changes its manifest, which the signature covers, so it "
                          "would be left unsigned; nothing written",
                          hint="write the levelled pack to another file with --out NEW.hatpack, then sign that "
                               "with hatbox pack sign --key KEY NEW.hatpack")
    if not in_place:
        return check_out(out)                                   # type: ignore[arg-type]
    why = unwritable(src)
    if why:
        raise HatboxError(f"cannot write {src}: {why}; nothing was measured",
                          hint="give a file in a folder you can write to with --out")
    return src


def fit_level(pack: Pack, peak_dbfs: float, heard: Measured) -> tuple[float, Measured]:
    """The level (dB, 0.1 dB steps) that brings ``pack``'s median note peak to ``peak_dbfs`` from what was
    ``heard`` at its own level, and what is measured at it: each step moves the level by what is missing, and is
    measured again (:data:`FIT_TRIES` at most) until the median is within :data:`FIT_TOLERANCE_DB` (notes that
    reached the synth's limiter were heard quieter than they are: one step falls short).  HatboxError when the
    level leaves :data:`LEVEL_RANGE_DB` or the target is not reached."""
    level = synth_extras(pack).level_db
    for _ in range(FIT_TRIES):
        level = _level_in_range(pack, round(level + peak_dbfs - heard.median_dbfs, 1), peak_dbfs)
        heard = measure(at_level(pack, level))
        if abs(heard.median_dbfs - peak_dbfs) <= FIT_TOLERANCE_DB:
            return level, heard
    raise HatboxError(f"synth pack '{pack.manifest.name}' did not come to {peak_dbfs:g} dBFS: at a level of "
                      f"{level:+.1f} dB its notes peak at {heard.median_dbfs:.1f} dBFS (median); nothing written",
                      hint="check the pack with hatbox play: its notes may be cut by the synth's limiter")


def _level_in_range(pack: Pack, level: float, peak_dbfs: float) -> float:
    """``level`` (dB); HatboxError when it is outside :data:`LEVEL_RANGE_DB`."""
    lo, hi = LEVEL_RANGE_DB
    if not lo <= level <= hi:
        raise HatboxError(f"synth pack '{pack.manifest.name}' would need a level of {level:+.1f} dB to peak at "
                          f"{peak_dbfs:g} dBFS (a box plays {lo:g}..{hi:+g} dB); nothing written",
                          hint="check the pack with hatbox play: its notes are far too quiet or too loud")
    return level


def at_level(pack: Pack, level_db: float) -> Pack:
    """``pack`` in memory with ``extras.level_db`` set to ``level_db`` (its members and ``pack`` itself kept)."""
    manifest = dataclasses.replace(pack.manifest, extras={**pack.manifest.extras, "level_db": level_db})
    return dataclasses.replace(pack, manifest=manifest)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m trainer.synth.level",
                                 description="set a synth pack's playing level (extras.level_db) from its notes")
    ap.add_argument("pack", help="the synth pack (.hatpack)")
    ap.add_argument("--peak", type=float, default=TARGET_PEAK_DBFS,
                    help=f"a note's median peak at velocity {VELOCITY}, dBFS, at most {MAX_PEAK_DBFS:g} "
                         f"(default {TARGET_PEAK_DBFS:g})")
    ap.add_argument("--out", help="write the levelled pack here (default: over PACK; a signed PACK needs --out)")
    ap.add_argument("--version", help="give the levelled pack this version (MAJOR.MINOR.PATCH)")
    args = ap.parse_args(argv)
    try:
        signed = is_signed(args.pack)
        fit = level_pack(args.pack, args.out, peak_dbfs=args.peak, version=args.version)
    except HatboxError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    print(level_line(args.pack, args.out, fit, signed))
    return 0


def is_signed(path: str) -> bool:
    """Whether the pack at ``path`` holds a signature (False where it cannot be read: level_pack says why)."""
    import zipfile
    try:
        with zipfile.ZipFile(path) as zf:
            return SIGNATURE in zf.namelist()
    except (OSError, zipfile.BadZipFile):
        return False


if __name__ == "__main__":
    raise SystemExit(main())
