"""The simulated box's default take (``hatbox device run --sim``: STORE/sim-out.wav) is kept, never recorded over.

p56 QA_A: a night's 30-minute take was written over, without a word, 32 s after the box started again.  p56 review
R4: keeping one earlier take (sim-out.1.wav) only moved the loss to the next restart, where a 1-second test run
replaced the night.  Now the take a run is about to record over is renamed first, under the time it was recorded (its
last write, local time: ``sim-out.2026-12-07_021133.wav``), and the start says so.  The kept takes stay under
:data:`KEPT_BYTES` in all, the oldest removed first (said too), the one just kept never: a night's take (345 MB at
48 kHz for the default take's 30 minutes) survives any number of quick test runs, and three nights fit.  A file with
no audio in it (a header at most) is left for the new take to replace, as before; a path that is no regular file (a
link) is never touched.  ``--output FILE`` records where the user said, as before: only the default take is kept so.
A sim-out.1.wav the earlier code left is a kept take too (p57 F2): counted under the bound, and removed in its turn.
"""
from __future__ import annotations

import os
import stat
import time
from pathlib import Path
from typing import NamedTuple

NO_AUDIO_BYTES = 96        # a take's header is 86 bytes (wav_recorder.FLOAT_WAV_HEADER): no larger, no audio
KEPT_BYTES = 1_000_000_000  # the takes kept, in all (bytes): the oldest go first beyond it (three 30-min takes fit)
STAMP = "%Y-%m-%d_%H%M%S"  # when a kept take was recorded, in its name


def kept_name(path: Path, at: float) -> Path:
    """Where the take at ``path`` recorded until ``at`` (seconds since the epoch) is kept:
    sim-out.wav -> sim-out.2026-12-07_021133.wav (sim-out.2026-12-07_021133-2.wav where that is taken)."""
    stem = f"{path.stem}.{time.strftime(STAMP, time.localtime(at))}"
    kept, n = path.with_name(f"{stem}{path.suffix}"), 1
    while kept.exists() or kept.is_symlink():
        n += 1
        kept = path.with_name(f"{stem}-{n}{path.suffix}")
    return kept


class KeptTake(NamedTuple):
    """A kept take (:func:`kept_takes`): its ``path``, when it was recorded (``at``: its last write, seconds since
    the epoch) and its ``size`` (bytes), from its one lstat."""

    path: Path
    at: float
    size: int


def kept_takes(path: Path) -> list[KeptTake]:
    """The takes of ``path`` kept so far (regular files named by :func:`kept_name`, and :func:`old_kept_name`'s),
    oldest first (by when each was recorded: its last write, which a :func:`kept_name` says to the second)."""
    names = [*path.parent.glob(f"{path.stem}.????-??-??_??????*{path.suffix}"), old_kept_name(path)]
    found = [_kept(p) for p in names]
    return sorted((f for f in found if f is not None), key=lambda f: (f.at, f.path.name))


def old_kept_name(path: Path) -> Path:
    """sim-out.wav -> sim-out.1.wav: where a fifty-sixth-stop build before its review (4314a792) kept the one earlier
    take it kept; one left there is a kept take like the others, counted under :data:`KEPT_BYTES` and removed in its
    turn (p57 F2)."""
    return path.with_name(f"{path.stem}.1{path.suffix}")


def _kept(path: Path) -> KeptTake | None:
    """The regular file ``path`` as a :class:`KeptTake`; None for anything else (a link, a folder, gone)."""
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return KeptTake(path, info.st_mtime, info.st_size) if stat.S_ISREG(info.st_mode) else None


def bytes_words(n: int) -> str:
    """"1 GB", "345 MB", "12 KB" (decimal units, as a file manager shows them)."""
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if n >= size:
            return f"{n / size:.3g} {unit}"
    return f"{n} bytes"


def _too_many(path: Path, newest: Path) -> list[Path]:
    """The oldest kept takes to remove so that those left stay under :data:`KEPT_BYTES` (``newest`` always stays)."""
    takes = kept_takes(path)
    total, out = sum(t.size for t in takes), []
    for take in (t for t in takes if t.path != newest):
        if total <= KEPT_BYTES:
            break
        out.append(take.path)
        total -= take.size
    return out


def _removed_words(path: Path, kept: Path) -> str:
    """Remove the oldest kept takes beyond the bound; the words that say which (or why not), "" for none."""
    try:
        gone = _too_many(path, kept)
        for take in gone:
            take.unlink()
    except OSError as exc:
        return f" (the oldest takes kept could not be removed: {exc.strerror or exc}; remove some to free the disk)"
    if not gone:
        return ""
    names = gone[0].name if len(gone) == 1 else f"{len(gone)} takes from {gone[0].name} on"
    what = "the oldest take kept, is" if len(gone) == 1 else "the oldest kept, are"
    return f" ({names}, {what} removed: the takes kept stay under {bytes_words(KEPT_BYTES)})"


def keep_last_take(path: Path) -> str | None:
    """Rename the take at ``path`` (the default take, before the engine starts recording over it) to
    :func:`kept_name` and remove the oldest kept beyond :data:`KEPT_BYTES`; returns the line that says so, a warning
    line when it cannot be kept, or None when there is no take to keep (no file, no audio in it, not a regular file)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"warning: the last run's take {path} cannot be read ({exc.strerror}): this run records over it"
    if not stat.S_ISREG(info.st_mode) or info.st_size <= NO_AUDIO_BYTES:
        return None
    kept = kept_name(path, info.st_mtime)
    try:
        os.rename(path, kept)
    except OSError as exc:
        return (f"warning: the last run's take could not be kept as {kept.name} ({exc.strerror}): this run records "
                f"over {path}")
    return f"the last run's take is kept as {kept}; this run records a new {path.name}{_removed_words(path, kept)}"
