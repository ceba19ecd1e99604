"""SynthSource: the polyphonic neural synth the engine mixes (an engine source; see docs/HELPERS.md).

Per frame (``frame_seconds`` of the pack, 5 ms) the pack's network runs once for all active voices
together (batch = active voices, one GRU state row per voice), turning each voice's pitch (note +
bend), loudness (velocity level + ADSR envelope, dB) and the pad's timbre (the four corner
embeddings blended bilinearly by XY) into harmonic amplitudes and noise band magnitudes.  Audio is
rendered per sample from wavetables (device.audio.harmonic): each voice's new frame becomes a
single-cycle table, and the voice crossfades from its previous table to the new one over the frame
while its phase accumulator integrates f0 - the same sound as the additive sum, at a fraction of
the cost.  Noise is shaped per voice in the frequency domain, summed, and overlap-added once.
The loops over voices and samples are numba kernels (device.audio.jit; the voices' own live in
device.audio.synth_voices, whose :func:`compile_kernels` builds them all before the engine's clock
starts); per frame only onnxruntime and two inverse FFTs remain outside them, and nothing allocates
per sample.  The offline MIDI player (hatbox play) is device.audio.synth_render; this module
re-exports both modules' names.  The notes' life in the voices (note on, off, release, pedal, fade, carry-on) is
device.audio.synth_notes (:class:`~device.audio.synth_notes.SynthNotes`, SynthSource's base class).

Control messages are queued by :meth:`handle` and applied at the next frame boundary (the pad's position and
corners are taken at once, read at the next frame, and kept over a reset), so the output does not depend on the
engine's block size (only on when messages arrive, to within one frame).  A :attr:`timed`
synth (the box's live engine on a sound card or a paced run, as its sampler: device/audio/block_clock.py) places
each message at its sample of the block it came in (a MIDI note by its ``at`` stamp) and starts a note from silence
exactly one frame after that sample: at the next frame boundary its voice is given its ``onset`` in the frame; its
harmonics are silent up to it and fade in over the rest of the frame (device.audio.harmonic.wavetable_voices), its
envelope's first step as long as that, and its first frame's noise, heard from the boundary, is scaled down (a lead
45 dB or more under the note's peak on the factory synth), so notes keep their spacing, and their attack's shape, to
the sample where before each waited for the next boundary (0-5 ms, as the frames fell).  A note whose voice sounds
(its key up: releasing, held by the pedal; or still down) starts a new voice so, carrying the old one on from there.
The cost is latency: one frame (5 ms) for every note, against 0-5 ms before.  A note-off (the pedal lifted, all
notes off) begins its release one frame after its sample the same way (:meth:`SynthSource._release_from`), a
note at least a frame after its start (:meth:`SynthSource._release`); the bend acts at the boundary after its
sample.

Band limit: a voice's harmonics stop at the pack's ``cutoff_hz`` (the network masks above it; at most 0.49 x
the engine's rate), so a note whose fundamental lies above it is silent: it has no harmonic left to play
(notes 126 and 127 on the factory synth, 11.8 and 12.5 kHz against its 11.5 kHz; a bend can move a note
across).  :attr:`SynthSource.highest_note` is the top note that sounds unbent; a note-on above it leaves
a warning naming every such note played so far in :meth:`SynthSource.warnings` (the engine status's slot
warnings), in the offline player's wording (:func:`device.audio.synth_render.silent_notes_text`).  At the bottom,
a voice's harmonics under :data:`LOW_HZ` (20 Hz) are faded out, frame by frame as its (bent) pitch goes, from 20 Hz
(full) to 16 Hz (gone; a wheel at 20 Hz does not flutter): notes 0-15 (8.2-19.4 Hz) keep their audible harmonics and
what the fade leaves of the rest (note 15: 86 % of its fundamental; p52 QA: note 0 sent 34 % of its energy under
20 Hz to a woofer with none), and a note-on under :attr:`SynthSource.lowest_note`, or one bent under 20 Hz, leaves a
warning naming every such note played so far, beside the top one (device.audio.synth_low).
Pad layout: corner A = (x 0, y 0), B = (1, 0), C = (0, 1), D = (1, 1).

A pack switched in while notes sound (:meth:`SynthSource.follow`, set by device.audio.swap) takes over the voices of
the unit it replaces at its first block, as they are: no new attack, a note decayed away stays silent
(device.audio.synth_carry).

Level: the voices' sum goes through the sources' bus limiter (device.audio.limiter.SourceLimiter, +6 dBFS, the
sampler's too), so a full-velocity chord is levelled instead of tripping the engine's slot guard (+12 dBFS), which
silenced the synth as a runaway model (thirty-third stop's QA: sixteen notes at velocity 127 on a synth trained
from notes peaking at -6 dBFS).  Before it, the sum is scaled by the pack's playing level (``extras.level_db``,
optional, 0 dB when absent: :attr:`SynthSource.gain`), measured and written when the pack was levelled
(trainer.synth.level: the factory synth plays a note at velocity 100 at -6 dBFS peak, among the kit's hits).
"""
from __future__ import annotations

