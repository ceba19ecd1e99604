"""The held-out split left an instrument with no held-out note (an EP recorded at D, F# and A# only: forty-second
stop's QA), so the held-out score said nothing of it: such an instrument holds out a share of its own notes, said in
a note; where every instrument has held-out notes (or none has) the split is the pitch rule's, as before."""
from __future__ import annotations

import numpy as np

from trainer.synth.data import Note, split_heldout


def _note(inst: str, pitch: int, velocity: int = 100) -> Note:
    return Note(inst, float(pitch), velocity, np.zeros(8, np.float32), f"{inst}/{pitch}_{velocity}.wav")


def _pitch_rule(notes: list[Note]) -> list[tuple[str, float, int]]:
    return [(n.instrument, n.pitch, n.velocity) for n in notes if round(n.pitch) % 4 == 1]


def _keys(notes: list[Note]) -> list[tuple[str, float, int]]:
    return [(n.instrument, n.pitch, n.velocity) for n in notes]


def test_an_instrument_without_held_out_pitches_holds_out_some_of_its_own() -> None:
    piano = [_note("piano", p, v) for p in range(48, 73, 3) for v in (40, 120)]
    epiano = [_note("epiano", p, v) for p in range(50, 75, 4) for v in (49, 112)]       # D3, F#3, A#3 ... D5
    said: list[str] = []
    train, held = split_heldout(piano + epiano, note=said.append)
    assert _keys([n for n in held if n.instrument == "piano"]) == _pitch_rule(piano)   # A3, A4: as before
    assert sorted({n.pitch for n in held if n.instrument == "epiano"}) == [54.0, 70.0]  # F#3, A#4, both velocities
    assert len(held) == 4 + 4 and len(train) + len(held) == len(piano + epiano)
    assert {n.instrument for n in train} == {"piano", "epiano"}
    assert said == ["epiano has no note on a held-out pitch (C#, F or A), so its own F#3 and A#4 (4 of its 14 notes) "
                    "are held out to score it instead"]


def test_where_every_instrument_has_held_out_notes_the_split_is_the_pitch_rule_s() -> None:
    factory = [_note(i, p, v) for i in ("flute", "trumpet", "violin", "clarinet") for p in range(55, 85)
               for v in (70, 110)]
    said: list[str] = []
    train, held = split_heldout(factory, note=said.append)
    assert _keys(held) == _pitch_rule(factory) and said == []
    assert _keys(train) == [k for k in _keys(factory) if k not in set(_pitch_rule(factory))]
    train, held = split_heldout([_note("a", 60), _note("a", 62)], note=said.append)     # none has any: none held out
    assert held == [] and len(train) == 2 and said == []


def test_an_only_note_or_pitch_is_never_held_out_to_leave_nothing() -> None:
    notes = [_note("piano", p) for p in (60, 61, 62, 65)] + [_note("bell", 72)]
    notes += [_note("pad", 64, v) for v in (40, 90)]
    said: list[str] = []
    train, held = split_heldout(notes, note=said.append)
    assert _keys(held) == [("piano", 61.0, 100), ("piano", 65.0, 100), ("pad", 64.0, 90)]
    assert {n.instrument for n in train} == {"piano", "bell", "pad"}
    assert said == ["pad has no note on a held-out pitch (C#, F or A), so its own E4 (1 of its 2 notes) is held out "
                    "to score it instead",
                    "the held-out score leaves out bell: its only note is trained (holding it out would leave nothing "
                    "to train on)"]
