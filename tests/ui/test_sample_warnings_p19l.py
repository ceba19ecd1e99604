"""A sample the sampler cut (longer than it decodes: the engine status's ``active["sampler"]["warnings"]``)
is said on the panel's message line once per text, whatever page is shown, after the notices before it;
on the Library page the played sample's status line says it each time it is played.  The engine status
carried the words since fce4bab, and nothing showed them."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from device.audio.engine import Engine, EngineConfig
from device.audio.sampler import SamplerSource
from device.control import validate
from device.ui import draw as D
from device.ui.data import MemoryData, Sample
from device.ui.events import EncoderPress, EncoderTurn
from device.ui import faults
from device.ui.panel import MESSAGE_SIZE, TAB_H, TOAST_S, Panel
from tests.ui.conftest import PanelClock, find_text

RATE, BLOCK = 48000, 128
CUT = "loops/field-recording-long.wav is 0:02 long: the sampler plays only its first 1 s"


class EngineControl:
    """The panel's Control over a real in-process Engine whose sampler decodes at most ``max_seconds`` (s) of a
    file."""

    def __init__(self, max_seconds: float = 1.0) -> None:
        self.engine = Engine(EngineConfig(rate=RATE, block=BLOCK, live_input=False))
        self.sent: list[dict[str, Any]] = []
        self.max_seconds = max_seconds
        self.new_sampler()

    def new_sampler(self) -> None:
        """Put a fresh SamplerSource (``max_seconds``) in the sampler slot, as a restarted sampler."""
        self.engine.install("sampler", SamplerSource(RATE, max_seconds=self.max_seconds), {"name": "sampler"})
        self.blocks()

    def blocks(self, n: int = 2) -> dict[str, Any]:
        out = np.zeros(BLOCK, np.float32)
        for _ in range(n):
            self.engine.process(None, out)
        return self.engine.status()

    def send(self, message: dict[str, Any]) -> None:
        validate(message)
        self.sent.append(message)
        self.engine.handle(message)

    def status(self) -> dict[str, Any]:
        return self.engine.status()


def _files(tmp_path: Path) -> tuple[str, str]:
    """loops/field-recording-long.wav (2 s, past the sampler's 1 s) and loops/short.wav (0.5 s), 16-bit, at the
    engine rate."""
    (tmp_path / "loops").mkdir()
    long, short = tmp_path / "loops" / "field-recording-long.wav", tmp_path / "loops" / "short.wav"
    sf.write(long, np.full(2 * RATE, 0.1, np.float32), RATE, subtype="PCM_16")
    sf.write(short, np.full(RATE // 2, 0.1, np.float32), RATE, subtype="PCM_16")
    return str(long), str(short)


def _library_panel(tmp_path: Path, size: tuple[int, int] = (800, 480)) -> tuple[Panel, EngineControl, PanelClock]:
    long, short = _files(tmp_path)
    control = EngineControl()
    panel = Panel(control, MemoryData(library={"loops": [Sample(long, 0.9), Sample(short, 0.8)]}), size)
    panel.clock = clock = PanelClock()
    panel.show_title("Library")
    panel.set_status(control.status())
    return panel, control, clock


def _drawn(pg: Any, panel: Panel) -> Any:
    surface = pg.Surface(panel.size)
    panel.draw(surface)
    return surface


def _message(pg: Any, surface: Any, panel: Panel, text: str, colour: tuple[int, int, int] = D.ACCENT) -> bool:
    """Whether the tab bar's message line says ``text`` in ``colour``, checked in pixels."""
    return bool(find_text(surface.subsurface(pg.Rect(0, 0, panel.size[0], TAB_H)), text, MESSAGE_SIZE, colour))


def _status_line(pg: Any, surface: Any, panel: Panel) -> str:
    """The words of the cut the Library page's status line should show (the longest that fits), checked
    in pixels on the page (under the tab bar); "" when they are not there."""
    page = panel.page
    words = D.fit(panel.ctx.fonts, faults.warning_lines(CUT), 20, page.status_w)
    content = surface.subsurface(pg.Rect(0, TAB_H, panel.size[0], panel.size[1] - TAB_H))
    return words if find_text(content, words, 20, D.ACCENT) else ""


def test_a_played_sample_that_was_cut_is_said_once_and_stays_on_the_library_status_line(
        pg: Any, tmp_path: Path) -> None:
    panel, control, clock = _library_panel(tmp_path)
    page = panel.page
    assert [s.name for s in page.samples] == ["field-recording-long.wav", "short.wav"] and panel.state.toast == ""
    panel.handle(EncoderPress(1, True))                                   # play field-recording-long.wav
    assert control.sent == [{"op": "sample", "path": page.samples[0].path, "velocity": 100}]
    status = control.blocks()
    assert status["active"]["sampler"]["warnings"] == [CUT]               # the engine says it ...
    panel.set_status(status)                                              # ... and now the panel does
    assert panel.state.toast == CUT and panel.state.toast_lines() == (faults.warning_lines(CUT), False)
    said = panel.state.toast_n
    surface = _drawn(pg, panel)
    assert _message(pg, surface, panel, CUT) and _status_line(pg, surface, panel)
    for _ in range(3):                                                    # later statuses: the same words
        panel.set_status(control.blocks())
    assert panel.state.toast_n == said
    clock.now += TOAST_S + 0.1
    surface = _drawn(pg, panel)
    assert panel.state.toast == "" and not _message(pg, surface, panel, CUT)
    assert _status_line(pg, surface, panel)                               # the page still says it
    panel.handle(EncoderPress(1, True))                                   # played again: not said again up top
    panel.set_status(control.blocks())
    surface = _drawn(pg, panel)
    assert panel.state.toast_n == said and not _message(pg, surface, panel, CUT)
    assert _status_line(pg, surface, panel)
    panel.handle(EncoderTurn(1, 1, 1))                                    # short.wav: not cut
    surface = _drawn(pg, panel)
    assert not _status_line(pg, surface, panel) and find_text(surface, "sample 2 of 2", 20, D.DIM)
    panel.handle(EncoderPress(1, True))
    panel.set_status(control.blocks())
    assert control.status()["active"]["sampler"]["warnings"] == [CUT] and panel.state.toast_n == said


def test_the_same_words_from_a_new_sampler_are_not_said_again_and_a_new_panel_says_the_newest(
        pg: Any, tmp_path: Path) -> None:
    panel, control, clock = _library_panel(tmp_path)
    panel.handle(EncoderPress(1, True))
    panel.set_status(control.blocks())
    said = panel.state.toast_n
    assert panel.state.toast == CUT
    control.new_sampler()                                                 # a fresh unit: no warnings ...
    assert "warnings" not in control.status()["active"]["sampler"]
    panel.handle(EncoderPress(1, True))                                   # ... until it cuts the file again
    panel.set_status(control.blocks())
    assert control.status()["active"]["sampler"]["warnings"] == [CUT] and panel.state.toast_n == said
    fresh = Panel(control, panel.ctx.data, (480, 800))                    # a panel started after the cut
    fresh.show_title("Settings")
    fresh.set_status(control.status())
    assert fresh.state.toast == CUT and fresh.state.toast_n == 1
    surface = _drawn(pg, fresh)                                           # portrait: a shorter wording fits
    words = D.fit(fresh.ctx.fonts, faults.warning_lines(CUT), MESSAGE_SIZE, fresh.size[0] - 20)
    assert words in faults.warning_lines(CUT)[1:] and _message(pg, surface, fresh, words)


@pytest.mark.parametrize("page", ["Play", "Effect", "Models"])
def test_a_cut_is_said_on_whatever_page_is_shown(pg: Any, tmp_path: Path, page: str) -> None:
    panel, control, _ = _library_panel(tmp_path)
    panel.show_title(page)
    long = panel.ctx.data.library["loops"][0].path
    panel.set_status(control.blocks())
    control.send({"op": "sample", "path": long, "velocity": 100})        # played elsewhere (a pad, MIDI)
    panel.set_status(control.blocks())
    assert panel.state.toast == CUT and panel.page.title == page
    assert _message(pg, _drawn(pg, panel), panel, CUT)


def test_warnings_wait_for_the_notice_shown_and_come_one_after_another(pg: Any) -> None:
    other = "loop.wav is 3:10 long: the sampler plays only its first 60 s"
    fault = {"slot": "effect", "reason": "nonfinite", "time": 5.0, "block": 900, "name": "hatbox-drive"}
    base = {"active": {"effect": {"name": "hatbox-drive"}, "synth": None, "sampler": {"name": "sampler"}},
            "bypassed": {"effect": True}}
    panel = Panel(EngineControl(), MemoryData(), (800, 480))
    panel.clock = clock = PanelClock()
    panel.set_status({**base, "faults": []})
    assert panel.state.toast == ""
    sampler = {"name": "sampler", "warnings": [CUT, other]}
    status = {**base, "faults": [fault], "active": {**base["active"], "sampler": sampler}}
    panel.set_status(status)
    assert panel.message() == (panel.state.toast, D.BAD) and panel.state.toast.startswith("effect 'hatbox-drive'")
    clock.now += TOAST_S - 0.5
    panel.set_status(dict(status))                                        # the fault's notice is not over
    assert panel.message()[1] == D.BAD
    clock.now += 0.6
    assert panel.message()[0] == ""
    panel.set_status(dict(status))
    assert panel.message() == (CUT, D.ACCENT)                             # the older first
    panel.set_status(dict(status))
    assert panel.message() == (CUT, D.ACCENT)                             # its 4 s are not over
    clock.now += TOAST_S + 0.1
    assert panel.message()[0] == ""
    panel.set_status(dict(status))
    assert panel.message() == (other, D.ACCENT)
    n = panel.state.toast_n
    clock.now += TOAST_S + 0.1
    panel.message()
    panel.set_status(dict(status))
    panel.set_status({**status, "active": {**base["active"], "sampler": {"name": "sampler", "warnings": [other]}}})
    assert panel.state.toast_n == n and panel.state.toast == ""


def test_warning_words_and_notices() -> None:
    assert faults.cut_sample(CUT) == "loops/field-recording-long.wav"
    assert faults.cut_sample("something else: is 2 long") is None
    assert faults.cut_sample("a take is 1 is 1:02:03 long: the sampler plays only its first 60 s") == "a take is 1"
    assert faults.warning_lines(CUT) == (CUT, "loops/field-recording-long.wav (0:02): only its first 1 s plays",
                                  "loops/field-recording-long.wav: first 1 s only", "sample cut to its first 1 s")
    assert faults.warning_lines("a unit's own words\nsecond line") == ("a unit's own words",)
    notices = faults.WarningNotices()
    assert notices.take({}) == [] and notices.said is None                # no answer yet: nothing changes
    assert notices.take({"active": {"sampler": {"warnings": ["a", "b"]}, "synth": None}}) == ["b"]
    assert notices.take({"active": {"sampler": {"warnings": ["a", "b", "c"]}, "effect": {"warnings": ["d"]}}}) \
        == ["c", "d"]
    assert notices.take({"active": {"sampler": {"warnings": ["a", "b", "c"]}}}) == []
