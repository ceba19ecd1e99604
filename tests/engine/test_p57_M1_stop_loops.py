"""p57 R1 review 1 and 4: the panel's "stop loops" sent a choke of each note an old status named (a loop started
since was left playing, a one-shot struck since on such a note was cut), and a faulted sampler's frozen loops were
said to sound.  Now one sampler message, ``{"op": "stop_loops"}``, stops the loops that sound when the audio thread
takes it, and the engine's status leaves out the loops of a sampler a fault stopped running."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from device.audio.engine import Engine, EngineConfig
from device.audio.sampler import SamplerSource
from device.control import ControlError, msg
from tests.sampler_helpers import RATE, level, tone_file


def _map(s: SamplerSource, path: Path, note: int, loop: bool = True, latch: bool = False) -> None:
    s.handle({"op": "sample", "path": str(path), "velocity": 0, "note": note, "loop": loop, "latch": latch})


def test_stop_loops_stops_every_loop_sounding_and_nothing_else(tmp_path: Path) -> None:
    s = SamplerSource(RATE)
    _map(s, tone_file(tmp_path / "latched.wav"), 37, latch=True)
    _map(s, tone_file(tmp_path / "held.wav"), 60)
    _map(s, tone_file(tmp_path / "hit.wav", 2.0), 38, loop=False)
    for note in (37, 60, 38):
        s.handle({"op": "note_on", "note": note, "velocity": 100})
    s.handle({"op": "note_off", "note": 37})                       # latched: plays on
    s.handle({"op": "sample", "path": str(tmp_path / "held.wav"), "velocity": 100, "loop": True})   # an audition
    level(s, 1)
    assert [loop["note"] for loop in s.sounding_loops()] == [37, 60]
    before = s.active_voices
    s.handle(msg("stop_loops", slot="sampler"))
    level(s, 4)                                                    # the quick fades are over
    assert s.sounding_loops() == []
    assert s.active_voices == before - 2                           # the one-shot and the audition play on
    s.handle({"op": "note_on", "note": 37, "velocity": 100})       # a strike of the latched pad starts it again
    level(s, 1)
    assert [loop["note"] for loop in s.sounding_loops()] == [37]


def test_stop_loops_is_the_sampler_s_alone() -> None:
    assert msg("stop_loops") == {"op": "stop_loops"}
    with pytest.raises(ControlError, match="stop_loops"):
        msg("stop_loops", slot="synth")


def _engine_with_loop(tmp_path: Path) -> tuple[Engine, SamplerSource]:
    engine = Engine(EngineConfig())
    s = SamplerSource(engine.cfg.rate)
    engine.install("sampler", s, {"name": "sampler"})
    _run(engine, 40)
    _map(s, tone_file(tmp_path / "loop.wav"), 37, latch=True)
    s.handle({"op": "note_on", "note": 37, "velocity": 100})
    _run(engine, 4)
    assert engine.status()["active"]["sampler"]["loops"][0]["note"] == 37
    return engine, s


def _run(engine: Engine, blocks: int) -> float:
    out, peak = np.zeros(engine.cfg.block, np.float32), 0.0
    for _ in range(blocks):
        engine.process(None, out)
        peak = max(peak, float(np.abs(out).max()))
    return peak


def test_the_engine_says_no_loops_of_a_sampler_a_fault_stopped(tmp_path: Path) -> None:
    engine, s = _engine_with_loop(tmp_path)
    render = s.render

    def nan(out: np.ndarray) -> None:
        render(out)
        out[:] = np.nan

    s.render = nan                                                  # type: ignore[method-assign]
    _run(engine, 2)
    s.render = render                                               # type: ignore[method-assign]
    _run(engine, 100)                                               # the fault's fade is over
    status = engine.status()
    assert status["bypassed"]["sampler"] and [f["slot"] for f in status["faults"]] == ["sampler"]
    assert _run(engine, 20) < 1e-3                                  # silent: its voices are frozen ...
    assert "loops" not in status["active"]["sampler"]               # ... so none is said to sound


def test_a_sampler_the_player_bypassed_keeps_its_loops_and_stop_loops_reaches_them(tmp_path: Path) -> None:
    engine, s = _engine_with_loop(tmp_path)
    engine.handle(msg("bypass", slot="sampler", on=True))
    _run(engine, 200)
    assert engine.status()["active"]["sampler"]["loops"][0]["note"] == 37     # they run on unheard (muted)
    engine.handle(msg("stop_loops", slot="sampler"))
    _run(engine, 4)
    assert "loops" not in engine.status()["active"]["sampler"]
