"""Which notes of a set are held out to score the synth: by pitch, every instrument keeping a trained note and, where
the pitch rule holds none of an instrument out, a share of its own (split from trainer/synth/data.py, which
re-exports it)."""
from __future__ import annotations

from typing import Callable

from device.notes import note_name
from trainer.synth.note import Note, print_note


HELD_EVERY, HELD_PHASE = 4, 1      # the pitch rule's defaults: MIDI % 4 == 1, so C#, F and A are held out
PITCH_CLASSES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


def held_pitch(pitch: float, every: int = HELD_EVERY, phase: int = HELD_PHASE) -> bool:
    """Whether the MIDI ``pitch`` (rounded) falls on a held-out pitch: ``round(pitch) % every == phase``."""
    return int(round(pitch)) % every == phase


def held_pitch_words(every: int = HELD_EVERY, phase: int = HELD_PHASE, last: str = "or") -> str:
    """The held-out pitches in words: "C#, F or A" (``last``: the word before the last name, "or" or "and");
    "MIDI % 5 == 1" where ``every`` does not divide the octave."""
    names = [n for pc, n in enumerate(PITCH_CLASSES) if pc % every == phase] if 12 % every == 0 else []
    if len(names) > 1:
        return f"{', '.join(names[:-1])} {last} {names[-1]}"
    return "".join(names) or f"MIDI % {every} == {phase}"


def split_heldout(notes: list[Note], every: int = HELD_EVERY, phase: int = HELD_PHASE,
                  note: Callable[[str], None] = print_note) -> tuple[list[Note], list[Note]]:
    """(train, held-out), each in ``notes``' order: held-out notes are the pitches with ``round(pitch) % every ==
    phase``, except that every instrument keeps at least one trained note: where all of an instrument's notes fall on
    held-out pitches, its first note in (pitch, velocity, path) order is trained and the others stay held out.
    Where that leaves an instrument without a held-out note while others have some (an EP recorded at D, F# and A#
    only: the score said nothing of it), a share of its own notes is held out instead (:func:`own_heldout`; an
    instrument's only note stays trained), and a ``note`` says which.  Where every instrument has held-out notes, or
    none has, the split is the pitch rule's alone (the benchmarks' and the factory pack's)."""
    by: dict[str, list[Note]] = {}
    for n in sorted(notes, key=lambda n: (n.instrument, n.pitch, n.velocity, n.path)):
        by.setdefault(n.instrument, []).append(n)
    held: set[int] = set()          # id() of the held-out notes
    for own in by.values():
        on = [n for n in own if held_pitch(n.pitch, every, phase)]
        held |= {id(n) for n in (on[1:] if len(on) == len(own) else on)}      # all on held-out pitches: first trained
    lacking = {inst: own for inst, own in by.items() if not any(id(n) in held for n in own)}
    if held and lacking:
        extra = {inst: own_heldout(own, every) for inst, own in lacking.items()}
        held |= {id(n) for more in extra.values() for n in more}
        for said in own_heldout_words(extra, lacking, every, phase):
            note(said)
    return [n for n in notes if id(n) not in held], [n for n in notes if id(n) in held]


def own_heldout(own: list[Note], every: int = HELD_EVERY) -> list[Note]:
    """The share of one instrument's notes ``own`` (sorted by pitch, velocity, path) held out when none is on a
    held-out pitch: every ``every``-th of its pitches from its second (all its notes there; so never its lowest, and
    at least one pitch stays trained), or with a single pitch every ``every``-th note from its second; none of one."""
    pitches = sorted({int(round(n.pitch)) for n in own})
    if len(pitches) > 1:
        chosen = set(pitches[1::every])
        return [n for n in own if int(round(n.pitch)) in chosen]
    return own[1::every]


def own_heldout_words(extra: dict[str, list[Note]], own: dict[str, list[Note]], every: int, phase: int) -> list[str]:
    """The notes saying which of ``own``'s notes (instrument -> its notes) :func:`split_heldout` held out of their own
    (``extra``), and which instrument the held-out score leaves out (one note: trained)."""
    rule = held_pitch_words(every, phase)
    shares = {inst: f"{' and '.join(dict.fromkeys(note_name(n.pitch) for n in more))} ({len(more)} of its "
                    f"{len(own[inst])} notes)" for inst, more in extra.items() if more}
    said = []
    if len(shares) == 1:
        (inst, share), = shares.items()
        said.append(f"{inst} has no note on a held-out pitch ({rule}), so its own {share} "
                    f"{'is' if len(extra[inst]) == 1 else 'are'} held out to score it instead")
    elif shares:
        shown = "; ".join(f"{inst}'s {share}" for inst, share in list(shares.items())[:5])
        more = f"; and {len(shares) - 5} more" if len(shares) > 5 else ""
        said.append(f"{len(shares)} instruments have no note on a held-out pitch ({rule}), so some of their own are "
                    f"held out to score them instead: {shown}{more}")
    alone = [inst for inst, more in extra.items() if not more]
    if alone:
        shown = ", ".join(alone[:5]) + (f" and {len(alone) - 5} more" if len(alone) > 5 else "")
        one = len(alone) == 1
        said.append(f"the held-out score leaves out {shown}: {'its only note is' if one else 'each has one note,'} "
                    f"trained (holding {'it' if one else 'them'} out would leave nothing to train on)")
    return said
