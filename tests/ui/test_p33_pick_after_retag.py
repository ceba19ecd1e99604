"""After a retag on the "unsure first" list the next unsure sample moves up under the cursor, and the Kit page's
pick is that sample, the one selected when the page is left (thirty-third stop's QA: the Kit page still assigned the
retagged sample while the Library page showed another selected; docs/panel.md: the pick is "the sample selected on
the Library page when it was left")."""
from __future__ import annotations

from typing import Any

from device.ui.demo import demo_data, demo_status
from device.ui.events import Touch
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from tests.ui.conftest import tap


def test_the_pick_follows_the_selection_after_a_retag_on_the_unsure_list(pg: Any) -> None:
    panel = Panel(RecordingControl(demo_status()), demo_data(), (800, 480))
    panel.set_status(demo_status())
    panel.show_title("Library")
    page = panel.page
    panel.handle(Touch("down", 0, *page.unsure_btn.center))
    first, second = page.samples[0], page.samples[1]
    panel.handle(Touch("down", 0, *page.sample_rows[0].center))            # played: the pick
    assert panel.ctx.state.picked == first.path
    panel.handle(Touch("down", 0, *page.retag_btn.center))
    tap(panel, *page.tag_rows[page.tags.index("tom")].center)
    assert page.samples[page.sample] == second
    assert panel.ctx.state.picked == second.path
    panel.show_title("Kit")
    assert panel.ctx.state.picked == second.path
