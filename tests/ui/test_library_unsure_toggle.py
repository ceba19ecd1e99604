"""The Library page's "unsure first" button is a toggle: pressed again it lists the tag under the
cursor in its normal order, and it is lit exactly while the unsure list is on (on screen, or on its
way)."""
from __future__ import annotations

from typing import Any, Callable

from device.ui import draw as D
from device.ui.demo import demo_data, demo_status
from device.ui.events import Touch
from device.ui.panel import Panel
from device.ui.reader import run_job
from device.ui.shots import RecordingControl
from tests.ui.conftest import find_text


class Deferred:
    """A reader whose jobs run only at :meth:`deliver` (the next frame), as the app's worker answers."""

    def __init__(self) -> None:
        self.jobs: list[tuple[Callable[[], Any], Callable[[Any, BaseException | None], None]]] = []

    def submit(self, job: Callable[[], Any], done: Callable[[Any, BaseException | None], None], *,
               write: bool = False) -> None:
        self.jobs.append((job, done))

    def deliver(self) -> int:
        jobs, self.jobs = self.jobs, []
        for job, done in jobs:
            done(*run_job(job))
        return len(jobs)

    def close(self) -> None:
        self.jobs.clear()


def _lit(pg: Any, panel: Panel) -> bool:
    """Whether "unsure first" is drawn lit (dark text on the accent), checked in pixels."""
    surface = pg.Surface(panel.size)
    panel.draw(surface)
    btn = surface.subsurface(panel.page.unsure_btn)
    lit, unlit = find_text(btn, "unsure first", 24, D.BG), find_text(btn, "unsure first", 24, D.TEXT)
    assert bool(lit) != bool(unlit)
    return bool(lit)


def _press(panel: Panel) -> None:
    panel.handle(Touch("down", 0, *panel.page.unsure_btn.center))
    panel.handle(Touch("up", 0, *panel.page.unsure_btn.center))


def test_pressed_again_it_goes_back_to_the_normal_listing(pg: Any) -> None:
    # the bug: a second press read the unsure list again instead of going back
    data = demo_data()
    panel = Panel(RecordingControl(demo_status()), data, (800, 480))
    panel.show_title("Library")
    page = panel.page
    tag = page.tags[page.tag]
    normal = [s.path for s in data.samples(tag, 200)]
    assert [s.path for s in page.samples] == normal and not _lit(pg, panel)
    _press(panel)
    assert page.reviewing and [s.path for s in page.samples] == [s.path for s in data.unsure()] and _lit(pg, panel)
    _press(panel)
    assert not page.reviewing and page.similar_to is None and page.tags[page.tag] == tag
    assert [s.path for s in page.samples] == normal and page.sample == 0 and not _lit(pg, panel)
    surface = pg.Surface(panel.size)
    panel.draw(surface)
    assert find_text(surface, f"sample 1 of {len(normal)}", 20, D.DIM)
    _press(panel)                                              # and on again
    assert page.reviewing and _lit(pg, panel)


def test_pressed_again_before_the_list_comes_it_is_dropped(pg: Any) -> None:
    reader = Deferred()
    data = demo_data()
    panel = Panel(RecordingControl(demo_status()), data, (800, 480), reader=reader)
    panel.show_title("Library")
    panel.draw(pg.Surface(panel.size))                         # the tags and the first tag's samples come
    page = panel.page
    normal = [s.path for s in page.samples]
    _press(panel)
    assert page.loading() and page.review_on() and not page.reviewing      # on its way: the button says so
    _press(panel)                                              # changed my mind
    assert not page.review_on()
    assert not _lit(pg, panel)                                 # this frame delivers both answers
    assert not page.reviewing and [s.path for s in page.samples] == normal and not page.loading()
