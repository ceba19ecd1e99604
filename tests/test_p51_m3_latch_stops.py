"""p51 M3 (1): a latched loop stops once its note no longer latches.  A note given a one-shot (box-kit --map without
--loop, the panel's loop button on a latched pad, a new kit) or `--no-latch` kept its latched voice, deaf to its
note-offs and to strikes: it played on for good (reproduced: PATCH 70 latch, note on/off, PUT 70 loop false, strikes:
still sounding 6 s later).  The sampler now unlatches on any mapping that does not latch, and the kit chokes the
latched loop."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from device.api.kit_routes import KitKeeper
from device.audio.sampler import SamplerSource
from device.kit import KitNote
from tests.api.kit_helpers import held_level, kit_with_a_hand_loop
from tests.sampler_helpers import RATE
from tests.sampler_helpers import level as _level
from tests.sampler_helpers import tone_file as _wav





def _latched_and_let_go(s: SamplerSource, path: Path) -> None:
    s.handle({"op": "sample", "path": str(path), "velocity": 0, "note": 60, "loop": True, "latch": True})
    s.handle({"op": "note_on", "note": 60, "velocity": 100})
    s.handle({"op": "note_off", "note": 60})
    assert _level(s) > 0.1                                       # latched: plays on


@pytest.mark.parametrize("mapping", [{"loop": False}, {"loop": True}, {"loop": True, "latch": False}])
def test_the_sampler_unlatches_a_note_mapped_anew_without_latch(tmp_path: Path, mapping: dict[str, Any]) -> None:
    s = SamplerSource(RATE)
    _latched_and_let_go(s, _wav(tmp_path / "loop.wav"))
    s.handle({"op": "sample", "path": str(_wav(tmp_path / "hit.wav", 0.05)), "velocity": 0, "note": 60, **mapping})
    assert _level(s) > 0.1                                       # the sampler alone does not stop it ...
    s.handle({"op": "note_off", "note": 60})                    # ... but its note-off now does
    _level(s, 4)
    assert _level(s) == 0.0 and s.active_voices == 0


def test_a_latched_mapping_anew_keeps_the_loop_latched(tmp_path: Path) -> None:
    s = SamplerSource(RATE)
    loop = _wav(tmp_path / "loop.wav")
    _latched_and_let_go(s, loop)
    s.handle({"op": "sample", "path": str(loop), "velocity": 0, "note": 60, "loop": True, "latch": True, "choke": 3})
    s.handle({"op": "note_off", "note": 60})
    assert _level(s) > 0.1


def test_which_changes_stop_a_latched_loop() -> None:
    from device.kit import stops_latched
    latched = KitNote(60, "lib", "loop.wav", loop=True, latch=True)
    assert stops_latched(latched, KitNote(60, "lib", "loop.wav"))                       # a one-shot
    assert stops_latched(latched, KitNote(60, "lib", "loop.wav", loop=True))            # --no-latch
    assert stops_latched(latched, KitNote(60, "lib", "b.wav", loop=True, latch=True))   # another file
    assert stops_latched(latched, None)
    assert not stops_latched(latched, KitNote(60, "lib", "loop.wav", loop=True, latch=True, choke=2))
    assert not stops_latched(KitNote(60, "lib", "loop.wav", loop=True), KitNote(60, "lib", "x.wav"))


def test_the_keeper_chokes_a_latched_loop_given_a_one_shot(tmp_path: Path) -> None:
    s = SamplerSource(RATE)
    box = SimpleNamespace(control=SimpleNamespace(send=s.handle),
                          libraries=SimpleNamespace(get=lambda lid: {"id": lid}, files_path=lambda lid: tmp_path))
    _wav(tmp_path / "loop.wav")
    keeper = KitKeeper(tmp_path / "kit.json")
    keeper.set(box, KitNote(60, "lib", "loop.wav", loop=True, latch=True))
    _latched_and_let_go(s, tmp_path / "loop.wav")
    keeper.replace(box, {60: KitNote(60, "lib", "loop.wav")})    # a new kit (box-kit --from) of a one-shot there
    _level(s, 4)
    assert _level(s) == 0.0 and s.active_voices == 0


def _latched_and_struck(box: Any, wired: Any) -> None:
    r = box.client.patch("/kit/notes/70", json={"latch": True}, headers=box.auth)
    assert r.status_code == 200, r.text
    wired.sampler.handle({"op": "note_on", "note": 70, "velocity": 127})
    wired.sampler.handle({"op": "note_off", "note": 70})
    assert held_level(wired) > 0.1


@pytest.mark.parametrize("how", ["one-shot", "no-latch"])
def test_a_latched_kit_loop_stops_when_its_note_stops_latching(tmp_path: Path, how: str) -> None:
    box, lib, wired = kit_with_a_hand_loop(tmp_path)            # note 70: kit/fx.wav looping, set by hand
    _latched_and_struck(box, wired)
    if how == "one-shot":                                        # box-kit --map 70 kit/fx.wav (no --loop)
        r = box.client.put("/kit/notes/70", json={"library": lib, "file": "kit/fx.wav", "loop": False},
                           headers=box.auth)
    else:
        r = box.client.patch("/kit/notes/70", json={"latch": False}, headers=box.auth)
    assert r.status_code == 200, r.text
    assert held_level(wired) == 0.0 and wired.sampler.active_voices == 0
