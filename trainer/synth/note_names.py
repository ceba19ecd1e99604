"""What a note file's name says: its pitch, its velocity (a number or a dynamic mark), and whether that pitch agrees
with the audio.

Pitch: a note name (``C4``, ``F#3``, ``Bb2``, ``Fs3``) standing as a word of the name, or a number (``60``,
NSynth's ``flute_002-060-100``); only plausible pitches (MIDI 21..108, NAME_PITCHES) count.  Velocity: a number after
the pitch (``..._060_100``: NAME_PITCH_VELOCITY) comes first; else a dynamic mark written as a word of the name, in
any case (``C3 soft``, ``piano_C3_mf``, ``note-48-ff``), on the MIDI/MusicXML scale of :data:`DYNAMICS`; else
DEFAULT_VELOCITY.  A mark counts only as a word of its own (``softsynth`` is no mark, nor the ``F`` of ``F3``), and
the one-letter marks ``p`` and ``f`` only where the name also gives a pitch (``Rhodes F`` is the note F, octave
unsaid, measured from the audio).  Where a name holds several marks the last counts.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from device.notes import note_name
from hatbox.errors import DataError
from hatbox.text import count_words, them

if TYPE_CHECKING:
    from trainer.synth.data import Note

_NOTE_NAMES = {"c": 0, "d": 2, "e": 4, "f": 5, "g": 7, "a": 9, "b": 11}
_NAME_RE = re.compile(r"(?:^|[_\-\s])([A-Ga-g])(#|b|s)?(-?\d)(?=$|[_\-\s.])")
_WORD_SPLIT = re.compile(r"[^0-9A-Za-z#]+")      # a name's words: what lies between spaces, _ - . ( ) and the like
NAME_PITCHES = (21, 108)            # MIDI pitches a file name may give (A0..C8); other numbers are not pitches
DEFAULT_VELOCITY = 100              # a name with neither a velocity number nor a dynamic mark
# Dynamic marks -> MIDI velocity: the MusicXML <dynamics> defaults (ppp 16 ... fff 127, steps of about 16), and the
# words sample libraries name velocity layers with (soft/quiet = p, medium = mf, hard/loud = f).
DYNAMICS = {"ppp": 16, "pp": 33, "p": 49, "mp": 64, "mf": 80, "f": 96, "ff": 112, "fff": 127,
            "pianissimo": 33, "mezzopiano": 64, "mezzoforte": 80, "forte": 96, "fortissimo": 112,
            "quiet": 49, "soft": 49, "medium": 80, "med": 80, "hard": 96, "loud": 96}
PITCH_TOLERANCE = 1.0               # semitones a name's pitch may differ from the measured one
ESTIMATOR_SLIPS = (12, 19, 24)      # semitones: an octave, a twelfth, two octaves
NAME_ONLY_SHARE = 0.02              # features.name_only_share under this: the name is an octave (twelfth...) off


def _name_pitch(stem: str) -> tuple[float, int | None] | None:
    """(MIDI pitch, velocity number or None) a name gives, or None when it gives no pitch."""
    parsed = _parsed_pitch(stem)
    return None if parsed is None else parsed[:2]


def _parsed_pitch(stem: str) -> tuple[float, int | None, str] | None:
    """(MIDI pitch, velocity number or None, what gave the pitch: "name", a note name, or "number") a name gives, or
    None when it gives no pitch.  A note name out of :data:`NAME_PITCHES` is passed over for the numbers."""
    lo, hi = NAME_PITCHES
    m = _NAME_RE.search(stem)
    if m:
        letter, acc, octave = m.groups()
        shift = {"#": 1, "s": 1, "b": -1}.get(acc or "", 0)
        pitch = 12 * (int(octave) + 1) + _NOTE_NAMES[letter.lower()] + shift
        if lo <= pitch <= hi:
            return float(pitch), None, "name"
    nums = [int(t) for t in re.split(r"[_\-\s]+", stem) if t.isdigit() and len(t) <= 3 and int(t) <= 127]
    if len(nums) >= 2 and lo <= nums[-2] <= hi:     # ..._PITCH_VELOCITY (NSynth: name_NNN-PPP-VVV)
        return float(nums[-2]), max(1, nums[-1]), "number"
    if len(nums) == 1 and lo <= nums[0] <= hi:
        return float(nums[0]), None, "number"
    return None                 # no pitch in the name (take_01, Piano 2, sample_2023_07): measured from the audio


def dynamic_from_name(stem: str, pitched: bool = True) -> int | None:
    """The velocity (:data:`DYNAMICS`) of the last dynamic mark standing as a word of ``stem`` (any case), or None.
    One-letter marks (``p``, ``f``) count only when ``pitched`` (the name gives its pitch elsewhere)."""
    marks = [w.lower() for w in _WORD_SPLIT.split(stem) if w.lower() in DYNAMICS and (pitched or len(w) > 1)]
    return DYNAMICS[marks[-1]] if marks else None


def pitch_from_name(stem: str) -> tuple[float, int] | None:
    """(MIDI pitch, velocity) from a file stem, or None when the name carries no pitch.  The velocity is the
    number after the pitch, else the name's dynamic mark (:func:`dynamic_from_name`), else DEFAULT_VELOCITY."""
    named = _name_pitch(stem)
    if named is None:
        return None
    pitch, number = named
    if number is not None:
        return pitch, number
    mark = dynamic_from_name(stem)
    return pitch, DEFAULT_VELOCITY if mark is None else mark