import math
import threading
import time
import unicodedata
from collections import deque
from typing import Any, Callable

import numpy as np

from device.audio import harmonic as dsp
from device.audio.block_clock import BlockClock, due_time
from device.audio.limiter import SourceLimiter
from device.audio.runtime import make_session
from device.audio.synth_render import (MAX_TAIL_S, SMPTE_FPS, XYPath, _check_midi_header,  # noqa: F401 - re-exported
                                       _check_render_options, _control_of, _read_midi, _timed_messages,
                                       _unreadable, midi_events, render_events, render_midi, silent_notes_text,
                                       xy_events)
from device.audio.synth_voices import (ATTACK, DECAY, FADE, IDLE, RELEASE, SILENT,  # noqa: F401 - re-exported
                                       SUSTAIN, FrameWork, Voices, _end_voices, _frame_controls, _frame_state,
                                       _key_up, _key_up_voice, _pick_voice, _voices_step, compile_kernels)
from device.audio.synth_carry import SEEN, take_over
from device.audio.synth_notes import RELEASE_CROSSFADE_S, SynthNotes  # noqa: F401 - RELEASE_CROSSFADE_S re-exported
from device.audio.harmonic import LOW_FADE_HZ, LOW_HZ  # noqa: F401 - LOW_HZ re-exported
from device.audio.synth_low import HeldNotes, bent_low_text, low_notes_text, lowest_full_note  # noqa: F401
from device.audio.synth_pack import (ENVELOPE_KEYS, INPUTS, OUTPUTS, REQUIRED_EXTRAS,  # noqa: F401 - re-exported
                                     VELOCITY_KEYS, SynthExtras, synth_extras)
from export.pack import Pack
from hatbox.errors import HatboxError

PHASOR_BANK = 97       # random noise spectra cycled per frame (prime: voices decorrelate)
QUEUED_OPS = ("note_on", "note_off", "bend", "sustain", "panic", "all_notes_off")
PAD_OPS = ("xy", "corners")        # the pad: a setting, taken at once (read at the next frame), kept over a reset


