"""The synth's low limit in words: notes whose harmonics under :data:`device.audio.harmonic.LOW_HZ` (20 Hz) are faded
out (gone under 16 Hz: SynthSource fades them between 20 and 16 Hz, frame by frame as the pitch goes; note 15 at
19.4 Hz keeps 86 % of its fundamental, note 13 at 17.3 Hz 33 %), played or bent there, for
the offline player (hatbox play: device.audio.synth_render) and the box's warnings (SynthSource.warnings); and
:class:`HeldNotes`, the notes sounding by key or pedal and the wheel as control messages say, which both limits'
bend warnings follow.
"""
from __future__ import annotations

import functools
import math
from typing import TYPE_CHECKING, Any, Iterable

from device.audio.harmonic import LOW_FADE_HZ, LOW_HZ, midi_to_hz

if TYPE_CHECKING:
    from device.audio.synth import SynthSource

LOW_PITCH = 69.0 + 12.0 * math.log2(LOW_HZ / 440.0)     # the (bent) MIDI pitch whose fundamental is LOW_HZ: 15.49


class HeldNotes:
    """The notes sounding (key down, or held by the sustain pedal) and the wheel (-1..1), as control messages
    say: :meth:`take` each in order."""

    def __init__(self) -> None:
        self.keys: set[int] = set()
        self.held: set[int] = set()
        self.pedal = False
        self.bend = 0.0

    def take(self, msg: dict[str, Any]) -> bool:
        """Follow ``msg``: whether it was a note, pedal or bend message (what it says may have moved a note)."""
        op = msg.get("op")
        if op == "note_on" and int(msg.get("velocity", 0)) > 0:
            self.keys.add(int(msg["note"]))
            self.held.add(int(msg["note"]))
        elif op in ("note_on", "note_off"):
            self.keys.discard(int(msg["note"]))
            if not self.pedal:
                self.held.discard(int(msg["note"]))
        elif op == "sustain":
            self.pedal = bool(msg["on"])
            if not self.pedal:
                self.held &= self.keys
        elif op == "bend":
            self.bend = min(1.0, max(-1.0, float(msg["value"])))
        elif op == "all_notes_off":                  # the pedal still holds them
            self.keys.clear()
            self.held = self.held if self.pedal else set()
        elif op == "panic":                          # every voice out, the pedal and the bend lifted
            self.keys, self.held, self.pedal, self.bend = set(), set(), False, 0.0
        else:
            return False
        return True

    def bent_under(self, lowest: int, span: float) -> set[int]:
        """The notes held at ``lowest`` or over (unbent: they keep their fundamental) that the wheel, ``span``
        semitones at full throw, carries under :data:`LOW_HZ`."""
        return {n for n in self.held if n >= lowest and n + self.bend * span < LOW_PITCH}


@functools.cache
def lowest_full_note() -> int:
    """The lowest MIDI note (unbent) whose fundamental is :data:`LOW_HZ` or over: 16 (20.6 Hz).  Found once: every
    note and bend message the synth takes asks for it (SynthSource.lowest_note)."""
    return next(n for n in range(128) if float(midi_to_hz(n)) >= LOW_HZ)


def low_notes(source: SynthSource, events: list[tuple[int, dict[str, Any]]], midi: str) -> str:
    """A warning naming the notes of MIDI file ``midi`` (its ``events``) under :func:`lowest_note`, unbent
    (:func:`low_notes_text`); "" when there is none."""
    low = {int(m["note"]) for _, m in events
           if m["op"] == "note_on" and int(m["velocity"]) > 0 and int(m["note"]) < source.lowest_note}
    return low_notes_text(source, low, where=midi)


def bent_low_notes(source: SynthSource, events: list[tuple[int, dict[str, Any]]], midi: str) -> str:
    """A warning naming the notes of MIDI file ``midi`` that keep their fundamental unbent but that a pitch bend
    carries under :data:`LOW_HZ` while they sound (:func:`bent_low_text`); "" when none is."""
    notes, bent = HeldNotes(), set()
    for _, m in events:
        if notes.take(m):
            bent |= notes.bent_under(source.lowest_note, float(source.bend_range))
    return bent_low_text(source, bent, where=midi)


def low_notes_text(source: SynthSource, notes: Iterable[int], where: str = "") -> str:
    """The warning that ``notes`` under ``source``'s :attr:`SynthSource.lowest_note` play without their sub-audio
    harmonics: "notes 0, 12 lie under 20 Hz (from 8.2 Hz) on 'synth-gm4': their harmonics under 20 Hz are faded
    out (gone under 16 Hz); the lowest note that keeps its fundamental is 16" (``where``, the MIDI file, said before
    it).  "" when
    ``notes`` is empty."""
    low = sorted(set(int(n) for n in notes))
    if not low:
        return ""
    many = len(low) > 1
    return (f"{_notes_lead(low, where)} {'lie' if many else 'lies'} under {LOW_HZ:g} Hz (from "
            f"{float(midi_to_hz(low[0])):.1f} Hz) on '{source.pack_name}': {'their' if many else 'its'} harmonics "
            f"under {_faded_words()}; the lowest note that keeps its fundamental is {source.lowest_note}")


def _notes_lead(notes: list[int], where: str) -> str:
    """"notes 0, 12" / "note 17" (``notes``: sorted, distinct MIDI notes), after ``where`` ("song.mid: ") if given."""
    from device.audio.synth_render import note_runs
    return f"{where + ': ' if where else ''}note{'s' if len(notes) > 1 else ''} {note_runs(notes)}"


def _faded_words() -> str:
    """"20 Hz are faded out (gone under 16 Hz)": the fade, from LOW_HZ down to LOW_HZ - LOW_FADE_HZ."""
    return f"{LOW_HZ:g} Hz are faded out (gone under {LOW_HZ - LOW_FADE_HZ:g} Hz)"


def bent_low_text(source: SynthSource, notes: Iterable[int], where: str = "") -> str:
    """The warning that ``notes`` are bent under :data:`LOW_HZ`: "note 17 is bent under 20 Hz on 'synth-gm4': its
    harmonics under 20 Hz are faded out (gone under 16 Hz) while the bend lasts".  "" when ``notes`` is empty."""
    bent = sorted(set(int(n) for n in notes))
    if not bent:
        return ""
    many = len(bent) > 1
    return (f"{_notes_lead(bent, where)} {'are' if many else 'is'} "
            f"bent under {LOW_HZ:g} Hz on '{source.pack_name}': {'their' if many else 'its'} harmonics under "
            f"{_faded_words()} while the bend lasts")