def velocity_from_name(stem: str) -> int:
    """The velocity a name without a pitch gives (``take_03 soft``: its dynamic mark), else DEFAULT_VELOCITY."""
    mark = dynamic_from_name(stem, pitched=False)
    return DEFAULT_VELOCITY if mark is None else mark


def check_name_pitches(notes: list[Note], tolerance: float = PITCH_TOLERANCE) -> None:
    """DataError naming the files whose name gives a pitch more than ``tolerance`` semitones away from
    the pitch measured in their audio (a number in the name that is not the pitch: ``take_30.wav``).
    An octave, a twelfth or two octaves off is the pitch estimator's own slip on strong overtones or a
    weak fundamental (bass, organ, nylon guitar), not a wrong name: those pass."""
    bad = [n for n in notes if n.measured is not None and abs(n.pitch - n.measured) > tolerance
           and not any(abs(abs(n.pitch - n.measured) - k) <= tolerance for k in ESTIMATOR_SLIPS)]
    if not bad:
        return
    shown = "; ".join(f"{n.path}: name says {note_name(n.pitch)} (MIDI {n.pitch:g}), audio measures "
                      f"{note_name(n.measured)} ({n.measured:.1f})" for n in bad[:5])
    more = f"; and {len(bad) - 5} more" if len(bad) > 5 else ""
    said = count_words(len(bad), "note file is named with a pitch its audio does not have",
                       "note files are named with a pitch their audio does not have")
    raise DataError(f"{said}: {shown}{more}",
                    hint=f"rename {them(len(bad))} (C4.wav, 60.wav, name_060_100.wav) or take {_pitch_words(bad)} out "
                         "of the name to have the pitch measured; if the names are right, pass --trust-names")


def _pitch_words(notes: list[Note]) -> str:
    """What gives the pitch in ``notes``' names, as the hint says it: "the note name" (``F4 mf.wav``), "the number"
    (``take_30.wav``), or "the pitch (a note name or a number)" where they differ or a name is not known (fifty-second
    stop's QA: "take the number out" of ``F4 mf.wav``, which holds none), as the name was read (its review:
    ``C0 060.wav``, whose C0 is out of range, gives its pitch by the number)."""
    words = {"name": "the note name", "number": "the number"}
    kinds = {words.get((_parsed_pitch(Path(n.path).stem) or (0, None, ""))[2], "") if n.path else "" for n in notes}
    return kinds.pop() if len(kinds) == 1 and "" not in kinds else "the pitch (a note name or a number)"


def octave_off_names(notes: list[Note], rate: int, tolerance: float = PITCH_TOLERANCE) -> str | None:
    """A warning naming the notes (audio at ``rate`` Hz) whose name is an octave, a twelfth or two octaves
    from the pitch measured in their audio (``ESTIMATOR_SLIPS``, which :func:`check_name_pitches` lets
    pass) where the audio shows the name is off, not the estimator: it measures lower than the name (the
    estimator slips upwards, on a weak fundamental), or higher with no energy on the name's own harmonics
    (features.name_only_share under NAME_ONLY_SHARE: no note at the name's pitch).  None when none is."""
    from device.audio.harmonic import midi_to_hz
    from trainer.synth.features import name_only_share
    off = []
    for n in notes:
        if n.measured is None:
            continue
        slip = next((k * np.sign(n.measured - n.pitch) for k in ESTIMATOR_SLIPS
                     if abs(abs(n.measured - n.pitch) - k) <= tolerance), None)
        if slip is None:
            continue
        if slip < 0 or name_only_share(n.audio, rate, float(midi_to_hz(n.pitch)),
                                       float(midi_to_hz(n.pitch + slip))) < NAME_ONLY_SHARE:
            off.append((n, int(slip)))
    if not off:
        return None
    said = "trained as named; rename them if the names are off, or pass --trust-names to silence this"
    slips = {s for _n, s in off}
    if len(off) >= 2 and len(off) == sum(n.measured is not None for n in notes) and len(slips) == 1:
        return (f"all {len(off)} measured notes sound {_interval(slips.pop())} their names (do your file names "
                f"count octaves differently, middle C as C3 or C5 instead of C4?): {said}")
    shown = "; ".join(f"{n.path}: name says {note_name(n.pitch)} (MIDI {n.pitch:g}), audio sounds "
                      f"{_interval(s)} it ({note_name(n.measured)}, MIDI {n.measured:.1f})" for n, s in off[:5])
    more = f"; and {len(off) - 5} more" if len(off) > 5 else ""
    away = count_words(len(off), "note file sounds an octave or more away from the pitch in its name",
                       "note files sound an octave or more away from the pitch in their name")
    return f"{away}: {shown}{more}; {said}"


def _interval(slip: int) -> str:
    """'an octave above' / 'a twelfth below' / 'two octaves above' for a signed ESTIMATOR_SLIPS step."""
    name = {12: "an octave", 19: "a twelfth", 24: "two octaves"}[abs(slip)]
    return f"{name} {'above' if slip > 0 else 'below'}"
