"""p52 L: the panel's Kit page latches a looping pad (its "latch" button, beside "loop"), as `hatbox box-kit --latch
NOTE` does (PATCH /kit/notes/NOTE: the kit keeper's set_options): before, a loop latched only from the laptop."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from device.api.box_kit import BoxKit
from device.ui import draw as D
from device.ui.pages.kit import BUTTONS
from hatbox.errors import HatboxError
from tests.api.kit_helpers import kit_notes, kit_with_a_hand_loop
from tests.ui.conftest import find_text
from tests.ui.test_kit_page import _panel, _press


def test_the_latch_button_latches_a_looping_pad_and_lets_it_go(pg: Any) -> None:
    panel = _panel()
    kit, page = panel.ctx.data.kit, panel.page
    assert BUTTONS.index("latch") == BUTTONS.index("loop") + 1          # beside loop, on screen and for encoder 4
    _press(panel, "loop")
    assert kit.pads()[36].loop and not kit.pads()[36].latch
    _press(panel, "latch")
    assert kit.pads()[36].latch and kit.pads()[36].loop and kit.pads()[36].tag == "kick"
    assert panel.state.toast == "C2: a tap starts its loop, the next tap stops it (latched)"
    surface = pg.Surface((800, 480))
    page.draw(surface)
    assert find_text(surface, "latch", 18, D.DIM)                       # the word on its pad
    _press(panel, "latch")
    assert kit.pads()[36].loop and not kit.pads()[36].latch
    assert panel.state.toast == "C2: its loop plays while held (no longer latched)"


def test_a_pad_that_does_not_loop_is_not_latched(pg: Any) -> None:
    panel = _panel()
    kit = panel.ctx.data.kit
    assert not kit.pads()[36].loop
    _press(panel, "latch")
    assert not kit.pads()[36].latch and not kit.pads()[36].loop
    assert "C2 does not loop: tap loop first, then latch" in panel.state.toast


@pytest.mark.parametrize("size,pads", [((800, 480), 16), ((480, 320), 8), ((320, 480), 16)])
def test_the_five_buttons_fit_every_screen(pg: Any, size: tuple[int, int], pads: int) -> None:
    page = _panel(size=size).page
    rects = [page.buttons[n] for n in BUTTONS]
    assert all(page.rect.contains(r) for r in rects) and not any(a.colliderect(b) for i, a in enumerate(rects)
                                                               for b in rects[i + 1:])
    assert page.size == pads            # as many pads a bank as with four buttons (p52 R1: 320x480 had 12, 3 rows)
    for r in rects:                     # every label whole, at 16 px or more (a tap asking again says "press again")
        for label in ("from library", "press again", "tap again"):
            assert D.shrink_to_fit(page.ctx.fonts, label, D.BUTTON_TEXT, r.width - 12, D.BUTTON_TEXT_MIN,
                                   step=2)[0] == label


def test_the_box_s_latch_is_box_kit_s(tmp_path: Path) -> None:
    box, lib, _wired = kit_with_a_hand_loop(tmp_path)
    kit = BoxKit(box.app.state.box)
    pad = kit.latch(70, True)
    assert pad.latch and pad.loop and pad.path.endswith("kit/fx.wav") and kit.pads()[70].latch
    assert (kit_notes(box)[70]["latch"], kit_notes(box)[70]["loop"]) == (True, True)     # GET /kit: as --latch set it
    assert not kit.latch(70, False).latch and kit_notes(box)[70]["loop"]
    with pytest.raises(HatboxError, match="plays nothing"):
        kit.latch(99, True)
