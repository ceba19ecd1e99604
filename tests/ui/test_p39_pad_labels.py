"""Thirty-ninth stop's panel QA: with the cursor near a corner, that corner's name moved along the pad's edge past
the cursor and ran into the next corner's name ("Überbreiter Konzert..." over "flûte à bec sopranino")."""
from __future__ import annotations

from typing import Any

import pytest

from device.ui.demo import demo_data, demo_status
from tests.ui.conftest import drawn, panel_on

LONG = ["Überbreiter Konzertflügel", "flûte à bec sopranino", "trompette en ut", "violoncelle baroque"]


@pytest.mark.parametrize("xy", [(0.02, 0.02), (0.98, 0.02), (0.02, 0.98), (0.98, 0.98), (0.5, 0.03)])
@pytest.mark.parametrize("size", [(800, 480), (480, 320)])
def test_the_corner_names_never_cover_one_another_or_the_cursor(pg: Any, xy, size) -> None:
    panel = panel_on("Play", demo_data(), demo_status(), size)
    page = panel.page
    page.timbres = list(LONG)
    panel.ctx.state.corners, panel.ctx.state.xy = list(LONG), xy
    drawn(pg, panel)
    tags, cursor = page.corner_tags, page._cursor_rect()
    assert len(tags) == 4
    assert not any(a.colliderect(b) for i, a in enumerate(tags) for b in tags[i + 1:]), tags
    assert not any(t.colliderect(cursor) for t in tags), (tags, cursor)
    assert all(page.pad.contains(t) for t in tags)


def test_the_play_page_names_the_synth_it_plays(pg: Any) -> None:
    """QA: nothing on the page named the synth; a synth pushed over the API changed only the corner names."""
    from device.ui import draw as D
    from tests.ui.conftest import find_text
    for size in ((800, 480), (480, 800)):
        panel = panel_on("Play", demo_data(), demo_status(), size)
        assert find_text(drawn(pg, panel), "Orchestra pad", 20, D.DIM), size
