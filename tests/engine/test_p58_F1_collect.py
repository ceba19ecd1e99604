"""p58 F1 (handover): the loader lets go of a retired unit it does not keep through device/audio/unit_release.py,
so a big model's memory goes back outside the GIL (a plain drop freed it holding the GIL, 6-22 ms for 35 MiB)."""
from __future__ import annotations

from device.audio import swap
from device.audio.engine import Engine, EngineConfig
from device.audio.swap import Swapper, build_unit
from export.pack import read_pack
from tests.api.packs import gain_pack


def test_collect_gives_back_a_retired_units_big_model(tmp_path, monkeypatch):
    given: list[int] = []
    real = swap.let_go
    monkeypatch.setattr(swap, "let_go", lambda units: given.append(real(units)) or given[-1])
    engine = Engine(EngineConfig(rate=48000, block=128))
    loader = Swapper(engine, cache_units=0)              # keeps nothing: every retired unit is let go of
    pack = read_pack(gain_pack(tmp_path / "big.hatpack", pad_bytes=3 << 20))
    size = len(pack.model_bytes)
    engine.graveyard.append(build_unit(pack, "effect", 48000, 1))
    del pack
    assert loader.collect() == 1
    assert given and given[0] >= size - (64 << 10)
