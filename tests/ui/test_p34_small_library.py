"""The Library page on a 480x320 panel keeps four rows of tags and samples (thirty-fourth stop): its buttons took two
rows under the samples there, which left two rows of each list."""
from __future__ import annotations

from typing import Any

from device.ui.demo import demo_data, demo_status
from device.ui.shots import scripted_panel
from tests.ui.conftest import drawn


def _library(size: tuple[int, int]) -> Any:
    panel = scripted_panel(demo_data(), demo_status(), size)
    panel.show_title("Library")
    return panel


def test_a_small_panel_lists_four_rows_and_every_button_fits(pg: Any) -> None:
    panel = _library((480, 320))
    drawn(pg, panel)
    page = panel.page
    assert len(page.tag_rows) >= 4 and len(page.sample_rows) >= 4
    buttons = [page.unsure_btn, page.play_btn, page.more_btn, page.retag_btn]
    screen = pg.Rect(0, 0, 480, 320)
    assert all(screen.contains(b) and b.width >= 100 and b.height >= 44 for b in buttons)     # a fingertip each
    assert not any(a.colliderect(b) for i, a in enumerate(buttons) for b in buttons[i + 1:])
    assert all(b.top > max(r.bottom for r in page.sample_rows) for b in buttons)


def test_the_big_panel_is_laid_out_as_before(pg: Any) -> None:
    panel = _library((800, 480))
    drawn(pg, panel)
    page = panel.page
    assert (len(page.tag_rows), len(page.sample_rows)) == (6, 7)
    assert page.play_btn.width == 120 and page.more_btn.width == 200 and page.unsure_btn.x < page.play_btn.x
