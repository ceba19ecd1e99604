"""Dynamics written in note file names (forty-second stop's QA: "C3 soft.wav", "piano_A3_mf.wav", "note-48-ff.wav"
all loaded as velocity 100): read on the MIDI/MusicXML scale, as words of the name only."""
from __future__ import annotations

from pathlib import Path

import pytest

from device.audio import audiofile
from tests.synth.conftest import harmonic_tone
from trainer.synth.data import load_folder, pitch_from_name
from trainer.synth.note_names import DYNAMICS, velocity_from_name

RATE = 24000


@pytest.mark.parametrize("stem,want", [
    ("C3 soft", (48.0, 49)), ("piano_A3_mf", (57.0, 80)), ("note-48-ff", (48.0, 112)), ("note-60", (60.0, 100)),
    ("D4 mf (export crashed)", (62.0, 80)), ("EP A#3 ff", (58.0, 112)), ("C4 PP", (60.0, 33)),
    ("C4 Soft", (60.0, 49)), ("Fs3 ppp", (54.0, 16)), ("F#3 fff", (54.0, 127)), ("mf 60", (60.0, 80)),
    ("C4-p", (60.0, 49)), ("C4 F", (60.0, 96)), ("piano C4 hard", (60.0, 96)), ("C4 medium", (60.0, 80))])
def test_dynamic_marks_in_a_name_are_velocities(stem: str, want: tuple[float, int]) -> None:
    assert pitch_from_name(stem) == want


@pytest.mark.parametrize("stem,want", [
    ("F3", (53.0, 100)), ("f3", (53.0, 100)), ("F3 take", (53.0, 100)),       # the note F is no forte
    ("softsynth C3", (48.0, 100)), ("C3 hardware", (48.0, 100)), ("C4 pff", (60.0, 100)),   # marks as words only
    ("flute_060_080_ff", (60.0, 80)), ("flute_acoustic_002-067-127", (67.0, 127)),          # numbers come first
    ("C4 mp3", (60.0, 100)), ("Rhodes F", None), ("take", None)])
def test_what_is_not_a_dynamic_mark(stem: str, want: tuple[float, int] | None) -> None:
    assert pitch_from_name(stem) == want


def test_the_scale_rises_and_a_pitchless_name_keeps_its_mark() -> None:
    marks = ["ppp", "pp", "p", "mp", "mf", "f", "ff", "fff"]
    assert [DYNAMICS[m] for m in marks] == sorted(DYNAMICS[m] for m in marks) and DYNAMICS["fff"] == 127
    assert velocity_from_name("take_01 soft") == 49 and velocity_from_name("take_01 FF") == 112
    assert velocity_from_name("Rhodes F") == 100 and velocity_from_name("take_01") == 100     # F: a note, octave unsaid


def test_a_folder_named_with_dynamics_loads_their_velocities(tmp_path: Path) -> None:
    for name, pitch in (("C3 soft", 48), ("piano_E3_mf", 52), ("note-55-ff", 55), ("note-60", 60), ("take_2 pp", 64)):
        audiofile.write(tmp_path / "piano" / f"{name}.wav", harmonic_tone(pitch, RATE, 0.6), RATE)
    notes = load_folder(tmp_path, RATE, 0.5, warn=lambda _said: None)
    assert [(round(n.pitch), n.velocity) for n in notes] == [(48, 49), (52, 80), (55, 112), (60, 100), (64, 33)]
