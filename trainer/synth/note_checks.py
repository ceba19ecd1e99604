"""The checks of a note set that refuse it or warn of it as a whole (split from trainer/synth/data.py, which
re-exports them): note files too short (by their headers) or sounding too briefly, instrument folder names
``play --corners`` could never choose, notes recorded at a low sample rate, copies of one note."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Callable

import numpy as np

from device.audio import audiofile
from hatbox.errors import DataError, HatboxError
from hatbox.text import count_words, them
from trainer.synth.note import Note


MIN_NOTE_FRACTION = 1 / 8           # a note file must last at least this share of the --seconds crop ...
MIN_NOTE_SECONDS = 0.1              # ... and never less than this (the loss's 2048-point STFT at 24 kHz is 85 ms)
SOUND_FLOOR_DB = 60.0               # a note sounds from its onset until it stays this far under its peak


def min_note_seconds(seconds: float) -> float:
    """The shortest note file (s) accepted for a ``seconds`` crop: shorter notes, padded with silence,
    would teach the synth mostly silence and set its velocity level from silence (a silent pack)."""
    return max(MIN_NOTE_SECONDS, MIN_NOTE_FRACTION * seconds)


def _header_seconds(path: Path) -> float:
    """The file's length in seconds from its header (device.audio.audiofile.file_seconds), or infinity for a file
    whose header cannot be read."""
    try:
        return audiofile.file_seconds(path)
    except HatboxError:
        return math.inf


def check_note_lengths(files: list[Path], seconds: float) -> None:
    """DataError naming the note files shorter than ``min_note_seconds(seconds)`` (read from their headers,
    before any note is loaded or measured).  A file whose header cannot be read is left to :func:`load_note`,
    which names it."""
    least = min_note_seconds(seconds)
    short = [(f, s) for f in files if 0 < (s := _header_seconds(f)) < least]   # no audio at all: load_note skips it
    if not short:
        return
    shown = "; ".join(f"{f} ({s * 1000:.0f} ms)" for f, s in short[:5])
    more = f"; and {len(short) - 5} more" if len(short) > 5 else ""
    shortest = min(s for _f, s in short)
    fix = (f"give --seconds {math.floor(shortest / MIN_NOTE_FRACTION * 100) / 100:.2f} or less, or "
           if shortest >= MIN_NOTE_SECONDS else "")
    raise DataError(f"{count_words(len(short), 'note file is', 'note files are')} shorter than "
                    f"{least * 1000:.0f} ms (an eighth of the "
                    f"{seconds:g} s each note is padded to, at least {MIN_NOTE_SECONDS * 1000:.0f} ms): {shown}{more}",
                    hint=f"{fix}remove {them(len(short))} or record longer notes: padded with silence "
                         f"{'it' if len(short) == 1 else 'they'} would train a silent synth")


def sounding_seconds(audio: np.ndarray, rate: int, floor_db: float = SOUND_FLOOR_DB) -> float:
    """How long ``audio`` [N] at ``rate`` Hz sounds (s): from its onset, the first sample within ``floor_db``
    of the peak (device.audio.mel.onset_index), to the last such sample, after which it stays at least
    ``floor_db`` under the peak.  0 for digital silence."""
    from device.audio.mel import onset_index
    if not np.any(audio):
        return 0.0
    start = onset_index(audio, -floor_db, preroll=0)
    end = len(audio) - onset_index(audio[::-1], -floor_db, preroll=0)
    return (end - start) / rate


def check_sounding_lengths(notes: list[Note], rate: int, seconds: float) -> None:
    """DataError naming the notes (audio at ``rate`` Hz, cropped or padded to ``seconds``) that sound for less
    than ``min_note_seconds(seconds)`` (``sounding_seconds``): a short click followed by silence passes
    :func:`check_note_lengths` in a long file, but would train on silence all the same."""
    least = min_note_seconds(seconds)
    short = [(n.path, s) for n in notes if (s := sounding_seconds(n.audio, rate)) < least]
    if not short:
        return
    shown = "; ".join(f"{path} sounds for {s * 1000:.0f} ms" for path, s in short[:5])
    more = f"; and {len(short) - 5} more" if len(short) > 5 else ""
    raise DataError(f"{count_words(len(short), 'note file sounds', 'note files sound')} for less than "
                    f"{least * 1000:.0f} ms (an eighth of the "
                    f"{seconds:g} s each note is cropped or padded to, at least {MIN_NOTE_SECONDS * 1000:.0f} ms; "
                    f"a note sounds from its onset until it stays {SOUND_FLOOR_DB:g} dB under its peak): "
                    f"{shown}{more}",
                    hint=f"remove {them(len(short))} or record the notes held longer: mostly silence, "
                         f"{'it' if len(short) == 1 else 'they'} would train a silent synth")


def check_instrument_names(names: list[str]) -> None:
    """DataError for instrument folder names that ``play --corners A,B,C,D`` could never choose:
    a comma (the separator), leading/trailing white space (stripped from each name), or two names that differ
    only in case (``Flute``, ``flute``: corners are matched in any case)."""
    bad = [n for n in names if "," in n or n != n.strip()]
    if bad:
        one = len(bad) == 1
        raise DataError(f"instrument folder name{'' if one else 's'} {', '.join(repr(n) for n in bad)} cannot be "
                        f"chosen with play --corners (names there are separated by commas and stripped of spaces)",
                        hint=f"rename the folder{'' if one else 's'} without commas and without spaces at the "
                             "start or end (e.g. 'Sax, alto' -> 'Sax alto')")
    folded: dict[str, list[str]] = {}
    for n in names:
        folded.setdefault(n.casefold(), []).append(n)
    clash = [sorted(group) for group in folded.values() if len(group) > 1]
    if clash:                   # play --corners and the panel match names in any case: one would never be chosen
        shown = "; ".join(" and ".join(repr(n) for n in group) for group in clash)
        raise DataError(f"instrument folders whose names differ only in case: {shown} (play --corners and the "
                        "box's pad read names in any case, so one of each could never be chosen)",
                        hint="rename one of each, or merge them if they hold one instrument's notes")


def warn_low_rates(notes: list[Note], rate: int, warn: Callable[[str], None], shown: int = 3) -> None:
    """One ``warn`` for the notes recorded at a sample rate under ``rate`` Hz, naming ``shown`` of them and their
    count (it was said once per note: the same line hundreds of times for a set recorded at 16 kHz)."""
    low = [n for n in notes if 0 < n.rate < rate]
    if low:
        rates, one = sorted({n.rate for n in low}), len(low) == 1
        count = "" if one else f"{' ...' if len(low) > shown else ''} ({len(low)} notes)"
        warn(f"{', '.join(n.path for n in low[:shown])}{count} {'is' if one else 'are'} recorded at "
             f"{' or '.join(f'{r} Hz' for r in rates)}, under {rate} Hz: {'it holds' if one else 'they hold'} "
             f"nothing above {rates[-1] // 2} Hz, so the synth learns {them(len(low))} duller"
             f"{' than the others' if len(low) < len(notes) else ''}; record at {rate} Hz or more")


def duplicate_notes(notes: list[Note]) -> str | None:
    """A warning naming notes of one instrument whose audio is the same, sample for sample (a copied file:
    it counts twice in training, and under two pitches when their names differ).  None when none are."""
    seen: dict[tuple[str, bytes], Note] = {}
    pairs = []
    for n in notes:
        key = (n.instrument, n.audio.tobytes())
        if key in seen:
            pairs.append(f"{n.path} = {seen[key].path}")
        else:
            seen[key] = n
    if not pairs:
        return None
    more = f"; and {len(pairs) - 5} more" if len(pairs) > 5 else ""
    return (f"{count_words(len(pairs), 'note file holds', 'note files hold')} the same audio as another: "
            f"{'; '.join(pairs[:5])}{more}: each copy is trained as a note of its own; remove the copies")
