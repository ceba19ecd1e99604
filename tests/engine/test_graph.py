"""The engine graph: live input -> effect slot -> protection, sources, swaps, faults."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from device.audio.engine import Engine, EngineConfig
from device.audio.swap import Swapper
from hatbox.errors import HatboxError, PackError

from tests.engine.helpers import RATE, max_step, run_blocks, tone
from tests.engine.packs import effect_pack


@pytest.fixture
def engine() -> Engine:
    return Engine(EngineConfig(rate=RATE, block=128, protect=__import__("device.audio.protect", fromlist=["x"]).ProtectConfig(ceiling_db=-1.0)))


def _loaded(engine: Engine, pack: Path) -> Swapper:
    sw = Swapper(engine, warm_s=0.02, budget=50.0).start()
    sw.load("effect", pack)
    return sw


def test_empty_engine_passes_live_input(engine: Engine) -> None:
    x = tone(0.2)
    assert np.allclose(run_blocks(engine, x)[RATE // 20:], x[RATE // 20:], atol=1e-2)


def test_gain_pack_applies_after_its_crossfade(engine: Engine, tmp_path: Path) -> None:
    sw = _loaded(engine, effect_pack(tmp_path / "g.hatpack", "gain", -6.0))
    x = tone(0.3)
    y = run_blocks(engine, x)
    sw.stop()
    tail = slice(RATE // 10, None)
    assert np.allclose(y[tail], x[tail] * 10 ** (-6 / 20), atol=1e-2)
    assert engine.status()["active"]["effect"]["name"] == "test-gain"


def test_state_pack_matches_its_reference_for_odd_blocks(tmp_path: Path) -> None:
    pack = effect_pack(tmp_path / "s.hatpack", "smooth", 0.3)
    outs = []
    for block in (128, 65):
        eng = Engine(EngineConfig(rate=RATE, block=block, xfade_s=0.0))
        sw = _loaded(eng, pack)
        run_blocks(eng, np.zeros(block, np.float32))        # the switch happens in this block
        outs.append(run_blocks(eng, tone(0.1)))
        sw.stop()
    x = tone(0.1)
    from device.audio.protect import DcBlocker
    from device.audio.slot import EFFECT_DC_HZ
    ref = (0.3 * x + 0.7 * np.concatenate([[0.0], x[:-1]])).astype(np.float32)
    ref = DcBlocker(RATE, EFFECT_DC_HZ).process(ref)     # the slot takes an effect's DC off (forty-first stop)
    for y in outs:
        assert np.allclose(y[RATE // 20:], ref[RATE // 20:], atol=1e-2)


def test_swap_crossfades_without_a_click(engine: Engine, tmp_path: Path) -> None:
    a = effect_pack(tmp_path / "a.hatpack", "gain", 0.0, name="a")
    b = effect_pack(tmp_path / "b.hatpack", "smooth", 0.2, name="b")
    sw = _loaded(engine, a)
    x = tone(0.6, freq=440.0)
    y = np.zeros_like(x)
    for i, s in enumerate(range(0, x.shape[0], 128)):
        if i in (60, 120, 180):
            sw.load("effect", b if i != 120 else a)
        engine.process(x[s:s + 128], y[s:s + 128])
    sw.stop()
    assert max_step(y[RATE // 20:]) <= 1.05 * max_step(x)
    assert engine.status()["active"]["effect"]["name"] == "b"


def test_retired_units_are_released_off_the_audio_thread(engine: Engine, tmp_path: Path) -> None:
    a = effect_pack(tmp_path / "a.hatpack", "gain", 0.0, name="a")
    sw = _loaded(engine, a)
    run_blocks(engine, tone(0.1))
    sw.load("effect", a)
    run_blocks(engine, tone(0.1))
    assert len(engine.graveyard) == 1
    assert sw.collect() == 1


def test_nan_pack_is_bypassed_within_one_block(engine: Engine, tmp_path: Path) -> None:
    sw = _loaded(engine, effect_pack(tmp_path / "n.hatpack", "nan", 0.5))
    quiet, loud = tone(0.1, amp=0.2), tone(0.1, amp=0.8)
    run_blocks(engine, quiet)
    first = engine.blocks
    y = run_blocks(engine, loud)
    sw.stop()
    st = engine.status()
    assert st["faults"][0]["reason"] == "nonfinite" and st["faults"][0]["block"] == first
    assert st["bypassed"]["effect"] and np.all(np.isfinite(y))
    assert np.max(np.abs(y[:128])) <= 0.9 and np.allclose(y[-1000:], np.clip(loud[-1000:], -0.9, 0.9), atol=0.05)


def test_pack_beyond_the_gain_cap_is_caught_and_limited(engine: Engine, tmp_path: Path) -> None:
    sw = _loaded(engine, effect_pack(tmp_path / "loud.hatpack", "gain", 46.0))
    x = tone(0.3, amp=0.002)                                      # out: 0.4 (-8 dBFS), 46 dB over the input
    y = run_blocks(engine, x)
    sw.stop()
    st = engine.status()
    info = st["active"]["effect"]
    assert info["gain_measured_db"] == pytest.approx(46.0, abs=0.2) and info["gain_max_db"] == 40.0   # the cap
    assert st["faults"] and st["faults"][0]["reason"] == "runaway"
    assert st["faults"][0]["block"] <= 1                          # the block it was first heard
    assert np.max(np.abs(y)) <= 10 ** (-1 / 20) + 1e-6
    assert np.max(np.abs(y[RATE // 10:])) < 0.0021                # bypassed: the dry signal


def test_a_boost_within_its_measured_gain_plays_on(engine: Engine, tmp_path: Path) -> None:
    """A +20 dB pack measures 20 dB when loaded, so +20 dB on a quiet input is the pack working,
    not a runaway (before the limit was measured, this was bypassed as a fault).  Its limit: 20 + 6 dB, and 12 dB
    more as it carries no gear-gain figure (device.audio.swap.NO_GEAR_ALLOWANCE_DB, p52)."""
    sw = _loaded(engine, effect_pack(tmp_path / "boost.hatpack", "gain", 20.0))
    x = tone(0.3, amp=0.05)
    y = run_blocks(engine, x)
    sw.stop()
    st = engine.status()
    info = st["active"]["effect"]
    assert info["gain_measured_db"] == pytest.approx(20.0, abs=0.2)
    assert info["gain_max_db"] == pytest.approx(38.0, abs=0.2)
    assert st["faults"] == [] and not st["bypassed"]["effect"]
    tail = slice(RATE // 10, None)
    from device.audio.protect import DcBlocker
    from device.audio.slot import EFFECT_DC_HZ
    assert np.allclose(y[tail], DcBlocker(RATE, EFFECT_DC_HZ).process(10 * x)[tail], atol=1e-2)   # (its DC off)


def test_broken_pack_is_refused_by_its_golden_check(engine: Engine, tmp_path: Path) -> None:
    sw = Swapper(engine, warm_s=0.02).start()
    with pytest.raises(PackError, match="golden"):
        sw.load("effect", effect_pack(tmp_path / "b.hatpack", "broken"))
    sw.stop()
    assert engine.status()["active"]["effect"] is None


def test_wrong_rate_is_refused_by_the_handshake(engine: Engine, tmp_path: Path) -> None:
    sw = Swapper(engine, warm_s=0.02).start()
    with pytest.raises(PackError, match="44100 Hz"):
        sw.load("effect", effect_pack(tmp_path / "r.hatpack", "gain", 0.0, rate=44100))
    sw.stop()


def test_bypass_and_unload_fade(engine: Engine, tmp_path: Path) -> None:
    sw = _loaded(engine, effect_pack(tmp_path / "g.hatpack", "gain", -12.0))
    x = tone(0.8, freq=330.0)
    y = np.zeros_like(x)
    for i, s in enumerate(range(0, x.shape[0], 128)):
        if i == 100:
            engine.handle({"op": "bypass", "slot": "effect", "on": True})
        if i == 200:
            engine.handle({"op": "bypass", "slot": "effect", "on": False})
        if i == 250:
            engine.handle({"op": "unload", "slot": "effect"})
        engine.process(x[s:s + 128], y[s:s + 128])
    sw.stop()
    assert max_step(y[RATE // 20:]) <= 1.05 * max_step(x)
    assert engine.status()["active"]["effect"] is None


def test_knob_without_a_pack_is_a_clear_error(engine: Engine) -> None:
    with pytest.raises(HatboxError, match="no pack in the effect slot"):
        engine.handle({"op": "knob", "slot": "effect", "name": "drive", "value": 1.0})


class _Beep:
    """A minimal source (the protocol in docs/HELPERS.md)."""

    def __init__(self, value: float) -> None:
        self.value, self.msgs = value, []

    def render(self, out: np.ndarray) -> None:
        out.fill(self.value)

    def handle(self, msg: dict) -> None:
        self.msgs.append(msg)

    def reset(self) -> None:
        pass


def test_sources_are_mixed_and_a_bad_source_is_muted() -> None:
    eng = Engine(EngineConfig(rate=RATE, block=64, xfade_s=0.0, live_input=False))
    good, bad = _Beep(0.01), _Beep(float("nan"))
    eng.install("synth", good, {"name": "beep"})
    eng.install("sampler", bad, {"name": "bad"})
    y = run_blocks(eng, np.zeros(640, np.float32))
    eng.handle({"op": "note_on", "note": 60, "velocity": 100})
    assert np.all(np.isfinite(y)) and good.msgs and eng.status()["faults"][0]["slot"] == "sampler"


def test_a_fault_during_a_swap_is_recorded_under_the_pack_that_faulted() -> None:
    eng = Engine(EngineConfig(rate=RATE, block=64, live_input=False))       # a 20 ms crossfade: 15 blocks
    eng.install("synth", _Beep(0.01), {"name": "good"})
    run_blocks(eng, np.zeros(64 * 20, np.float32))                           # "good" is the slot's unit
    eng.slots["synth"].switch(_Beep(float("nan")), {"name": "bad"})
    y = run_blocks(eng, np.zeros(64 * 4, np.float32))                        # still crossfading
    fault = eng.status()["faults"][0]
    assert (fault["slot"], fault["name"], fault["reason"]) == ("synth", "bad", "nonfinite")
    assert np.all(np.isfinite(y))


def test_load_meter_reports_fractions_of_the_block(engine: Engine) -> None:
    run_blocks(engine, tone(0.2))
    st = engine.status()
    assert 0.0 < st["load_mean"] <= st["load_p999"] and st["blocks"] == int(np.ceil(0.2 * RATE / 128))


class _Voice:
    """A source unit that renders silence and records the control messages it was given."""

    def __init__(self) -> None:
        self.got: list[tuple[str, int]] = []

    def handle(self, msg: dict) -> None:
        self.got.append((msg["op"], msg.get("note", -1)))

    def render(self, out: np.ndarray) -> None:
        out.fill(0.0)

    def reset(self) -> None:
        pass


def test_notes_during_a_synth_swap_reach_both_units(engine: Engine) -> None:
    old, new = _Voice(), _Voice()
    slot = engine.slots["synth"]
    slot.switch(old, {"name": "old"})
    run_blocks(engine, np.zeros(RATE // 10, np.float32))        # old is now the slot's unit
    slot.switch(new, {"name": "new"})
    engine.process(np.zeros(128, np.float32), np.zeros(128, np.float32))   # crossfade under way
    engine.handle({"op": "note_on", "note": 60, "velocity": 100})
    run_blocks(engine, np.zeros(RATE // 10, np.float32))        # crossfade done, old released
    engine.handle({"op": "note_off", "note": 60})
    assert old.got == [("note_on", 60)]
    assert new.got == [("note_on", 60), ("note_off", 60)]       # the held note is not stuck or lost


@pytest.mark.parametrize("knobs", [{}, {"drive": 24.0, "tone": 8000.0}], ids=["defaults", "turned since the load"])
def test_a_panic_leaves_the_running_effect_without_a_click(engine: Engine, knobs: dict) -> None:
    """Panic silences the sources and leaves the effect's state alone (a reset from the control thread had made a
    0.19 jump in the live signal); the effect settled on silence stays quiet through it (a reset to zeros had sent a
    -30 dBFS blip, -22 dBFS at full drive, to the speakers)."""
    from device.audio.effect import EffectProcessor
    unit = EffectProcessor(Path(__file__).parents[2] / "factory" / "effect-drive.hatpack")
    engine.install("effect", unit, {"name": "drive"})
    run_blocks(engine, np.zeros(256, np.float32))               # installed at the next block
    for name, value in knobs.items():
        engine.handle({"op": "knob", "slot": "effect", "name": name, "value": value})
    silence = np.zeros(RATE // 5, np.float32)
    settled = run_blocks(engine, silence)
    engine.handle({"op": "panic"})
    after = run_blocks(engine, silence)
    assert np.max(np.abs(after[:RATE // 100])) < 0.01, np.max(np.abs(after[:RATE // 100]))
    assert np.max(np.abs(settled[RATE // 10:])) < 2e-3
