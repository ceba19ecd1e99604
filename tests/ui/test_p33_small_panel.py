"""The Play and Effect pages on a 480x320 panel (thirty-third stop's QA): the bypass buttons read "bypass syn...",
dial values and labels were cut ("1.2 k...", "top ri..."), and the pad cursor at 0, 0 covered the bottom-left
timbre's name ("umpet")."""
from __future__ import annotations

from typing import Any

from device.ui import draw as D
from device.ui.demo import demo_data, demo_status
from device.ui.shots import scripted_panel
from tests.ui.conftest import drawn, find_text


def _page(pg: Any, title: str, size: tuple[int, int] = (480, 320)) -> Any:
    panel = scripted_panel(demo_data(), demo_status(), size)
    panel.show_title(title)
    return panel


def test_the_bypass_buttons_say_a_whole_word_on_a_small_panel(pg: Any) -> None:
    panel = _page(pg, "Play")
    surface = drawn(pg, panel)
    for slot in ("synth", "sampler"):
        btn = surface.subsurface(panel.page.bypass_btns[slot])
        assert any(find_text(btn, slot, size, D.TEXT) for size in range(24, 15, -2)), slot
    big = _page(pg, "Play", (800, 480))
    btn = drawn(pg, big).subsurface(big.page.bypass_btns["synth"])
    assert find_text(btn, "bypass synth", 24, D.TEXT)                   # the long wording where it fits


def test_a_dial_draws_its_value_smaller_before_it_cuts_it(pg: Any) -> None:
    surface = pg.Surface((120, 120))
    fonts = D.Fonts()
    D.dial(surface, fonts, (60, 50), 30, 0.5, "top right", "1.2 kHz")
    assert any(find_text(surface, "1.2 kHz", s, D.TEXT) for s in range(18, D.DIAL_TEXT_MIN - 1, -1)), "whole, smaller"
    assert any(find_text(surface, "top right", s, D.DIM) for s in range(22, D.DIAL_TEXT_MIN - 1, -1))


def test_the_cursor_at_a_corner_leaves_that_corners_name_readable(pg: Any) -> None:
    for size in ((800, 480), (480, 320)):
        panel = _page(pg, "Play", size)
        panel.ctx.state.xy = (0.0, 0.0)                                  # a fresh engine's pad position
        name = panel.page.corner_names()[2]                              # bottom left
        pad = drawn(pg, panel).subsurface(panel.page.pad)
        assert find_text(pad, name, 24, D.TEXT), size
