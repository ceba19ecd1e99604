"""p49 regression QA "loops2": `hatbox box-library --stop` (DELETE /audition) sent the sampler's all-notes-off, which
also released a loop the musician held on the pads (-19 dB to -180 dB).  The stop is now the sampler's own audition
stop (``{"op": "stop_audition", "slot": "sampler"}``): the audition fades out, a held loop and a pedalled one play
on (rendered blocks measured per frequency: the loop at 220 Hz, the audition at 1 kHz)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.api.audition import stop_message
from device.audio.engine import Engine, EngineConfig
from device.audio.sampler import SamplerSource
from device.control import ControlError, validate

RATE, BLOCK = 48000, 256
WINDOW = 4800                                 # 0.1 s: whole cycles of both (no leak from one to the other)
LOOP_HZ, AUDITION_HZ = 220.0, 1000.0          # 220 and 1000 whole cycles a second: no seam, exact bins


def _sine(path: Path, seconds: float, freq: float) -> Path:
    t = np.arange(int(RATE * seconds), dtype=np.float64) / RATE
    sf.write(path, (0.3 * np.sin(2 * np.pi * freq * t)).astype(np.float32), RATE, subtype="FLOAT")
    return path


def _render(engine: Engine, blocks: int) -> np.ndarray:
    """The engine's next ``blocks`` blocks [blocks * BLOCK] float32."""
    out, got = np.zeros(BLOCK, np.float32), []
    for _ in range(blocks):
        engine.process(None, out)
        got.append(out.copy())
    return np.concatenate(got)


def _amplitude(x: np.ndarray, freq: float) -> float:
    """The amplitude of ``x``'s component at ``freq`` Hz (a projection on sine and cosine; 1 kHz and 220 Hz apart
    over 0.1 s: each reads under 1e-3 of the other)."""
    t = np.arange(x.shape[0]) / RATE
    return float(2.0 * np.hypot(np.dot(x, np.sin(2 * np.pi * freq * t)), np.dot(x, np.cos(2 * np.pi * freq * t)))
                 / x.shape[0])


def _box(tmp_path: Path) -> tuple[Engine, Path]:
    """An engine whose sampler maps a 1 s 220 Hz loop to C5 (72); and a 3 s 1 kHz file to audition."""
    engine = Engine(EngineConfig(rate=RATE, block=BLOCK, live_input=False))
    engine.install("sampler", SamplerSource(RATE), {"name": "sampler"})
    loop = _sine(tmp_path / "pad.wav", 1.0, LOOP_HZ)
    engine.handle({"op": "sample", "path": str(loop), "velocity": 0, "note": 72, "loop": True})
    return engine, _sine(tmp_path / "break.wav", 3.0, AUDITION_HZ)


@pytest.mark.parametrize("pedal", [False, True])
def test_the_stop_leaves_a_held_loop_sounding_and_silences_the_audition(tmp_path: Path, pedal: bool) -> None:
    engine, audition = _box(tmp_path)
    engine.handle({"op": "note_on", "note": 72, "velocity": 127})
    if pedal:                                    # the key let go, the pedal holding the loop
        engine.handle({"op": "sustain", "on": True})
        engine.handle({"op": "note_off", "note": 72})
    engine.handle({"op": "sample", "path": str(audition), "velocity": 127})   # an audition (no note)
    both = _render(engine, 20)[-WINDOW:]
    assert _amplitude(both, LOOP_HZ) > 0.1 and _amplitude(both, AUDITION_HZ) > 0.1
    engine.handle(stop_message())
    _render(engine, 2)                           # the audition's 4 ms fade
    after = _render(engine, 20)[-WINDOW:]
    assert _amplitude(after, AUDITION_HZ) < 1e-3                                   # the audition is gone
    assert _amplitude(after, LOOP_HZ) == pytest.approx(_amplitude(both, LOOP_HZ), rel=0.05)   # the loop plays on


def test_the_panel_s_audition_stops_too_and_a_kit_one_shot_plays_on(tmp_path: Path) -> None:
    engine, audition = _box(tmp_path)
    hit = _sine(tmp_path / "hit.wav", 2.0, LOOP_HZ)
    engine.handle({"op": "sample", "path": str(hit), "velocity": 0, "note": 36})
    engine.handle({"op": "note_on", "note": 36, "velocity": 127})
    engine.handle({"op": "sample", "path": str(audition), "velocity": 100, "slot": "sampler"})
    _render(engine, 4)
    engine.handle(stop_message())
    _render(engine, 2)
    after = _render(engine, 20)[-WINDOW:]
    assert _amplitude(after, AUDITION_HZ) < 1e-3 and _amplitude(after, LOOP_HZ) > 0.1


def test_all_notes_off_still_releases_the_held_loop(tmp_path: Path) -> None:
    """(MIDI CC 123, a DAW's stop, is unchanged: it releases every note, the audition stops with it.)"""
    engine, audition = _box(tmp_path)
    engine.handle({"op": "note_on", "note": 72, "velocity": 127})
    engine.handle({"op": "sample", "path": str(audition), "velocity": 127})
    _render(engine, 4)
    engine.handle({"op": "all_notes_off"})
    _render(engine, 4)                           # the loop's 10 ms release
    after = _render(engine, 20)[-WINDOW:]
    assert _amplitude(after, LOOP_HZ) < 1e-3 and _amplitude(after, AUDITION_HZ) < 1e-3


def test_the_message_goes_to_the_sampler_alone() -> None:
    assert stop_message() == {"op": "stop_audition", "slot": "sampler"}
    assert validate({"op": "stop_audition"}) == {"op": "stop_audition"}
    with pytest.raises(ControlError, match="plays no auditions"):
        validate({"op": "stop_audition", "slot": "effect"})
