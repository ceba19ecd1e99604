"""Note names, one spelling for the trainer's messages, the CLI and the panel."""
from __future__ import annotations

import re

NOTE_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


def note_name(pitch: float) -> str:
    """MIDI pitch -> name with octave, rounded to the nearest note (60 -> "C4", 69.4 -> "A4",
    21 -> "A0", 0 -> "C-1")."""
    p = int(round(pitch))
    return f"{NOTE_NAMES[p % 12]}{p // 12 - 1}"


def parse_note(text: str) -> int:
    """A MIDI note from its number ("36") or its name ("C2", "F#1", "Db3", "c-1"), as :func:`note_name` spells
    them (C4 = 60); ValueError for anything else or a note outside 0..127."""
    t = text.strip()
    if re.fullmatch(r"-?[0-9]+", t):
        note = int(t)
    else:
        letter, rest = t[:1].upper(), t[1:]
        if letter not in "CDEFGAB" or not letter:
            raise ValueError(f"{text!r} is not a note (a number 0-127, or a name such as C2, F#1, Db3)")
        shift = 1 if rest[:1] == "#" else -1 if rest[:1] == "b" else 0
        octave = rest[1:] if shift else rest
        if not re.fullmatch(r"-?[0-9]+", octave):
            raise ValueError(f"{text!r} is not a note (a number 0-127, or a name such as C2, F#1, Db3)")
        note = 12 * (int(octave) + 1) + NOTE_NAMES.index(letter) + shift
    if not 0 <= note <= 127:
        raise ValueError(f"{text!r} is outside MIDI's notes (0-127, C-1 to G9)")
    return note
