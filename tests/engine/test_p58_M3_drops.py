"""p58 M3 (R1 finding 4): every drop of a built unit on the loader's side goes through unit_release.let_go, so a
big model's memory goes back outside the GIL: a pre-warm the cache refuses or whose file changed, a pre-warm cut
short by a load (Preempted), a kept unit that fails its quiet check, and the cache cleared."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from device.audio import swap, unit_cache
from device.audio.engine import Engine, EngineConfig
from device.audio.swap import Preempted, Swapper
from device.audio.unit_cache import content_key
from tests.api.packs import gain_pack

MIB = 1 << 20


def recorded(monkeypatch: pytest.MonkeyPatch, module: Any) -> list[int]:
    """The bytes each of ``module``'s let_go calls gave back."""
    given: list[int] = []
    real = module.let_go
    monkeypatch.setattr(module, "let_go", lambda units: given.append(real(units)) or given[-1])
    return given


def loader(cache_bytes: int = 1 << 30) -> Swapper:
    return Swapper(Engine(EngineConfig(rate=48000, block=128)), cache_units=2, cache_bytes=cache_bytes, warm_s=0.02)


def big(tmp_path: Path) -> Path:
    return gain_pack(tmp_path / "big.hatpack", pad_bytes=3 * MIB)


def test_a_prewarm_the_cache_refuses_is_given_back(tmp_path, monkeypatch):
    given = recorded(monkeypatch, swap)
    assert loader(cache_bytes=1).warm_into_cache("effect", big(tmp_path)) is False     # too big to keep
    assert given and given[-1] >= 3 * MIB - 64 * 1024


def test_a_prewarm_whose_file_changed_meanwhile_is_given_back(tmp_path, monkeypatch):
    given = recorded(monkeypatch, swap)
    keys = iter([("first", 1), ("changed", 2)])
    monkeypatch.setattr(swap, "content_key", lambda slot, path: next(keys))
    monkeypatch.setattr(swap.UnitCache, "holds", lambda self, key: False)
    assert loader().warm_into_cache("effect", big(tmp_path)) is False
    assert given and given[-1] >= 3 * MIB - 64 * 1024


@pytest.mark.parametrize("after", [1, 2], ids=["after the build", "inside the warm-up"])
def test_a_prewarm_cut_short_by_a_load_is_given_back(tmp_path, monkeypatch, after):
    given = recorded(monkeypatch, swap)
    asked: list[int] = []
    path = big(tmp_path)
    with pytest.raises(Preempted):
        loader().prepare_fresh("effect", path, abort=lambda: asked.append(1) or len(asked) >= after)
    assert given and given[-1] >= 3 * MIB - 64 * 1024


def kept_unit(tmp_path: Path) -> tuple[Swapper, Any]:
    """A loader whose cache keeps the big pack's unit, and its key."""
    box = loader()
    path = big(tmp_path)
    unit, _ = box.prepare("effect", path)
    box.engine.graveyard.append(unit)
    del unit
    box.collect()
    assert len(box.cache) == 1
    return box, (content_key("effect", path)[0], path)


def test_a_kept_unit_that_fails_its_quiet_check_is_given_back(tmp_path, monkeypatch):
    given = recorded(monkeypatch, unit_cache)
    box, found = kept_unit(tmp_path)
    monkeypatch.setattr(unit_cache, "quiet_check", lambda unit, block: False)
    assert box.cache.take(found[0], found[1], 128) is None and len(box.cache) == 0
    assert given and given[-1] >= 3 * MIB - 64 * 1024


def test_clearing_the_cache_gives_its_units_back(tmp_path, monkeypatch):
    given = recorded(monkeypatch, unit_cache)
    box, _ = kept_unit(tmp_path)
    box.cache.clear()
    assert len(box.cache) == 0 and given and given[-1] >= 3 * MIB - 64 * 1024
