"""Prepared units kept for a pack switched in again (forty-fourth stop, device/audio/unit_cache.py): a program change
back to a pack played before took 0.45 s (read, verify, golden, warm, gain limit) every time.  Now the loader keeps
the units the engine lets go of, at rest, keyed by the pack file's content, and installs one at once: a second
load of the same pack skips the golden check; a changed file is prepared fresh; at most ``per_slot`` kept per slot;
no tail from before comes back; the knobs are the knob memory's; a refused pack is never kept."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

import device.audio.swap as swap_mod
from device.audio.engine import Engine, EngineConfig
from device.audio.swap import Swapper
from device.audio.unit_cache import UnitCache, content_key, rest
from export.manifest import Manifest, StateSpec, TensorSpec
from export.pack import GOLDEN, MODEL, golden_bytes, read_pack, write_pack
from hatbox.errors import PackError
from tests.engine.packs import OPSET, effect_pack
from tests.engine.test_p42_knobs_carry import capture, drive, tone

RATE, BLOCK, ECHO = 48000, 128, 4800          # the echo pack's delay: 100 ms


def echo_pack(path: Path, name: str = "echo") -> Path:
    """An effect with a 100 ms tail: y[n] = x[n] + 0.5 x[n - 4800], its last 4800 input samples carried as state
    [1, 4800] (a delay's, a reverb's or a recurrent network's state: what a unit switched out holds)."""
    def const(n: str, v: list[int]) -> onnx.NodeProto:
        return helper.make_node("Constant", [], [n], value=helper.make_tensor(n, TensorProto.INT64, [1], v))
    nodes = [const("zero", [0]), const("cut", [-ECHO]), const("big", [1 << 30]), const("axis", [1]),
             helper.make_node("Constant", [], ["half"], value=helper.make_tensor("half", TensorProto.FLOAT, [], [0.5])),
             helper.make_node("Concat", ["state_in", "audio_in"], ["cat"], axis=1),
             helper.make_node("Slice", ["cat", "zero", "cut", "axis"], ["late"]),
             helper.make_node("Slice", ["cat", "cut", "big", "axis"], ["state_out"]),
             helper.make_node("Mul", ["late", "half"], ["wet"]),
             helper.make_node("Add", ["audio_in", "wet"], ["audio_out"])]
    io = [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in
          (("audio_in", [1, "T"]), ("state_in", [1, ECHO]), ("audio_out", [1, "T"]), ("state_out", [1, ECHO]))]
    model = helper.make_model(helper.make_graph(nodes, "echo", io[:2], io[2:]),
                              opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8
    x = (0.1 * np.sin(np.arange(256) * 0.05)).astype(np.float32)[None]
    state = np.zeros((1, ECHO), np.float32)
    outs = {"audio_out": x.copy(), "state_out": np.concatenate([state, x], axis=1)[:, -ECHO:]}
    manifest = Manifest(kind="effect", name=name, version="0.1.0", sample_rate=RATE,
                        inputs=[TensorSpec("audio_in", (1, "T")), TensorSpec("state_in", (1, ECHO))],
                        outputs=[TensorSpec("audio_out", (1, "T")), TensorSpec("state_out", (1, ECHO))],
                        state=[StateSpec("state_in", "state_out", (1, ECHO))],
                        golden={"file": GOLDEN, "atol": 1e-5, "rtol": 1e-4}, extras={"contract": "effect-v1"})
    return write_pack(path, manifest, {MODEL: model.SerializeToString(),
                                       GOLDEN: golden_bytes({"audio_in": x, "state_in": state}, outs)})


class Rig:
    """An engine and its loader, golden checks counted; ``switch`` loads a pack and plays past its crossfade."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, per_slot: int = 4) -> None:
        self.engine = Engine(EngineConfig(rate=RATE, block=BLOCK))
        self.swapper = Swapper(self.engine, warm_s=0.02, budget=50.0, cache_units=per_slot).start()
        self.goldens: list[str] = []
        real = swap_mod.golden_check

        def counted(unit: Any, pack: Any) -> float:
            self.goldens.append(pack.manifest.name)
            return real(unit, pack)
        monkeypatch.setattr(swap_mod, "golden_check", counted)

    def switch(self, path: Path, x: np.ndarray | None = None) -> dict[str, Any]:
        info = self.swapper.load("effect", path)
        self.play(np.zeros(20 * BLOCK, np.float32) if x is None else x)
        return info

    def play(self, x: np.ndarray) -> np.ndarray:
        y = np.zeros_like(x)
        for s in range(0, x.shape[0], BLOCK):
            self.engine.process(x[s:s + BLOCK], y[s:s + BLOCK])
        return y

    def level(self) -> float:
        """The peak output of a 0.1-peak 1 kHz tone through what plays (its last 10 ms)."""
        x = (0.1 * np.sin(2 * np.pi * 1000 * np.arange(RATE // 10) / RATE)).astype(np.float32)
        return float(np.max(np.abs(self.play(x)[-RATE // 100:])))

    @property
    def unit(self) -> Any:
        return self.engine._incoming["effect"]

    def kept(self, want: list[str]) -> list[str]:
        """The names of the packs whose units the cache keeps, once they are ``want`` (the loader's thread keeps a
        unit let go of within its 50 ms idle poll) or after 5 s."""
        end = time.monotonic() + 5.0
        while True:
            names = [k.info["name"] for k in list(self.swapper.cache._kept.values())]
            if names == want or time.monotonic() > end:
                return names
            time.sleep(0.01)

    def knobs(self) -> dict[str, float]:
        return self.engine.status()["slot_knobs"]["effect"]


@pytest.fixture
def rig(monkeypatch: pytest.MonkeyPatch) -> Iterator[Rig]:
    r = Rig(monkeypatch)
    yield r
    r.swapper.stop()


def test_a_second_load_of_the_same_pack_reuses_its_unit_and_skips_the_checks(rig: Rig, tmp_path: Path) -> None:
    a = effect_pack(tmp_path / "a.hatpack", "gain", -6.0, name="a")
    b = effect_pack(tmp_path / "b.hatpack", "gain", -3.0, name="b")
    first = rig.switch(a)
    unit_a = rig.unit
    rig.switch(b)
    again = rig.switch(a)
    assert rig.goldens == ["a", "b"]                      # was ["a", "b", "a"]: read, golden, warm each time
    assert rig.unit is unit_a and again["cached"] is True and "cached" not in first
    assert {k: again[k] for k in ("name", "golden_err", "gain_max")} == {k: first[k] for k in ("name", "golden_err",
                                                                                                 "gain_max")}
    assert abs(rig.level() - 0.1 * 10 ** (-6 / 20)) < 1e-3                 # and it plays as a does
    assert rig.swapper.cache.hits == 1


def test_a_changed_file_at_the_same_path_is_prepared_fresh(rig: Rig, tmp_path: Path) -> None:
    path = tmp_path / "p.hatpack"
    effect_pack(path, "gain", -6.0, name="p")
    other = effect_pack(tmp_path / "o.hatpack", "gain", 0.0, name="o")
    rig.switch(path)
    old = rig.unit
    rig.switch(other)
    effect_pack(tmp_path / "new.hatpack", "gain", -12.0, name="p").replace(path)     # same size, new content
    info = rig.switch(path)
    assert rig.goldens == ["p", "o", "p"] and rig.unit is not old and "cached" not in info
    assert abs(rig.level() - 0.1 * 10 ** (-12 / 20)) < 1e-3
    assert all(u is not old for u in rig.swapper.cache.units())                        # the old one was dropped


def test_a_deleted_pack_is_refused_and_its_unit_dropped(rig: Rig, tmp_path: Path) -> None:
    path = effect_pack(tmp_path / "p.hatpack", "gain", -6.0, name="p")
    rig.switch(path)
    rig.switch(effect_pack(tmp_path / "o.hatpack", "gain", 0.0, name="o"))
    assert rig.kept(["p"]) == ["p"]
    path.unlink()
    with pytest.raises(PackError, match="no pack at"):
        rig.switch(path)
    assert rig.kept([]) == [] and rig.swapper.cache.dropped == 1


def test_at_most_per_slot_units_are_kept_the_least_recently_used_dropped(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    rig = Rig(monkeypatch, per_slot=2)
    try:
        packs = [effect_pack(tmp_path / f"{n}.hatpack", "gain", -float(i), name=n) for i, n in enumerate("abcd")]
        for p in packs[:3]:
            rig.switch(p)                     # kept: a, b (c plays)
        rig.switch(packs[3])                  # c comes in: a, the least recently used, goes
        assert rig.kept(["b", "c"]) == ["b", "c"]
        rig.switch(packs[0])                  # prepared fresh; d kept, b goes
        assert rig.goldens == ["a", "b", "c", "d", "a"]
        rig.switch(packs[2])                  # c: kept, taken
        assert rig.goldens == ["a", "b", "c", "d", "a"] and len(rig.swapper.cache) <= 2
        rig.swapper.stop()
        assert len(rig.swapper.cache) == 0    # emptied at stop
    finally:
        rig.swapper.stop()


def test_a_tail_from_before_does_not_come_back(rig: Rig, tmp_path: Path) -> None:
    echo = echo_pack(tmp_path / "echo.hatpack")
    dry = effect_pack(tmp_path / "dry.hatpack", "gain", 0.0, name="dry")
    loud = (0.5 * np.sin(2 * np.pi * 220 * np.arange(RATE // 2) / RATE)).astype(np.float32)
    rig.switch(echo, loud)
    unit = rig.unit
    assert np.max(np.abs(unit.model.snapshot()["state_in"])) > 0.4             # a tail in its delay line
    rig.switch(dry, loud[:20 * BLOCK])        # switched away while the tone plays
    stale = rig.engine.slots["effect"]._dc[id(unit)][1]      # the slot still holds its DC blocker
    info = rig.switch(echo)                   # back: silence in
    assert rig.unit is unit and info["cached"] is True
    assert float(np.max(np.abs(rig.play(np.zeros(RATE // 5, np.float32))))) < 0.005   # silence out (the tail: 0.25)
    assert rig.engine.slots["effect"]._dc[id(unit)][1] is not stale                      # a new one, as a fresh unit


def test_a_kept_unit_comes_back_with_the_knobs_the_knob_memory_gives(rig: Rig, tmp_path: Path) -> None:
    a = capture(tmp_path / "a.hatpack", "ts9-a", drive(), tone())
    b = capture(tmp_path / "b.hatpack", "ts9-b", drive(default=6.0), tone(default=2000.0))
    rig.switch(Path(a))
    unit_a = rig.unit
    rig.engine.handle({"op": "knob", "slot": "effect", "name": "tone", "value": 5000.0})
    rig.switch(Path(b))
    rig.engine.handle({"op": "knob", "slot": "effect", "name": "drive", "value": 20.0})   # turned on b
    rig.switch(Path(a))
    assert rig.unit is unit_a and rig.knobs() == {"drive": 20.0, "tone": 5000.0}
    assert np.allclose(unit_a.smoother.state, unit_a.smoother.target)       # at rest there, not gliding
    rig.engine.handle({"op": "unload", "slot": "effect"})                  # the knob memory keeps them (p46)
    rig.play(np.zeros(20 * BLOCK, np.float32))
    rig.switch(Path(a))
    assert rig.unit is unit_a and rig.knobs() == {"drive": 20.0, "tone": 5000.0}      # as set, not a's defaults
    assert np.allclose(unit_a._rest_knobs, unit_a.smoother.target)
    assert rig.goldens == ["ts9-a", "ts9-b"]


@pytest.mark.parametrize("why", ["golden", "realtime"])
def test_a_refused_pack_is_never_kept(rig: Rig, tmp_path: Path, why: str) -> None:
    path = effect_pack(tmp_path / "r.hatpack", "broken" if why == "golden" else "gain", 0.0, name="r")
    if why == "realtime":
        rig.swapper.budget = 0.0
    for _ in range(2):
        with pytest.raises(PackError):
            rig.switch(path)
    assert rig.goldens == ["r", "r"] and len(rig.swapper.cache) == 0 and len(rig.swapper.cache._issued) == 0


def test_a_kept_synth_comes_back_with_no_voice_and_its_pad_at_rest() -> None:
    from device.audio.synth import SynthSource
    synth = SynthSource(read_pack(Path(__file__).resolve().parents[2] / "factory" / "synth-gm4.hatpack"), RATE)
    synth.handle({"op": "note_on", "note": 60, "velocity": 100})
    synth.handle({"op": "xy", "x": 0.7, "y": 0.2})
    out = np.zeros(4 * BLOCK, np.float32)
    synth.render(out)
    assert synth.active_voices > 0 and np.max(np.abs(out)) > 0
    rest(synth)
    synth.render(out)
    assert synth.active_voices == 0 and synth.xy == (0.0, 0.0) and np.max(np.abs(out)) == 0.0


def test_the_key_is_the_files_content(tmp_path: Path) -> None:
    a = effect_pack(tmp_path / "a.hatpack", "gain", -6.0, name="a")
    b = tmp_path / "b.hatpack"
    b.write_bytes(a.read_bytes())
    assert content_key("effect", a)[0] == content_key("effect", b)[0] != content_key("synth", a)[0]
    assert content_key("effect", tmp_path / "gone.hatpack") is None
    time.sleep(0.01)
    effect_pack(a, "gain", -3.0, name="a")
    assert content_key("effect", a)[0] != content_key("effect", b)[0]
    assert len(UnitCache()) == 0


def test_a_prewarmed_pack_is_installed_at_once_and_a_prewarm_gives_way_to_a_load(rig: Rig, tmp_path: Path) -> None:
    a = effect_pack(tmp_path / "a.hatpack", "gain", -6.0, name="a")
    b = effect_pack(tmp_path / "b.hatpack", "gain", -3.0, name="b")
    rig.switch(a)
    rig.engine.handle({"op": "prewarm", "slot": "effect", "path": str(b)})     # the control message
    rig.engine.handle({"op": "prewarm", "slot": "effect", "path": str(a)})     # plays: nothing to do
    assert rig.kept(["b"]) == ["b"] and rig.goldens == ["a", "b"]
    assert rig.switch(b)["cached"] is True and rig.goldens == ["a", "b"]
    with pytest.raises(swap_mod.Preempted):                                      # a load came: it gives way
        rig.swapper.prepare_fresh("effect", effect_pack(tmp_path / "c.hatpack", "gain", 0.0, name="c"),
                                  abort=lambda: True)
    assert rig.kept(["a"]) == ["a"] and len(rig.swapper.cache._issued) == 1     # a kept, b plays; c never
