"""A fault the engine bypasses a slot for is said in the tab bar on whatever page is shown: once, when
it is new, in the Effect page's words; faults from before the panel started only while they still
bypass their slot (device/ui/faults.py)."""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from device.audio.engine import Engine, EngineConfig
from device.ui import draw as D
from device.ui.data import MemoryData, PackEntry
from device.ui.demo import manifest
from device.ui.pages.effect import fault_lines
from device.ui.panel import MESSAGE_SIZE, TAB_H, Panel
from device.ui.shots import RecordingControl
from export.manifest import Knob
from tests.ui.conftest import find_text

DRIVE = PackEntry("effect-0", manifest("effect", "hatbox-drive", knobs=[Knob("gain", 0.0, 10.0, 5.0, "dB")]),
                  "/box/packs/effect-0/pack.hatpack", True)
NAN_NOTICE = ("effect 'hatbox-drive' bypassed: the model's output was not a number (NaN/inf)"
              " - tap Effect to turn it back on")


class Broken:
    """A stand-in effect unit that outputs NaN while ``bad`` is set (as tests/ui/test_effect_knobs.py)."""

    faults = 0

    def __init__(self) -> None:
        self.bad = False

    def process(self, x: Any) -> Any:
        return np.full_like(x, np.nan) if self.bad else 0.5 * x

    def reset(self) -> None:
        pass


class BrokenSource:
    """A stand-in synth or sampler: renders ``level`` on every sample while ``bad`` is set (0.5: a DC
    offset, 5.0: past +12 dBFS, a runaway), else silence."""

    def __init__(self, level: float) -> None:
        self.level, self.bad = level, False

    def render(self, out: np.ndarray) -> None:
        out.fill(self.level if self.bad else 0.0)

    def reset(self) -> None:
        pass


class Rig:
    """A real Engine fed blocks of a steady input, and its statuses."""

    def __init__(self) -> None:
        self.engine = Engine(EngineConfig(rate=48000, block=128))
        self.x, self.y = np.full(128, 0.1, np.float32), np.zeros(128, np.float32)

    def blocks(self, n: int = 20) -> dict[str, Any]:
        for _ in range(n):
            self.engine.process(self.x, self.y)
        return self.engine.status()


def _panel(status: dict[str, Any] | None = None, page: str = "Play", size: tuple[int, int] = (800, 480)) -> Panel:
    panel = Panel(RecordingControl(), MemoryData(pack_list=[DRIVE]), size)
    panel.show_title(page)
    if status is not None:
        panel.set_status(status)
    return panel


def _said(pg: Any, panel: Panel, text: str) -> bool:
    """Whether the tab bar's message line says ``text`` in red, checked in pixels."""
    surface = pg.Surface(panel.size)
    panel.draw(surface)
    return bool(find_text(surface.subsurface(pg.Rect(0, 0, panel.size[0], TAB_H)), text, MESSAGE_SIZE, D.BAD))


@pytest.mark.parametrize("page", ["Play", "Library", "Models", "Settings"])
def test_a_fault_is_said_once_on_whatever_page_is_shown_and_a_newer_one_again(pg: Any, page: str) -> None:
    # the bug: off the Effect page nothing said that the effect had been bypassed (Settings counted it)
    rig, unit = Rig(), Broken()
    rig.engine.install("effect", unit, {"name": "hatbox-drive", "path": DRIVE.path})
    panel = _panel(rig.blocks(), page)
    assert panel.state.toast == "" and panel.state.toast_n == 0
    unit.bad = True
    status = rig.blocks()
    assert status["bypassed"]["effect"] is True and len(status["faults"]) == 1
    panel.set_status(status)
    assert panel.state.toast == NAN_NOTICE and panel.page.title == page and _said(pg, panel, NAN_NOTICE)
    said = panel.state.toast_n
    panel.set_status(status)                                   # the same status, each frame until the next
    panel.set_status(rig.blocks())                             # a newer status, the same faults
    panel.set_status(rig.engine.status())
    assert panel.state.toast_n == said
    rig.engine.handle({"op": "bypass", "slot": "effect", "on": False})     # turned back on: faults again
    panel.set_status(rig.blocks())
    assert len(rig.engine.status()["faults"]) == 2
    assert panel.state.toast_n == said + 1 and panel.state.toast == NAN_NOTICE and _said(pg, panel, NAN_NOTICE)


