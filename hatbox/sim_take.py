"""The simulated box's default take (``hatbox device run --sim``: STORE/sim-out.wav) keeps the last run's one.

p56 QA_A: a night's 30-minute take was written over, without a word, 32 s after the box started again.  Now the take
a run is about to replace is renamed ``sim-out.1.wav`` first (one earlier take is kept: an older ``sim-out.1.wav``
is replaced), and the start says so.  A file with no audio in it (a header at most) is left for the new take to
replace, as before; a path that is no regular file (a link) is never touched.  ``--output FILE`` records where the
user said, as before: only the default take is kept so.
"""
from __future__ import annotations

import os
import stat
from pathlib import Path

NO_AUDIO_BYTES = 64        # a float WAV's header is 58 bytes: a file no larger holds no audio


def kept_name(path: Path) -> Path:
    """Where the last take of ``path`` is kept: sim-out.wav -> sim-out.1.wav."""
    return path.with_name(f"{path.stem}.1{path.suffix}")


def keep_last_take(path: Path) -> str | None:
    """Rename the take at ``path`` (the default take, before the engine starts recording over it) to
    :func:`kept_name`; returns the line that says so, a warning line when it cannot be kept, or None when there is
    no take to keep (no file, no audio in it, not a regular file)."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"warning: the last run's take {path} cannot be read ({exc.strerror}): this run records over it"
    if not stat.S_ISREG(info.st_mode) or info.st_size <= NO_AUDIO_BYTES:
        return None
    kept = kept_name(path)
    replaced = kept.exists()
    try:
        os.replace(path, kept)
    except OSError as exc:
        return (f"warning: the last run's take could not be kept as {kept.name} ({exc.strerror}): this run records "
                f"over {path}")
    before = " (the take kept there before is replaced)" if replaced else ""
    return f"the last run's take is kept as {kept}{before}; this run records a new {path.name}"
