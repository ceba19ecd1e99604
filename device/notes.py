"""Note names, one spelling for the trainer's messages, the CLI and the panel."""
from __future__ import annotations

NOTE_NAMES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


def note_name(pitch: float) -> str:
    """MIDI pitch -> name with octave, rounded to the nearest note (60 -> "C4", 69.4 -> "A4",
    21 -> "A0", 0 -> "C-1")."""
    p = int(round(pitch))
    return f"{NOTE_NAMES[p % 12]}{p // 12 - 1}"