def faulted_effect(page: str) -> tuple[Rig, Broken, Panel]:
    """A panel on ``page`` over an engine whose drive effect has just output NaN and been bypassed for it."""
    rig, unit = Rig(), Broken()
    rig.engine.install("effect", unit, {"name": "hatbox-drive", "path": DRIVE.path})
    panel = _panel(rig.blocks(), page)
    unit.bad = True
    panel.set_status(rig.blocks())
    return rig, unit, panel


def test_on_the_effect_page_the_notice_points_at_the_bypass_button(pg: Any) -> None:
    _rig, _unit, panel = faulted_effect("Effect")
    from device.ui.faults import fault_words
    words = NAN_NOTICE.replace("tap Effect", "tap BYPASS")
    assert panel.state.toast == words and panel.state.bypass is True and _said(pg, panel, words)
    assert fault_lines(panel.page.fault)[0] == f"bypassed by a fault: {fault_words(panel.page.fault)[0]}"


def test_a_fault_from_before_the_panel_started_is_said_only_while_it_bypasses_its_slot(pg: Any) -> None:
    rig, unit = Rig(), Broken()
    rig.engine.install("effect", unit, {"name": "hatbox-drive", "path": DRIVE.path})
    rig.blocks()
    unit.bad = True
    rig.blocks()                                               # faulted and bypassed, no panel yet
    panel = _panel(page="Settings")
    panel.set_status({})                                       # the app's poller before its first answer
    assert panel.state.toast_n == 0
    panel.set_status(rig.blocks())                             # the musician cannot hear the effect: said
    assert panel.state.toast == NAN_NOTICE and panel.state.toast_n == 1 and _said(pg, panel, NAN_NOTICE)
    panel.set_status(rig.blocks())
    assert panel.state.toast_n == 1
    unit.bad = False                                           # mended and turned back on: history
    rig.engine.handle({"op": "bypass", "slot": "effect", "on": False})
    status = rig.blocks()
    assert status["bypassed"]["effect"] is False and status["fault_count"] == 1
    later = _panel(status, "Settings")                         # a panel (re)started now says nothing ...
    assert later.state.toast == "" and later.state.toast_n == 0
    surface = pg.Surface(later.size)
    later.draw(surface)
    assert ("faults", "1") in later.page.lines()              # ... and Settings counts it
    switched = {**status, "bypassed": {"effect": True, "synth": False, "sampler": False},
                "active": {"effect": {"name": "hatbox-fuzz", "path": "/box/packs/effect-1/pack.hatpack"}}}
    assert _panel(switched).state.toast_n == 0                 # another pack's old fault is not this one's


@pytest.mark.parametrize("slot,level,info,words", [
    ("synth", 0.5, {"name": "hatbox-strings", "path": "/box/packs/synth-0/pack.hatpack"},
     "synth 'hatbox-strings' silenced: the model's output drifted off zero (DC offset)"
     " - tap Play to turn it back on"),
    ("sampler", 5.0, {"name": "sampler"},                      # as device/audio/server.py installs it
     "sampler silenced: the sampler's output ran away (far too loud) - tap Play to turn it back on"),
])
def test_a_synth_or_sampler_fault_is_said_too(pg: Any, slot: str, level: float, info: dict[str, Any],
                                              words: str) -> None:
    rig, unit = Rig(), BrokenSource(level)
    rig.engine.install(slot, unit, info)
    panel = _panel(rig.blocks(), "Library")
    unit.bad = True
    status = rig.blocks()
    assert status["bypassed"][slot] is True and status["faults"][-1]["slot"] == slot
    panel.set_status(status)
    assert panel.state.toast == words and _said(pg, panel, words)


