"""p52 final read FR1 finding 4: `box-kit --map C4 loops/pad.wav` over C4's own file said "C4 plays loops/pad.wav as
before, once per strike" when C4 had looped until then ("as before" read as if the play mode was unchanged).  Now,
with the kit read before the map, the change is said."""
from __future__ import annotations

from typing import Any

from hatbox.kit_words import was_lines


def _kit(loop: bool, replaced: bool = True) -> dict[str, Any]:
    note = {"note": 60, "name": "C4", "library": "a", "file": "loops/pad.wav", "loop": loop}
    return {"notes": [note], "replaced": [dict(note)] if replaced else []}


def test_p52_MF1_a_remap_that_changes_the_loop_says_so() -> None:
    assert was_lines(_kit(False), _kit(True, False)) == [
        "C4 plays loops/pad.wav as before, now once per strike (it looped while held)"]
    assert was_lines(_kit(True), _kit(False, False)) == [
        "C4 plays loops/pad.wav as before, now looped while held (it played once per strike)"]


def test_p52_MF1_a_remap_as_it_was_or_not_known_is_said_as_before() -> None:
    assert was_lines(_kit(True), _kit(True, False)) == ["C4 plays loops/pad.wav as before, looped while held"]
    assert was_lines(_kit(False)) == ["C4 plays loops/pad.wav as before, once per strike"]       # no kit before
    assert was_lines(_kit(False), None) == was_lines(_kit(False), {"notes": "?"})
