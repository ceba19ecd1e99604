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
  Notes of one :data:`CHOKE_GROUPS` group (the hi-hat's 42, 44, 46) cut each other's voices (a quick fade).
  ``{"op": "note_off", "note"}`` fades out loops started by that note (one-shots play to their end);
  while the sustain pedal is down they play on until it lifts.
  ``{"op": "sustain", "on"}`` the pedal: lifting it fades out the loops whose note-off came meanwhile.
  ``{"op": "all_notes_off"}`` a note-off for every note (MIDI CC 123, a DAW's stop): loops fade (the pedal
  still holds them), one-shots play on, an audition stops (a quick fade).
  ``{"op": "panic"}`` fades every voice out over :data:`QUICK_FADE_SECONDS` (never a step) and lifts
  the pedal.

Decoding and resampling happen in ``handle`` for ``sample`` (never in ``render``, never for a note),
outside the sampler's lock, so ``note_on``/``note_off`` from another thread go on meanwhile (the
engine process sends ``sample`` on its pack channel, device/audio/server.py PACK_OPS, not on the
notes' one).  Only the first ``max_seconds`` of a file are decoded (a longer one is cut, and
:meth:`warnings` says so; as a loop, its end crossfades into its start over
:data:`LOOP_XFADE_SECONDS`, so the cut does not click; as a one-shot, its last
:data:`END_FADE_SECONDS` fade out (raised cosine, made once when it is decoded), so it does not click
where it stops either); channels are mixed to mono as the tagger mixes them
(device.library.decode.mix: out-of-phase stereo is not silent), and played as they are otherwise (a DC
offset too).  A one-shot that stops on a sample louder than :data:`END_STEP` (a file trimmed mid-sound) fades
out over its last :data:`END_CLICK_SECONDS`.  A loop from a file at another rate is resampled around its wrap
(device.audio.resample.resample_cycle, once, when a note or an audition first plays it as a loop): resampled as a
file, its edges met silence, and it clicked at every wrap.
Mapped files stay decoded while mapped (pinned); auditions share what is left of
``cache_seconds`` (:data:`CACHE_SECONDS`: 1800 s, 346 MB at 48 kHz) and are evicted oldest first;
a mapping that would pin more than ``cache_seconds`` is refused.

