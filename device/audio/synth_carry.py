"""A synth pack switched in mid-performance takes over the voices of the one it replaces (forty-third stop).

Before, the engine handed the new unit the player's performance as messages (device/audio/held.py: the keys down,
the pedal's notes, the bend) and the new unit struck every held key again: a new attack on each (a level step of
+17 dB on a piano-like pack's chord 0.3 s into its fall, `bench/synth_swap.py`), and a note that had decayed away
while its key was still down came back out of silence.  Now, at the new unit's first block (on the audio thread,
where the old one has just rendered the same block), :func:`take_over` copies the old unit's voices as they are:
each note at its envelope level and stage (a hardware synth's patch change), its velocity, its key or the pedal
holding it, its release going on, the pedal and the bend; a voice that had decayed away is no voice, so it stays
silent.  The slot's crossfade (the engine's ``xfade_s``) goes from the old timbre to the new one over the same notes.

What the new unit had queued is dropped (the replay, and live messages it got as well as the old unit), and what the
old unit had queued and not played yet is queued instead (their sample places moved onto the new unit's stream).
A live message can be on its way at that moment (the engine hands it to the old unit, then to the new one): the new
unit skips any message the old one already took (queued or played: its last :data:`SEEN`), by identity.

A unit replacing another that is not a :class:`~device.audio.synth.SynthSource` (or none: an empty slot) plays the
replayed messages as before: the held keys start their notes.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from device.audio.synth_voices import DECAY, RELEASE, SUSTAIN

SEEN = 16        # messages a synth unit remembers having played (those a switch may still be handing to the next)


def take_over(new: Any, old: Any, n: int) -> None:
    """``new`` (a SynthSource at its first block of ``n`` samples, not rendered yet) goes on from ``old`` (a
    SynthSource that has rendered that block): its queue, voices, pedal and bend.  Audio thread only."""
    _take_queue(new, old, n)
    _take_voices(new, old, n)
    new.bend, new.sustain = old.bend, old.sustain


def _take_queue(new: Any, old: Any, n: int) -> None:
    """``new``'s queue (the replay, and live messages ``old`` has too) for the messages ``old`` has not played yet;
    ``new`` skips from now on any message ``old`` took (queued or among its last played) that reaches it late.
    ``new``'s queue is emptied before ``old``'s is read: a message reaches ``old`` before ``new``, so one that
    lands on ``new`` after the emptying is in what is read of ``old``, and skipped."""
    new._events.clear()
    new._placed.clear()
    events, placed = list(old._events), list(old._placed)      # one C-level copy each (a control thread appends)
    shift = new._sample + n - old._sample                        # old's stream -> new's (old is n samples on)
    for msg, due, orig, _ in events:
        new._events.append((msg, due, orig, True))
    for at, msg, orig, _ in placed:
        new._placed.append((at + shift, msg, orig, True))
    new._dupes = tuple([e[2] for e in events] + [e[2] for e in placed] + [m for m in old._seen if m is not None])


def _take_voices(new: Any, old: Any, n: int) -> None:
    """``new``'s voices: ``old``'s live ones (neither fading out nor ended), at most ``new.max_voices`` of them (the
    keys and pedal's notes first, then the releasing ones; newest first), in slots 0.. of ``new``'s arrays, each at
    its envelope level, its stage on ``new``'s envelope (:func:`carried_stages`), its phase where ``old`` had it at
    the start of the block, its wavetable ``old``'s (so its first frame glides from the old timbre to the new one, a
    frame long); no network state (another pack's is meaningless to this one)."""
    o, v = old.v, new.v
    live = np.flatnonzero(old._live())
    order = np.lexsort((-o.stamp[live], o.stage[live] == RELEASE))
    keep = live[order[:new.max_voices]]
    k = len(keep)
    v.note[:k], v.velocity[:k], v.env[:k] = o.note[keep], o.velocity[keep], o.env[keep]
    v.key_down[:k], v.held[:k] = o.key_down[keep], o.held[keep]
    v.stage[:k] = carried_stages(o.stage[keep], o.env[keep], o.gated[keep], float(new.env_cfg["sustain"]))
    v.stamp[:k] = np.argsort(np.argsort(o.stamp[keep])) + 1     # their order kept: the oldest is stolen first
    new._stamp = k
    f0 = o.f0_next[keep]
    v.f0_next[:k] = f0
    np.take(o.tab_next, keep, axis=0, out=v.tab_next[:k])     # its first frame glides from old's table to its own
    v.phase[:k] = np.remainder(o.phase[keep] - n * f0 / old.rate, 1.0)
    v.born[:k], v.struck[:k], v.struck_at[:k] = -1, -1, 0


def carried_stages(stage: np.ndarray, env: np.ndarray, gated: np.ndarray, sustain: float) -> np.ndarray:
    """The stages [K] int8 voices at envelope levels ``env`` [K] and ``stage`` [K] go on in on an envelope whose
    sustain level is ``sustain``: as they were (an attack rises on from its level, a release falls on), but a decay
    already at or under the new sustain level holds there (it would jump up to it), a held level over it decays to
    it (at the new decay's rate), and a voice ``gated`` (let go of in the frame it began part way into) releases."""
    out = stage.copy()
    out[(stage == DECAY) & (env <= sustain)] = SUSTAIN
    out[(stage == SUSTAIN) & (env > sustain)] = DECAY
    out[gated] = RELEASE
    return out
