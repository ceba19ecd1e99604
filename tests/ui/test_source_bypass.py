"""The Play page's bypass of the synth and the sampler (the engine bypasses any slot: Slot.set_bypass):
one button each, following the engine by the Effect page's rules (device/ui/bypass.py)."""
from __future__ import annotations

from typing import Any

import pytest

from device.ui import draw as D
from device.ui.demo import demo_data, demo_status
from device.ui.events import Touch
from device.ui.pages.effect import HOLD_STATUSES
from device.ui.panel import MESSAGE_SIZE, TAB_H, Panel
from tests.ui.conftest import drawn, find_text, panel_on
from tests.ui.test_fault_notice import BrokenSource, Rig


def _status(synth: bool = False, sampler: bool = False) -> dict[str, Any]:
    return {**demo_status(), "bypassed": {"effect": False, "synth": synth, "sampler": sampler}}


def _play(pg: Any, status: dict[str, Any] | None = None, size: tuple[int, int] = (800, 480)) -> Panel:
    return panel_on("Play", demo_data(), status, size)


def _button(pg: Any, panel: Panel, slot: str) -> str:
    """What the slot's button shows, checked in pixels: "off" (not bypassed), "on" (lit), "fault" (red)."""
    btn = drawn(pg, panel).subsurface(panel.page.bypass_btns[slot])
    shown = {"off": bool(find_text(btn, f"bypass {slot}", 24, D.TEXT)),
             "on": bool(find_text(btn, f"BYPASS {slot.upper()}", 24, D.BG)) and btn.get_at((10, 22))[:3] == D.ACCENT,
             "fault": bool(find_text(btn, f"{slot.upper()} FAULT", 24, D.BG)) and btn.get_at((10, 22))[:3] == D.BAD}
    assert sum(shown.values()) == 1, shown
    return next(k for k, v in shown.items() if v)


@pytest.mark.parametrize("slot", ["synth", "sampler"])
def test_a_tap_bypasses_the_source_and_another_brings_it_back(pg: Any, slot: str) -> None:
    # the bug: the panel had no bypass for the synth or the sampler (only the effect's)
    panel = _play(pg, _status())
    assert _button(pg, panel, slot) == "off"
    panel.handle(Touch("down", 0, *panel.page.bypass_btns[slot].center))
    assert panel.control.sent == [{"op": "bypass", "slot": slot, "on": True}] and _button(pg, panel, slot) == "on"
    other = "sampler" if slot == "synth" else "synth"
    assert _button(pg, panel, other) == "off"                  # the other source is left alone
    panel.handle(Touch("up", 0, *panel.page.bypass_btns[slot].center))
    panel.handle(Touch("down", 0, *panel.page.bypass_btns[slot].center))
    assert panel.control.sent[-1] == {"op": "bypass", "slot": slot, "on": False} and _button(pg, panel, slot) == "off"
    assert all(m["op"] == "bypass" for m in panel.control.sent)          # the pad did not take the taps


def test_the_buttons_follow_the_engine_and_a_tap_wins_until_it_catches_up(pg: Any) -> None:
    panel = _play(pg, _status(sampler=True))                   # a panel started under a bypassed sampler
    assert _button(pg, panel, "sampler") == "on" and _button(pg, panel, "synth") == "off"
    panel.set_status(_status(synth=True, sampler=True))        # OSC bypassed the synth
    assert _button(pg, panel, "synth") == "on"
    panel.handle(Touch("down", 0, *panel.page.bypass_btns["synth"].center))
    for _ in range(HOLD_STATUSES - 1):                         # statuses asked before the engine took it
        panel.set_status(_status(synth=True, sampler=True))
        assert _button(pg, panel, "synth") == "off"
    panel.set_status(_status(synth=False, sampler=True))       # caught up
    panel.handle(Touch("down", 0, *panel.page.bypass_btns["synth"].center))
    for _ in range(HOLD_STATUSES):                             # never taken: the engine's value comes back
        panel.set_status(_status(synth=False, sampler=True))
    assert _button(pg, panel, "synth") == "off"


def test_a_refused_tap_shows_what_the_engine_plays(pg: Any) -> None:
    panel = _play(pg, _status())

    def refuse(message: dict[str, Any]) -> None:
        raise RuntimeError("engine: no")

    panel.control.send = refuse
    panel.handle(Touch("down", 0, *panel.page.bypass_btns["sampler"].center))
    assert _button(pg, panel, "sampler") == "off" and panel.state.toast == "engine: no"


@pytest.mark.parametrize("slot,level,info", [
    ("synth", 0.5, {"name": "hatbox-strings", "path": "/box/packs/synth-0/pack.hatpack"}),
    ("sampler", 5.0, {"name": "sampler"}),
])
def test_a_faulted_source_shows_red_and_a_tap_turns_it_back_on(pg: Any, slot: str, level: float,
                                                                info: dict[str, Any]) -> None:
    rig, unit = Rig(), BrokenSource(level)
    rig.engine.install(slot, unit, info)
    panel = _play(pg, rig.blocks())
    assert _button(pg, panel, slot) == "off"
    unit.bad = True
    panel.set_status(rig.blocks())                             # the engine bypasses it: shown at once
    assert _button(pg, panel, slot) == "fault"
    words = panel.state.toast
    assert words.endswith(f"tap {slot.upper()} FAULT to turn it back on")
    line = D.fit(panel.ctx.fonts, panel.state.toast_lines()[0], MESSAGE_SIZE, panel.size[0] - 20)
    surface = drawn(pg, panel)
    assert f"tap {slot.upper()} FAULT" in line and find_text(surface.subsurface(pg.Rect(0, 0, 800, TAB_H)), line,
                                                            MESSAGE_SIZE, D.BAD)
    unit.bad = False
    panel.handle(Touch("down", 0, *panel.page.bypass_btns[slot].center))
    assert panel.control.sent[-1] == {"op": "bypass", "slot": slot, "on": False}
    rig.engine.handle(panel.control.sent[-1])
    status = rig.blocks()
    assert status["bypassed"][slot] is False
    panel.set_status(status)
    assert _button(pg, panel, slot) == "off"
    panel.handle(Touch("down", 0, *panel.page.bypass_btns[slot].center))      # the user's own bypass is no fault
    rig.engine.handle(panel.control.sent[-1])
    panel.set_status(rig.blocks())
    assert _button(pg, panel, slot) == "on"


@pytest.mark.parametrize("size", [(800, 480), (480, 800), (1024, 600)])
def test_the_buttons_fit_and_cover_nothing(pg: Any, size: tuple[int, int]) -> None:
    panel = _play(pg, _status(synth=True, sampler=True), size)
    page = panel.page
    btns = list(page.bypass_btns.values())
    assert all(page.rect.contains(b) for b in btns) and not btns[0].colliderect(btns[1])
    others = [page.pad, page.meter] + [pg.Rect(c[0] - r, c[1] - r, 2 * r, 2 * r + 30) for c, r in page.dials]
    assert not any(b.colliderect(o) for b in btns for o in others)
    for slot in ("synth", "sampler"):                          # the longest label fits its button
        assert panel.ctx.fonts.font(24).size(f"BYPASS {slot.upper()}")[0] <= page.bypass_btns[slot].width - 8
        assert _button(pg, panel, slot) == "on"
