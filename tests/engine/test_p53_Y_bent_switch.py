"""A bent low note held across a program change (fifty-third stop): the synth's bend warning (a note the wheel carries
under 20 Hz, device/audio/synth_low.py HeldNotes) follows the player's hands through a switch of synth packs, also to
a unit the loader kept in its cache, which forgets what it held before (SynthSource.clear_warnings at its reset) and
learns what is held now from the engine's replay of the performance (device/audio/held.py)."""
from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import numpy as np
import pytest

from device.audio.engine import Engine, EngineConfig
from device.audio.swap import Swapper
from device.control import validate
from export.pack import MANIFEST, SIGNATURE, read_pack, write_pack

RATE, BLOCK = 48000, 128
FACTORY = Path(__file__).parents[2] / "factory" / "synth-gm4.hatpack"


def _bent(note: int, pack: str) -> str:
    return (f"note {note} is bent under 20 Hz on '{pack}': its harmonics under 20 Hz are faded out (gone under 16 Hz) "
            f"while the bend lasts")


class _Box:
    """An engine with the box's loader and its unit cache, played block by block."""

    def __init__(self) -> None:
        self.eng = Engine(EngineConfig(rate=RATE, block=BLOCK, live_input=False))
        self.swapper = Swapper(self.eng, warm_s=0.02, budget=50.0).start()

    def play(self, seconds: float) -> None:
        y = np.zeros(BLOCK, np.float32)
        for _ in range(int(round(seconds * RATE / BLOCK))):
            self.eng.process(None, y)

    def send(self, msg: dict) -> None:
        self.eng.handle(validate(msg))
        self.play(0.02)

    def load(self, path: Path) -> dict:
        info = self.swapper.load("synth", path)
        self.play(0.1)
        return info

    def load_cached(self, path: Path) -> dict:
        """``path`` again, once the loader keeps its unit at rest (the unit it let go of)."""
        end = time.monotonic() + 5.0
        while not self.swapper.cache._kept and time.monotonic() < end:
            time.sleep(0.01)
        info = self.load(path)
        assert info.get("cached") is True
        return info

    def warnings(self) -> list[str]:
        return list(self.eng.status()["active"]["synth"].get("warnings", []))


@pytest.fixture()
def box_ab(tmp_path: Path):
    """A box and two copies of the factory synth, named "a" and "b" (their paths)."""
    if not FACTORY.exists():
        pytest.skip("the factory synth pack is not built here")
    pack = read_pack(FACTORY)
    paths = []
    for name in ("a", "b"):
        path = tmp_path / f"{name}.hatpack"
        write_pack(path, dataclasses.replace(pack.manifest, name=name),
                   {k: v for k, v in pack.members.items() if k not in (MANIFEST, SIGNATURE)})
        paths.append(path)
    box = _Box()
    try:
        yield box, paths[0], paths[1]
    finally:
        box.swapper.stop()


def test_a_bent_low_note_held_across_program_changes_is_named_on_each_pack(box_ab) -> None:
    """Note 17 (21.8 Hz) bent down a whole tone (19.4 Hz) and held while "b", then "a" from the cache, come in: each
    names it, as the unit it replaced did."""
    box, a, b = box_ab
    box.load(a)
    box.send({"op": "note_on", "note": 17, "velocity": 100})
    box.send({"op": "bend", "value": -1.0})
    assert box.warnings() == [_bent(17, "a")]
    box.load(b)
    assert box.warnings() == [_bent(17, "b")]
    box.load_cached(a)
    assert box.warnings() == [_bent(17, "a")]


def test_a_note_let_go_of_on_another_pack_is_not_bent_on_the_cached_one(box_ab) -> None:
    """Note 17 held unbent on "a", let go of on "b"; "a" back from the cache, the wheel down: no note is held, none
    is bent (a tracker kept from before would name 17); a note struck then is."""
    box, a, b = box_ab
    box.load(a)
    box.send({"op": "note_on", "note": 17, "velocity": 100})
    box.load(b)
    box.send({"op": "note_off", "note": 17})
    box.load_cached(a)
    box.send({"op": "bend", "value": -1.0})
    assert box.warnings() == []
    box.send({"op": "note_on", "note": 16, "velocity": 100})
    assert box.warnings() == [_bent(16, "a")]
