"""p52 M1 (review R1, 5): the panel's tests run on MemoryKit, which said its latch was "as the box's", but its
assign made a fresh pad (no latch) where the box's (device/api/box_kit.py BoxKit, through device.kit.carried) keeps
the latch while the note still loops: a new sample over a latched loop pad behaved one way in the tests and another
on the box."""
from __future__ import annotations

from pathlib import Path

import pytest

from device.api.box_kit import BoxKit
from device.ui.kit_desk import KitDesk, MemoryKit
from tests.api.kit_helpers import kit_with_a_hand_loop


def _latched_loop_on_70(kind: str, tmp_path: Path) -> tuple[KitDesk, str]:
    """A kit (``kind``: the box's, one in memory) whose note 70 is a latched loop; a file assign takes."""
    if kind == "box":
        box, _lib, _wired = kit_with_a_hand_loop(tmp_path)
        kit: KitDesk = BoxKit(box.app.state.box)
    else:
        kit = MemoryKit(library={"fx": ["/lib/fx.wav", "/lib/fx2.wav"]})
        kit.assign(70, "/lib/fx.wav", loop=True)
    kit.latch(70, True)
    return kit, kit.pads()[36].path if kind == "box" else "/lib/fx2.wav"


@pytest.mark.parametrize("kind", ["box", "memory"])
def test_a_new_sample_over_a_latched_loop_keeps_its_latch_while_it_loops(tmp_path: Path, kind: str) -> None:
    kit, other = _latched_loop_on_70(kind, tmp_path)
    pad = kit.assign(70, other, loop=True, tag="fx")
    assert pad.latch and pad.loop and kit.pads()[70].latch and kit.pads()[70].path == other    # memory: was False
    pad = kit.assign(70, other, loop=False, tag="fx")
    assert not pad.latch and not pad.loop and not kit.pads()[70].latch           # a one-shot: its latch goes


def test_a_fresh_note_is_not_latched(tmp_path: Path) -> None:
    kit = MemoryKit(library={"fx": ["/lib/fx.wav"]})
    assert not kit.assign(71, "/lib/fx.wav", loop=True).latch
