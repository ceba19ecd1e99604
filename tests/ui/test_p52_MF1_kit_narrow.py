"""p52 final read FR4 findings 2 and 3, the Kit page on a 320x480 panel: the latch button's messages were cut in the
tab bar before the words that give the result ("D#2: a tap starts its loop, the next tap st..."), and a latched pad
showed a dot where a held loop showed "loop".  Now the messages have shorter wordings that keep "latched", and the
pad's mark falls back to a smaller "latch" before a dot."""
from __future__ import annotations

from typing import Any

from device.ui import draw as D
from device.ui.events import Touch
from device.ui.panel import MESSAGE_SIZE, Panel
from tests.ui.conftest import find_text
from tests.ui.test_kit_page import _pad, _panel, _press

SIZE = (320, 480)


def _shown(panel: Panel) -> str:
    """The message as the tab bar draws it (the first wording that fits, else the last cut)."""
    return D.fit(panel.ctx.fonts, panel.state.toast_lines()[0], MESSAGE_SIZE, SIZE[0] - 20)


def _pick(panel: Panel, note: int) -> None:
    r = _pad(panel, note)
    panel.handle(Touch("down", 1, *r.center))
    panel.handle(Touch("up", 1, *r.center))


def test_p52_MF1_latch_messages_keep_their_result_at_320(pg: Any) -> None:
    panel = _panel(size=SIZE)
    _pick(panel, 39)                                          # D#2: the widest of a note's names
    _press(panel, "loop")
    assert _shown(panel).startswith("D#2 loops while held"), _shown(panel)
    _press(panel, "latch")
    assert panel.state.toast == "D#2: a tap starts its loop, the next tap stops it (latched)"   # as box-kit says
    assert "latched" in _shown(panel) and not _shown(panel).endswith("..."), _shown(panel)
    _press(panel, "latch")
    assert "no longer latched" in _shown(panel) and not _shown(panel).endswith("..."), _shown(panel)
    _press(panel, "latch")
    _press(panel, "loop")
    assert "not latched" in _shown(panel) or "no longer latched" in _shown(panel), _shown(panel)


def test_p52_MF1_a_latched_pad_says_latch_on_a_320_px_panel(pg: Any) -> None:
    panel = _panel(size=SIZE)
    _pick(panel, 39)
    _press(panel, "loop")
    _press(panel, "latch")
    assert panel.ctx.data.kit.pads()[39].latch
    surface = pg.Surface(SIZE)
    panel.page.draw(surface)
    r = _pad(panel, 39)
    found = [p for size in (18, 14) for p in find_text(surface, "latch", size, D.DIM) if r.collidepoint(p)]
    assert found, "no 'latch' on the latched pad"
