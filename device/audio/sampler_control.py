"""The sampler's control side (device/audio/sampler.py's :class:`~device.audio.sampler.SamplerSource`): its cache of
decoded files, its note map, and the messages of :meth:`SamplerControl.handle` turned into queued events for the audio
side (``render``), which is sampler.py's.  Any thread; nothing here runs on the audio thread but what ``render``
dequeues (see sampler.py's docstring for the messages and the cache)."""
from __future__ import annotations

import contextlib
import os
import threading
from collections import OrderedDict, deque
from pathlib import Path
from typing import Any

import numpy as np

from device.audio.block_clock import due_time
from device.audio.sample_decode import Decoded, decode_file, loop_cut_words, loop_cycle, seam_words, silent_words
from device.control import file_label
from hatbox.errors import AudioFileError, HatboxError

MAX_BLOCK = 8192


class NotDecoded(HatboxError):
    """The engine process's sampler (which never decodes) holds no decoded audio of a file it was asked to play:
    ``needs`` says what the sender decodes and hands over (device/audio/server.py ``EngineProcess.send``)."""

    def __init__(self, key: str, loop: bool, rate: int, max_seconds: float) -> None:
        super().__init__(f"the sampler has not got {file_label(key)} decoded")
        self.needs = {"key": key, "loop": bool(loop), "rate": int(rate), "max_seconds": float(max_seconds)}


