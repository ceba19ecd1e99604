"""Pack loads without the loader's GIL pauses, for the tests that drive an engine child's blocks themselves (no audio
thread there to leave the GIL to).  device.audio.swap sleeps ``YIELD_S`` after each warm-up block and every 4 blocks of
the effect's gain probe: 288 sleeps for a load of the factory drive, 0.3-0.8 s of each load on a loaded 2-core
machine.  What a load measures and checks is unchanged (the same blocks, the same gain limit): `hatbox render`
measures it so too (device/audio/effect_render.py, no audio thread either).  Import ``quick_loads`` into a test module:
it is autouse there (and only there)."""
from __future__ import annotations

import functools

import pytest

from device.audio import swap


def no_load_pauses(monkeypatch: pytest.MonkeyPatch) -> None:
    """The loader's warm-up and gain probe in this process without their sleeps, until ``monkeypatch`` is undone."""
    monkeypatch.setattr(swap, "YIELD_S", 0.0)
    monkeypatch.setattr(swap, "effect_gain_limit", functools.partial(swap.effect_gain_limit, pause=0.0))


@pytest.fixture(autouse=True)
def quick_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    no_load_pauses(monkeypatch)
