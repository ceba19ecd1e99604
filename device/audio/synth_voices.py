"""The synth's voices: per-voice state arrays, per-frame scratch, and the numba kernels that run the
voices' bookkeeping (ADSR, voice picking and stealing, note-offs, network feeds) for
device.audio.synth.SynthSource, plus :func:`compile_kernels`, which builds them all before the
engine's clock starts.
"""
from __future__ import annotations

import numpy as np

from device.audio import harmonic as dsp
from device.audio.jit import kernel

IDLE, ATTACK, DECAY, SUSTAIN, RELEASE, FADE = 0, 1, 2, 3, 4, 5     # FADE: stolen or panicked, silent after a frame
SILENT = 1e-3          # envelope level (-60 dB) below which a releasing (or decaying, held) voice ends


class Voices:
    """Per-voice state arrays, [V] or [V, ...] (V = twice the polyphony: a stolen voice fades out in a
    slot of its own while the new note starts).  Frame numbers are the SynthSource's ``_frames`` at
    the message's frame boundary (-1: never)."""

    def __init__(self, n: int, hidden: int, table: int) -> None:
        self.stage = np.zeros(n, np.int8)
        self.note = np.full(n, -1, np.int64)
        self.velocity = np.zeros(n, np.float64)
        self.env = np.zeros(n, np.float64)
        self.key_down = np.zeros(n, bool)
        self.held = np.zeros(n, np.int64)                    # note-ons of this pitch not yet matched by a note-off
        self.pending = np.zeros(n, bool)                     # released in the frame it was struck: release after it
        self.struck = np.full(n, -1, np.int64)               # frame of the last note-on
        self.struck_at = np.zeros(n, np.int64)               # its sample in that frame (timed; else 0; negative: a
        # voice carrying another on from there, which no shortest note lengthens, see synth_notes.py _release)
        self.gated = np.zeros(n, bool)                       # timed, released in the frame it began part way into:
        # it plays that frame's part of its attack, then releases at its strike's sample of the next (synth_notes.py)
        self.born = np.full(n, -1, np.int64)                 # frame the voice started from silence
        self.stamp = np.zeros(n, np.int64)                   # note-on order (oldest is stolen first)
        self.phase = np.zeros(n, np.float64)                 # cycles of the fundamental
        self.f0_prev = np.zeros(n, np.float64)
        self.f0_next = np.zeros(n, np.float64)
        self.h = np.zeros((n, hidden), np.float32)
        self.tab_prev = np.zeros((n, table + 1), np.float32)
        self.tab_next = np.zeros((n, table + 1), np.float32)
        self.ending = np.zeros(n, bool)                      # fading to silence this frame, free next
        self.onset = np.zeros(n, np.int64)                   # a timed note's first sample in its first frame (0: none;
        # negative: a voice fading out under the note that carries it on holds its level up to -onset: synth_notes.py)
        self.carried = np.zeros(n, bool)                     # its first frame carries a faded voice on (full noise)


