"""p57 QA_B 1: a latched loop played with no sign on the panel.  The sampler now says which kit notes' loops sound
(``sounding_loops``), and the engine's status carries it (``active["sampler"]["loops"]``) for the panel."""
from __future__ import annotations

from pathlib import Path

from device.audio.engine import Engine, EngineConfig
from device.audio.sampler import SamplerSource
from tests.sampler_helpers import RATE, level, tone_file


def _latched(s: SamplerSource, path: Path, note: int = 37) -> None:
    s.handle({"op": "sample", "path": str(path), "velocity": 0, "note": note, "loop": True, "latch": True})
    s.handle({"op": "note_on", "note": note, "velocity": 100})
    s.handle({"op": "note_off", "note": note})


def test_the_sampler_says_which_loops_sound_latched_or_held(tmp_path: Path) -> None:
    s = SamplerSource(RATE)
    _latched(s, tone_file(tmp_path / "VP Drum.flac"))
    s.handle({"op": "sample", "path": str(tone_file(tmp_path / "pad.wav")), "velocity": 0, "note": 60, "loop": True})
    s.handle({"op": "sample", "path": str(tone_file(tmp_path / "hit.wav", 0.3)), "velocity": 0, "note": 38})
    s.handle({"op": "note_on", "note": 60, "velocity": 100})
    s.handle({"op": "note_on", "note": 38, "velocity": 100})      # a one-shot: not a loop
    s.handle({"op": "sample", "path": str(tmp_path / "pad.wav"), "velocity": 100, "loop": True})   # an audition
    assert s.sounding_loops() == []                                # queued, not sounding yet
    level(s, 1)
    folder = tmp_path.name
    assert s.sounding_loops() == [{"note": 37, "file": f"{folder}/VP Drum.flac", "latched": True},
                                  {"note": 60, "file": f"{folder}/pad.wav", "latched": False}]
    s.handle({"op": "note_off", "note": 60})                       # the held loop fades: no longer said
    s.handle({"op": "note_on", "note": 37, "velocity": 100})       # the latched one's second strike stops it
    level(s, 1)
    assert s.sounding_loops() == []


def test_the_engine_status_carries_the_sampler_s_loops(tmp_path: Path) -> None:
    engine = Engine(EngineConfig())
    sampler = SamplerSource(engine.cfg.rate)
    engine.install("sampler", sampler, {"name": "sampler"})
    assert engine.status()["active"]["sampler"] == {"name": "sampler"}      # none sounding: not said (as warnings)
    _latched(sampler, tone_file(tmp_path / "loop.wav"))
    level(sampler, 1)
    assert engine.status()["active"]["sampler"]["loops"] == [
        {"note": 37, "file": f"{tmp_path.name}/loop.wav", "latched": True}]
