"""Forty-fifth stop: the loader's unit cache (device/audio/unit_cache.py) is bounded in bytes too, not only in units
per slot: 4 kept synths of the factory's size are 11 MiB, but 4 of a user's big pack could be hundreds.  A unit's
bytes are estimated from its pack (``unit_bytes``: 1 MiB + 3 x its ONNX model + its other members), the least
recently used dropped first; a unit bigger than the whole bound is not kept (and pushes nothing out); the unit a slot
plays is the engine's: never counted, never dropped.  And the cache and the loader use public seams of the engine and
its slots (``Engine.holds``, ``Slot.forget_dc_blocker``), no private attribute of theirs."""
from __future__ import annotations

import ast
import inspect
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest

from device.audio import swap as swap_mod
from device.audio import unit_cache as cache_mod
from device.audio.engine import Engine, EngineConfig
from device.audio.unit_cache import MODEL_COPIES, UNIT_BASE_BYTES, PackKey, UnitCache, content_key, unit_bytes
from export.pack import MODEL, read_pack, write_pack
from tests.engine.packs import effect_pack
from tests.engine.test_p44_unit_cache import Rig

MIB = 1 << 20
FACTORY = Path(__file__).resolve().parents[2] / "factory"


class Unit:
    """The least a kept unit needs: ``reset`` and a quiet ``process``."""

    def reset(self) -> None:
        pass

    def process(self, x: np.ndarray) -> np.ndarray:
        return np.zeros_like(x)


def _retire(cache: UnitCache, path: Path, slot: str, cost: int) -> Unit:
    """A unit of ``path``'s pack, estimated ``cost`` bytes, prepared (issued) and let go of (retired)."""
    unit = Unit()
    key, stamp = content_key(slot, path)
    cache.issue(unit, key, path, stamp, {"name": path.stem, "unit_bytes": cost})
    cache.retire(unit)
    return unit


def _packs(tmp_path: Path, n: int, stem: str = "p") -> list[Path]:
    """``n`` files of 64 bytes, each its own content (what the cache keys a unit by)."""
    out = []
    for i in range(n):
        out.append(tmp_path / f"{stem}{i}.hatpack")
        out[-1].write_bytes(stem.encode() + bytes([i]) * 64)
    return out


def test_the_estimate_is_a_base_plus_three_copies_of_the_model_and_the_rest() -> None:
    members = {MODEL: b"m" * (2 * MIB), "golden.npz": b"g" * 1000}
    assert unit_bytes(members) == UNIT_BASE_BYTES + MODEL_COPIES * 2 * MIB + 1000
    drive = unit_bytes(read_pack(FACTORY / "effect-drive.hatpack").members)
    assert 0.8 * MIB < drive < 1.5 * MIB                        # measured: 0.82 MiB per kept unit


def test_a_slot_of_big_units_keeps_under_its_bytes_the_least_recently_used_dropped(tmp_path: Path) -> None:
    cache = UnitCache(per_slot=4, per_slot_bytes=64 * MIB)
    paths = _packs(tmp_path, 6)
    units = [_retire(cache, p, "synth", 20 * MIB) for p in paths]
    assert cache.bytes("synth") <= 64 * MIB and cache.units("synth") == units[-3:]     # 3 of 20 MiB, not 4
    small = _retire(cache, _packs(tmp_path, 1, "e")[0], "effect", MIB)
    assert cache.units("effect") == [small] and cache.units("synth") == units[-3:]     # per slot
    assert cache.stats()["bytes"] == 61 * MIB and cache.dropped == 3


def test_the_count_bound_still_holds_for_small_units(tmp_path: Path) -> None:
    cache = UnitCache(per_slot=4, per_slot_bytes=64 * MIB)
    units = [_retire(cache, p, "effect", MIB) for p in _packs(tmp_path, 6)]
    assert cache.units("effect") == units[-4:]


def test_a_unit_bigger_than_the_bound_is_not_kept_and_pushes_nothing_out(tmp_path: Path) -> None:
    cache = UnitCache(per_slot=4, per_slot_bytes=64 * MIB)
    paths = _packs(tmp_path, 3)
    kept = [_retire(cache, p, "effect", 10 * MIB) for p in paths[:2]]
    _retire(cache, paths[2], "effect", 65 * MIB)
    assert cache.units("effect") == kept and cache.bytes("effect") == 20 * MIB


