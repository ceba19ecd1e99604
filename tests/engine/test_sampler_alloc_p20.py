"""SamplerSource (p20): a note-off, all-notes-off and the pedal lifting pick their voices with plain loops, so
the render that applies them allocates nothing (before p20: numpy masks, ~600 bytes for 64 voices); which
voices fade, and so the audio, is bit for bit what the mask code chose (a verbatim copy below)."""
from __future__ import annotations

import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from device.audio import sampler as sampler_mod
from device.audio.sampler import SamplerSource
from tests.tagger.conftest import SAMPLER_BLOCK, SAMPLER_RATE, write_wav

RATE, BLOCK = SAMPLER_RATE, SAMPLER_BLOCK


class OldSelection(SamplerSource):
    """SamplerSource with its voice selection as before p20 (numpy masks), verbatim."""

    def _apply(self, kind: str, arg: Any) -> None:
        if kind == "off":
            self._old_key_up(self.note == arg)
        elif kind == "all_off":
            self._old_key_up(self.note >= 0)
            for v in range(len(self.buf)):          # (since the thirty-fourth stop it stops an audition too)
                if self.buf[v] is not None and self.audition[v] is not None:
                    self._cut(v)
        elif kind == "sustain":
            self.pedal = bool(arg)
            if not self.pedal:
                for v in self._old_sounding(self.loop & ~self.key_down & (self.note >= 0)):
                    self.fade[v], self.ramp_of[v] = 0, sampler_mod._RELEASE
        else:
            super()._apply(kind, arg)

    def _old_sounding(self, mask: np.ndarray) -> list[int]:
        return [v for v in np.flatnonzero(mask & (self.fade < 0)) if self.buf[v] is not None]

    def _old_key_up(self, mask: np.ndarray) -> None:
        for v in self._old_sounding(mask & self.loop):
            self.key_down[v] = False
            if not self.pedal:
                self.fade[v], self.ramp_of[v] = 0, sampler_mod._RELEASE


def _tone(freq: float, seconds: float) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def _mapped(cls: type[SamplerSource], tmp_path: Path, max_voices: int) -> SamplerSource:
    """A sampler of class ``cls`` with notes 40..71 mapped: even notes loops, odd ones one-shots."""
    paths = [write_wav(tmp_path / f"{i}.wav", _tone(110.0 * (1 + i), 0.3)) for i in range(4)]
    src = cls(RATE, max_voices=max_voices)
    for note in range(40, 72):
        src.handle({"op": "sample", "path": str(paths[note % 4]), "velocity": 0, "note": note, "loop": note % 2 == 0})
    return src


def _script(seed: int) -> list[list[dict[str, Any]]]:
    """Per block, the messages sent before it: notes on and off, the pedal, all-notes-off, a looping
    audition (note -1, which all-notes-off stops) and a stray note-off for note -1."""
    rng = np.random.default_rng(seed)
    blocks: list[list[dict[str, Any]]] = []
    for i in range(600):
        msgs: list[dict[str, Any]] = []
        for _ in range(int(rng.integers(0, 4))):
            r, note = rng.random(), int(rng.integers(40, 72))
            if r < 0.45:
                msgs.append({"op": "note_on", "note": note, "velocity": int(rng.integers(1, 128))})
            elif r < 0.85:
                msgs.append({"op": "note_off", "note": note})
            elif r < 0.95:
                msgs.append({"op": "sustain", "on": bool(rng.random() < 0.5)})
            else:
                msgs.append({"op": "all_notes_off"} if rng.random() < 0.7 else {"op": "note_off", "note": -1})
        if i % 150 == 7:
            msgs.append({"op": "sample", "path": "AUDITION", "velocity": 90, "loop": True})
        blocks.append(msgs)
    return blocks


@pytest.mark.parametrize("seed,max_voices", [(0, 32), (1, 8), (2, 64)])
def test_the_same_voices_fade_as_before(tmp_path: Path, seed: int, max_voices: int) -> None:
    audition = str(write_wav(tmp_path / "audition.wav", _tone(55.0, 0.2)))
    old, new = _mapped(OldSelection, tmp_path, max_voices), _mapped(SamplerSource, tmp_path, max_voices)
    outs: dict[int, list[np.ndarray]] = {id(old): [], id(new): []}
    faded = 0
    for msgs in _script(seed):
        for src in (old, new):
            for msg in msgs:
                src.handle({**msg, "path": audition} if msg.get("path") == "AUDITION" else msg)
            y = np.zeros(BLOCK, np.float32)
            src.render(y)
            outs[id(src)].append(y)
        np.testing.assert_array_equal(new.fade, old.fade)
        np.testing.assert_array_equal(new.key_down, old.key_down)
        faded += int(np.sum((new.fade > 0) & new.loop))
    np.testing.assert_array_equal(np.concatenate(outs[id(new)]), np.concatenate(outs[id(old)]))
    assert faded > 0 and np.abs(np.concatenate(outs[id(new)])).max() > 0.1      # loops did fade; it played


def _render_peak(src: SamplerSource, out: np.ndarray) -> int:
    """The most memory one ``src.render(out)`` held at once (tracemalloc)."""
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        src.render(out)
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("max_voices", [32, 64])
def test_note_off_all_notes_off_and_pedal_up_allocate_nothing(tmp_path: Path, max_voices: int, monkeypatch) -> None:
    monkeypatch.setattr(sampler_mod, "CHOKE_GROUPS", {})     # all 32 notes sound: the hi-hat's do not cut each other
    src = _mapped(SamplerSource, tmp_path, max_voices)
    out = np.zeros(BLOCK, np.float32)

    def render_after(msgs: list[dict[str, Any]]) -> int:
        """Bytes held at peak by the render that applies ``msgs`` (all 32 notes sounding, the pedal down)."""
        src.handle({"op": "sustain", "on": True})
        for note in range(40, 72):
            src.handle({"op": "note_on", "note": note, "velocity": 100})
        src.render(out)
        src.render(out)
        for msg in msgs:
            src.handle(msg)
        peak = _render_peak(src, out)
        src.handle({"op": "panic"})
        for _ in range(20):
            src.render(out)
        return peak

    note_offs = [{"op": "note_off", "note": note} for note in range(40, 72, 2)]
    pedal_up = note_offs + [{"op": "sustain", "on": False}]
    render_after(pedal_up)                                            # first-call costs
    # the least of a few tries: tracemalloc counts every thread (a thread another test left running too),
    # and what the audio thread allocates shows up in every try
    plain = min(render_after([]) for _ in range(3))
    all_off = [{"op": "all_notes_off"}]
    for msgs in (note_offs[:1], note_offs, all_off, all_off + [{"op": "sustain", "on": False}], pedal_up):
        got = min(render_after(msgs) for _ in range(5))
        assert got <= plain + 24, (msgs[-1], got, plain)        # before p20: 32 to 641 bytes more (the masks)
    src.handle({"op": "sustain", "on": True})
    for note in range(40, 72):
        src.handle({"op": "note_on", "note": note, "velocity": 100})
    for msg in pedal_up:
        src.handle(msg)
    src.render(out)
    assert int(np.sum(src.fade >= 0)) == 16                           # the 16 loops fade; the one-shots play on
