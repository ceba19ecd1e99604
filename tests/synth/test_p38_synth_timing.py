"""Thirty-eighth stop: synth notes where in the block they came.  A timed synth (the box's live engine) starts a
note from silence exactly one frame after its sample of the block it came in (its ``onset`` in that frame: silent
up to it, then fading in); before, every note waited for the next frame boundary, 0-5 ms as the frames fell.
Offline renders (hatbox play, tests) stay untimed and sound as before."""
from __future__ import annotations

import time

import numpy as np
import pytest

from device.audio import harmonic as dsp
from device.audio.sampler import STAMP_SLACK_S
from device.audio.synth import SynthSource

RATE, BLOCK = 48000, 128
START = 1000.0                    # the fake clock at the stream's start (s)


class Clock:
    """A stand-in for time.monotonic() that moves only when told."""

    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock(START)
    monkeypatch.setattr(time, "monotonic", c)          # every reading of the clock (the synth's, its block clock's)
    return c


def play(pack, clock: Clock, notes: dict[int, int], timed: bool = True, blocks: int = 60) -> tuple[np.ndarray, int]:
    """A fresh synth rendering ``blocks`` blocks; ``notes``: block -> the sample of it a MIDI note-on (note 60) is
    due at, stamped as the box's MIDI reader stamps it.  Returns the output and the synth's frame (samples)."""
    src = SynthSource(pack, RATE)
    src.timed = timed
    out = []
    for b in range(blocks):
        end = START + (b + 1) * BLOCK / RATE            # the block stands for the time before its render's reading
        if b in notes:
            due = end - (BLOCK - notes[b]) / RATE
            clock.t = due - STAMP_SLACK_S              # the stamp, handed on at once
            src.handle({"op": "note_on", "note": 60, "velocity": 110, "at": clock.t})
        clock.t = end
        x = np.zeros(BLOCK, np.float32)
        src.render(x)
        out.append(x)
    return np.concatenate(out), src.hop


def rise(x: np.ndarray) -> int:
    """The first sample at a tenth of ``x``'s peak."""
    return int(np.flatnonzero(np.abs(x) > 0.1 * np.abs(x).max())[0])


def test_a_timed_note_keeps_its_place_to_the_sample_wherever_the_frames_fall(synth_pack, clock):
    lags, lags_untimed = [], []
    for a in range(0, 2 * 240, 23):                    # due at samples spread over two frames
        b, k = divmod(3 * BLOCK + a, BLOCK)
        x, hop = play(synth_pack, clock, {b: k})
        lags.append(rise(x) - (3 * BLOCK + a))
        x, _ = play(synth_pack, clock, {b: k}, timed=False)
        lags_untimed.append(rise(x) - (3 * BLOCK + a))
    assert hop == 240
    # one frame and the attack; the attack's later frames still fall on the frame grid: within 0.4 ms (this untrained
    # network's tables jump frame to frame; the factory synth's rise keeps its place within 4 samples)
    assert max(lags) - min(lags) <= hop // 12, lags
    assert min(lags) >= hop                                    # never before its frame of latency
    assert max(lags_untimed) - min(lags_untimed) > hop // 2, lags_untimed   # the frame boundary's lottery before


def test_a_timed_note_is_silent_before_its_frame_of_latency_but_for_a_faint_noise_lead(synth_pack, clock):
    for k in (5, 60, 127):
        x, hop = play(synth_pack, clock, {3: k})
        onset = 3 * BLOCK + k + hop
        peak = np.abs(x).max()
        assert np.abs(x[:3 * BLOCK + k]).max() == 0.0                 # nothing before the note was played
        assert np.abs(x[:onset]).max() < peak / 100                  # the first frame's noise, 40 dB down at most


def test_untimed_renders_sound_as_before_and_ignore_stamps(synth_pack, clock):
    a, _ = play(synth_pack, clock, {3: 5}, timed=False)
    b, _ = play(synth_pack, clock, {3: 120}, timed=False)
    np.testing.assert_array_equal(a, b)                # the stamp means nothing offline: the next frame boundary


def test_a_voice_with_an_onset_is_the_same_fade_in_shifted_to_it():
    """The wavetable kernel: a voice beginning at sample ``o`` of the frame is silent before it and, after it,
    plays what a voice beginning at the frame's start plays (its crossfade at the same pace, its phase from 0)."""
    hop, o = 240, 70
    tab = dsp.wavetables(np.array([[0.5, 0.2, 0.1]], np.float32))
    zero = np.zeros_like(tab)
    rows = np.zeros(1, np.int64)
    f0 = np.array([220.0])
    plain, shifted = np.zeros(hop, np.float32), np.zeros(hop, np.float32)
    dsp.wavetable_voices(plain, zero, tab, rows, np.zeros(1), f0, f0, 0, hop, RATE)
    dsp.wavetable_voices(shifted, zero, tab, rows, np.zeros(1), f0, f0, 0, hop, RATE, np.array([o], np.int64))
    assert np.all(shifted[:o] == 0.0)
    np.testing.assert_allclose(shifted[o:], plain[:hop - o], atol=1e-6)


def test_the_engine_gives_its_timing_to_the_synth_it_installs_and_to_one_in_already():
    from device.audio.engine import Engine, EngineConfig

    class Unit:
        timed = False

        def render(self, out):
            out.fill(0.0)

    engine = Engine(EngineConfig(rate=RATE, block=BLOCK))
    early, late = Unit(), Unit()
    engine.install("synth", early, {"name": "early"})         # a start-up pack, before the clock is known
    engine.set_timed_notes(True)
    assert early.timed
    engine.install("synth", late, {"name": "late"})
    assert late.timed