class FrameWork:
    """Per-frame scratch arrays, allocated once: network feeds [V, 1] float32, f0 [V] Hz, phasor rows,
    and the wavetables' spectra [V, S/2+1] complex64 (bins above the harmonics stay zero)."""

    def __init__(self, n: int, table: int) -> None:
        self.pitch = np.zeros((n, 1), np.float32)
        self.loudness = np.zeros((n, 1), np.float32)
        self.f0 = np.zeros(n, np.float64)
        self.bank_rows = np.zeros(n, np.int64)
        self.active = np.zeros(n, np.int64)
        self.spectra = np.zeros((n, table // 2 + 1), np.complex64)


@kernel
def _frame_controls(note, velocity, env, act, bend, db_at_127, db_per_velocity, pitch, loudness, f0):  # type: ignore
    """The network's inputs for voices ``act``: pitch [V, 1] MIDI (bend in semitones added), loudness
    [V, 1] dB (velocity level + envelope), and f0 [V] Hz, written in place."""
    for j in range(act.shape[0]):
        i = act[j]
        p = note[i] + bend
        pitch[j, 0] = p
        loudness[j, 0] = db_at_127 - (127.0 - velocity[i]) * db_per_velocity + 20.0 * np.log10(max(env[i], 1e-5))
        f0[j] = 440.0 * 2.0 ** ((p - 69.0) / 12.0)


@kernel
def _pick_voice(stage, note, ending, stamp, born, want, frame, max_voices):  # type: ignore
    """The voice for a note-on of MIDI note ``want`` -> (voice, 1 if it starts from silence else 0,
    voice to fade out or -1).  The note's own live voice is struck again; else a free slot while
    fewer than ``max_voices`` play; else the oldest releasing voice, else the oldest voice, is
    stolen: one not heard yet (born in this ``frame``) is simply replaced, any other fades out over
    this frame (FADE) in its own slot while the new note takes a free one.  There always is one:
    the arrays hold 2 x max_voices, at most max_voices voices were heard at the frame boundary and
    only they fade.  A voice ``ending`` has finished its last frame and is free."""
    same, free, n_live, oldest_rel, oldest = -1, -1, 0, -1, -1
    for i in range(stage.shape[0]):
        st = stage[i]
        if st == IDLE or ending[i]:
            if free < 0:
                free = i
            continue
        if st == FADE:
            continue
        n_live += 1
        if note[i] == want and same < 0:
            same = i
        if st == RELEASE and (oldest_rel < 0 or stamp[i] < stamp[oldest_rel]):
            oldest_rel = i
        if oldest < 0 or stamp[i] < stamp[oldest]:
            oldest = i
    if same >= 0:
        return same, 0, -1
    if n_live < max_voices:
        return free, 1, -1
    victim = oldest_rel if oldest_rel >= 0 else oldest
    if born[victim] == frame:
        return victim, 1, -1
    return free, 1, victim


@kernel
def _key_up(stage, note, ending, key_down, held, want):  # type: ignore
    """A note-off for MIDI note ``want``: its live, key-down voice counts one note-on fewer; returns
    the voice whose key that lifts (no note-on left), else -1."""
    for i in range(stage.shape[0]):
        if stage[i] != IDLE and stage[i] != FADE and not ending[i] and note[i] == want and key_down[i]:
            held[i] -= 1
            if held[i] > 0:
                return -1
            held[i], key_down[i] = 0, False
            return i
    return -1


@kernel
def _key_up_voice(stage, note, ending, key_down, want):  # type: ignore
    """The live voice of MIDI note ``want`` whose key is up (releasing, or held by the pedal), else -1."""
    for i in range(stage.shape[0]):
        if stage[i] != IDLE and stage[i] != FADE and not ending[i] and note[i] == want and not key_down[i]:
            return i
    return -1


@kernel
def _frame_state(act, h_out, h, f0, f0_prev, f0_next):  # type: ignore
    """After the network: new GRU state and f0 into the voices."""
    for j in range(act.shape[0]):
        i = act[j]
        h[i, :] = h_out[j, :]
        f0_prev[i] = f0_next[i]
        f0_next[i] = f0[j]


@kernel
def _end_voices(rows, tab_next, f0_prev, f0_next):  # type: ignore
    """Voices ``rows`` fade out over this frame: their next wavetable is silence (the crossfade from
    the last one is a linear fade to zero) and their f0 holds; the network does not run for them."""
    for j in range(rows.shape[0]):
        i = rows[j]
        tab_next[i, :] = 0.0
        f0_prev[i] = f0_next[i]


@kernel
def _voices_step(stage, note, env, ending, pending, active, dt, attack, decay, sustain, release, fall):  # type: ignore
    """One frame of voice bookkeeping, in place: voices that faded out last frame are freed, every
    sounding voice's ADSR level moves one frame (``dt`` s) ahead (a held voice's level goes on falling ``fall``
    dB a second from the sustain level: a piano's decay; 0: it holds, an organ's), and a release, or a held level,
    that falls below SILENT, or a FADE voice, is marked ``ending`` (it fades to zero over this frame; the key or the
    pedal may still hold a voice that decayed away: it is free, as a finished release is).  A ``pending``
    voice (released in the frame it was struck) plays this frame, then releases.  stage [V] int8,
    note [V], env [V] float64, ending, pending [V] bool.  The sounding voices' indices go to
    ``active`` [V], those still playing first, then those ending; returns (playing, sounding) counts."""
    n = 0
    for i in range(stage.shape[0]):
        if ending[i]:
            stage[i], note[i], ending[i] = IDLE, -1, False
        st = stage[i]
        if st == IDLE:
            continue
        if st == ATTACK:
            env[i] = min(1.0, env[i] + dt / max(attack, 1e-4))
            if env[i] >= 1.0:
                stage[i] = DECAY
        elif st == DECAY:
            env[i] = max(sustain, env[i] - dt * (1 - sustain) / max(decay, 1e-4))
            if env[i] <= sustain:
                stage[i] = SUSTAIN
        elif st == SUSTAIN:
            if fall > 0.0:
                env[i] *= 10.0 ** (-fall * dt / 20.0)
            ending[i] = env[i] < SILENT                 # decayed away while held: ends as a release does
        elif st == RELEASE:
            env[i] *= 10.0 ** (-3.0 * dt / max(release, 1e-3))
            ending[i] = env[i] < SILENT
        elif st == FADE:
            ending[i] = True
        if pending[i]:
            pending[i] = False
            if stage[i] != FADE:
                stage[i] = RELEASE
        if not ending[i]:
            active[n] = i
            n += 1
    n_live = n
    for i in range(stage.shape[0]):
        if ending[i]:
            active[n] = i
            n += 1
    return n_live, n


def compile_kernels() -> None:
    """Compile (or load from numba's cache) every kernel a SynthSource runs, with the dtypes it uses.

    The engine process calls this before its audio clock starts, so loading a synth pack later
    never compiles while the audio thread waits for the interpreter."""
    dsp.warm_up()
    v, w = Voices(1, 1, 2), FrameWork(1, 2)
    _voices_step(v.stage, v.note, v.env, v.ending, v.pending, w.active, 0.005, 0.01, 0.1, 0.8, 0.2, 0.0)
    _frame_controls(v.note, v.velocity, v.env, w.active[:0], 0.0, 0.0, 0.0, w.pitch, w.loudness, w.f0)
    h = np.zeros((0, 1), np.float32)
    _frame_state(w.active[:0], h, v.h, w.f0, v.f0_prev, v.f0_next)
    _end_voices(w.active[:0], v.tab_next, v.f0_prev, v.f0_next)
    _pick_voice(v.stage, v.note, v.ending, v.stamp, v.born, 60, 0, 1)
    _key_up(v.stage, v.note, v.ending, v.key_down, v.held, 60)
    _key_up_voice(v.stage, v.note, v.ending, v.key_down, 60)
