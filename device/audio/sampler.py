"""SamplerSource: plays library samples (one-shots and loops) for the engine (see docs/HELPERS.md).

Messages (``handle``; any thread):
  ``{"op": "sample", "path", "velocity", ["loop": bool], ["note": int]}`` plays a file now; with
  ``note`` the file is also mapped to that MIDI note (a pad cell) - velocity 0 only maps it, and an
  empty ``path`` ("") unmaps the note.
  Without ``note`` it is an audition (the Library page's play): a new audition replaces the one still
  sounding (a quick fade), as a sample browser previews one file at a time: taps never pile up.
  ``{"op": "note_on", "note", "velocity"}`` plays the sample mapped to ``note`` (see :meth:`map_note`);
  it never decodes: a note whose mapping is still being decoded (another thread's ``sample``) plays
  what it was mapped to before, or nothing.  Striking a loop note whose loop still sounds (held, or
  by the pedal) restarts the loop: one voice per loop note (the old one fades over 4 ms).
  Notes of one choke group cut each other's voices (a quick fade): :data:`CHOKE_GROUPS` (the hi-hat's 42, 44, 46)
  unless the note's mapping names its own, ``"choke": N`` (N >= 1 a group, 0 none; the kit's `box-kit --choke`:
  hats played from a keyboard layout's notes choke too).  ``"latch": true`` with ``"loop": true`` latches the
  note's loop: a strike starts it, the next strike of the note stops it (the release fade), its note-off does
  nothing (an MPC pad's latch; p51 beatmaker QA: a tap gave 200 ms of a 2-bar loop).  Any mapping of a note but a
  latched loop's (unmapping it, path "", a one-shot, a held loop) unlatches its loops: its next note-off releases
  them as held ones (the kit chokes them, device.kit.choke_message, as a note leaves the kit or stops latching).
  ``{"op": "note_off", "note"}`` fades out loops started by that note (one-shots play to their end);
  while the sustain pedal is down they play on until it lifts.
  ``{"op": "sustain", "on"}`` the pedal: lifting it fades out the loops whose note-off came meanwhile.
  ``{"op": "all_notes_off"}`` a note-off for every note (MIDI CC 123, a DAW's stop): loops fade, latched ones too
  (the pedal still holds them), one-shots play on, an audition stops (a quick fade).
  ``{"op": "stop_audition"}`` the auditions alone stop (a quick fade): kit notes, one-shots and loops, held or
  pedalled, play on (`hatbox box-library --stop`, DELETE /audition: device/api/audition.py).
  ``{"op": "choke", "note"}`` stops the voices of ``note`` (one-shots too) with a quick fade: a cymbal grabbed
  (an electronic kit's polyphonic aftertouch, device/midi.py).  With ``"group": true`` it stops the voices of every
  note of ``note``'s choke group instead (a pedal or closed hat, :data:`PEDAL_SPARED_NOTES`, struck less
  than :data:`PEDAL_SPARE_SECONDS` before is spared; an open hat never): the hi-hat pedal closing (MIDI CC 4 past
  its threshold, device/midi.py; ``note`` 44).
  ``{"op": "stop_loops"}`` the kit loops sounding when the audio thread takes it (latched, held or pedalled; not
  those already fading) stop with a quick fade; one-shots and auditions play on (the Kit page's "stop loops": what
  sounds then, not the notes an older status named; a latched pad's next strike starts its loop again).
  ``{"op": "panic"}`` fades every voice out over :data:`QUICK_FADE_SECONDS` (never a step) and lifts
  the pedal.

Decoding and resampling happen in ``handle`` for ``sample`` (never in ``render``, never for a note),
outside the sampler's lock, so ``note_on``/``note_off`` from another thread go on meanwhile, and only with
``decodes`` (the default).  The box's engine process has a sampler that never decodes: a file it does not hold
raises :class:`NotDecoded`, and the API process decodes it and hands the audio over in shared memory
(device/audio/server.py ``EngineProcess.send``, device/audio/sample_handoff.py; :meth:`accept` keeps it): decoding
in the engine process held the interpreter while the audio thread waited (bench/engine_kit_decode.py).  What a
file decodes to (its first ``max_seconds``, mono, at the engine rate, its faded ends and loop seams, a loop
cycle for a file at another rate) is device/audio/sample_decode.py's.
Mapped files stay decoded while mapped (pinned); auditions share what is left of
``cache_seconds`` (:data:`CACHE_SECONDS`: 1800 s, 346 MB at 48 kHz) and are evicted oldest first;
a mapping that would pin more than ``cache_seconds`` is refused.

``render(out)`` mixes all voices into ``out`` [N] float32 in place without allocating numpy
buffers: voice starts are queued and picked up at the next block, where in it they came for a :attr:`timed` sampler
(the box's live engine: a message's ``at``, stamped as its MIDI came, else when it reached the sampler; see
:meth:`SamplerSource.render`), at its start otherwise (offline renders, tests).  The sum goes through a peak
limiter (device/audio/limiter.py, the output stage's own: instant attack, :data:`RELEASE_SECONDS`
release) whose ceiling is :data:`CEILING`, so
loud polyphony (five kicks at once, a chord of normalised samples) stays under the engine's
slot guard (+12 dBFS, device/audio/protect.py) instead of tripping it.  A stolen voice, a
replaced audition and a panic fade out over :data:`QUICK_FADE_SECONDS` in a slot of their own.

Voice stealing (forty-eighth stop, an e-drummer's QA: a tom roll at 64 hits a second, 48 hits over 0.75 s, stole the
ringing crash, the oldest voice): a note struck while :data:`MAX_NOTE_VOICES` of its own voices sound takes the oldest
of them (a roll steals its own earlier hits); otherwise, with ``max_voices`` sounding, the quietest one goes
(:meth:`SamplerSource._level`: its velocity gain squared times the mean square of the next :data:`LEVEL_WINDOW`
samples of its audio, a loop's wrapping to its start, computed only when a voice must be stolen, so ``render`` costs
nothing more), a loop whose key is held last, the oldest among equals.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from typing import Any

import numpy as np

from device.audio import audiofile
from device.audio.block_clock import STAMP_SLACK_S, BlockClock  # noqa: F401 - STAMP_SLACK_S re-exported
from device.audio.limiter import SOURCE_CEILING, SOURCE_RELEASE_S, SourceLimiter
from device.audio.sample_decode import (END_CLICK_SECONDS, END_FADE_SECONDS, END_STEP,  # noqa: F401 - its words
                                        LOOP_EXACT_SECONDS, LOOP_XFADE_SECONDS, Decoded)
from device.audio.sampler_control import MAX_BLOCK, NotDecoded, SamplerControl  # noqa: F401 - NotDecoded re-exported
from device.control import CHOKE_GROUPS, choke_group, default_group   # the kit's choke groups (hi-hats: General MIDI)
from device.control import file_label  # noqa: F401 - re-exported (tests read sampler.file_label)
from device.library.decode import PLAYED_SECONDS

FADE_SECONDS = 0.01          # note_off: a loop fades out over this
QUICK_FADE_SECONDS = 0.004   # a stolen voice, a replaced audition
CEILING = SOURCE_CEILING     # the sampler's output peak (+6 dBFS, linear; 6 dB under the slot guard's +12 dBFS)
RELEASE_SECONDS = SOURCE_RELEASE_S   # the limiter's release time constant (longer than a 25 Hz period: no ripple)
MAX_PEAK = audiofile.MAX_FLOAT_PEAK   # +24 dBFS: float samples above this are integer-scale values, not audio
MAX_WARNINGS = 8
CACHE_SECONDS = 1800.0       # decoded audio kept (mapped + auditions): 346 MB at 48 kHz float32 mono, an 88-key
                             # multisample of 20 s notes; comfortable on an 8 GB Jetson-class box (all of it mlocked)
_RELEASE, _QUICK = 0, 1      # which fade ramp a voice uses
# Notes that cut each other (a choke group): CHOKE_GROUPS, General MIDI's (the hi-hats 42, 44, 46), unless a note's
# mapping names its own ``choke``, 0 (none) .. MAX_CHOKE_GROUP: device/control.py's (device.control.default_group)
# A choke of a whole group (the hi-hat pedal closing) spares the pedal's and the closed hat's voices struck this
# recently: a drum module sends the pedal's chick (note 44) as the pedal closes, about when its CC 4 passes the
# threshold, in either order.  An open hat (46) is never spared: struck with the pedal half open and the pedal shut
# just after, it would ring its whole length (no second choke comes while the pedal stays shut)
PEDAL_SPARE_SECONDS = 0.02
PEDAL_SPARED_NOTES = frozenset((42, 44))
MAX_NOTE_VOICES = 8          # one note's voices at most: a ninth strike of it steals that note's oldest voice
LEVEL_WINDOW = 1024          # samples (21 ms at 48 kHz) of a voice's coming audio that say how loud it is (a steal)
_UNWEIGHED = -LEVEL_WINDOW   # a voice's level_pos before its level is weighed (far behind any position)


# The sampler bus's peak limiter: the sources' one (the synth's too), at CEILING with a RELEASE_SECONDS release, for
# blocks of up to MAX_BLOCK samples; ``process(x)`` limits ``x`` [N] float32 in place, allocation-free.
Limiter = SourceLimiter


class SamplerSource(SamplerControl):
    """Polyphonic sample player (mono bus at ``rate`` Hz); its control side (cache, note map, ``handle``) is
    :class:`~device.audio.sampler_control.SamplerControl`'s."""

    # the slot guard checks it for NaN/inf and runaway peaks, not for DC: it plays recorded files as they
    # are (device/audio/protect.py; a full-scale sub-bass loop's half-cycles read as DC to the guard)
    guard_dc = False

    def __init__(self, rate: int = 48000, *, max_voices: int = 32, max_seconds: float = PLAYED_SECONDS,
                 cache_seconds: float = CACHE_SECONDS, decodes: bool = True) -> None:
        self.rate, self.max_voices, self.max_seconds = int(rate), int(max_voices), float(max_seconds)
        self.decodes = bool(decodes)              # False: a file not in the cache raises NotDecoded (the engine's)
        # True: a note acts where in the block it came (render; the box's live engine), False: at the next block's
        # start (offline renders and tests, whose blocks do not follow the wall clock)
        self.timed = False
        self._at = 0                              # the sample of the block the event being applied acts at (render)
        self._out = np.zeros(0, np.float32)       # the block being rendered (render)
        self.block_clock = BlockClock(self.rate)
        self.cache_seconds = float(cache_seconds)
        self.cache_samples = int(cache_seconds * rate)
        self.cache: OrderedDict[str, Decoded] = OrderedDict()
        self.note_map: dict[int, tuple[str, bool]] = {}
        self._lock = threading.Lock()             # cache and note_map (control threads; never held to decode)
        self.events: deque = deque()
        self.notices: deque[str] = deque(maxlen=MAX_WARNINGS)
        self.notice_file: dict[str, str] = {}     # notice -> the file it names (dropped with it: _release)
        self.loop_notices: set[str] = set()       # notices true of a file as a loop only (dropped: _drop_loop_said)
        self.scratch = np.zeros(MAX_BLOCK, np.float32)
        self.ramps = (_ramp(FADE_SECONDS * rate), _ramp(QUICK_FADE_SECONDS * rate))
        self.limiter = Limiter(self.rate)
        # per MIDI note, set by its mapping (control side; read by the audio side as a voice starts): its loop latches,
        # its choke group (0: none; General MIDI's hi-hat group unless the mapping names one)
        self.latch = [False] * 128                # (lists: a scalar read is faster than numpy's, and a write is one
        self.choke_group = [default_group(n, CHOKE_GROUPS) for n in range(128)]    # store another thread may make)
        self._init_voices()
        # what the voices let go of (audio thread: append), dropped by the control side (_drop_retired: popleft)
        self.retired: deque[Any] = deque()

    def _init_voices(self) -> None:
        v = 2 * self.max_voices                   # a voice being stolen fades out in a slot of its own
        self.buf: list[np.ndarray | None] = [None] * v
        self.audition: list[str | None] = [None] * v   # the file an audition voice plays (None: not one)
        self.pos = np.zeros(v, np.int64)
        self.gain = np.zeros(v, np.float32)
        self.loop = np.zeros(v, bool)
        self.loop_start = np.zeros(v, np.int64)   # where a loop wraps to (a cut file's tail length, else 0)
        self.stop = np.zeros(v, np.int64)         # where the voice's present run of its data ends
        self.then = np.full(v, -1, np.int64)      # where a cut one-shot goes on at stop (its faded end), else -1
        self.note = np.full(v, -1, np.int64)
        self.fade = np.full(v, -1, np.int64)      # -1: not releasing; else position in its fade ramp
        self.ramp_of = np.zeros(v, np.int64)      # which of self.ramps the fade follows
        self.fresh = np.zeros(v, bool)            # started this block, not heard yet
        self.begin = np.zeros(v, np.int64)        # where in this block the voice starts (a timed note's sample)
        self.fade_from = np.zeros(v, np.int64)    # where in this block its fade (fade >= 0) begins: before, it plays on
        self.age = np.zeros(v, np.int64)
        self.key_down = np.zeros(v, bool)         # its note's key is still down (False: its note-off came)
        self.latched = np.zeros(v, bool)          # a latched loop: its note-off does nothing, its next strike stops it
        self.level = [0.0] * v                    # how loud it is about to be (a steal's measure: _level) ...
        self.level_pos = [_UNWEIGHED] * v         # ... weighed at this position of its audio
        self.clock = 0
        self.pedal = False                        # sustain pedal down (audio side)

    # ----------------------------------------------------------------------------- audio side
    def reset(self) -> None:
        events, retired = self.events, self.retired
        while events:                             # queued starts go, their audio dropped by the control side; the
            retired.append(events.popleft())      # deque stays: a note another thread appends meanwhile is kept
        retired.append(self.buf)                  # the voices, the same way
        self._init_voices()
        self.limiter.reset()
        self.block_clock.reset()

    def render(self, out: np.ndarray) -> None:
        """Fill ``out`` [N] float32 (N <= 8192) with the limited mix of every sounding voice.

        The queued events act at the block's start; a :attr:`timed` sampler's act where in the block they came:
        the block stands for the N samples' time before the clock reading of this render (smoothed over the audio
        thread's wake-up jitter: device/audio/block_clock.py), and an event due at ``t`` (:meth:`_when`) acts
        ``(t - (now - N / rate)) * rate`` samples in (in their order; one due earlier at the start).  An event due
        after ``now`` waits for the next block.  Each voice is still mixed once a block: a note starts, and a fade
        begins, at its own sample of it (:attr:`begin`, :attr:`fade_from`); a voice an event must decide on (one
        that ended before it, one a steal or a cut of a running fade takes) is first mixed up to the event's sample
        (:meth:`_settle`), so each event sees the voices as they are at its own sample."""
        out.fill(0.0)
        n, events, timed = out.shape[0], self.events, self.timed
        now = self.block_clock.tick(time.monotonic(), n) if timed else 0.0
        self._out = out                           # what a voice an event decides on is mixed into up to it (_settle)
        if events:
            start, k = now - n / self.rate, 0
            while events:
                due = events[0][2]
                if timed and due > now:           # due after this block: the next one plays it
                    break
                kind, arg, _ = events.popleft()
                if timed and due > start:
                    k = max(k, min(n - 1, int((due - start) * self.rate + 0.5)))
                self._at = k
                self._apply(kind, arg)
            self._at = 0
        for v in range(len(self.buf)):
            if self.buf[v] is not None:
                self._render_voice(v, out)
                self.fresh[v] = False
        self.limiter.process(out)

    def _apply(self, kind: str, arg: Any) -> None:
        if kind == "on":
            if not self._latched_off(arg[2], arg[3], arg[4]):
                self._allocate(*arg)
        elif kind == "unlatch":
            for v in range(len(self.buf)):
                if self.note[v] == arg:
                    self.latched[v] = False
        elif kind == "off":
            self._key_up(arg)
        elif kind == "all_off":
            self._key_up(None)
            self._cut_auditions()
        elif kind == "audition_off":
            self._cut_auditions()
        elif kind == "sustain":
            self.pedal = bool(arg)
            if not self.pedal:
                self._pedal_up()
        elif kind == "choke":
            for v in range(len(self.buf)):
                if self.buf[v] is not None and self.note[v] == arg and self.audition[v] is None:
                    self._cut(v)
        elif kind == "choke_group":
            self._choke_group(arg)
        elif kind == "stop_loops":
            self._stop_loops()
        elif kind == "panic":
            self.pedal = False
            self.key_down[:] = False
            for v in range(len(self.buf)):
                if self.buf[v] is not None:
                    self._cut(v)

    # The voice selections below are plain loops over the voices, not numpy masks: nothing allocated on
    # the audio thread, and faster at these sizes (64 slots: 1-7 us an event against 4-8 us for the masks).
    def _key_up(self, note: int | None) -> None:
        """A note-off for the voices of ``note`` (None: of every note, the auditions' -1 aside): their loops
        that sound and are not fading out fade out now, or when the pedal lifts."""
        buf, notes, loop, fade = self.buf, self.note, self.loop, self.fade
        for v in range(len(buf)):
            if buf[v] is None or not (notes[v] >= 0 if note is None else notes[v] == note and not self.latched[v]):
                continue
            if loop[v] and fade[v] < 0:
                self.key_down[v] = False
                if not self.pedal:
                    fade[v], self.ramp_of[v], self.fade_from[v] = 0, _RELEASE, self._at

    def _cut_auditions(self) -> None:
        """Every audition voice stops with a quick fade (:meth:`_cut`); kit notes, loops held or pedalled, are not
        touched (a plain loop over the slots: nothing allocated on the audio thread)."""
        for v in range(len(self.buf)):
            if self.buf[v] is not None and self.audition[v] is not None:
                self._cut(v)

    def _pedal_up(self) -> None:
        """The pedal lifted: the loops of notes whose note-off came meanwhile fade out (those sounding and
        not fading out already)."""
        buf, notes, loop, fade, key_down = self.buf, self.note, self.loop, self.fade, self.key_down
        for v in range(len(buf)):
            if buf[v] is not None and loop[v] and not key_down[v] and notes[v] >= 0 and fade[v] < 0:
                fade[v], self.ramp_of[v], self.fade_from[v] = 0, _RELEASE, self._at

    def _stop_loops(self) -> None:
        """``stop_loops``: every kit loop that sounds and is not fading out stops (:meth:`_cut`); what
        :meth:`sounding_loops` names (:meth:`_sounding_loop`), read on the audio thread (nothing allocated)."""
        for v in range(len(self.buf)):
            if self._sounding_loop(v):
                self._cut(v)

    def _sounding_loop(self, v: int) -> bool:
        """Whether voice ``v`` plays a kit note's loop that is not fading out (latched, held, or kept by the pedal;
        an audition is none): the one test of :meth:`_stop_loops` (the audio thread: it allocates nothing) and
        :meth:`sounding_loops`."""
        return (self.buf[v] is not None and self.note[v] >= 0 and bool(self.loop[v]) and self.fade[v] < 0
                and self.audition[v] is None)

    def _choke_group(self, note: int) -> None:
        """The hi-hat pedal closed: the voices of every note of ``note``'s choke group stop (a quick fade), those of
        :data:`PEDAL_SPARED_NOTES` (pedal, closed hat) struck less than :data:`PEDAL_SPARE_SECONDS` ago (their
        position, a one-shot's samples played) aside: an open hat is always cut."""
        group = self._group(note)
        if not group:
            return
        spare = PEDAL_SPARE_SECONDS * self.rate
        for v in range(len(self.buf)):
            if (self.buf[v] is not None and self.audition[v] is None and self._group(int(self.note[v])) == group
                    and (self.loop[v] or self.pos[v] >= spare or int(self.note[v]) not in PEDAL_SPARED_NOTES)):
                self._cut(v)

    def _cut(self, v: int) -> None:
        """Stop voice ``v`` with a quick fade from where it is, at the present event's sample (one not heard yet simply
        goes; one already fading goes on from its level at that sample, sooner)."""
        if self.fade[v] >= 0 and self.ramp_of[v] != _QUICK:
            self._settle(v)                       # its slower fade runs until the cut's sample
            if self.buf[v] is None:
                return
        if self.fresh[v] and self._at <= self.begin[v]:
            self._retire(v)
        elif self.fade[v] < 0:
            self.fade[v], self.ramp_of[v], self.fade_from[v] = 0, _QUICK, self._at
        elif self.ramp_of[v] != _QUICK:
            slow, quick = self.ramps[self.ramp_of[v]].shape[0] - 1, self.ramps[_QUICK].shape[0] - 1
            self.fade[v] = min(quick, -(-int(self.fade[v]) * quick // slow))   # linear ramps: level <= now
            self.ramp_of[v] = _QUICK

    def _allocate(self, data: np.ndarray, gain: float, loop: bool, note: int, audition: str | None,
                  loop_start: int, stop: int, then: int) -> None:
        if self._at > 0:                          # what ended before this sample lets go of its slot first
            for v in range(len(self.buf)):
                if self.buf[v] is not None:
                    end = self._end_at(v)
                    if end is not None and end <= self._at:
                        self._settle(v)
        group, buf, fade, notes = self._group(note), self.buf, self.fade, self.note
        live, same, counted = [], [], note >= 0 and audition is None
        for v in range(len(buf)):                   # one pass: what the new sound replaces stops, the rest is live
            if buf[v] is None or fade[v] >= 0:
                continue
            if self._replaced(v, audition, loop, note, group):
                self._cut(v)
            else:
                live.append(v)
                if counted and notes[v] == note and self.audition[v] is None:
                    same.append(v)
        if len(same) >= MAX_NOTE_VOICES:    # a roll of one note steals its own oldest hit
            self._cut(min(same, key=lambda v: (bool(self.loop[v] and self.key_down[v]), self.age[v])))
        elif len(live) >= self.max_voices:  # else the quietest voice, a loop whose key is held last (kit QA, 40th stop)
            self._cut(self._quietest(live))
        free = [v for v in range(len(self.buf)) if self.buf[v] is None]
        v = free[0] if free else self._quietest_fading()
        self.clock += 1
        if self.buf[v] is not None:               # a fading voice cut short (every slot was busy)
            self._retire(v)
        self.buf[v], self.audition[v], self.pos[v], self.gain[v], self.loop[v] = data, audition, 0, gain, loop
        self.loop_start[v], self.stop[v], self.then[v] = loop_start, stop, then
        self.note[v], self.fade[v], self.ramp_of[v], self.age[v], self.fresh[v] = note, -1, _RELEASE, self.clock, True
        self.key_down[v], self.begin[v], self.fade_from[v], self.level_pos[v] = True, self._at, 0, _UNWEIGHED
        self.latched[v] = loop and audition is None and 0 <= note < 128 and self.latch[note]

    def _group(self, note: int) -> int:
        """Note ``note``'s choke group (0: none, and for an audition's -1)."""
        return self.choke_group[note] if 0 <= note < 128 else 0

    def _latched_off(self, loop: bool, note: int, audition: str | None) -> bool:
        """A strike of a latched loop note whose latched loop sounds: that loop fades out (the release, pedal or not)
        and no voice starts (True); False otherwise: the strike starts its sound as any does."""
        if not (loop and audition is None and 0 <= note < 128 and self.latch[note]):
            return False
        stopped = False
        for v in range(len(self.buf)):
            if self.buf[v] is not None and self.note[v] == note and self.latched[v] and self.fade[v] < 0:
                self.fade[v], self.ramp_of[v], self.fade_from[v] = 0, _RELEASE, self._at
                self.latched[v], stopped = False, True
        return stopped

    def _quietest(self, live: list[int]) -> int:
        """The voice of ``live`` a steal takes: the quietest (:meth:`_level`), a loop whose key is held last, the
        oldest among equals (one plain pass: this runs on the audio thread)."""
        loop, key_down, age, best, rank = self.loop, self.key_down, self.age, live[0], None
        for v in live:
            r = (bool(loop[v] and key_down[v]), self._level(v), int(age[v]))
            if rank is None or r < rank:
                best, rank = v, r
        return best

    def _level(self, v: int) -> float:
        """How loud voice ``v`` is about to be: its velocity gain squared times the mean square of its next
        :data:`LEVEL_WINDOW` samples from where it is.  A one-shot's samples past its audio's end count as silence (a
        one-shot about to end is quiet); a loop's go on from where it wraps to (:meth:`_loop_mean_square`).  A steal's
        measure, not the mix's: one dot product a live voice (~1 us; two for a loop about to wrap), no buffer
        allocated, kept until the voice has moved :data:`LEVEL_WINDOW` / 2 samples on (steals in a row weigh each
        voice once)."""
        p = int(self.pos[v])
        if not 0 <= p - self.level_pos[v] < LEVEL_WINDOW // 2:  # (a loop that wrapped: behind it)
            if self.loop[v]:
                mean_square = self._loop_mean_square(v, p)
            else:
                ahead = self.buf[v][p:p + LEVEL_WINDOW]
                mean_square = float(np.dot(ahead, ahead)) / LEVEL_WINDOW
            self.level[v], self.level_pos[v] = float(self.gain[v]) ** 2 * mean_square, p
        return self.level[v]

    def _loop_mean_square(self, v: int, p: int) -> float:
        """The mean square of loop voice ``v``'s next :data:`LEVEL_WINDOW` samples from position ``p``, wrapping at its
        :attr:`stop` to its :attr:`loop_start` (a held loop about to wrap is as loud as it sounds); of a loop cycle
        shorter than the window, the mean over what was read (its rest and one cycle).  Views and dot products: no
        allocation."""
        data, stop = self.buf[v], int(self.stop[v])
        ahead = data[p:min(stop, p + LEVEL_WINDOW)]
        energy, read = float(np.dot(ahead, ahead)), ahead.shape[0]
        if read < LEVEL_WINDOW:                   # it wraps within the window
            start = int(self.loop_start[v])
            again = data[start:min(stop, start + LEVEL_WINDOW - read)]
            energy, read = energy + float(np.dot(again, again)), read + again.shape[0]
        return energy / read if read else 0.0

    def _replaced(self, v: int, audition: str | None, loop: bool, note: int, group: int) -> bool:
        """Whether sounding voice ``v`` stops for a new sound: a new audition replaces the one sounding, a loop note
        restarts its loop, a hi-hat note closes its choke ``group``'s voices (its own earlier one too)."""
        if audition is not None and self.audition[v] is not None:
            return True
        if audition is None and loop and note >= 0 and self.loop[v] and self.note[v] == note:
            return True
        return group > 0 and self._group(int(self.note[v])) == group

    def _quietest_fading(self) -> int:
        """The fading voice furthest along its fade at the present event's sample (every slot busy: it is cut), mixed
        up to that sample first."""
        at = self._at

        def gone(v: int) -> float:
            since = max(0, at - max(int(self.fade_from[v]), int(self.begin[v])))
            return (int(self.fade[v]) + since) / self.ramps[self.ramp_of[v]].shape[0]
        v = max((v for v in range(len(self.buf)) if self.fade[v] >= 0), key=gone)
        self._settle(v)
        return v

    def _end_at(self, v: int) -> int | None:
        """The sample of this block at which voice ``v`` falls silent by itself (its one-shot's end or its fade's);
        None for a loop that is not fading."""
        start = int(self.begin[v])
        ends = []
        if self.fade[v] >= 0:
            ends.append(max(int(self.fade_from[v]), start) + self.ramps[self.ramp_of[v]].shape[0] - int(self.fade[v]))
        if not self.loop[v]:
            rest = int(self.stop[v]) - int(self.pos[v])
            if self.then[v] >= 0:
                rest += self.buf[v].shape[0] - int(self.then[v])
            ends.append(start + rest)
        return min(ends) if ends else None

    def _settle(self, v: int) -> None:
        """Mix voice ``v`` up to the present event's sample (render; it may end there), so that the event sees it as
        it is then."""
        if self.buf[v] is not None and self._at > self.begin[v]:
            self._render_voice(v, self._out, end=self._at)
            self.fresh[v] = False

    def _render_voice(self, v: int, out: np.ndarray, end: int | None = None) -> None:
        """Mix voice ``v`` into ``out`` from its :attr:`begin` (0 but in the block it starts, or up to where it was
        settled) to ``end`` (None: the block's end), its fade (if any) from :attr:`fade_from`."""
        data, o, held = self.buf[v], int(self.begin[v]), int(self.fade_from[v])
        n = out.shape[0] if end is None else end
        if end is None:
            self.begin[v] = self.fade_from[v] = 0
        else:
            self.begin[v], self.fade_from[v] = end, max(held, end)
        while o < n and self.buf[v] is not None:
            take = min(n - o, int(self.stop[v]) - int(self.pos[v]))
            if o < held:                          # plays on as it was until its fade begins
                take = self._mix(v, data, out, o, min(take, held - o), faded=False)
            else:
                take = self._mix(v, data, out, o, take)
            o += take
            self.pos[v] += take
            if self.pos[v] >= self.stop[v]:
                self._wrap_or_end(v)

    def _mix(self, v: int, data: np.ndarray, out: np.ndarray, o: int, take: int, faded: bool = True) -> int:
        p, seg = int(self.pos[v]), self.scratch
        if faded and self.fade[v] >= 0:
            f, ramp = int(self.fade[v]), self.ramps[self.ramp_of[v]]
            take = min(take, ramp.shape[0] - f)
            np.multiply(data[p:p + take], ramp[f:f + take], out=seg[:take])
            self.fade[v] += take
            if self.fade[v] >= ramp.shape[0]:
                self._retire(v)
        else:
            np.copyto(seg[:take], data[p:p + take])
        seg[:take] *= self.gain[v]
        np.add(out[o:o + take], seg[:take], out=out[o:o + take])
        return take

    def _wrap_or_end(self, v: int) -> None:
        """Voice ``v`` reached its stop: a loop wraps, a cut one-shot goes on to its faded end, else it ends."""
        if self.buf[v] is None:
            return
        if self.loop[v]:
            self.pos[v] = self.loop_start[v]
        elif self.then[v] >= 0:
            self.pos[v], self.stop[v], self.then[v] = self.then[v], self.buf[v].shape[0], -1
        else:
            self._retire(v)

    def _retire(self, v: int) -> None:
        """Voice ``v`` lets go of its audio: the reference goes on :attr:`retired`, which the control side empties
        (:meth:`_drop_retired`), so that the last reference to a file's audio (a file unmapped while it sounds) is
        not dropped on the audio thread: freeing 20 s of audio there costs the block the time to unmap it.  The
        queue is emptied at every message, and a voice starts only from one, so it holds at most what the voices
        let go of since the last message (an append that grows the deque allocates a block of 64 references)."""
        if self.buf[v] is not None:               # (a voice settled to its end is retired once)
            self.retired.append(self.buf[v])
            self.buf[v] = None

    # ----------------------------------------------------------------------------- control side (options of a note)
    def handle(self, msg: dict[str, Any]) -> None:
        """:meth:`SamplerControl.handle`, and a note's options from its mapping (``latch``, ``choke``): set once the
        mapping took (a file that does not decode changes nothing).  A mapping that does not latch (an unmapping, a
        one-shot, a held loop) lets the note's latched loops go to its next note-off (p51 M3: a note given a one-shot
        kept its latched loop, deaf to its note-offs; the kit chokes it too, device.kit.stops_latched)."""
        note = int(msg.get("note", -1)) if msg.get("op") == "sample" else -1
        if 0 <= note < 128 and str(msg.get("path", "")) == "":
            self.events.append(("unlatch", note, self._when(msg)))     # (an unmapping: before the kit's choke)
        super().handle(msg)
        if 0 <= note < 128:
            self._note_options(note, msg)
            if str(msg.get("path", "")) != "" and not self.latch[note]:
                self.events.append(("unlatch", note, self._when(msg)))

    def _note_options(self, note: int, msg: dict[str, Any]) -> None:
        """Note ``note``'s latch and choke group from its ``sample`` mapping message (an unmapping, path "": none, and
        General MIDI's group).  A ``choke`` is any whole number 0..127 (3.0 and numpy's int64(3), as
        device.control.validate passes them, kept as an int); one that is no group (a bool, 2.5, 300) is General
        MIDI's too: validate refuses it before it comes here."""
        mapped = str(msg.get("path", "")) != ""
        self.latch[note] = mapped and bool(msg.get("loop")) and bool(msg.get("latch"))
        group = choke_group(msg.get("choke")) if mapped else None
        self.choke_group[note] = group if group is not None else default_group(note, CHOKE_GROUPS)

    def sounding_loops(self) -> list[dict[str, Any]]:
        """The kit notes whose loop sounds now and is not fading out (latched, held, or kept by the pedal), lowest
        first: ``[{"note": int, "file": str, "latched": bool}]``, ``file`` as :func:`file_label` names the note's
        mapping ("" for a note unmapped meanwhile).  Auditions are left out (the Library's play, one at a time).
        For the engine's status (``active["sampler"]["loops"]``, p57 QA_B 1: a latched loop played with no sign on
        the panel): built on the caller's thread, never the audio thread; a plain read of the voices the audio
        thread writes, so a voice that starts or ends meanwhile shows at the next status."""
        found: dict[int, bool] = {}
        for v in range(len(self.buf)):
            if self._sounding_loop(v):
                note = int(self.note[v])
                found[note] = found.get(note, False) or bool(self.latched[v])
        return [{"note": n, "file": self._mapped_label(n), "latched": found[n]} for n in sorted(found)]

    def _mapped_label(self, note: int) -> str:
        """How :func:`file_label` names the file ``note`` is mapped to ("" for none)."""
        mapped = self.note_map.get(note)
        return file_label(mapped[0]) if mapped else ""

    @property
    def active_voices(self) -> int:
        """Voices sounding, fading ones included."""
        return sum(b is not None for b in self.buf)


def _ramp(samples: float) -> np.ndarray:
    """A linear fade-out [n >= 2] float32 from 1 to 0."""
    return np.linspace(1.0, 0.0, max(2, int(samples))).astype(np.float32)
