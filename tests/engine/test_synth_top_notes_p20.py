"""MIDI notes 126 and 127 are silent on the factory synth (p20): not an off-by-one but the pack's band limit.
Their fundamentals (11.8 and 12.5 kHz) are above its ``cutoff_hz`` (11.5 kHz, under its 24 kHz training rate's
Nyquist), where the network masks every harmonic.  So the synth says which note is its highest, and the first
note played above it leaves a warning in the engine status."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from device.audio.engine import Engine, EngineConfig
from device.audio.synth import SynthSource
from device.control import slot_warnings
from export.pack import read_pack

SYNTH = Path(__file__).resolve().parents[2] / "factory" / "synth-gm4.hatpack"


@pytest.fixture(scope="module")
def pack():
    return read_pack(SYNTH)


def _rms(synth: SynthSource, note: int, seconds: float = 0.1) -> float:
    synth.handle({"op": "note_on", "note": note, "velocity": 127})
    out = np.zeros(int(seconds * synth.rate), np.float32)
    for s in range(0, out.shape[0], 128):
        synth.render(out[s:s + 128])
    return float(np.sqrt(np.mean(np.square(out[out.shape[0] // 2:], dtype=np.float64))))


def _f0(note: int) -> float:
    return 440.0 * 2.0 ** ((note - 69) / 12)


def test_the_top_note_is_the_last_below_the_band_limit_and_the_ones_above_are_silent(pack) -> None:
    assert pack.manifest.extras["cutoff_hz"] == 11500.0
    synth = SynthSource(pack, 48000)
    assert synth.highest_note == 125 and _f0(125) < synth.cutoff < _f0(126)
    for note in (124, 125):
        assert _rms(SynthSource(pack, 48000), note) > 0.03, note      # the top notes sound (~0.1 RMS)
    for note in (126, 127):
        assert _rms(SynthSource(pack, 48000), note) < 1e-3, note       # above the band limit: silent


@pytest.mark.parametrize("rate,top", [(48000, 125), (44100, 125), (22050, 124), (16000, 118)])
def test_a_lower_engine_rate_lowers_the_top_note(pack, rate: int, top: int) -> None:
    synth = SynthSource(pack, rate)
    assert synth.highest_note == top and synth.cutoff == min(11500.0, 0.49 * rate)
    assert _f0(top) < synth.cutoff <= _f0(top + 1)


def test_the_first_note_above_it_says_so_once_in_the_engine_status(pack) -> None:
    engine = Engine(EngineConfig(rate=48000, block=128, live_input=False))
    engine.install("synth", SynthSource(pack, 48000), {"name": "synth-gm4"})
    engine.process(np.zeros(128, np.float32), np.zeros(128, np.float32))
    for note in (60, 125):
        engine.handle({"op": "note_on", "note": note, "velocity": 100})
    assert slot_warnings(engine.status()) == []
    for note in (127, 126, 127):
        engine.handle({"op": "note_on", "note": note, "velocity": 100})
    assert slot_warnings(engine.status()) == [     # p21: every silent note, in `hatbox play`'s words
        "notes 126, 127 are above the band limit of 'synth-gm4' (11.5 kHz at 48000 Hz) and play as silence; "
        "the highest note it plays is 125"]