``render(out)`` mixes all voices into ``out`` [N] float32 in place without allocating numpy
buffers: voice starts are queued and picked up at the next block.  The sum goes through a peak
limiter (device/audio/limiter.py, the output stage's own: instant attack, :data:`RELEASE_SECONDS`
release) whose ceiling is :data:`CEILING`, so
loud polyphony (five kicks at once, a chord of normalised samples) stays under the engine's
slot guard (+12 dBFS, device/audio/protect.py) instead of tripping it.  A stolen voice, a
replaced audition and a panic fade out over :data:`QUICK_FADE_SECONDS` in a slot of their own.
"""
from __future__ import annotations

import math
import os
import threading
from collections import OrderedDict, deque
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from device.audio import audiofile
from device.audio.limiter import SOURCE_CEILING, SOURCE_RELEASE_S, SourceLimiter
from device.audio.resample import resample, resample_cycle
from device.control import file_label
from device.library.decode import mix
from hatbox.errors import AudioFileError, HatboxError

FADE_SECONDS = 0.01          # note_off: a loop fades out over this
QUICK_FADE_SECONDS = 0.004   # a stolen voice, a replaced audition
MAX_BLOCK = 8192
CEILING = SOURCE_CEILING     # the sampler's output peak (+6 dBFS, linear; 6 dB under the slot guard's +12 dBFS)
RELEASE_SECONDS = SOURCE_RELEASE_S   # the limiter's release time constant (longer than a 25 Hz period: no ripple)
MAX_PEAK = audiofile.MAX_FLOAT_PEAK   # +24 dBFS: float samples above this are integer-scale values, not audio
MAX_WARNINGS = 8
CACHE_SECONDS = 1800.0       # decoded audio kept (mapped + auditions): 346 MB at 48 kHz float32 mono, an 88-key
                             # multisample of 20 s notes; comfortable on an 8 GB Jetson-class box (all of it mlocked)
LOOP_XFADE_SECONDS = 0.05    # a loop cut at max_seconds crossfades its end into its start over this
END_FADE_SECONDS = 0.01      # a one-shot cut at max_seconds fades out over its last this (no click at the cut)
END_CLICK_SECONDS = 0.002    # a one-shot that ends on a step (trimmed mid-sound) fades out over its last this
END_STEP = 0.01              # ... a last sample over this (-40 dBFS) is such a step
LOOP_EXACT_SECONDS = 10.0    # a loop from another rate is repeated up to this long to keep its length whole
_RELEASE, _QUICK = 0, 1      # which fade ramp a voice uses
# Notes that cut each other (a choke group): a hi-hat is one instrument, so General MIDI's closed (42), pedal (44)
# and open (46) hi-hat notes stop one another's voices (a quick fade) as a drummer closing the hat does
CHOKE_GROUPS: dict[int, int] = {42: 1, 44: 1, 46: 1}


# The sampler bus's peak limiter: the sources' one (the synth's too), at CEILING with a RELEASE_SECONDS release, for
# blocks of up to MAX_BLOCK samples; ``process(x)`` limits ``x`` [N] float32 in place, allocation-free.
Limiter = SourceLimiter


class Decoded(NamedTuple):
    """A decoded file, mono float32 at the engine rate.

    ``data[:n]`` is the file (its first ``max_seconds``; all of it, what a one-shot plays, when it was
    not cut).  A file cut there has a ``tail`` after it: the ``tail`` samples that follow the cut,
    crossfaded (equal power) into the file's first ``tail`` samples; a loop plays ``data[:n + tail]``
    and wraps to ``data[tail]``: every cycle is ``n`` samples long, and both seams (the cut, the wrap)
    are continuous.  Last come ``fade`` samples: the file's last ``fade`` before the cut, faded out
    (:func:`_faded_end`); a one-shot of a cut file plays ``data[:n - fade]`` and then those, so it
    ends without a click."""

    data: np.ndarray          # [n + tail + fade] float32
    n: int                    # samples of the file itself
    fade: int = 0             # samples of a cut (or hard-ended) one-shot's faded end, stored last (0: none)
    rate: int = 0             # the file's own rate, Hz
    cycle: np.ndarray | None = None   # a loop of a file at another rate, resampled around its wrap (made on demand)

    @property
    def tail(self) -> int:
        return self.data.shape[0] - self.n - self.fade

    @property
    def size(self) -> int:
        return self.data.shape[0] + (0 if self.cycle is None else self.cycle.shape[0])

    def wants_cycle(self, rate: int) -> bool:
        """Whether a loop of it at ``rate`` Hz needs :attr:`cycle`: a file not cut (a cut one wraps through its
        seam) at another rate, whose cycle is not made yet."""
        return self.cycle is None and self.tail == 0 and 0 < self.rate != rate


class SamplerSource:
    """Polyphonic sample player (mono bus at ``rate`` Hz)."""

    # the slot guard checks it for NaN/inf and runaway peaks, not for DC: it plays recorded files as they
    # are (device/audio/protect.py; a full-scale sub-bass loop's half-cycles read as DC to the guard)
    guard_dc = False

    def __init__(self, rate: int = 48000, *, max_voices: int = 32, max_seconds: float = 60.0,
                 cache_seconds: float = CACHE_SECONDS) -> None:
        self.rate, self.max_voices, self.max_seconds = int(rate), int(max_voices), float(max_seconds)
        self.cache_seconds = float(cache_seconds)
        self.cache_samples = int(cache_seconds * rate)
        self.cache: OrderedDict[str, Decoded] = OrderedDict()
        self.note_map: dict[int, tuple[str, bool]] = {}
        self._lock = threading.Lock()             # cache and note_map (control threads; never held to decode)
        self.events: deque = deque()
        self.notices: deque[str] = deque(maxlen=MAX_WARNINGS)
        self.scratch = np.zeros(MAX_BLOCK, np.float32)
        self.ramps = (_ramp(FADE_SECONDS * rate), _ramp(QUICK_FADE_SECONDS * rate))
        self.limiter = Limiter(self.rate)
        self._init_voices()

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
        self.age = np.zeros(v, np.int64)
        self.key_down = np.zeros(v, bool)         # its note's key is still down (False: its note-off came)
        self.clock = 0
        self.pedal = False                        # sustain pedal down (audio side)

    # ----------------------------------------------------------------------------- control side
    @staticmethod
    def _key(path: str | Path) -> str:
        return str(Path(path).resolve())

    def load(self, path: str | Path) -> np.ndarray:
        """Decode ``path`` to mono [N] float32 at the engine rate (cached; at most ``max_seconds``).
        Raises AudioFileError."""
        got = self._get(self._key(path))
        return got.data[:got.n]

    def _get(self, key: str, loop: bool = False) -> Decoded:
        """File ``key`` decoded (from the cache, else decoded now, outside the lock, and cached); with ``loop``,
        with its loop cycle made (:meth:`_cycle`) when it needs one."""
        with self._lock:
            got = self.cache.get(key)
            if got is not None:
                self.cache.move_to_end(key)
        if got is None:
            got = self._decode(key, loop)         # notes from other threads go on meanwhile
            with self._lock:
                got = self.cache.setdefault(key, got)    # decoded twice at once: one copy is kept
                self.cache.move_to_end(key)
                self._evict(keep=key)
        if loop and got.wants_cycle(self.rate):
            cycle = self._cycle(key)
            with self._lock:
                got = self.cache.get(key, got)
                if got.cycle is None:
                    got = self.cache[key] = got._replace(cycle=cycle)
                self._evict(keep=key)
        return got

    def _decode(self, key: str, loop: bool = False) -> Decoded:
        """The first ``max_seconds`` of file ``key`` -> mono float32 at the engine rate (see :class:`Decoded`); with
        ``loop``, its loop cycle too where it needs one (:meth:`Decoded.wants_cycle`), from the same decode."""
        if not Path(key).is_file():
            raise AudioFileError(f"no audio file at {key}")
        rate, _, frames = audiofile.info(key)
        head = int(math.ceil(self.max_seconds * rate))
        more = int(math.ceil(LOOP_XFADE_SECONDS * rate)) if frames > head else 0    # for a cut loop's seam
        audio, rate = audiofile.read(key, max_frames=head + more)     # only the head of a long file is decoded
        problem = audiofile.float_peak_problem(max(float(audio.max()), -float(audio.min())))
        if problem:                      # the upload check's own words (device/library/archive.audio_problem)
            raise AudioFileError(f"{key}: {problem}", hint=audiofile.FLOAT_PEAK_HINT.format(name=Path(key).name))
        if frames > head and audio.shape[1] >= head:
            self._warn(f"{file_label(key)} is {_duration(frames / rate)} long: the sampler plays only its "
                       f"first {self.max_seconds:g} s")
        mono = mix(audio)
        data = resample(mono, rate, self.rate).astype(np.float32, copy=False)
        if audio.shape[1] <= head:
            end = _hard_end(data, int(round(END_CLICK_SECONDS * self.rate)))
            cycle = _cycle_of(mono, rate, self.rate) if loop and rate != self.rate else None
            return Decoded(np.concatenate([data, end]) if end.size else data, data.shape[0], end.shape[0], rate, cycle)
        n = int(math.ceil(head * self.rate / rate))             # resample's length for the head alone
        tail = _seam(data, n, int(round(LOOP_XFADE_SECONDS * self.rate)))
        end = _faded_end(data[:n], int(round(END_FADE_SECONDS * self.rate)))
        return Decoded(np.concatenate([data[:n], tail, end]), n, end.shape[0], rate)

    def _cycle(self, key: str) -> np.ndarray:
        """File ``key`` (not cut: whole), decoded first as a one-shot, as one loop cycle at the engine rate."""
        audio, rate = audiofile.read(key)
        return _cycle_of(mix(audio), rate, self.rate)

    def _warn(self, text: str) -> None:
        if text not in self.notices:
            self.notices.append(text)

    def warnings(self) -> list[str]:
        """What the sampler did that the user should know (a long file cut), the last few, oldest first;
        each names its file by :func:`file_label` ("Kit3/Kick.wav")."""
        return list(self.notices)

    def _pinned(self) -> set[str]:
        """The files mapped to notes (call with the lock held)."""
        return {key for key, _ in self.note_map.values()}

    def _evict(self, keep: str) -> None:
        """Drop the oldest unpinned files (never ``keep``) until the cache fits ``cache_samples`` (lock held)."""
        pinned = self._pinned()
        total = sum(a.size for a in self.cache.values())
        for key in list(self.cache):
            if total <= self.cache_samples:
                break
            if key != keep and key not in pinned:
                total -= self.cache.pop(key).size

    def map_note(self, note: int, path: str | Path, loop: bool = False) -> None:
        """Let ``note_on`` for ``note`` play ``path`` (decoded now; it stays decoded while mapped; the
        mapping takes effect once decoded).  Raises AudioFileError for a bad file and HatboxError when
        the mapped files would pass ``cache_seconds`` (nothing is mapped then)."""
        note, key = int(note), self._key(path)
        got = self._get(key, bool(loop))
        with self._lock:
            others = {k for n, (k, _) in self.note_map.items() if n != note}
            if key not in others:
                held = sum(self.cache[k].size for k in others if k in self.cache)
                if held + got.size > self.cache_samples:
                    raise HatboxError(
                        f"cannot map note {note} to {file_label(key)}: the sampler already holds "
                        f"{held / self.rate:.0f} s of mapped samples, and this one's {got.size / self.rate:.0f} s "
                        f"would pass the {self.cache_seconds:g} s ({self.cache_samples * 4 / 1e6:.0f} MB) "
                        "it keeps decoded",
                        hint="map shorter samples, unmap notes you do not need ({\"op\": \"sample\", "
                             "\"note\": N, \"path\": \"\", \"velocity\": 0}), or map a note that holds a "
                             "long one to a shorter file")
            before = self.note_map.get(note)
            self.note_map[note] = (key, bool(loop))
            self.cache.setdefault(key, got)       # (evicted as an audition meanwhile: back, pinned)
            if before is not None:
                self._release(before[0])
            self._evict(keep=key)

    def unmap_note(self, note: int) -> None:
        """Let ``note_on`` for ``note`` play nothing; its file is no longer pinned (voices sounding play on)."""
        with self._lock:
            before = self.note_map.pop(int(note), None)
            if before is not None:
                self._release(before[0])

    def _release(self, key: str) -> None:
        """File ``key`` was mapped to a note no more: dropped from the cache when no other note maps it (lock
        held).  Kept, a kit's samples stayed decoded after their library was deleted, up to the whole cache (346
        MB, locked in memory): a soak that made 60 kits of new libraries grew the engine by 0.7 MB a kit.  Voices
        still sounding keep their own reference to the audio."""
        if key not in self._pinned():
            self.cache.pop(key, None)

    def handle(self, msg: dict[str, Any]) -> None:
        op = msg.get("op")
        if op == "sample":
            self._sample(msg)
        elif op == "note_on" and int(msg.get("velocity", 0)) == 0:
            self.events.append(("off", int(msg["note"])))     # MIDI's note-off as a note-on at velocity 0
        elif op == "note_on":
            note = int(msg["note"])
            with self._lock:                      # never decodes: a mapped file is always in the cache
                key, loop = self.note_map.get(note, ("", False))
                got = self.cache.get(key)
            if got is not None:
                self._play(got, int(msg["velocity"]), loop, note)
        elif op == "note_off":
            self.events.append(("off", int(msg["note"])))
        elif op == "sustain":
            self.events.append(("sustain", bool(msg["on"])))
        elif op == "all_notes_off":
            self.events.append(("all_off", 0))
        elif op == "panic":
            self.events.append(("panic", 0))

    def _sample(self, msg: dict[str, Any]) -> None:
        loop = bool(msg.get("loop", False))
        note = int(msg.get("note", -1))
        if os.fspath(msg["path"]) == "":
            if note < 0:
                raise AudioFileError("the sample message names no file",
                                     hint="an empty path only unmaps a note: give it a note")
            self.unmap_note(note)
            return
        key = self._key(msg["path"])
        if note >= 0:
            self.map_note(note, key, loop)
        if int(msg["velocity"]) > 0:
            self._play(self._get(key, loop), int(msg["velocity"]), loop, note, key if note < 0 else None)

    def _play(self, got: Decoded, velocity: int, loop: bool, note: int, audition: str | None = None) -> None:
        """Start ``got``: a loop plays the file and its tail and wraps past the tail; a one-shot plays
        the file (a cut one: to its faded end)."""
        if loop and got.cycle is not None:
            self._start(got.cycle, velocity, True, note, audition)
        elif loop:
            self._start(got.data[:got.n + got.tail], velocity, True, note, audition, loop_start=got.tail)
        elif got.fade:
            self._start(got.data, velocity, False, note, audition, faded_end=(got.n - got.fade, got.n + got.tail))
        else:
            self._start(got.data[:got.n], velocity, False, note, audition)

    def _start(self, data: np.ndarray, velocity: int, loop: bool, note: int, audition: str | None = None,
               loop_start: int = 0, faded_end: tuple[int, int] | None = None) -> None:
        """Queue a voice playing ``data`` [N] float32 (a loop wraps to ``loop_start``) at velocity gain.
        ``faded_end`` (at, then): a one-shot that reaches sample ``at`` goes on from sample ``then`` to
        the end of ``data`` (a cut file's faded end, see :class:`Decoded`)."""
        if data.size == 0:
            raise AudioFileError("the sample holds no audio")
        if loop and loop_start == 0 and data.size < MAX_BLOCK:   # whole repeats: a block wraps at most once
            data = np.tile(data, -(-MAX_BLOCK // data.size))
        gain = (max(0, min(127, velocity)) / 127.0) ** 2
        stop, then = faded_end if faded_end is not None and not loop else (data.shape[0], -1)
        self.events.append(("on", (data, gain, loop, note, audition, loop_start, stop, then)))

    # ----------------------------------------------------------------------------- audio side
    def reset(self) -> None:
        self.events.clear()
        self._init_voices()
        self.limiter.reset()

    def render(self, out: np.ndarray) -> None:
        """Fill ``out`` [N] float32 (N <= 8192) with the limited mix of every sounding voice."""
        out.fill(0.0)
        while self.events:
            self._apply(*self.events.popleft())
        for v in range(len(self.buf)):
            if self.buf[v] is not None:
                self._render_voice(v, out)
                self.fresh[v] = False
        self.limiter.process(out)

    def _apply(self, kind: str, arg: Any) -> None:
        if kind == "on":
            self._allocate(*arg)
        elif kind == "off":
            self._key_up(arg)
        elif kind == "all_off":
            self._key_up(None)
            for v in range(len(self.buf)):
                if self.buf[v] is not None and self.audition[v] is not None:
                    self._cut(v)
        elif kind == "sustain":
            self.pedal = bool(arg)
            if not self.pedal:
                self._pedal_up()
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
            if buf[v] is None or not (notes[v] >= 0 if note is None else notes[v] == note):
                continue
            if loop[v] and fade[v] < 0:
                self.key_down[v] = False
                if not self.pedal:
                    fade[v], self.ramp_of[v] = 0, _RELEASE

    def _pedal_up(self) -> None:
        """The pedal lifted: the loops of notes whose note-off came meanwhile fade out (those sounding and
        not fading out already)."""
        buf, notes, loop, fade, key_down = self.buf, self.note, self.loop, self.fade, self.key_down
        for v in range(len(buf)):
            if buf[v] is not None and loop[v] and not key_down[v] and notes[v] >= 0 and fade[v] < 0:
                fade[v], self.ramp_of[v] = 0, _RELEASE

    def _cut(self, v: int) -> None:
        """Stop voice ``v`` with a quick fade from where it is (one not heard yet simply goes; one
        already fading goes on from its present level, sooner)."""
        if self.fresh[v]:
            self.buf[v] = None
        elif self.fade[v] < 0:
            self.fade[v], self.ramp_of[v] = 0, _QUICK
        elif self.ramp_of[v] != _QUICK:
            slow, quick = self.ramps[self.ramp_of[v]].shape[0] - 1, self.ramps[_QUICK].shape[0] - 1
            self.fade[v] = min(quick, -(-int(self.fade[v]) * quick // slow))   # linear ramps: level <= now
            self.ramp_of[v] = _QUICK

    def _allocate(self, data: np.ndarray, gain: float, loop: bool, note: int, audition: str | None,
                  loop_start: int, stop: int, then: int) -> None:
        live = [v for v in range(len(self.buf)) if self.buf[v] is not None and self.fade[v] < 0]
        if audition is not None or (loop and note >= 0):
            for v in live:      # a new audition replaces the one sounding; a loop note restarts its loop
                if audition is not None and self.audition[v] is not None or \
                        audition is None and loop and self.loop[v] and self.note[v] == note:
                    self._cut(v)
            live = [v for v in live if self.buf[v] is not None and self.fade[v] < 0]
        group = CHOKE_GROUPS.get(note)
        if group is not None:
            for v in live:      # the hat closes: its other notes' voices (and its own earlier one) stop
                if CHOKE_GROUPS.get(int(self.note[v])) == group:
                    self._cut(v)
            live = [v for v in live if self.buf[v] is not None and self.fade[v] < 0]
        if len(live) >= self.max_voices:
            self._cut(min(live, key=lambda v: self.age[v]))   # steal the oldest voice
        free = [v for v in range(len(self.buf)) if self.buf[v] is None]
        v = free[0] if free else self._quietest_fading()
        self.clock += 1
        self.buf[v], self.audition[v], self.pos[v], self.gain[v], self.loop[v] = data, audition, 0, gain, loop
        self.loop_start[v], self.stop[v], self.then[v] = loop_start, stop, then
        self.note[v], self.fade[v], self.ramp_of[v], self.age[v], self.fresh[v] = note, -1, _RELEASE, self.clock, True
        self.key_down[v] = True

    def _quietest_fading(self) -> int:
        """The fading voice furthest along its fade (every slot busy: it is cut)."""
        return max((v for v in range(len(self.buf)) if self.fade[v] >= 0),
                   key=lambda v: self.fade[v] / self.ramps[self.ramp_of[v]].shape[0])

    def _render_voice(self, v: int, out: np.ndarray) -> None:
        data, o, n = self.buf[v], 0, out.shape[0]
        while o < n and self.buf[v] is not None:
            take = min(n - o, int(self.stop[v]) - int(self.pos[v]))
            take = self._mix(v, data, out, o, take)
            o += take
            self.pos[v] += take
            if self.pos[v] >= self.stop[v]:
                self._wrap_or_end(v)

    def _mix(self, v: int, data: np.ndarray, out: np.ndarray, o: int, take: int) -> int:
        p, seg = int(self.pos[v]), self.scratch
        if self.fade[v] >= 0:
            f, ramp = int(self.fade[v]), self.ramps[self.ramp_of[v]]
            take = min(take, ramp.shape[0] - f)
            np.multiply(data[p:p + take], ramp[f:f + take], out=seg[:take])
            self.fade[v] += take
            if self.fade[v] >= ramp.shape[0]:
                self.buf[v] = None
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
            self.buf[v] = None

    @property
    def active_voices(self) -> int:
        """Voices sounding, fading ones included."""
        return sum(b is not None for b in self.buf)


def _seam(data: np.ndarray, n: int, fade: int) -> np.ndarray:
    """A cut file's loop seam: ``data`` [m > n] float32 (the file to the cut at ``n``, then what follows it)
    -> the ``t`` (at most ``fade``, at most n // 2) samples [t] to play after ``data[:n]``: they fade from
    what follows the cut (missing samples: silence, the file's end) into ``data[:t]`` (equal-power curves).
    Wrapping from their end to ``t`` then continues the audio as if the file went on from its start."""
    t = max(1, min(int(fade), n // 2))
    after = np.zeros(t, np.float32)
    got = min(t, data.shape[0] - n)
    after[:got] = data[n:n + got]
    w = (np.arange(t, dtype=np.float64) + 0.5) * (0.5 * np.pi / t)      # a quarter period over the seam
    return (after * np.cos(w) + data[:t] * np.sin(w)).astype(np.float32)


def _faded_end(head: np.ndarray, fade: int) -> np.ndarray:
    """A cut one-shot's end: the last ``f`` (``fade``, at most len // 2) samples of ``head`` [n] float32
    times a raised-cosine fade-out [f] from just under 1 to just over 0 -> [f] float32."""
    f = max(0, min(int(fade), head.shape[0] // 2))
    w = 0.5 + 0.5 * np.cos(np.pi * (np.arange(f, dtype=np.float64) + 1.0) / (f + 1))
    return (head[head.shape[0] - f:] * w).astype(np.float32)


def _cycle_of(mono: np.ndarray, rate: int, to: int) -> np.ndarray:
    """A whole file's mono ``mono`` [N] at ``rate`` Hz as one loop cycle at ``to`` Hz, resampled around its wrap
    (device.audio.resample.resample_cycle) -> [M] float32."""
    return resample_cycle(mono, rate, to, int(LOOP_EXACT_SECONDS * rate))


def _hard_end(data: np.ndarray, fade: int) -> np.ndarray:
    """A one-shot's end when it stops on a step (its last sample over :data:`END_STEP`: a file trimmed mid-sound):
    its last ``fade`` samples faded out (:func:`_faded_end`) -> [fade] float32; else (it ends quietly, or it is
    under four fades long) [0]."""
    if data.shape[0] < 4 * fade or abs(float(data[-1])) <= END_STEP:
        return np.zeros(0, np.float32)
    return _faded_end(data, fade)


def _ramp(samples: float) -> np.ndarray:
    """A linear fade-out [n >= 2] float32 from 1 to 0."""
    return np.linspace(1.0, 0.0, max(2, int(samples))).astype(np.float32)


def _duration(seconds: float) -> str:
    """``seconds`` as m:ss (h:mm:ss past an hour)."""
    s = int(round(seconds))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"
