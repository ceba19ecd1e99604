"""The synth's notes as its voices live them: a queued control message acting at a frame boundary
(:meth:`SynthNotes._apply`), a note struck (from silence, or again on its sounding voice, which a timed note carries on
from its onset: :meth:`SynthNotes._carry_on`), let go of (the release, held to its sample, a frame of the note at
least), held by the pedal, stolen or panicked (the fade over the next frame).

:class:`SynthNotes` is a part of device.audio.synth.SynthSource (its base class), apart from the frames, the network
and the rendering there; the module docstring of device.audio.synth tells how timed notes and releases fall on their
samples.  It works on the voices' arrays (device.audio.synth_voices.Voices) in place at frame boundaries, on the audio
thread; nothing here runs per sample.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from device.audio.synth_voices import (ATTACK, FADE, IDLE, RELEASE, Voices, _key_up, _key_up_voice,
                                       _pick_voice)

RELEASE_CROSSFADE_S = 0.001   # a timed release (a carry-on) crossfades from the held table over this long at least (s)


class SynthNotes:
    """Note on / off, release, fade and carry-on of the synth's voices; SynthSource sets what is declared here."""

    v: Voices                       # the voices' state arrays
    rate: int                       # the engine's sample rate (Hz)
    hop: int                        # samples per frame
    max_voices: int
    env_cfg: dict[str, float]       # the pack's envelope: attack, decay, release (s), sustain (level), fall
    bend: float                     # the wheel, -1..1
    bend_range: float               # semitones at full throw
    sustain: bool                   # the pedal
    timed: bool                     # notes placed to the sample (the engine's live timing)
    _frames: int                    # frames rendered so far
    _stamp: int                     # note-ons so far (voices' order: the oldest is stolen first)
    _began: bool                    # a voice has an onset in this frame

    def _apply(self, msg: dict[str, Any], onset: int = 0) -> None:
        """Act on ``msg`` at this frame boundary; ``onset``: the sample of the frame a timed one acts at (a note
        starting from silence begins there, a release begins there)."""
        op = msg["op"]
        if op == "panic":
            self._fade_all()
        elif op == "all_notes_off":
            self._all_notes_off(onset)
        elif op == "note_on" and int(msg["velocity"]) > 0:
            self._note_on(int(msg["note"]), int(msg["velocity"]), onset)
        elif op in ("note_on", "note_off"):
            self._note_off(int(msg["note"]), onset)
        elif op == "bend":
            self.bend = min(1.0, max(-1.0, float(msg["value"])))
        elif op == "sustain":
            self.sustain = bool(msg["on"])
            if not self.sustain:
                self._release(np.flatnonzero(self._live() & ~self.v.key_down), onset)

    def _note_on(self, note: int, velocity: int, onset: int = 0) -> None:
        """Start ``note``, or strike its sounding voice again: the envelope attacks from where it
        is, and the voice counts the note-ons, so it sounds until the last of them is matched by a
        note-off (two channels or a MIDI file's overlapping re-strike of one pitch).  A voice starting from
        silence begins at sample ``onset`` of this frame, its envelope's first step as long as what is left of the
        frame.  Timed, a note whose voice is sounding (its key up: releasing, or held by the pedal; or still down:
        legato repeats overlapping) is struck again at its onset too (:meth:`_carry_on`, its note-ons still counted):
        struck in place, it came at the frame boundary, up to a frame before the new notes of its chord."""
        v = self.v
        before = _key_up_voice(v.stage, v.note, v.ending, v.key_down, note) if self.timed else -1
        if self.timed and before < 0:         # a key still down struck again (legato repeats overlapping) too: in
            down = np.flatnonzero(self._live() & (v.note == note))  # place it came at the boundary (QA: up to a
            before = int(down[0]) if len(down) else -1              # frame early or late with where it fell)
        held = int(v.held[before]) if before >= 0 and v.key_down[before] else 0
        if before >= 0:
            if v.born[before] == self._frames:    # not heard yet: struck again in place, one note from its onset
                before, held = -1, 0              # as offline (QA: replaced, a short note struck again was lost)
            else:
                v.stage[before], v.held[before], v.pending[before] = FADE, 0, False
                v.key_down[before] = False
                onset = min(onset, self._latest_onset())     # they cross over 1 ms at least (QA: a tick at the end)
        i, fresh, victim = _pick_voice(v.stage, v.note, v.ending, v.stamp, v.born, note, self._frames, self.max_voices)
        if victim >= 0:
            v.stage[victim], v.key_down[victim], v.held[victim], v.pending[victim] = FADE, False, 0, False
            v.onset[victim] = max(int(v.onset[victim]), 0)     # a release begun part way in: fades over the frame
        self._stamp += 1
        v.held[i] = 1 if fresh or not v.key_down[i] else v.held[i] + 1
        v.stage[i], v.note[i], v.velocity[i], v.key_down[i], v.stamp[i] = ATTACK, note, velocity, True, self._stamp
        if fresh or v.struck[i] != self._frames:  # struck in place, it acts at the boundary; one begun part way into
            v.struck_at[i] = onset if fresh else 0  # this frame keeps its onset (it has not sounded yet)
        v.ending[i], v.pending[i], v.gated[i], v.struck[i] = False, False, False, self._frames
        if fresh:                             # a fresh (or stolen) voice starts from silence
            v.born[i] = self._frames
            v.env[i], v.phase[i] = 0.0, 0.0
            v.h[i] = 0.0
            v.tab_next[i] = 0.0
            v.f0_next[i] = 440.0 * 2.0 ** ((note + self.bend * self.bend_range - 69.0) / 12.0)
            if onset:                         # the first step (_voices_step: + one frame / attack) covers its part only
                v.onset[i], self._began = onset, True
                v.env[i] = -self._attack(onset)
            if before >= 0:
                self._carry_on(before, i, onset)
                v.held[i] += held                 # the note-ons the old voice still counted (a key still down)
                v.struck_at[i] = -onset           # it goes on sounding: no shortest note made of it (_release)

    def _attack(self, samples: Any) -> Any:
        """How far the envelope's attack moves in ``samples`` (a number or an array; as _voices_step moves it a frame
        at a time)."""
        return (samples / self.rate) / max(float(self.env_cfg["attack"]), 1e-4)

    def _release_gain(self, samples: Any) -> Any:
        """What the envelope's release multiplies its level by in ``samples`` (a number or an array; as _voices_step
        does a frame's)."""
        return 10.0 ** (-3.0 * (samples / self.rate) / max(float(self.env_cfg["release"]), 1e-3))

    def _latest_onset(self) -> int:
        """The latest sample of a frame a release, or a voice carrying another on, begins at: what is left of the
        frame crossfades from the held table over :data:`RELEASE_CROSSFADE_S` at least (so up to that much early)."""
        return max(0, self.hop - max(1, int(RELEASE_CROSSFADE_S * self.rate)))

    def _carry_on(self, old: int, new: int, onset: int) -> None:
        """Voice ``new`` strikes again the note voice ``old`` played, at sample ``onset`` of this frame (timed): it
        goes on from ``old``'s network state, envelope level (attacking from there) and phase at that sample, while
        ``old`` (fading out over this frame) holds its level up to it, so the two cross over at the onset with nothing
        missing between (the QA's re-check: fading it from the boundary left a hole up to 28 dB deep, 5 ms long)."""
        v = self.v
        v.h[new] = v.h[old]
        level = v.env[old]
        if v.stage[old] == FADE and v.onset[old] < 0:   # released earlier in this frame (_release_from): its level at
            level *= self._release_gain(onset)          # our onset
        v.env[new] += level
        v.phase[new] = (v.phase[old] + onset * v.f0_next[old] / self.rate) % 1.0
        v.onset[old], v.carried[new], self._began = -onset, True, True

    def _note_off(self, note: int, onset: int = 0) -> None:
        v = self.v
        i = _key_up(v.stage, v.note, v.ending, v.key_down, v.held, note)
        if i >= 0 and not self.sustain:
            self._release(np.array([i]), onset)

    def _release_from(self, idx: np.ndarray, onset: int) -> None:
        """Release voices ``idx`` at this boundary; timed, from sample ``onset`` of the frame (a note-off one frame
        after its sample, as its note-on was): each holds its level up to it and crossfades from there
        (device.audio.harmonic.wavetable_voices at ``-onset``), its envelope at the end of the frame what the attack up
        to it and the release from it make, so a note keeps its length to the sample.  The crossfade between the held
        table and the released one is :data:`RELEASE_CROSSFADE_S` at least (QA: a voice still in its attack,
        released at the frame's last sample, switched tables in one sample: a click 40-60 dB over the band's floor),
        so such a release begins up to that much early."""
        v = self.v
        reach, onset = onset, min(onset, self._latest_onset())   # a crossfade of 1 ms at least, to the level the
        if onset > 0 and len(idx):                                # attack reaches at the release's own sample
            attacking = idx[v.stage[idx] == ATTACK]
            v.env[attacking] = np.minimum(1.0, v.env[attacking] + self._attack(reach))
            v.env[idx] /= self._release_gain(onset)       # _voices_step's whole step leaves the rest of the frame's
            v.onset[idx], self._began = -onset, True
        v.stage[idx] = RELEASE

    def _all_notes_off(self, onset: int = 0) -> None:
        """Every key up, as if each held note got its note-offs (the pedal still holds them)."""
        self._keys_up(np.flatnonzero(self._live() & self.v.key_down), onset)

    def _keys_up(self, idx: np.ndarray, onset: int = 0) -> None:
        self.v.key_down[idx], self.v.held[idx] = False, 0
        if not self.sustain:
            self._release(idx, onset)

    def _release(self, idx: np.ndarray, onset: int = 0) -> None:
        """Release live voices ``idx`` (timed: from sample ``onset`` of the frame, :meth:`_release_from`), each after
        a frame of its note at least, so a note shorter than a frame sounds a frame's attack wherever it falls (a timed
        onset's part of the first step left short notes up to 27 dB quiet).  One struck in this same frame at its
        boundary first plays the frame, its envelope's whole first step (``pending``, as offline); one that began part
        way into it plays that part of its attack, then releases at its strike's sample of the next frame
        (``gated``: QA, a whole step over the part clicked); one struck part way into the frame before, less than a
        frame ago, releases at its strike's sample too (:meth:`_gate_release`)."""
        v = self.v
        idx = idx[self._live()[idx] & (v.stage[idx] != RELEASE)]
        first = v.struck[idx] == self._frames
        part = first & (v.struck_at[idx] != 0)
        v.gated[idx[part]] = True
        whole = idx[first & ~part]
        v.pending[whole] = True
        v.env[whole] = np.maximum(v.env[whole], 0.0)
        idx = idx[~first]
        short = (v.struck[idx] == self._frames - 1) & (v.struck_at[idx] > onset)
        self._gate_release(idx[short])
        self._release_from(idx[~short], onset)

    def _gate_release(self, idx: np.ndarray) -> None:
        """Release voices ``idx``, struck part way into the last frame and let go of less than a frame later, at their
        strike's sample of this frame: their envelope at the frame's end is what a frame of attack and the release
        from there make, heard rising over the whole frame from the level at the boundary, as a longer note's does
        (QA: holding that level up to the release's sample put such notes up to 4 ms late)."""
        v = self.v
        at = np.abs(v.struck_at[idx])
        attacking = v.stage[idx] == ATTACK
        v.env[idx[attacking]] = np.minimum(1.0, v.env[idx[attacking]] + self._attack(at[attacking]))
        v.env[idx] /= self._release_gain(at)
        v.stage[idx] = RELEASE

    def _fade(self, idx: np.ndarray) -> None:
        """Fade voices ``idx`` out over the next frame (a linear fade to zero, as a finished release
        ends), then free them; one not heard yet is freed at once."""
        v = self.v
        unheard = v.born[idx] == self._frames
        v.stage[idx[unheard]], v.note[idx[unheard]] = IDLE, -1
        v.stage[idx[~unheard]] = FADE
        v.key_down[idx], v.held[idx], v.pending[idx], v.gated[idx] = False, 0, False, False
        v.onset[idx] = np.maximum(v.onset[idx], 0)  # a release begun part way into this frame holds no more (QA: a
                                                    # panic after it cut the voice in as little as a sample)

    def _fade_all(self) -> None:
        """Panic: every voice fades out over the next frame; pedal up, bend centred."""
        self._fade(np.flatnonzero(self._live()))
        np.maximum(self.v.onset, 0, out=self.v.onset)  # a voice carried on by a new one, fading from its onset, too
        self.bend, self.sustain = 0.0, False

    def _live(self) -> np.ndarray:
        """[V] bool: voices playing a note (neither free, nor fading out, nor done fading: a voice
        ``ending`` at a frame boundary has finished its last frame and is free)."""
        v = self.v
        return (v.stage != IDLE) & (v.stage != FADE) & ~v.ending
