"""Voice stealing under an e-drummer's hands (forty-eighth stop): a tom roll at 64 hits a second steals the tom's own
earlier hits, not the ringing crash (the oldest voice, stolen before); with voices of many notes filling the limit, the
quietest voice goes, not the oldest."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from device.audio.sampler import LEVEL_WINDOW, MAX_NOTE_VOICES, SamplerSource
from tests.tagger.conftest import SAMPLER_BLOCK, SAMPLER_RATE, render_sampler, write_wav

RATE, BLOCK = SAMPLER_RATE, SAMPLER_BLOCK
CRASH, TOM = 49, 48


def crash(seconds: float = 3.0) -> np.ndarray:
    """White noise decaying over ``seconds`` (a crash cymbal) [n] float32."""
    n = int(seconds * RATE)
    noise = np.random.default_rng(0).uniform(-0.5, 0.5, n)
    return (noise * np.exp(-np.arange(n) / (0.8 * RATE))).astype(np.float32)


def tom(seconds: float = 1.2, freq: float = 110.0) -> np.ndarray:
    """A decaying sine (a tom) [n] float32."""
    t = np.arange(int(seconds * RATE)) / RATE
    return (0.3 * np.sin(2 * np.pi * freq * t) * np.exp(-t / 0.4)).astype(np.float32)


def highs(x: np.ndarray) -> float:
    """Energy of ``x`` above 4 kHz (the crash's band; the toms have none)."""
    spectrum = np.abs(np.fft.rfft(x)) ** 2
    return float(spectrum[np.fft.rfftfreq(x.shape[0], 1 / RATE) > 4000].sum())


def kit(tmp_path: Path) -> SamplerSource:
    src = SamplerSource(RATE)                     # the box's 32 voices
    for note, audio in ((CRASH, crash()), (TOM, tom())):
        src.handle({"op": "sample", "path": str(write_wav(tmp_path / f"{note}.wav", audio, subtype="FLOAT")),
                    "velocity": 0, "note": note})
    return src


def blast(src: SamplerSource, hits: int, toms: bool = True) -> np.ndarray:
    """The crash at velocity 120, 0.3 s later ``hits`` hits of the tom at 64 a second (``toms`` False: the same time
    with none), then 0.5 s: the output."""
    src.handle({"op": "note_on", "note": CRASH, "velocity": 120})
    out = [render_sampler(src, int(0.3 * RATE))]
    for _ in range(hits):
        if toms:
            src.handle({"op": "note_on", "note": TOM, "velocity": 100})
        out.append(render_sampler(src, RATE // 64))
    out.append(render_sampler(src, RATE // 2))
    return np.concatenate(out)


def test_a_tom_roll_at_64_hits_a_second_leaves_the_crash_ringing(tmp_path: Path) -> None:
    """A tom roll at 64 hits a second (48 hits over 0.75 s) after a crash: the crash's band after the blast is as it is
    with no toms at all
    (before: the crash, the oldest voice, was stolen and its band fell by 150 dB while the toms rang on)."""
    (tmp_path / "alone").mkdir()
    alone = blast(kit(tmp_path / "alone"), 48, toms=False)
    src = kit(tmp_path)
    played = blast(src, 48)
    end = int(0.3 * RATE) + 48 * (RATE // 64)
    window = slice(end, end + RATE // 4)               # the quarter second after the last hit
    assert highs(played[window]) > 0.7 * highs(alone[window])
    toms = sum(1 for v in range(len(src.buf)) if src.buf[v] is not None and src.note[v] == TOM and src.fade[v] < 0)
    assert 0 < toms <= MAX_NOTE_VOICES                  # the roll stole its own oldest hits


def test_the_quietest_voice_goes_when_many_notes_fill_the_voices(tmp_path: Path) -> None:
    """32 sustained notes (no hi-hat among them), the oldest loud, one soft (velocity 20) and one struck long ago and
    decayed: the 33rd note steals the decayed one, the 34th the soft one, never the loud oldest (before: the oldest)."""
    t = np.arange(2 * RATE) / RATE
    steady = write_wav(tmp_path / "steady.wav", (0.02 * np.sin(2 * np.pi * 220 * t)).astype(np.float32),
                       subtype="FLOAT")
    fading = write_wav(tmp_path / "fading.wav", (0.02 * np.sin(2 * np.pi * 330 * t) * np.exp(-t / 0.05)).astype(
        np.float32), subtype="FLOAT")
    oldest, decayed, soft = 64, 65, 80
    src = SamplerSource(RATE)
    for note in range(64, 98):
        src.handle({"op": "sample", "path": str(fading if note == decayed else steady), "velocity": 0, "note": note})
    src.handle({"op": "note_on", "note": oldest, "velocity": 127})
    src.handle({"op": "note_on", "note": decayed, "velocity": 127})     # decays to nothing in 0.3 s
    render_sampler(src, int(0.3 * RATE))
    for note in range(66, 96):
        src.handle({"op": "note_on", "note": note, "velocity": 20 if note == soft else 100})
    render_sampler(src, BLOCK)
    assert src.active_voices == 32
    src.handle({"op": "note_on", "note": 96, "velocity": 100})
    render_sampler(src, 4 * BLOCK)                                      # the stolen one's 4 ms fade is over
    sounding = {int(src.note[v]) for v in range(len(src.buf)) if src.buf[v] is not None}
    assert decayed not in sounding and {oldest, soft, 96} <= sounding
    src.handle({"op": "note_on", "note": 97, "velocity": 100})
    render_sampler(src, 4 * BLOCK)
    sounding = {int(src.note[v]) for v in range(len(src.buf)) if src.buf[v] is not None}
    assert soft not in sounding and {oldest, 96, 97} <= sounding and src.active_voices == 32


def steal_peak(tmp_path: Path) -> int:
    """The peak of memory (bytes, tracemalloc) allocated by ten renders of 4096 samples of a :func:`kit`, each after a
    tom struck on 32 busy voices of many notes (a steal by level, then the tom's own)."""
    import tracemalloc
    src = kit(tmp_path)
    src.handle({"op": "note_on", "note": CRASH, "velocity": 120})
    for note in range(60, 91):
        src.map_note(note, tmp_path / f"{TOM}.wav")
        src.handle({"op": "note_on", "note": note, "velocity": 100})
    out = np.zeros(4096, np.float32)
    src.render(out)
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        for _ in range(10):
            src.handle({"op": "note_on", "note": TOM, "velocity": 100})
            src.render(out)
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def test_a_steal_allocates_no_numpy_buffers(tmp_path: Path) -> None:
    """The level a steal weighs is a dot product over the voice's own audio: a render that steals (per note and by
    level) holds less than one float32 copy of the weighed window (4 KB) at its peak (p48 review: the bound was four
    4096-sample blocks, 16 KB, which let a float64 copy of the window, 8 KB, through)."""
    assert steal_peak(tmp_path) < 4 * LEVEL_WINDOW


def test_the_bound_catches_a_level_that_copies_its_window(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bound above can fail: a level that copies its window (float32, the smallest copy) reaches it."""
    def copying(self: SamplerSource, v: int) -> float:
        p = int(self.pos[v])
        ahead = self.buf[v][p:p + LEVEL_WINDOW].copy()
        self.level[v] = float(self.gain[v]) ** 2 * float(np.dot(ahead, ahead)) / LEVEL_WINDOW
        return self.level[v]
    monkeypatch.setattr(SamplerSource, "_level", copying)
    assert steal_peak(tmp_path) >= 4 * LEVEL_WINDOW

