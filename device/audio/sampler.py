"""SamplerSource: plays library samples (one-shots and loops) for the engine (see docs/HELPERS.md).

Messages (``handle``; any thread):
  ``{"op": "sample", "path", "velocity", ["loop": bool], ["note": int]}`` plays a file now; with
  ``note`` the file is also mapped to that MIDI note (a pad cell) - velocity 0 only maps it.
  ``{"op": "note_on", "note", "velocity"}`` plays the sample mapped to ``note`` (see :meth:`map_note`).
  ``{"op": "note_off", "note"}`` fades out loops started by that note (one-shots play to their end).
  ``{"op": "panic"}`` silences everything.
Decoding and resampling happen in ``handle`` (never in ``render``), into a cache bounded by
``cache_seconds``.  ``render(out)`` mixes all voices into ``out`` [N] float32 in place without
allocating numpy buffers: voice starts are queued and picked up at the next block.
"""
from __future__ import annotations

from collections import OrderedDict, deque
from pathlib import Path
from typing import Any

import numpy as np

from device.audio import audiofile
from device.audio.resample import resample
from hatbox.errors import AudioFileError

FADE_SECONDS = 0.01
MAX_BLOCK = 8192


class SamplerSource:
    """Polyphonic sample player (mono bus at ``rate`` Hz)."""

    def __init__(self, rate: int = 48000, *, max_voices: int = 32, max_seconds: float = 60.0,
                 cache_seconds: float = 600.0) -> None:
        self.rate, self.max_voices, self.max_seconds = int(rate), int(max_voices), float(max_seconds)
        self.cache_samples = int(cache_seconds * rate)
        self.cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self.note_map: dict[int, tuple[str, bool]] = {}
        self.events: deque = deque()
        self.scratch = np.zeros(MAX_BLOCK, np.float32)
        self.ramp = np.linspace(1.0, 0.0, max(2, int(FADE_SECONDS * rate))).astype(np.float32)
        self._init_voices()

    def _init_voices(self) -> None:
        v = self.max_voices
        self.buf: list[np.ndarray | None] = [None] * v
        self.pos = np.zeros(v, np.int64)
        self.gain = np.zeros(v, np.float32)
        self.loop = np.zeros(v, bool)
        self.note = np.full(v, -1, np.int64)
        self.fade = np.full(v, -1, np.int64)      # -1: not releasing; else position in the fade ramp
        self.age = np.zeros(v, np.int64)
        self.clock = 0

    # ----------------------------------------------------------------------------- control side
    def load(self, path: str | Path) -> np.ndarray:
        """Decode ``path`` to mono at the engine rate (cached). Raises AudioFileError."""
        key = str(Path(path).resolve())
        if key in self.cache:
            self.cache.move_to_end(key)
            return self.cache[key]
        audio, rate = audiofile.read(key, mono=True)
        data = resample(audio[0, :int(self.max_seconds * rate)], rate, self.rate).astype(np.float32)
        self.cache[key] = data
        while sum(a.size for a in self.cache.values()) > self.cache_samples and len(self.cache) > 1:
            self.cache.popitem(last=False)
        return data

    def map_note(self, note: int, path: str | Path, loop: bool = False) -> None:
        """Let ``note_on`` for ``note`` play ``path`` (decoded now)."""
        self.load(path)
        self.note_map[int(note)] = (str(Path(path).resolve()), bool(loop))

    def handle(self, msg: dict[str, Any]) -> None:
        op = msg.get("op")
        if op == "sample":
            self._sample(msg)
        elif op == "note_on" and int(msg["note"]) in self.note_map:
            path, loop = self.note_map[int(msg["note"])]
            self._start(self.load(path), int(msg["velocity"]), loop, int(msg["note"]))
        elif op == "note_off":
            self.events.append(("off", int(msg["note"])))
        elif op == "panic":
            self.events.append(("panic", 0))

    def _sample(self, msg: dict[str, Any]) -> None:
        loop = bool(msg.get("loop", False))
        note = int(msg.get("note", -1))
        if note >= 0:
            self.map_note(note, msg["path"], loop)
        if int(msg["velocity"]) > 0:
            self._start(self.load(msg["path"]), int(msg["velocity"]), loop, note)

    def _start(self, data: np.ndarray, velocity: int, loop: bool, note: int) -> None:
        if data.size == 0:
            raise AudioFileError("the sample holds no audio")
        gain = (max(0, min(127, velocity)) / 127.0) ** 2
        self.events.append(("on", (data, gain, loop, note)))

    # ----------------------------------------------------------------------------- audio side
    def reset(self) -> None:
        self.events.clear()
        self._init_voices()

    def render(self, out: np.ndarray) -> None:
        """Fill ``out`` [N] float32 (N <= 8192) with the mix of every sounding voice."""
        out.fill(0.0)
        while self.events:
            self._apply(*self.events.popleft())
        for v in range(self.max_voices):
            if self.buf[v] is not None:
                self._render_voice(v, out)

    def _apply(self, kind: str, arg: Any) -> None:
        if kind == "on":
            self._allocate(*arg)
        elif kind == "off":
            for v in range(self.max_voices):
                if self.note[v] == arg and self.loop[v] and self.fade[v] < 0:
                    self.fade[v] = 0
        elif kind == "panic":
            self._init_voices()

    def _allocate(self, data: np.ndarray, gain: float, loop: bool, note: int) -> None:
        free = [v for v in range(self.max_voices) if self.buf[v] is None]
        v = free[0] if free else int(np.argmin(self.age))          # steal the oldest voice
        self.clock += 1
        self.buf[v], self.pos[v], self.gain[v], self.loop[v] = data, 0, gain, loop
        self.note[v], self.fade[v], self.age[v] = note, -1, self.clock

    def _render_voice(self, v: int, out: np.ndarray) -> None:
        data, o, n = self.buf[v], 0, out.shape[0]
        while o < n and self.buf[v] is not None:
            take = min(n - o, data.shape[0] - int(self.pos[v]))
            take = self._mix(v, data, out, o, take)
            o += take
            self.pos[v] += take
            if self.pos[v] >= data.shape[0]:
                self._wrap_or_end(v)

    def _mix(self, v: int, data: np.ndarray, out: np.ndarray, o: int, take: int) -> int:
        p, seg = int(self.pos[v]), self.scratch
        if self.fade[v] >= 0:
            f = int(self.fade[v])
            take = min(take, self.ramp.shape[0] - f)
            np.multiply(data[p:p + take], self.ramp[f:f + take], out=seg[:take])
            self.fade[v] += take
            if self.fade[v] >= self.ramp.shape[0]:
                self.buf[v] = None
        else:
            np.copyto(seg[:take], data[p:p + take])
        seg[:take] *= self.gain[v]
        np.add(out[o:o + take], seg[:take], out=out[o:o + take])
        return take

    def _wrap_or_end(self, v: int) -> None:
        if self.loop[v] and self.buf[v] is not None:
            self.pos[v] = 0
        else:
            self.buf[v] = None

    @property
    def active_voices(self) -> int:
        return sum(b is not None for b in self.buf)