def test_a_unit_without_an_estimate_counts_its_pack_file(tmp_path: Path) -> None:
    cache = UnitCache(per_slot=4, per_slot_bytes=64 * MIB)
    path = _packs(tmp_path, 1)[0]
    key, stamp = content_key("effect", path)
    unit = Unit()
    cache.issue(unit, key, path, stamp, {"name": "p"})
    assert cache.retire(unit) and cache.bytes() == UNIT_BASE_BYTES + MODEL_COPIES * 65


def _padded(path: Path, name: str, value: float, pad: int) -> Path:
    """A gain effect pack with a ``pad``-byte extra member (a bigger pack: its unit keeps every member)."""
    pack = read_pack(effect_pack(path, "gain", value, name=name))
    members = {k: v for k, v in pack.members.items() if k.endswith((".onnx", ".npz"))}
    return write_pack(path, pack.manifest, {**members, "pad.npy": np.random.default_rng(0).bytes(pad)})


@pytest.fixture
def rig(monkeypatch: pytest.MonkeyPatch) -> Iterator[Rig]:
    r = Rig(monkeypatch)
    yield r
    r.swapper.stop()


def test_the_pack_being_played_is_never_dropped_and_the_kept_stay_under_the_bound(rig: Rig, tmp_path: Path) -> None:
    packs = [_padded(tmp_path / f"g{i}.hatpack", f"g{i}", -1.0 - i, MIB) for i in range(5)]   # about 2 MiB each
    rig.swapper.cache.per_slot_bytes = 5 * MIB                                                  # room for 2
    for i, pack in enumerate(packs):
        info = rig.switch(pack)
        assert info["unit_bytes"] > 2 * MIB and rig.swapper.cache.bytes("effect") <= 5 * MIB
        assert abs(rig.level() - 0.1 * 10 ** ((-1.0 - i) / 20)) < 1e-3      # what plays is the pack asked for
        assert rig.engine.holds(rig.unit) and rig.unit not in rig.swapper.cache.units()
    assert rig.kept(["g2", "g3"]) == ["g2", "g3"]
    assert rig.switch(packs[3]).get("cached") is True and rig.switch(packs[0]).get("cached") is None


def test_a_pack_bigger_than_the_bound_plays_and_is_not_kept(rig: Rig, tmp_path: Path) -> None:
    small, other = (effect_pack(tmp_path / f"{n}.hatpack", "gain", v, name=n) for n, v in (("s", -6.0), ("o", -9.0)))
    big = _padded(tmp_path / "big.hatpack", "big", -3.0, 3 * MIB)
    rig.swapper.cache.per_slot_bytes = 3 * MIB
    rig.switch(small)
    rig.switch(big)
    assert abs(rig.level() - 0.1 * 10 ** (-3 / 20)) < 1e-3          # it plays
    rig.switch(other)
    assert rig.switch(big).get("cached") is None                    # the big one let go of was not kept ...
    assert rig.swapper.cache.dropped == 1 and rig.kept(["s", "o"]) == ["s", "o"]     # ... and pushed nothing out


def test_engine_holds_says_what_the_engine_plays_or_has_installed() -> None:
    engine = Engine(EngineConfig(rate=48000, block=128))
    unit, other = Unit(), Unit()
    engine.install("effect", unit, {"name": "u"})
    assert engine.holds(unit) and not engine.holds(other)          # installed, not switched to yet
    engine.process(np.zeros(128, np.float32), np.zeros(128, np.float32))
    assert engine.holds(unit)                                      # playing
    engine.handle({"op": "unload", "slot": "effect"})
    for _ in range(20):
        engine.process(np.zeros(128, np.float32), np.zeros(128, np.float32))
    assert not engine.holds(unit)                                  # let go of


def test_slot_forget_dc_blocker_gives_the_unit_a_new_one() -> None:
    engine = Engine(EngineConfig(rate=48000, block=128))
    slot, unit = engine.slots["effect"], Unit()
    first = slot._dc_block(unit)
    slot.forget_dc_blocker(unit)
    assert slot._dc_block(unit) is not first


def _private_reads(module: Any) -> list[str]:
    """Attributes with a leading underscore read off anything but ``self`` in ``module``'s source."""
    tree = ast.parse(inspect.getsource(module))
    return sorted({f"{ast.unparse(n.value)}.{n.attr}" for n in ast.walk(tree) if isinstance(n, ast.Attribute)
                   and n.attr.startswith("_") and not n.attr.startswith("__")
                   and not (isinstance(n.value, ast.Name) and n.value.id in ("self", "cls"))})


def test_the_loader_and_its_cache_read_no_private_attribute_of_another_object() -> None:
    assert _private_reads(swap_mod) == [] and _private_reads(cache_mod) == []
    assert PackKey("effect", "x").slot == "effect"
