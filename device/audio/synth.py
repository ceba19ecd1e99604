"""SynthSource: the polyphonic neural synth the engine mixes (an engine source; see docs/HELPERS.md).

Per frame (``frame_seconds`` of the pack, 5 ms) the pack's network runs once for all active voices
together (batch = active voices, one GRU state row per voice), turning each voice's pitch (note +
bend), loudness (velocity level + ADSR envelope, dB) and the pad's timbre (the four corner
embeddings blended bilinearly by XY) into harmonic amplitudes and noise band magnitudes.  Audio is
rendered per sample from wavetables (device.audio.harmonic): each voice's new frame becomes a
single-cycle table, and the voice crossfades from its previous table to the new one over the frame
while its phase accumulator integrates f0 - the same sound as the additive sum, at a fraction of
the cost.  Noise is shaped per voice in the frequency domain, summed, and overlap-added once.
The loops over voices and samples are numba kernels (device.audio.jit; :func:`compile_kernels`
builds them all before the engine's clock starts); per frame only onnxruntime and two inverse
FFTs remain outside them, and nothing allocates per sample.

Control messages are queued by :meth:`handle` and applied at the next frame boundary, so the output
does not depend on the engine's block size (only on when messages arrive, to within one frame).
Pad layout: corner A = (x 0, y 0), B = (1, 0), C = (0, 1), D = (1, 1).
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Any

import numpy as np

from device.audio import harmonic as dsp
from device.audio.jit import kernel
from device.audio.runtime import make_session
from device.midi import ALL_NOTES_OFF, ALL_SOUND_OFF, SUSTAIN_CC
from export.manifest import RATE_RANGE, kind_phrase
from export.pack import Pack
from hatbox.errors import HatboxError, PackError

IDLE, ATTACK, DECAY, SUSTAIN, RELEASE, FADE = 0, 1, 2, 3, 4, 5     # FADE: stolen or panicked, silent after a frame
SILENT = 1e-3          # envelope level (-60 dB) below which a releasing voice ends
PHASOR_BANK = 97       # random noise spectra cycled per frame (prime: voices decorrelate)
OUTPUTS = ["harmonics", "noise", "h_out"]
QUEUED_OPS = ("note_on", "note_off", "bend", "sustain", "xy", "corners", "panic", "all_notes_off")
REQUIRED_EXTRAS = ("names", "embeddings", "frame_seconds", "train_rate", "n_harmonics", "n_noise", "cutoff_hz",
                   "hidden", "envelope", "velocity_map")


INPUTS = ("pitch", "loudness", "timbre", "h_in")
ENVELOPE_KEYS = ("attack", "decay", "sustain", "release")
VELOCITY_KEYS = ("db_at_127", "db_per_velocity")


@dataclass(frozen=True)
class SynthExtras:
    """A synth pack's ``extras``, checked: timbre names and their embeddings [len(names), D] float32,
    the network's frame (seconds), training rate (Hz), harmonic / noise band counts, harmonic cutoff (Hz),
    recurrent state width, ADSR envelope (seconds and level) and the velocity -> dB map."""

    names: list[str]
    embeddings: np.ndarray
    frame_seconds: float
    train_rate: int
    n_harmonics: int
    n_noise: int
    cutoff_hz: float
    hidden: int
    envelope: dict[str, float]
    velocity_map: dict[str, float]
    bend_semitones: float


def synth_extras(pack: Pack) -> SynthExtras:
    """Read and check what the synth engine needs from a pack; PackError (check "contract") naming the
    first thing missing or wrong, so a pack that cannot play is refused at upload, not at activation."""
    m = pack.manifest
    if m.kind != "synth":
        raise PackError(f"pack '{m.name}' is {kind_phrase(m.kind)}, not a synth", check="kind")

    def bad(why: str) -> PackError:
        return PackError(f"synth pack '{m.name}': {why}", check="contract")

    ex = m.extras
    missing = [k for k in REQUIRED_EXTRAS if k not in ex]
    if missing:
        raise bad(f"lacks extras: {', '.join(missing)}")
    ins, outs = {t.name for t in m.inputs}, {t.name for t in m.outputs}
    if not set(INPUTS) <= ins or not set(OUTPUTS) <= outs:
        raise bad(f"needs inputs {', '.join(INPUTS)} and outputs {', '.join(OUTPUTS)}")
    names = ex["names"]
    if not isinstance(names, list) or not names or not all(isinstance(n, str) and n for n in names):
        raise bad("extras.names must be a non-empty list of timbre names")
    if not isinstance(ex["embeddings"], str):
        raise bad("extras.embeddings must name a .npy member")
    try:
        emb = pack.array(ex["embeddings"]).astype(np.float32)
    except PackError:
        raise
    except Exception as exc:  # noqa: BLE001 - any decode failure is a malformed pack
        raise bad(f"embeddings '{ex['embeddings']}' do not load ({type(exc).__name__})") from None
    if emb.ndim != 2 or emb.shape[0] != len(names) or not np.all(np.isfinite(emb)):
        raise bad(f"embeddings {emb.shape} do not match {len(names)} timbre names (or are not finite)")

    def number(key: str, value: Any, low: float, high: float) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= float(value) <= high:
            raise bad(f"extras.{key} = {value!r} is not a number in {low:g}..{high:g}")
        return float(value)

    def table(key: str, keys: tuple[str, ...], low: float, high: float) -> dict[str, float]:
        d = ex[key]
        if not isinstance(d, dict) or not set(keys) <= set(d):
            raise bad(f"extras.{key} needs {', '.join(keys)}")
        return {k: number(f"{key}.{k}", v, low, high) for k, v in d.items()}

    return SynthExtras(
        names=list(names), embeddings=emb,
        frame_seconds=number("frame_seconds", ex["frame_seconds"], 1e-4, 0.1),
        train_rate=int(number("train_rate", ex["train_rate"], *RATE_RANGE)),
        n_harmonics=int(number("n_harmonics", ex["n_harmonics"], 1, 1024)),
        n_noise=int(number("n_noise", ex["n_noise"], 1, 1024)),
        cutoff_hz=number("cutoff_hz", ex["cutoff_hz"], 100, 96000),
        hidden=int(number("hidden", ex["hidden"], 1, 8192)),
        envelope=table("envelope", ENVELOPE_KEYS, 0, 60),
        velocity_map=table("velocity_map", VELOCITY_KEYS, -200, 200),
        bend_semitones=number("bend_semitones", ex.get("bend_semitones", 2.0), 0, 48))


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
        self.born = np.full(n, -1, np.int64)                 # frame the voice started from silence
        self.stamp = np.zeros(n, np.int64)                   # note-on order (oldest is stolen first)
        self.phase = np.zeros(n, np.float64)                 # cycles of the fundamental
        self.f0_prev = np.zeros(n, np.float64)
        self.f0_next = np.zeros(n, np.float64)
        self.h = np.zeros((n, hidden), np.float32)
        self.tab_prev = np.zeros((n, table + 1), np.float32)
        self.tab_next = np.zeros((n, table + 1), np.float32)
        self.ending = np.zeros(n, bool)                      # fading to silence this frame, free next


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


class SynthSource:
    """Polyphonic neural synth. ``render(out)`` fills mono float32 in place; ``handle(msg)``; ``reset()``."""

    def __init__(self, pack: Pack, rate: int = 48000, *, max_voices: int = 16, threads: int = 1,
                 seed: int = 0) -> None:
        ex = synth_extras(pack)
        self.rate, self.max_voices = int(rate), int(max_voices)
        self.hop = max(1, int(round(ex.frame_seconds * rate)))
        self.names: list[str] = ex.names
        self.embeddings = ex.embeddings
        self.n_harm, self.hidden = ex.n_harmonics, ex.hidden
        self.cutoff = min(ex.cutoff_hz, 0.49 * rate)
        self._mask_needed = self.cutoff < ex.cutoff_hz     # the network masks at cutoff_hz itself
        self.band_pairs = dsp.band_pairs(dsp.band_matrix(ex.n_noise, 2 * self.hop, rate, self.cutoff))
        self.noise_gain_ref = ex.train_rate
        self.env_cfg = ex.envelope
        self.vel_map = ex.velocity_map
        self.bend_range = ex.bend_semitones
        self.session = make_session(pack.model_bytes, threads=threads)
        self.phasors = dsp.random_phasors(np.random.default_rng(seed), (PHASOR_BANK, self.hop + 1))
        self._corners = [self.names[i % len(self.names)] for i in range(4)]
        self.reset()
        compile_kernels()                   # at once if the engine already did; else now, not on the first block

    # ------------------------------------------------------------------ engine protocol
    def reset(self) -> None:
        """All voices off, all state zero, queued messages dropped, pad at (0, 0). Call it from the
        thread that renders (the engine's audio thread); from elsewhere send ``{"op": "panic"}``."""
        self._events: deque[dict[str, Any]] = deque()
        self._pos = 0                       # samples into the current frame
        self._frames = 0
        self._silence()
        self.xy = (0.0, 0.0)
        self._z = self._blend()
        self._timbre_feed, self._timbre_feed_z = np.zeros((0, len(self._z)), np.float32), None

    def _silence(self) -> None:
        """All voices off at once and their state zeroed (pad position and corners kept): reset() only,
        since cutting sounding voices clicks; a panic fades them (:meth:`_fade_all`)."""
        self.v = Voices(2 * self.max_voices, self.hidden, dsp.TABLE_SIZE)
        self._work = FrameWork(2 * self.max_voices, dsp.TABLE_SIZE)
        self._stamp = 0
        self._active = np.zeros(0, np.int64)
        self._noise_tail = np.zeros(self.hop, np.float32)
        self._noise_head = np.zeros(self.hop, np.float32)
        self.bend, self.sustain = 0.0, False

    def handle(self, msg: dict[str, Any]) -> None:
        """Queue a control message, applied by render() at the next frame boundary.

        Safe to call from another thread than render() (a deque is the only shared structure).
        Bad corners raise HatboxError here, before anything is queued.  ``all_notes_off`` releases
        every note as its note-off would (the sustain pedal still holds them); ``panic`` fades every
        voice out over the next frame (5 ms, no click) and lifts the pedal and the bend.
        """
        op = msg.get("op")
        if op == "corners":
            self._check_corners(msg["names"])
        if op in QUEUED_OPS:
            self._events.append(dict(msg))

    def render(self, out: np.ndarray) -> None:
        """Fill ``out`` [N] float32 with the next N samples."""
        i, n = 0, len(out)
        while i < n:
            if self._pos == 0:
                self._frame()
            m = min(n - i, self.hop - self._pos)
            self._span(out[i:i + m])
            self._pos = (self._pos + m) % self.hop
            i += m

    # ------------------------------------------------------------------ queries
    @property
    def active_voices(self) -> int:
        """Voices making sound (fading ones included)."""
        return int(np.count_nonzero(self.v.stage != IDLE))

    def _live(self) -> np.ndarray:
        """[V] bool: voices playing a note (neither free, nor fading out, nor done fading: a voice
        ``ending`` at a frame boundary has finished its last frame and is free)."""
        v = self.v
        return (v.stage != IDLE) & (v.stage != FADE) & ~v.ending

    @property
    def corners(self) -> list[str]:
        return list(self._corners)

    def held_notes(self) -> list[int]:
        """MIDI notes with a sounding, not yet released voice (sorted, each once)."""
        on = self._live() & (self.v.stage != RELEASE) & ~self.v.pending
        return sorted({int(n) for n in self.v.note[on]})

    def timbre(self) -> np.ndarray:
        """The pad's current embedding [E]."""
        return self._z.copy()

    # ------------------------------------------------------------------ messages
    def _check_corners(self, names: Any) -> None:
        if not isinstance(names, (list, tuple)) or len(names) != 4:
            raise HatboxError(f"corners needs four timbre names, got {names!r}")
        unknown = [n for n in names if n not in self.names]
        if unknown:
            raise HatboxError(f"unknown timbre {', '.join(map(str, unknown))}; this pack has: {', '.join(self.names)}")

    def _blend(self) -> np.ndarray:
        x, y = (min(1.0, max(0.0, float(c))) for c in self.xy)
        w = np.array([(1 - x) * (1 - y), x * (1 - y), (1 - x) * y, x * y], np.float32)
        idx = [self.names.index(n) for n in self._corners]
        return (w @ self.embeddings[idx]).astype(np.float32)

    def _apply(self, msg: dict[str, Any]) -> None:
        op = msg["op"]
        if op == "panic":
            self._fade_all()
        elif op == "all_notes_off":
            self._all_notes_off()
        elif op == "note_on" and int(msg["velocity"]) > 0:
            self._note_on(int(msg["note"]), int(msg["velocity"]))
        elif op in ("note_on", "note_off"):
            self._note_off(int(msg["note"]))
        elif op == "bend":
            self.bend = min(1.0, max(-1.0, float(msg["value"])))
        elif op == "sustain":
            self.sustain = bool(msg["on"])
            if not self.sustain:
                self._release(np.flatnonzero(self._live() & ~self.v.key_down))
        elif op == "xy":
            self.xy = (float(msg["x"]), float(msg["y"]))
        elif op == "corners":
            self._corners = list(msg["names"])
        if op in ("xy", "corners"):
            self._z = self._blend()

    def _note_on(self, note: int, velocity: int) -> None:
        """Start ``note``, or strike its sounding voice again: the envelope attacks from where it
        is, and the voice counts the note-ons, so it sounds until the last of them is matched by a
        note-off (two channels or a MIDI file's overlapping re-strike of one pitch)."""
        v = self.v
        i, fresh, victim = _pick_voice(v.stage, v.note, v.ending, v.stamp, v.born, note, self._frames, self.max_voices)
        if victim >= 0:
            v.stage[victim], v.key_down[victim], v.held[victim], v.pending[victim] = FADE, False, 0, False
        self._stamp += 1
        v.held[i] = 1 if fresh or not v.key_down[i] else v.held[i] + 1
        v.stage[i], v.note[i], v.velocity[i], v.key_down[i], v.stamp[i] = ATTACK, note, velocity, True, self._stamp
        v.ending[i], v.pending[i], v.struck[i] = False, False, self._frames
        if fresh:                             # a fresh (or stolen) voice starts from silence
            v.born[i] = self._frames
            v.env[i], v.phase[i] = 0.0, 0.0
            v.h[i] = 0.0
            v.tab_next[i] = 0.0
            v.f0_next[i] = 440.0 * 2.0 ** ((note + self.bend * self.bend_range - 69.0) / 12.0)

    def _note_off(self, note: int) -> None:
        v = self.v
        i = _key_up(v.stage, v.note, v.ending, v.key_down, v.held, note)
        if i >= 0 and not self.sustain:
            if v.struck[i] == self._frames:
                v.pending[i] = True           # struck in this frame: it plays the frame first
            else:
                v.stage[i] = RELEASE

    def _all_notes_off(self) -> None:
        """Every key up, as if each held note got its note-offs (the pedal still holds them)."""
        self._keys_up(np.flatnonzero(self._live() & self.v.key_down))

    def _keys_up(self, idx: np.ndarray) -> None:
        self.v.key_down[idx], self.v.held[idx] = False, 0
        if not self.sustain:
            self._release(idx)

    def _release(self, idx: np.ndarray) -> None:
        """Release live voices ``idx``; one struck in this same frame first plays that frame of its
        attack (``pending``), so a note shorter than a frame still sounds."""
        v = self.v
        idx = idx[self._live()[idx] & (v.stage[idx] != RELEASE)]
        first = v.struck[idx] == self._frames
        v.pending[idx[first]] = True
        v.stage[idx[~first]] = RELEASE

    def _fade(self, idx: np.ndarray) -> None:
        """Fade voices ``idx`` out over the next frame (a linear fade to zero, as a finished release
        ends), then free them; one not heard yet is freed at once."""
        v = self.v
        unheard = v.born[idx] == self._frames
        v.stage[idx[unheard]], v.note[idx[unheard]] = IDLE, -1
        v.stage[idx[~unheard]] = FADE
        v.key_down[idx], v.held[idx], v.pending[idx] = False, 0, False

    def _fade_all(self) -> None:
        """Panic: every voice fades out over the next frame; pedal up, bend centred."""
        self._fade(np.flatnonzero(self._live()))
        self.bend, self.sustain = 0.0, False

    # ------------------------------------------------------------------ per frame
    def _frame(self) -> None:
        while self._events:
            self._apply(self._events.popleft())
        v, e = self.v, self.env_cfg
        n_live, n = _voices_step(v.stage, v.note, v.env, v.ending, v.pending, self._work.active,
                                 self.hop / self.rate, e["attack"], e["decay"], e["sustain"], e["release"])
        act = self._work.active[:n]
        self._active = act
        self._noise_tail, self._noise_head = self._noise_head, self._noise_tail
        self._noise_head.fill(0.0)
        if n:
            v.tab_prev, v.tab_next = v.tab_next, v.tab_prev        # every active voice moves on together
            _end_voices(act[n_live:], v.tab_next, v.f0_prev, v.f0_next)
        if n_live:
            self._run_network(act[:n_live])
        self._frames += 1

    def _run_network(self, act: np.ndarray) -> None:
        """The network for voices ``act`` (none of them ending): their next wavetables, f0 and GRU
        state, and their noise summed into the frame's overlap-add."""
        v, n, w = self.v, len(act), self._work
        vm = self.vel_map
        _frame_controls(v.note, v.velocity, v.env, act, self.bend * self.bend_range, vm["db_at_127"],
                        vm["db_per_velocity"], w.pitch, w.loudness, w.f0)
        if self._timbre_feed.shape[0] != n or self._timbre_feed_z is not self._z:
            self._timbre_feed = np.ascontiguousarray(np.broadcast_to(self._z, (n, len(self._z))), np.float32)
            self._timbre_feed_z = self._z
        feeds = {"pitch": w.pitch[:n], "loudness": w.loudness[:n], "timbre": self._timbre_feed, "h_in": v.h[act]}
        harm, noise, h = self.session.run(OUTPUTS, feeds)
        if self._mask_needed:
            harm *= dsp.harmonic_mask(w.f0[:n], self.n_harm, self.cutoff)
        _frame_state(act, h, v.h, w.f0, v.f0_prev, v.f0_next)
        dsp.wavetables_into(harm, v.tab_next, act, w.spectra)
        np.remainder(self._frames + 7 * act, PHASOR_BANK, out=w.bank_rows[:n])
        frame = dsp.noise_frame_sum(noise, self.phasors, w.bank_rows[:n], self.band_pairs, self.rate,
                                    self.noise_gain_ref)
        self._noise_tail += frame[:self.hop]
        self._noise_head += frame[self.hop:]

    # ------------------------------------------------------------------ per sample
    def _span(self, out: np.ndarray) -> None:
        """Render samples [pos, pos+len(out)) of the current frame into ``out``."""
        pos, m, act = self._pos, len(out), self._active
        out[:] = self._noise_tail[pos:pos + m]
        if len(act):
            v = self.v
            dsp.wavetable_voices(out, v.tab_prev, v.tab_next, act, v.phase, v.f0_prev, v.f0_next, pos, self.hop,
                                 self.rate)


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
def _voices_step(stage, note, env, ending, pending, active, dt, attack, decay, sustain, release):  # type: ignore
    """One frame of voice bookkeeping, in place: voices that faded out last frame are freed, every
    sounding voice's ADSR level moves one frame (``dt`` s) ahead, and a release that falls below
    SILENT, or a FADE voice, is marked ``ending`` (it fades to zero over this frame).  A ``pending``
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


# ---------------------------------------------------------------------- offline playing (hatbox play)
XYPath = list[tuple[float, float, float]]     # (time s, x, y), sorted by time


MAX_TAIL_S = 60.0


def midi_events(path: str, rate: int) -> list[tuple[int, dict[str, Any]]]:
    """A MIDI file -> [(sample time, control message)] (all channels merged)."""
    return _read_midi(path, rate)[0]


def _read_midi(path: str, rate: int) -> tuple[list[tuple[int, dict[str, Any]]], int]:
    """(events, the file's end in samples: its last message, meta messages included).  Formats 0 and 1;
    metrical timing (ticks per beat, following tempo changes) or SMPTE timing (frames per second x
    ticks per frame, tempo changes ignored as the standard says)."""
    import os

    import mido
    if not os.path.isfile(path):
        raise HatboxError(f"cannot read MIDI file {path}: " + ("it is a folder" if os.path.isdir(path)
                                                               else "no such file"))
    try:
        mid = mido.MidiFile(path)
    except Exception as exc:  # noqa: BLE001 - mido raises several types for bad files
        raise _unreadable(path, exc) from None
    _check_midi_header(path, mid.type, mid.ticks_per_beat)
    try:
        events, t = [], 0.0
        for t, m in _timed_messages(mid):
            msg = _control_of(m)
            if msg is not None:
                events.append((int(round(t * rate)), msg))
    except Exception as exc:  # noqa: BLE001 - mido raises several types for bad files
        raise _unreadable(path, exc) from None
    return events, int(round(t * rate))


def _unreadable(path: str, exc: Exception) -> HatboxError:
    """The error for a file mido could not read (``exc``), in words."""
    import os
    why = str(exc).strip()
    if not why:
        why = "empty file" if os.path.getsize(path) == 0 else f"truncated or malformed file ({type(exc).__name__})"
    return HatboxError(f"cannot read MIDI file {path}: {why}", hint="is it a standard MIDI file (.mid)?")


SMPTE_FPS = {24: 24.0, 25: 25.0, 29: 30000 / 1001, 30: 30.0}   # header byte -> frames per second (29: 29.97 drop)


def _check_midi_header(path: str, kind: int, division: int) -> None:
    """HatboxError for a MIDI file whose timing cannot be played: format 2 (independent patterns,
    no common timeline) or an SMPTE division with a frame rate the standard does not define.
    ``division`` is the header's 16 bits, as read signed or unsigned."""
    division &= 0xFFFF
    if kind == 2:
        raise HatboxError(f"cannot play MIDI file {path}: it is a format 2 file (independent patterns), "
                          "which is not supported", hint="save it as a format 0 or format 1 MIDI file")
    if division & 0x8000:
        fps, per_frame = 256 - (division >> 8), division & 0xFF
        if fps not in SMPTE_FPS or per_frame == 0:
            raise HatboxError(f"cannot play MIDI file {path}: its SMPTE timing ({fps} frames/s x {per_frame} "
                              "ticks/frame) is not valid (frame rates: 24, 25, 29.97, 30)",
                              hint="save it with ticks per beat (metrical timing)")
    elif division == 0:
        raise HatboxError(f"cannot play MIDI file {path}: its header gives 0 ticks per beat",
                          hint="is it a standard MIDI file (.mid)?")


def _timed_messages(mid: Any) -> Any:
    """Yield (seconds from the start, message) for every message of a format 0/1 ``mid``, in order."""
    import mido
    division = mid.ticks_per_beat & 0xFFFF      # mido reads the header's division as a signed short
    if not division & 0x8000:                  # metrical: mido follows the tempo map
        t = 0.0
        for m in mid:
            t += m.time
            yield t, m
        return
    seconds_per_tick = 1.0 / (SMPTE_FPS[256 - (division >> 8)] * (division & 0xFF))
    ticks = 0
    for m in mido.merge_tracks(mid.tracks):    # delta times in ticks; tempo does not apply
        ticks += m.time
        yield ticks * seconds_per_tick, m


def _control_of(m: Any) -> dict[str, Any] | None:
    """A mido message -> the control message the live path (device/midi.py) sends for it, or None.
    CC 123 (all notes off) releases every note; CC 120 (all sound off) is a panic."""
    if m.type == "note_on":
        return {"op": "note_on", "note": m.note, "velocity": m.velocity}
    if m.type == "note_off":
        return {"op": "note_off", "note": m.note}
    if m.type == "pitchwheel":
        return {"op": "bend", "value": m.pitch / 8192.0}
    if m.type == "control_change" and m.control == SUSTAIN_CC:
        return {"op": "sustain", "on": m.value >= 64}
    if m.type == "control_change" and m.control == ALL_NOTES_OFF:
        return {"op": "all_notes_off"}
    if m.type == "control_change" and m.control == ALL_SOUND_OFF:
        return {"op": "panic"}
    return None


def xy_events(path: XYPath, rate: int, end: int, step_s: float = 0.01) -> list[tuple[int, dict[str, Any]]]:
    """Pad positions interpolated along ``path`` every ``step_s`` seconds up to sample ``end``."""
    if len(path) == 1:
        return [(0, {"op": "xy", "x": path[0][1], "y": path[0][2]})]
    ts, xs, ys = (np.array(c, np.float64) for c in zip(*path))
    times = np.arange(0.0, end / rate, step_s)
    return [(int(round(t * rate)), {"op": "xy", "x": float(np.interp(t, ts, xs)), "y": float(np.interp(t, ts, ys))})
            for t in times]


def _check_render_options(rate: Any, block: Any, tail_s: Any) -> None:
    """HatboxError for an offline render option out of range (before any work)."""
    lo, hi = RATE_RANGE
    if isinstance(rate, bool) or not isinstance(rate, (int, np.integer)) or not lo <= rate <= hi:
        raise HatboxError(f"rate {rate!r} Hz is not supported: give {lo}..{hi}")
    if isinstance(block, bool) or not isinstance(block, (int, np.integer)) or block < 1:
        raise HatboxError(f"block must be a whole number of samples >= 1, got {block!r}")
    if isinstance(tail_s, bool) or not isinstance(tail_s, (int, float)) or not 0 <= tail_s <= MAX_TAIL_S:
        raise HatboxError(f"tail must be a number of seconds within 0..{MAX_TAIL_S:g}, got {tail_s!r}")


def render_events(source: SynthSource, events: list[tuple[int, dict[str, Any]]], total: int,
                  block: int = 128) -> np.ndarray:
    """Drive ``source`` like the engine: blocks of ``block`` samples, each message delivered before the
    block that contains its time (blocks are split at message times).  Returns [total] float32."""
    if isinstance(block, bool) or not isinstance(block, (int, np.integer)) or block < 1:
        raise HatboxError(f"block must be a whole number of samples >= 1, got {block!r}")
    out = np.zeros(max(0, int(total)), np.float32)
    total = len(out)
    events = sorted(events, key=lambda e: e[0])
    k, pos = 0, 0
    while pos < total:
        while k < len(events) and events[k][0] <= pos:
            source.handle(events[k][1])
            k += 1
        stop = min(pos + block, total, events[k][0] if k < len(events) else total)
        source.render(out[pos:stop])
        pos = stop
    return out


def render_midi(pack: Pack, midi: str, *, rate: int = 48000, block: int = 128, corners: list[str] | None = None,
                xy: XYPath | None = None, tail_s: float = 1.0) -> np.ndarray:
    """Play a MIDI file through a fresh SynthSource offline; returns mono [N] float32.

    At the end of the file every note is released (sustain pedal up too), then ``tail_s`` seconds
    follow; if the notes are still fading then, the render goes on until they are silent (at most
    the envelope's release time longer), so the file never ends in a click."""
    _check_render_options(rate, block, tail_s)
    notes, end = _read_midi(midi, rate)
    if not any(m["op"] == "note_on" and int(m["velocity"]) > 0 for _, m in notes):
        raise HatboxError(f"{midi} holds no notes")
    src = SynthSource(pack, rate)
    end = max(end, notes[-1][0])
    release = [(end, {"op": "sustain", "on": False}), (end, {"op": "all_notes_off"})]
    total = max(1, end + int(round(tail_s * rate)))
    events = ([(0, {"op": "corners", "names": list(corners)})] if corners else []) + notes + release
    events += xy_events(xy or [(0.0, 0.0, 0.0)], rate, total)
    out = render_events(src, events, total, block)
    for _, msg in sorted((e for e in events if e[0] >= total), key=lambda e: e[0]):
        src.handle(msg)                                  # the release, when tail_s is 0
    more, done, limit = [out], 0, int((float(src.env_cfg["release"]) + 0.1) * rate) + 2 * src.hop
    while src.active_voices and done < limit:            # still fading: go on until every voice is silent
        more.append(np.zeros(min(block, limit - done), np.float32))
        src.render(more[-1])
        done += len(more[-1])
    out = np.concatenate(more) if len(more) > 1 else out
    if src.active_voices:                                # cannot happen with the envelope's own release
        n = min(len(out), 2 * src.hop)
        out[-n:] *= np.linspace(1.0, 0.0, n, dtype=np.float32)
    return out


def compile_kernels() -> None:
    """Compile (or load from numba's cache) every kernel a SynthSource runs, with the dtypes it uses.

    The engine process calls this before its audio clock starts, so loading a synth pack later
    never compiles while the audio thread waits for the interpreter."""
    dsp.warm_up()
    v, w = Voices(1, 1, 2), FrameWork(1, 2)
    _voices_step(v.stage, v.note, v.env, v.ending, v.pending, w.active, 0.005, 0.01, 0.1, 0.8, 0.2)
    _frame_controls(v.note, v.velocity, v.env, w.active[:0], 0.0, 0.0, 0.0, w.pitch, w.loudness, w.f0)
    h = np.zeros((0, 1), np.float32)
    _frame_state(w.active[:0], h, v.h, w.f0, v.f0_prev, v.f0_next)
    _end_voices(w.active[:0], v.tab_next, v.f0_prev, v.f0_next)
    _pick_voice(v.stage, v.note, v.ending, v.stamp, v.born, 60, 0, 1)
    _key_up(v.stage, v.note, v.ending, v.key_down, v.held, 60)