def test_in_portrait_a_shorter_wording_fits_whole(pg: Any) -> None:
    rig, unit = Rig(), Broken()
    rig.engine.install("effect", unit, {"name": "hatbox-drive", "path": DRIVE.path})
    panel = _panel(rig.blocks(), "Play", (480, 800))
    unit.bad = True
    panel.set_status(rig.blocks())
    assert panel.state.toast == NAN_NOTICE
    assert _said(pg, panel, "effect 'hatbox-drive' bypassed: NaN/inf output - tap Effect")


def test_faults_of_a_restarted_engine_are_new() -> None:
    """Faults are told apart by what they are, not by block order: a restarted engine counts its
    blocks from 0 again, and its faults are still news."""
    from device.ui.faults import FaultNotices, notice_lines

    def status(*faults: tuple[int, float]) -> dict[str, Any]:
        return {"active": {"effect": {"name": "hatbox-drive"}}, "bypassed": {"effect": True},
                "faults": [{"slot": "effect", "reason": "dc", "time": t, "block": b, "name": "hatbox-drive"}
                           for b, t in faults]}

    notices = FaultNotices()
    assert notices.take(status((90000, 1000.0)))["block"] == 90000
    assert notices.take(status((90000, 1000.0))) is None
    assert notices.take(status((40, 2000.0)))["block"] == 40                # the engine restarted
    assert notices.take(status((40, 2000.0))) is None
    assert notice_lines({"slot": "effect", "reason": "dc"})[0] == (
        "effect bypassed: the model's output drifted off zero (DC offset) - tap Effect to turn it back on")


def _marked(pg: Any, panel: Panel, title: str) -> bool:
    """Whether the tab of page ``title`` has a red dot (pixels of D.BAD in its tab, the message line left out)."""
    surface = pg.Surface(panel.size)
    panel.draw(surface)
    i = [p.title for p in panel.pages].index(title)
    tab = panel.tabs[i]
    area = pg.surfarray.pixels3d(surface.subsurface(pg.Rect(tab.x, 0, tab.width, 32)))
    return bool(((area[..., 0] == D.BAD[0]) & (area[..., 1] == D.BAD[1]) & (area[..., 2] == D.BAD[2])).any())


@pytest.mark.parametrize("page", ["Play", "Library", "Models"])
def test_an_effect_a_fault_bypassed_stays_marked_on_its_tab_after_the_notice(pg: Any, page: str) -> None:
    """Before: the notice went after 4 s, and nothing off the Effect page said the effect was still off."""
    rig, unit = Rig(), Broken()
    rig.engine.install("effect", unit, {"name": "hatbox-drive", "path": DRIVE.path})
    panel = _panel(rig.blocks(), page)
    assert not _marked(pg, panel, "Effect")
    unit.bad = True
    panel.set_status(rig.blocks())
    now = [1000.0]
    panel.clock = lambda: now[0]
    panel.draw(pg.Surface(panel.size))
    now[0] += 10.0                                             # the notice has gone
    panel.set_status(rig.blocks())
    surface = pg.Surface(panel.size)
    panel.draw(surface)
    assert panel.message()[0] == ""
    assert _marked(pg, panel, "Effect") and not _marked(pg, panel, "Play")
    unit.bad = False
    rig.engine.handle({"op": "bypass", "slot": "effect", "on": False})     # turned back on: no mark
    panel.set_status(rig.blocks())
    assert not _marked(pg, panel, "Effect")


def test_a_silenced_synth_is_marked_on_the_play_tab(pg: Any) -> None:
    rig, unit = Rig(), BrokenSource(5.0)
    rig.engine.install("synth", unit, {"name": "hatbox-strings", "path": "/box/packs/synth-0/pack.hatpack"})
    panel = _panel(rig.blocks(), "Settings")
    unit.bad = True
    panel.set_status(rig.blocks())
    now = [1000.0]
    panel.clock = lambda: now[0]
    panel.draw(pg.Surface(panel.size))
    now[0] += 10.0
    assert _marked(pg, panel, "Play") and not _marked(pg, panel, "Effect")
