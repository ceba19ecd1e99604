"""all_notes_off and panic on the engine: they reach every source and never an effect (whose state a
reset from the control thread stepped by 0.19 mid-signal); the sampler releases, holds with the pedal
and fades, all driven through MidiMap as the box's MIDI input does."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import mido
import numpy as np
import pytest

from device.audio import audiofile
from device.audio.engine import Engine, EngineConfig
from device.audio.sampler import QUICK_FADE_SECONDS, SamplerSource
from device.control import validate
from device.midi import MidiMap
from tests.engine.helpers import RATE, tone

BLOCK = 128
FACTORY = Path(__file__).parents[2] / "factory"


class _Recorder:
    """A source or effect unit that records what it is handed and renders silence (or passes through)."""

    def __init__(self) -> None:
        self.got: list[dict[str, Any]] = []
        self.resets = 0

    def handle(self, msg: dict[str, Any]) -> None:
        self.got.append(dict(msg))

    def reset(self) -> None:
        self.resets += 1

    def render(self, out: np.ndarray) -> None:
        out.fill(0.0)

    def process(self, x: np.ndarray) -> np.ndarray:
        return np.array(x, np.float32)


def play(engine: Engine, events: list[tuple[float, Any]], seconds: float, inp: np.ndarray | None = None,
         mapping: MidiMap | None = None) -> np.ndarray:
    """Run ``engine`` for ``seconds``; ``events`` [(time s, mido message or control dict)] are handled
    (through ``mapping``) before the block they fall in.  Returns the output [N]."""
    mapping = mapping or MidiMap()
    n = int(seconds * RATE)
    out = np.zeros(n, np.float32)
    x = inp if inp is not None else np.zeros(n, np.float32)
    todo = sorted(((int(t * RATE), i, m) for i, (t, m) in enumerate(events)), key=lambda e: e[:2])
    k = 0
    for s in range(0, n, BLOCK):
        while k < len(todo) and todo[k][0] < s + BLOCK:
            m = todo[k][2]
            for msg in [m] if isinstance(m, dict) else mapping.translate(m):
                engine.handle(validate(msg))
            k += 1
        engine.process(x[s:s + BLOCK], out[s:s + BLOCK])
    return out


def cc(number: int, value: int = 0) -> mido.Message:
    return mido.Message("control_change", control=number, value=value)


def on(note: int) -> mido.Message:
    return mido.Message("note_on", note=note, velocity=127)


def off(note: int) -> mido.Message:
    return mido.Message("note_off", note=note)


@pytest.mark.parametrize("op", ["panic", "all_notes_off"])
def test_both_ops_reach_every_source_and_no_effect(op: str) -> None:
    engine = Engine(EngineConfig(rate=RATE, block=BLOCK, live_input=False))
    units = {name: _Recorder() for name in ("synth", "sampler", "effect")}
    for name, unit in units.items():
        engine.slots[name].unit, engine.slots[name].info = unit, {"name": name}
    play(engine, [(0.0, {"op": op})], 0.01)
    assert units["synth"].got == [{"op": op}] and units["sampler"].got == [{"op": op}]
    # panic (CC120) also clears the effect's tail, on the audio thread (twentieth stop:
    # tests/engine/test_panic_effects_p20.py); all notes off (CC123) leaves the effect alone
    assert units["effect"].got == [] and units["effect"].resets == (1 if op == "panic" else 0)


@pytest.mark.parametrize("number", [123])
def test_the_effect_plays_on_untouched_through_cc120_and_cc123(number: int) -> None:
    """The factory drive on a live tone: the output with an all notes off mid-signal is the output without
    one, sample for sample (the effect's state and the output stage are left alone).  CC120 (panic) now fades
    the effect out, resets it and fades it back in: tests/engine/test_panic_effects_p20.py."""
    from device.audio.swap import build_unit
    from export.pack import read_pack
    pack = read_pack(FACTORY / "effect-drive.hatpack")
    x = tone(0.6, 220.0, 0.3)

    def run(events: list) -> np.ndarray:
        engine = Engine(EngineConfig(rate=RATE, block=BLOCK))
        unit = build_unit(pack, "effect", RATE)
        unit.settle()
        engine.slots["effect"].unit, engine.slots["effect"].info = unit, {"name": "drive"}
        return play(engine, events, 0.6, inp=x)

    np.testing.assert_array_equal(run([(0.3, cc(number))]), run([]))


@pytest.fixture
def sampler_engine(tmp_path: Path) -> tuple[Engine, str]:
    """An engine with only the sampler, and a 1 s 220 Hz loop file (0.5 peak)."""
    t = np.arange(RATE) / RATE
    path = str(tmp_path / "loop.wav")
    audiofile.write(path, (0.5 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), RATE)
    engine = Engine(EngineConfig(rate=RATE, block=BLOCK, live_input=False))
    engine.slots["sampler"].unit, engine.slots["sampler"].info = SamplerSource(RATE), {"name": "sampler"}
    return engine, path


def _map(path: str, note: int = 36) -> dict[str, Any]:
    return {"op": "sample", "path": path, "velocity": 0, "note": note, "loop": True}


def rms(y: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(y.astype(np.float64)))))


def second_diff(y: np.ndarray) -> np.ndarray:
    return np.abs(np.diff(y.astype(np.float64), 2))


def test_the_sustain_pedal_holds_a_loop_until_it_lifts(sampler_engine) -> None:
    engine, path = sampler_engine
    y = play(engine, [(0.0, _map(path)), (0.0, cc(64, 127)), (0.01, on(36)), (0.2, off(36)), (0.6, cc(64, 0))], 0.8)
    assert rms(y[int(0.3 * RATE):int(0.55 * RATE)]) > 0.3           # held: a 0.5 sine is 0.354 RMS
    assert rms(y[int(0.65 * RATE):]) < 1e-3                          # faded once the pedal lifted
    assert engine.slots["sampler"].unit.active_voices == 0


def test_all_notes_off_releases_loops_and_respects_the_pedal(sampler_engine) -> None:
    engine, path = sampler_engine
    y = play(engine, [(0.0, _map(path)), (0.01, on(36)), (0.3, cc(123))], 0.5)
    i = int(0.3 * RATE)
    assert rms(y[int(0.1 * RATE):i - BLOCK]) > 0.3 and rms(y[i + 1000:]) < 1e-3
    assert second_diff(y[i - 500:i + 1000]).max() < 0.01               # the release fade: no click
    y = play(engine, [(0.0, cc(64, 127)), (0.01, on(36)), (0.2, cc(123)), (0.5, cc(64, 0))], 0.7)
    assert rms(y[int(0.25 * RATE):int(0.45 * RATE)]) > 0.3             # the pedal still holds it
    assert rms(y[int(0.55 * RATE):]) < 1e-3


def test_panic_fades_every_voice_within_5_ms_and_lifts_the_pedal(sampler_engine) -> None:
    engine, path = sampler_engine
    at = 0.3
    y = play(engine, [(0.0, _map(path)), (0.0, cc(64, 127)), (0.01, on(36)), (at, cc(120)),
                      (0.4, on(36)), (0.5, off(36))], 0.7)
    start = -(-int(at * RATE) // BLOCK) * BLOCK                         # applied at the next block
    gone = start + int(QUICK_FADE_SECONDS * RATE) + 1
    assert QUICK_FADE_SECONDS <= 0.005
    assert np.max(np.abs(y[gone:int(0.4 * RATE)])) < 1e-3
    assert second_diff(y[start - 500:gone + 500]).max() < 0.01          # a fade, not a step (old: 0.17)
    assert rms(y[int(0.42 * RATE):int(0.5 * RATE)]) > 0.3               # pedal state cleared by the panic:
    assert rms(y[int(0.52 * RATE):]) < 1e-3                             # the next note-off stops the loop


def test_panic_during_a_release_goes_on_from_its_level(tmp_path: Path) -> None:
    """A loop half-way through its note-off fade is cut faster from where it is, never louder."""
    path = str(tmp_path / "dc.wav")
    audiofile.write(path, np.full(RATE // 10, 0.5, np.float32), RATE)
    s = SamplerSource(RATE)
    s.handle(_map(path, 40))
    s.handle({"op": "note_on", "note": 40, "velocity": 127})
    out = np.zeros(240, np.float32)
    s.render(out)
    s.handle({"op": "note_off", "note": 40})
    s.render(out)                                                    # half-way through the 10 ms fade
    level = float(out[-1])
    s.handle({"op": "panic"})
    tail = np.zeros(480, np.float32)
    s.render(tail)
    assert 0.2 < level < 0.3 and level - 0.01 < tail[0] <= level and np.all(np.diff(tail) <= 1e-7)
    assert np.all(tail[int(QUICK_FADE_SECONDS * RATE):] == 0) and s.active_voices == 0
