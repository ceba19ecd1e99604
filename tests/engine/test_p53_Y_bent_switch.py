"""A bent low note held across a program change (fifty-third stop): the synth's bend warning (a note the wheel carries
under 20 Hz, device/audio/synth_low.py HeldNotes) follows the player's hands through a switch of synth packs, also to
a unit the loader kept in its cache, which forgets what it held before (SynthSource.clear_warnings at its reset) and
learns what is held now from the engine's replay of the performance (device/audio/held.py)."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from export.pack import MANIFEST, SIGNATURE, read_pack, write_pack
from tests.engine.synth_box import SynthBox

FACTORY = Path(__file__).parents[2] / "factory" / "synth-gm4.hatpack"


def _bent(note: int, pack: str) -> str:
    return (f"note {note} is bent under 20 Hz on '{pack}': its harmonics under 20 Hz are faded out (gone under 16 Hz) "
            f"while the bend lasts")


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
    box = SynthBox()
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