class SynthSource(SynthNotes):
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
        self.gain = np.float32(10.0 ** (ex.level_db / 20.0))   # the pack's playing level (extras.level_db), linear
        self.session = make_session(pack.model_bytes, threads=threads)
        self.phasors = dsp.random_phasors(np.random.default_rng(seed), (PHASOR_BANK, self.hop + 1))
        self._corners = [self.names[i % len(self.names)] for i in range(4)]
        self.xy = (0.0, 0.0)
        self._pad_lock = threading.Lock()   # control threads (the panel's, MIDI's) setting the pad, not the audio one
        self.pack_name = pack.manifest.name
        self._warnings: list[str] = []      # set by handle() (control side), read by the status; reset() clears
        self._silent: set[int] = set()      # the notes above the band limit played so far (handle())
        self._low: set[int] = set()         # the notes under lowest_note played so far (handle())
        self._mask = np.zeros((2 * self.max_voices, self.n_harm), np.float32)    # per-frame harmonic weights, and
        self._mask_x = np.zeros((2 * self.max_voices, self.n_harm), np.float64)  # k*f0 (dsp.harmonic_mask's scratch)
        self.limiter = SourceLimiter(self.rate)
        self.timed = False                  # set by the engine (Engine.install): notes placed to the sample
        self.block_clock = BlockClock(self.rate)
        self.reset()
        compile_kernels()                   # at once if the engine already did; else now, not on the first block

    # ------------------------------------------------------------------ engine protocol
    def reset(self) -> None:
        """All voices off, all state zero, queued messages dropped; the pad (position, corners) is kept: it is the
        player's setting, as a knob's (QA: a synth bypassed, its timbre set on the pad, then brought back, came back at
        (0, 0)).  The warnings of notes played go too (:meth:`clear_warnings`: a unit the cache kept at rest, switched
        in again, warned of a note played minutes before).  Call it from the thread that renders (the engine's audio
        thread); from elsewhere send ``{"op": "panic"}``."""
        self.clear_warnings()
        self._events: deque[tuple[dict[str, Any], float, Any, bool]] = deque()   # (message, when it is due: timed,
        self._placed: deque[tuple[int, dict[str, Any], Any, bool]] = deque()     # the one handled, taken over:
        # synth_carry) and (its sample in the stream, message, the one handled, taken over): timed
        self._seen: list[Any] = [None] * SEEN   # the last messages played, as handled (synth_carry: none twice)
        self._seen_at = 0
        self._dupes: tuple[Any, ...] = ()   # messages the unit this one took over from took: skipped if they come
        self._follow: Callable[[], Any] | None = None   # the unit this one replaces (follow())
        self._pos = 0                       # samples into the current frame
        self._frames = 0
        self._sample = 0                    # the stream's next sample (timed messages are placed on it)
        self._began = False                 # a voice has an onset in this frame
        self._silence()
        self.limiter.reset()
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
        """Queue a control message, applied by render() at the next frame boundary (timed: the one after its sample);
        the pad's (``xy``, ``corners``) is taken at once (:meth:`_set_pad`).

        Safe to call from another thread than render() (a deque is the only shared structure, and the timbre the
        pad makes, replaced whole).
        Bad corners raise HatboxError here, before anything is queued.  ``all_notes_off`` releases
        every note as its note-off would (the sustain pedal still holds them); ``panic`` fades every
        voice out over the next frame (5 ms, no click) and lifts the pedal and the bend.
        """
        op = msg.get("op")
        if op == "corners":
            msg = {**msg, "names": as_spelled(msg["names"], self.names)}
            self._check_corners(msg["names"])
        if op == "note_on" and int(msg.get("velocity", 0)) > 0:
            self._note_warning(int(msg["note"]))
        if op in QUEUED_OPS and self._held.take(msg):
            self._bend_warning()
        if op in PAD_OPS:
            self._set_pad(msg)
        elif op in QUEUED_OPS:
            self._events.append((dict(msg), due_time(msg) if self.timed else 0.0, msg, False))

    def _note_warning(self, note: int) -> None:
        """A note-on of ``note`` above :attr:`highest_note` or under :attr:`lowest_note`, not played so far: the
        warnings say it (one text for each limit, every such note so far in it)."""
        if note > self.highest_note and note not in self._silent:
            self._silent.add(note)
        elif note < self.lowest_note and note not in self._low:
            self._low.add(note)
        else:
            return
        self._say_warnings()

    def _bend_warning(self) -> None:
        """Notes held that the wheel carries under :data:`LOW_HZ`, not said so far: the warnings say them."""
        bent = self._held.bent_under(self.lowest_note, float(self.bend_range))
        if not bent <= self._bent_low:
            self._bent_low |= bent
            self._say_warnings()

    def _say_warnings(self) -> None:
        """The warnings, one text for each limit (every note so far in it)."""
        self._warnings = [t for t in (silent_notes_text(self, self._silent), low_notes_text(self, self._low),
                                      bent_low_text(self, self._bent_low)) if t]

    def clear_warnings(self) -> None:
        """Forget the notes warned of (device.audio.swap, when a cached unit is switched in again: its warnings were
        of notes played before, fifty-second stop's QA) and the notes held (:class:`HeldNotes`)."""
        self._silent, self._low, self._bent_low, self._warnings = set(), set(), set(), []
        self._held = HeldNotes()

    def render(self, out: np.ndarray) -> None:
        """Fill ``out`` [N] float32 with the next N samples.  A :attr:`timed` synth first places the messages due by
        now on their samples of this block: the block stands for the N samples' time before this render's clock
        reading (smoothed: device/audio/block_clock.py), as the sampler's do."""
        i, n = 0, len(out)
        if self._follow is not None:
            self._take_over(n)
        if self.timed:
            self._place(n)
        while i < n:
            if self._pos == 0:
                self._frame()
            m = min(n - i, self.hop - self._pos)
            self._span(out[i:i + m])
            self._pos = (self._pos + m) % self.hop
            self._sample += m
            i += m
        if self.gain != 1.0:
            out *= self.gain
        self.limiter.level(out)

    def _place(self, n: int) -> None:
        """Move the queued messages due by the end of this block of ``n`` samples to their samples of the stream (in
        their order; one due before the block at its start)."""
        now = self.block_clock.tick(time.monotonic(), n)
        start, k, events = now - n / self.rate, 0, self._events
        while events and events[0][1] <= now:
            msg, due, orig, taken = events.popleft()
            if due > start:
                k = max(k, min(n - 1, int((due - start) * self.rate + 0.5)))
            self._placed.append((self._sample + k, msg, orig, taken))

    def follow(self, previous: Callable[[], Any]) -> None:
        """This unit is switched in for another: at its first block it takes over the voices, pedal, bend and queue
        of the unit ``previous()`` returns then (the one the slot plays, on the audio thread; device.audio.swap sets
        this), instead of striking the held keys again (device.audio.synth_carry)."""
        self._follow = previous

    def _take_over(self, n: int) -> None:
        """At the first block (``n`` samples) after :meth:`follow`: go on from the unit switched out, if it is a
        synth (device.audio.synth_carry.take_over); else play what was queued (the held keys struck)."""
        old, self._follow = self._follow(), None      # type: ignore[misc]
        if isinstance(old, SynthSource) and old is not self and old.rate == self.rate:
            take_over(self, old, n)

    def _play(self, msg: dict[str, Any], orig: Any, taken: bool, onset: int = 0) -> None:
        """Apply queued ``msg`` (handed to :meth:`handle` as ``orig``) at this boundary, unless the unit this one took
        over from had it already (``taken``: it came from that unit's queue, so it plays)."""
        if not taken:
            for dupe in self._dupes:
                if dupe is orig:
                    return
        self._seen[self._seen_at] = orig
        self._seen_at = (self._seen_at + 1) % SEEN
        self._apply(msg, onset)

    # ------------------------------------------------------------------ queries
    @property
    def highest_note(self) -> int:
        """The highest MIDI note (unbent) whose fundamental is below the band limit ``cutoff`` (Hz): the
        notes above it are silent (module docstring).  -1 when none is (a cutoff under note 0's 8.2 Hz)."""
        top = math.ceil(69.0 + 12.0 * math.log2(self.cutoff / 440.0)) - 1
        while top >= 0 and 440.0 * 2.0 ** ((top - 69.0) / 12.0) >= self.cutoff:
            top -= 1
        return min(127, top)

    @property
    def lowest_note(self) -> int:
        """The lowest MIDI note (unbent) whose fundamental is :data:`LOW_HZ` or over (16, 20.6 Hz): the notes under
        it play without their harmonics under that (module docstring)."""
        return lowest_full_note()

    def warnings(self) -> list[str]:
        """What the player should know (the engine status's ``active["synth"]["warnings"]``): that the notes
        played above :attr:`highest_note` are silent, every one of them named in one text
        (:func:`device.audio.synth_render.silent_notes_text`, the offline player's wording too), which a new
        such note replaces."""
        return list(self._warnings)

    @property
    def active_voices(self) -> int:
        """Voices making sound (fading ones included)."""
        return int(np.count_nonzero(self.v.stage != IDLE))

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

    def _set_pad(self, msg: dict[str, Any]) -> None:
        """The pad's position (``xy``) or corners, taken at once: the network reads the timbre at its next frame,
        as it read a queued one, and the status shows it even while the synth is bypassed (QA: queued, the moves
        made then waited for a render that never came, and the panel's cursor snapped back)."""
        with self._pad_lock:
            if msg["op"] == "xy":
                self.xy = (float(msg["x"]), float(msg["y"]))
            else:
                self._corners = list(msg["names"])
            self._z = self._blend()

    # ------------------------------------------------------------------ per frame
    def _frame(self) -> None:
        v = self.v
        if self._began:                       # voices that began part way into the last frame play whole ones now
            v.onset.fill(0)
            v.carried.fill(False)
            self._began = False
        gated = np.flatnonzero(v.gated)       # let go of in the frame they began part way into: release now (also
        if len(gated):                        # when the timing was turned off since: it would never come)
            v.gated[gated] = False
            self._gate_release(gated[self._live()[gated] & ~v.key_down[gated] & (v.stage[gated] != RELEASE)])
        if not self.timed:
            while self._placed:               # placed while timed (the timing was turned off since)
                _at, msg, orig, taken = self._placed.popleft()
                self._play(msg, orig, taken)
            while self._events:
                msg, _due, orig, taken = self._events.popleft()
                self._play(msg, orig, taken)
        else:                                 # what came in the frame that ends now, at its sample of it
            while self._placed and self._placed[0][0] < self._sample:
                at, msg, orig, taken = self._placed.popleft()
                self._play(msg, orig, taken, min(self.hop - 1, max(0, at - (self._sample - self.hop))))
        e = self.env_cfg
        n_live, n = _voices_step(v.stage, v.note, v.env, v.ending, v.pending, self._work.active,
                                 self.hop / self.rate, e["attack"], e["decay"], e["sustain"], e["release"],
                                 e.get("fall", 0.0))
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
        z = self._z                          # one reading: a control thread may set a new one meanwhile
        if self._timbre_feed.shape[0] != n or self._timbre_feed_z is not z:
            self._timbre_feed = np.ascontiguousarray(np.broadcast_to(z, (n, len(z))), np.float32)
            self._timbre_feed_z = z
        feeds = {"pitch": w.pitch[:n], "loudness": w.loudness[:n], "timbre": self._timbre_feed, "h_in": v.h[act]}
        harm, noise, h = self.session.run(OUTPUTS, feeds)
        if self._began:                       # a note beginning part way in: its first frame's noise (heard from the
            part = np.where(v.carried[act], 1.0, (self.hop - np.maximum(v.onset[act], 0)) / self.hop)  # boundary,
            noise *= (part ** 2).astype(np.float32)[:, None]   # before it) as the square of the part it plays, unless
                                              # it carries on a voice whose noise was there already
        low = float(w.f0[:n].min()) < LOW_HZ          # a voice under 20 Hz: its sub-audio harmonics faded out
        if self._mask_needed or low:
            harm *= dsp.harmonic_mask(w.f0[:n], self.n_harm, self.cutoff if self._mask_needed else math.inf,
                                      LOW_HZ if low else 0.0, LOW_FADE_HZ, self._mask[:n], self._mask_x[:n])
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
                                 self.rate, v.onset)


def as_spelled(names: Any, pack_names: list[str]) -> Any:
    """Timbre ``names`` typed for the pad's corners as the pack spells them (``pack_names``): one written in another
    Unicode form than the pack's (``Flöte`` typed composed for a pack that kept a Mac's decomposed folder name) is
    the pack's; anything else as given (the corners' check names what the pack has)."""
    if not isinstance(names, (list, tuple)):
        return names
    composed = {unicodedata.normalize("NFC", n): n for n in pack_names}
    return [n if not isinstance(n, str) or n in pack_names else composed.get(unicodedata.normalize("NFC", n), n)
            for n in names]
