"""Settings does not call a start-up dropout "dropouts now (audio load too high)" (thirty-third stop's QA: a fresh,
idle box showed it in amber at 3 % load; its one xrun came while the packs loaded)."""
from __future__ import annotations

from typing import Any

from device.ui import draw as D
from device.ui.data import MemoryData
from tests.ui.test_p26_panel_qa import _marked_in


def _panel(pg: Any) -> tuple[Any, Any, list[float]]:
    from device.ui.panel import Panel
    from device.ui.shots import RecordingControl
    panel = Panel(RecordingControl(), MemoryData(), (800, 480))
    panel.show_title("Play")
    settings = next(p for p in panel.pages if p.title == "Settings")
    now = [500.0]
    settings.clock = lambda: now[0]
    return panel, settings, now


def test_an_xrun_in_the_engines_first_seconds_is_not_news(pg: Any) -> None:
    panel, settings, _ = _panel(pg)
    idle = {"xruns": 0, "load_mean": 0.03, "load_p999": 0.07, "block": 128, "rate": 48000}
    panel.set_status({**idle, "blocks": 100})
    assert not _marked_in(pg, panel, "Settings", D.ACCENT)       # drawn: the count 0 seen
    panel.set_status({**idle, "blocks": 700, "xruns": 1})        # 1.9 s in: loading the packs
    assert not _marked_in(pg, panel, "Settings", D.ACCENT) and ("xruns", "1") in settings.lines()


def test_a_dropout_later_at_low_load_is_news_but_not_put_down_to_load(pg: Any) -> None:
    panel, settings, _ = _panel(pg)
    idle = {"xruns": 0, "load_mean": 0.03, "load_p999": 0.07, "block": 128, "rate": 48000}
    panel.set_status({**idle, "blocks": 30_000})
    assert not _marked_in(pg, panel, "Settings", D.ACCENT)
    panel.set_status({**idle, "blocks": 30_400, "xruns": 2})    # a minute in, at 7 % worst load
    assert _marked_in(pg, panel, "Settings", D.ACCENT)
    assert ("xruns", "2: dropouts now (the audio was held up)") in settings.lines()