class SamplerControl:
    """The control side of :class:`~device.audio.sampler.SamplerSource` (which sets these attributes up)."""

    rate: int
    max_seconds: float
    decodes: bool
    timed: bool
    cache_seconds: float
    cache_samples: int
    cache: OrderedDict[str, Decoded]
    note_map: dict[int, tuple[str, bool]]
    _lock: threading.Lock
    events: deque
    notices: deque[str]
    notice_file: dict[str, str]
    loop_notices: set[str]
    retired: deque[Any]

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
        with its loop cycle made when it needs one.  A sampler that does not decode (``decodes`` False: the
        engine process's) raises :class:`NotDecoded` instead of decoding."""
        with self._lock:
            got = self.cache.get(key)
            if got is not None:
                self.cache.move_to_end(key)
        if got is None or (loop and got.wants_cycle(self.rate)):
            if not self.decodes:
                raise NotDecoded(key, loop, self.rate, self.max_seconds)
            made, warnings = (decode_file(key, self.rate, self.max_seconds, loop) if got is None  # notes go on
                              else (got._replace(cycle=loop_cycle(key, self.rate)), []))   # meanwhile
            got = self.accept(key, made, warnings)
        return got

    def accept(self, key: str, got: Decoded, warnings: list[str] | tuple[str, ...] = ()) -> Decoded:
        """Keep ``got``, file ``key`` (resolved) decoded at this sampler's rate and ``max_seconds``, in the cache (by
        this sampler, or handed over by the process that decoded it: device/audio/sample_handoff.py), with the
        warnings its decoding gave; returns what the cache now holds for ``key`` (decoded twice at once: one copy is
        kept; a copy with the loop cycle replaces one without)."""
        for text in warnings:
            self._warn(text, key)
        with self._lock:
            have = self.cache.get(key)
            if have is None or (have.cycle is None and got.cycle is not None):
                self.cache[key] = got
            self.cache.move_to_end(key)
            self._evict(keep=key)
            return self.cache[key]

    def _warn(self, text: str, key: str | None = None) -> None:
        if text not in self.notices:
            self.notices.append(text)
        if key is not None:
            self.notice_file[text] = key

    def warnings(self) -> list[str]:
        """What the sampler did that the user should know (a long file cut), the last few, oldest first;
        each names its file by :func:`file_label` ("Kit3/Kick.wav").  The engine's status reads them several
        times a second: the voices' audio they let go of is dropped here too (:meth:`_drop_retired`)."""
        self._drop_retired()
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
            self._drop_loop_said()
        said = silent_words(key, got, note)
        if said:
            self._warn(said, key)
        elif loop:
            self._warn_loop(key, got)

    def _warn_loop(self, key: str, got: Decoded) -> None:
        """The warnings true of file ``key`` as a loop only (its seam clicks, it is cut and wraps there): kept while
        a looped note plays it (:meth:`_drop_loop_said`).  The words are made outside the lock (a header read);
        kept under it, and only while a looped note still plays ``key`` (another control thread may have made the
        note a one-shot since :meth:`map_note` let the lock go: p49 review, a seam warning of no looped note)."""
        words = [said for said in (seam_words(key, got), loop_cut_words(key, got, self.max_seconds)) if said]
        with self._lock:
            if (key, True) not in self.note_map.values():
                return
            for said in words:
                self._warn(said, key)
                self.loop_notices.add(said)

    def _drop_loop_said(self) -> None:
        """Forget the loop-only warnings of files no looped note plays now (lock held; p49 QA: a click-bass note made
        a one-shot kept "... clicks each time it comes round" in `hatbox status`)."""
        looped = {k for k, loop in self.note_map.values() if loop}
        for text in [t for t in list(self.loop_notices) if self.notice_file.get(t) not in looped]:
            self._unsay(text)

    def _unsay(self, text: str) -> None:
        """Forget warning ``text``: no longer in the status, nor of a file, nor loop-only (lock held)."""
        self.notice_file.pop(text, None)
        self.loop_notices.discard(text)
        with contextlib.suppress(ValueError):
            self.notices.remove(text)

    def unmap_note(self, note: int) -> None:
        """Let ``note_on`` for ``note`` play nothing; its file is no longer pinned (voices sounding play on)."""
        with self._lock:
            before = self.note_map.pop(int(note), None)
            if before is not None:
                self._release(before[0])
            self._drop_loop_said()

    def _release(self, key: str) -> None:
        """File ``key`` was mapped to a note no more: dropped from the cache when no other note maps it (lock
        held).  Kept, a kit's samples stayed decoded after their library was deleted, up to the whole cache (346
        MB, locked in memory): a soak that made 60 kits of new libraries grew the engine by 0.7 MB a kit.  Voices
        still sounding keep their own reference to the audio."""
        if key not in self._pinned():
            self.cache.pop(key, None)
            for text in [t for t, k in self.notice_file.items() if k == key]:     # said of a file that left the kit
                self._unsay(text)                                                 # (kit QA: a long file's warning
                                                                                  # stayed in the status for good)

    def _drop_retired(self) -> None:
        """Drop what the voices let go of (:meth:`_retire`; control side: every message, every warnings read)."""
        retired = self.retired
        while True:                               # (three control threads call it: emptiness checked by popleft)
            try:
                retired.popleft()
            except IndexError:
                return

    def handle(self, msg: dict[str, Any]) -> None:
        self._drop_retired()
        op = msg.get("op")
        at = self._when(msg)
        if op == "sample":
            self._sample(msg, at)
        elif op == "note_on" and int(msg.get("velocity", 0)) == 0:
            self.events.append(("off", int(msg["note"]), at))     # MIDI's note-off as a note-on at velocity 0
        elif op == "note_on":
            note = int(msg["note"])
            with self._lock:                      # never decodes: a mapped file is always in the cache
                key, loop = self.note_map.get(note, ("", False))
                got = self.cache.get(key)
            if got is not None:
                self._play(got, int(msg["velocity"]), loop, note, at=at)
        elif op == "note_off":
            self.events.append(("off", int(msg["note"]), at))
        elif op == "sustain":
            self.events.append(("sustain", bool(msg["on"]), at))
        elif op == "all_notes_off":
            self.events.append(("all_off", 0, at))
        elif op == "stop_audition":               # the auditions alone (DELETE /audition): kit notes play on
            self.events.append(("audition_off", 0, at))
        elif op == "stop_loops":                  # the kit's loops alone: the audio thread acts on it
            self.events.append(("stop_loops", 0, at))
        elif op == "panic":
            self.events.append(("panic", 0, at))
        elif op == "choke":                       # with "group": the note's choke group (the hi-hat pedal)
            self.events.append(("choke_group" if msg.get("group") else "choke", int(msg["note"]), at))

    def _when(self, msg: dict[str, Any]) -> float:
        """When ``msg`` is due (time.monotonic() seconds, :func:`device.audio.block_clock.due_time`) for a
        :attr:`timed` sampler; 0.0 (the next block's start) for one that is not."""
        return due_time(msg) if self.timed else 0.0

    def _sample(self, msg: dict[str, Any], at: float = 0.0) -> None:
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
            self._play(self._get(key, loop), int(msg["velocity"]), loop, note, key if note < 0 else None, at)

    def _play(self, got: Decoded, velocity: int, loop: bool, note: int, audition: str | None = None,
              at: float = 0.0) -> None:
        """Start ``got`` (at time ``at``, see :meth:`_when`): a loop plays the file and its tail and wraps past the
        tail; a one-shot plays the file (a cut one: to its faded end)."""
        if loop and got.cycle is not None:
            self._start(got.cycle, velocity, True, note, audition, at=at)
        elif loop:
            self._start(got.data[:got.n + got.tail], velocity, True, note, audition, loop_start=got.tail, at=at)
        elif got.fade:
            self._start(got.data, velocity, False, note, audition, faded_end=(got.n - got.fade, got.n + got.tail),
                        at=at)
        else:
            self._start(got.data[:got.n], velocity, False, note, audition, at=at)

    def _start(self, data: np.ndarray, velocity: int, loop: bool, note: int, audition: str | None = None,
               loop_start: int = 0, faded_end: tuple[int, int] | None = None, at: float = 0.0) -> None:
        """Queue a voice playing ``data`` [N] float32 (a loop wraps to ``loop_start``) at velocity gain, from time
        ``at`` (:meth:`_when`).  ``faded_end`` (at, then): a one-shot that reaches sample ``at`` goes on from sample
        ``then`` to the end of ``data`` (a cut file's faded end, see :class:`Decoded`)."""
        if data.size == 0:
            raise AudioFileError("the sample holds no audio")
        if loop and loop_start == 0 and data.size < MAX_BLOCK:   # whole repeats: a block wraps at most once
            data = np.tile(data, -(-MAX_BLOCK // data.size))
        gain = (max(0, min(127, velocity)) / 127.0) ** 2
        stop, then = faded_end if faded_end is not None and not loop else (data.shape[0], -1)
        self.events.append(("on", (data, gain, loop, note, audition, loop_start, stop, then), at))
