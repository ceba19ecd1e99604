"""Effect page knobs: never a value out of range (ends of the range, a pack switch), every knob of a big
pack reachable, a knob-less pack still shown with its bypass."""
from __future__ import annotations

from typing import Any

import pytest

from device.ui import draw as D
from device.ui.data import MemoryData, PackEntry
from device.ui.demo import manifest
from device.ui.events import EncoderPress, EncoderTurn, Touch
from device.ui.pages.effect import format_value
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from export.manifest import Knob
from tests.ui.conftest import click, find_text

# ranges where min + 1.0 * (max - min), or min * (max / min) ** 1.0, lands one ULP past max
ROUNDING = [(0.3, 0.9, "linear"), (-24.0, 0.3, "linear"), (-12.0, 0.9, "linear"), (0.01, 0.7, "log"),
            (50.0, 440.0, "log"), (30.0, 16000.0, "log"), (0.3, 100.0, "log")]


def _pack(name: str, knobs: list[Knob], i: int = 0, active: bool = True) -> PackEntry:
    return PackEntry(f"effect-{i}", manifest("effect", name, knobs=knobs), f"/box/packs/effect-{i}/pack.hatpack", active)


def _effect(pg: Any, *packs: PackEntry, status: dict[str, Any] | None = None,
            size: tuple[int, int] = (800, 480)) -> Panel:
    panel = Panel(RecordingControl(), MemoryData(pack_list=list(packs)), size)
    if status is not None:
        panel.set_status(status)
    panel.show_title("Effect")
    return panel


@pytest.mark.parametrize("lo,hi,scale", ROUNDING)
def test_denormalize_stays_inside_the_range(lo: float, hi: float, scale: str) -> None:
    knob = Knob("x", lo, hi, lo, "", scale)
    for x in (0.0, 0.5, 0.99, 1.0, 1.5, -0.5):
        assert lo <= knob.denormalize(x) <= hi
    assert knob.normalize(knob.denormalize(1.0)) == 1.0 and knob.normalize(knob.denormalize(0.0)) == 0.0


@pytest.mark.parametrize("lo,hi,scale", ROUNDING)
def test_a_knob_turned_to_its_maximum_turns_back_down(pg: Any, lo: float, hi: float, scale: str) -> None:
    panel = _effect(pg, _pack("Edge", [Knob("x", lo, hi, lo, "", scale)]))
    for _ in range(30):
        panel.handle(EncoderTurn(0, 1, 5))
    sent = [m["value"] for m in panel.control.sent]
    assert sent[-1] == hi and all(lo <= v <= hi for v in sent)
    panel.handle(EncoderTurn(0, -1, -1))
    assert panel.control.sent[-1]["value"] < hi and not panel.state.toast
    (_, _, box), = [d for d in panel.page.dials[:1]]                        # and dragged past the top
    panel.handle(Touch("down", 0, *box.center))
    panel.handle(Touch("move", 0, box.centerx, box.centery - 2000))
    panel.handle(Touch("move", 0, box.centerx, box.centery - 2001))
    assert panel.control.sent[-1]["value"] == hi


def test_switching_packs_starts_from_the_new_packs_own_values(pg: Any) -> None:
    big = _pack("Big", [Knob("gain", 0.0, 24.0, 6.0, "dB")], 0, True)
    small = _pack("Small", [Knob("gain", 0.0, 10.0, 5.0, "dB")], 1, False)
    panel = _effect(pg, big, small)
    for _ in range(40):
        panel.handle(EncoderTurn(0, 1, 5))
    assert panel.state.knobs["gain"] == 24.0
    panel.show_title("Models")
    panel.page.selected = [p.id for p in panel.page.packs].index(small.id)
    click(panel, 0)
    panel.show_title("Effect")
    assert panel.state.knobs["gain"] == 5.0                     # the new pack's default, not Big's 24
    panel.control.sent.clear()
    panel.handle(EncoderTurn(0, -1, -1))
    assert panel.control.sent == [{"op": "knob", "slot": "effect", "name": "gain", "value": pytest.approx(4.9)}]
    surface = pg.Surface((800, 480))
    panel.draw(surface)
    (center, r, _), = panel.page.dials
    assert find_text(surface, "4.9 dB", max(18, int(r * 0.45)), D.TEXT) and "outside" not in panel.state.toast


def test_a_pack_new_to_the_page_reads_the_engine_values_only_when_the_engine_plays_it(pg: Any) -> None:
    fx = _pack("Fx", [Knob("gain", 0.0, 10.0, 5.0, "dB")])
    other = {"active": {"effect": {"path": "/box/packs/effect-9/pack.hatpack"}}, "knobs": {"gain": 20.0}}
    assert _effect(pg, fx, status=other).state.knobs["gain"] == 5.0           # another pack's knob
    playing = {"active": {"effect": {"path": fx.path}}, "knobs": {"gain": 7.5}}
    assert _effect(pg, fx, status=playing).state.knobs["gain"] == 7.5
    wild = {"active": {"effect": {"path": fx.path}}, "knobs": {"gain": 11.0}}
    assert _effect(pg, fx, status=wild).state.knobs["gain"] == 10.0           # clamped to the range


def test_a_knobless_pack_shows_its_name_and_its_bypass(pg: Any) -> None:
    panel = _effect(pg, _pack("Amp capture", []))
    surface = pg.Surface((800, 480))
    panel.draw(surface)
    assert find_text(surface, "Amp capture 1.0.0", 32, D.TEXT) and not find_text(surface, "no effect pack active", 30, D.DIM)
    panel.handle(Touch("down", 0, *panel.page.bypass_btn.center))
    assert panel.control.sent == [{"op": "bypass", "slot": "effect", "on": True}]


@pytest.mark.parametrize("size", [(800, 480), (480, 800)])
def test_every_knob_of_a_big_pack_is_reachable_and_its_bank_is_shown(pg: Any, size: tuple[int, int]) -> None:
    panel = _effect(pg, _pack("Twelve", [Knob(f"k{i}", 0.0, 1.0, 0.5) for i in range(12)]), size=size)
    reached, labels = [], []
    surface = pg.Surface(size)
    for _ in range(3):
        panel.draw(surface)
        labels.append(any(find_text(surface, f"knobs {b * 4 + 1}-{b * 4 + 4} of 12", 20, D.DIM) for b in range(3)))
        panel.control.sent.clear()
        for enc in range(4):
            panel.handle(EncoderTurn(enc, 1, 1))
        reached += [m["name"] for m in panel.control.sent]
        panel.handle(EncoderPress(3, True))
    assert reached == [f"k{i}" for i in range(12)] and all(labels)
    assert panel.page.bank == 0                                # and round again
    panel.page.bank = 2                                        # the dials on screen hold the selected bank
    panel.draw(surface)
    (_, _, box) = panel.page.dials[8 - panel.page.first]
    panel.handle(Touch("down", 0, *box.center))
    panel.handle(Touch("move", 0, box.centerx, box.centery - 30))
    assert panel.control.sent[-1]["name"] == "k8"


def test_kilo_only_for_units_it_belongs_to() -> None:
    assert format_value(Knob("t", 20.0, 20000.0, 1000.0, "Hz", "log"), 1234.0) == "1.23 kHz"
    assert format_value(Knob("n", -1e6, -999.0, -1000.0, "dB"), -1000.0) == "-1000 dB"
    assert format_value(Knob("d", 0.0, 48000.0, 0.0, "samples"), 2400.0) == "2.4 ksamples"
    assert format_value(Knob("g", 0.0, 10.0, 5.0, "dB"), 6.5) == "6.5 dB"
    assert format_value(Knob("u", 0.0, 5000.0, 0.0), 1500.0) == "1.5k"


# -- bypass: read back from the engine like the knobs, on a pack switch ------------------------------

def _playing(pack: PackEntry, bypassed: bool) -> dict[str, Any]:
    """An engine status: ``pack`` in the effect slot, bypassed or not."""
    return {"active": {"effect": {"name": pack.manifest.name, "path": pack.path}}, "knobs": {},
            "bypassed": {"effect": bypassed, "synth": False, "sampler": False}}


def _switch_to(panel: Panel, pack: PackEntry) -> None:
    """Activate ``pack`` on the Models page, as the user does."""
    panel.show_title("Models")
    panel.page.selected = [p.id for p in panel.page.packs].index(pack.id)
    click(panel, 0)
    assert panel.control.sent[-1] == {"op": "load", "slot": "effect", "path": pack.path}


def _bypass_shown(pg: Any, panel: Panel) -> bool:
    """Whether the Effect page draws its bypass button lit ("BYPASS"), checked in pixels."""
    surface = pg.Surface(panel.size)
    panel.draw(surface)
    button = surface.subsurface(panel.page.bypass_btn)        # where it is drawn (and quicker to search)
    lit, unlit = find_text(button, "BYPASS", 24, D.BG), find_text(button, "bypass", 24, D.TEXT)
    assert bool(lit) != bool(unlit)
    return bool(lit)


def test_a_pack_switch_shows_the_new_pack_unbypassed_as_the_engine_plays_it(pg: Any) -> None:
    # the bug: BYPASS stayed lit after a switch, though the engine starts the new pack unbypassed
    a = _pack("Drive", [Knob("gain", 0.0, 10.0, 5.0, "dB")], 0, True)
    b = _pack("Fuzz", [Knob("gain", 0.0, 10.0, 5.0, "dB")], 1, False)
    panel = _effect(pg, a, b, status=_playing(a, False))
    panel.handle(Touch("down", 0, *panel.page.bypass_btn.center))
    assert panel.control.sent[-1] == {"op": "bypass", "slot": "effect", "on": True} and _bypass_shown(pg, panel)
    panel.set_status(_playing(a, True))
    _switch_to(panel, b)
    panel.set_status(_playing(b, False))                       # the engine now plays b, not bypassed
    panel.show_title("Effect")
    assert panel.state.bypass is False and not _bypass_shown(pg, panel)
    panel.control.sent.clear()
    panel.handle(Touch("down", 0, *panel.page.bypass_btn.center))      # one tap bypasses b
    assert panel.control.sent == [{"op": "bypass", "slot": "effect", "on": True}]


def test_before_the_status_shows_the_new_pack_it_is_shown_unbypassed(pg: Any) -> None:
    a = _pack("Drive", [], 0, True)
    b = _pack("Fuzz", [], 1, False)
    panel = _effect(pg, a, b, status=_playing(a, False))
    panel.handle(Touch("down", 0, *panel.page.bypass_btn.center))
    panel.set_status(_playing(a, True))
    _switch_to(panel, b)                                       # the status still names a (bypassed)
    panel.show_title("Effect")
    assert panel.state.bypass is False and not _bypass_shown(pg, panel)


def test_a_panel_started_under_a_bypassed_effect_shows_it_bypassed(pg: Any) -> None:
    # the reverse: the engine bypasses the pack (the user's bypass, or a fault's) and the panel is new to it
    fx = _pack("Drive", [Knob("gain", 0.0, 10.0, 5.0, "dB")])
    panel = _effect(pg, fx, status=_playing(fx, True))
    assert panel.state.bypass is True and _bypass_shown(pg, panel)
    panel.handle(Touch("down", 0, *panel.page.bypass_btn.center))      # one tap brings it back
    assert panel.control.sent == [{"op": "bypass", "slot": "effect", "on": False}]
    other = {**_playing(fx, True), "active": {"effect": {"path": "/box/packs/effect-9/pack.hatpack"}}}
    assert _effect(pg, fx, status=other).state.bypass is False        # another pack's bypass is not this one's


def test_the_same_pack_keeps_the_panels_own_bypass(pg: Any) -> None:
    fx = _pack("Drive", [Knob("gain", 0.0, 10.0, 5.0, "dB")])
    panel = _effect(pg, fx, status=_playing(fx, False))
    panel.handle(Touch("down", 0, *panel.page.bypass_btn.center))
    panel.show_title("Play")                                   # the status has not caught up yet
    panel.show_title("Effect")
    assert panel.state.bypass is True and _bypass_shown(pg, panel)


class _Half:
    """A stand-in effect unit for the engine: halves its input."""

    faults = 0

    def process(self, x: Any) -> Any:
        return 0.5 * x

    def reset(self) -> None:
        pass


def test_the_panel_follows_the_real_engines_bypass_through_a_switch(pg: Any) -> None:
    """What the pages read is what device/audio/engine.py reports: a bypass holds for the pack that
    was bypassed, and the pack the engine switches to plays unbypassed."""
    import numpy as np

    from device.audio.engine import Engine, EngineConfig
    a = _pack("Drive", [], 0, True)
    b = _pack("Fuzz", [], 1, False)
    engine = Engine(EngineConfig(rate=48000, block=128))
    x, y = np.full(128, 0.1, np.float32), np.zeros(128, np.float32)

    def blocks(n: int = 20) -> dict[str, Any]:
        for _ in range(n):
            engine.process(x, y)
        return engine.status()

    engine.install("effect", _Half(), {"name": "Drive", "path": a.path})
    engine.handle({"op": "bypass", "slot": "effect", "on": True})
    panel = _effect(pg, a, b, status=blocks())                 # a panel (re)started now
    assert panel.state.bypass is True and _bypass_shown(pg, panel)
    _switch_to(panel, b)
    engine.install("effect", _Half(), {"name": "Fuzz", "path": b.path})      # what the engine does with that load
    panel.set_status(blocks())
    panel.show_title("Effect")
    assert engine.status()["bypassed"]["effect"] is False
    assert panel.state.bypass is False and not _bypass_shown(pg, panel)


# -- bypass: followed while the page is shown (a fault's bypass, and why), taps not undone ---------

class _Broken:
    """A stand-in effect unit that misbehaves while ``bad`` is set: NaN out, or a runaway gain."""

    faults = 0

    def __init__(self, how: str) -> None:
        self.how, self.bad = how, False

    def process(self, x: Any) -> Any:
        import numpy as np
        if not self.bad:
            return 0.5 * x
        return np.full_like(x, np.nan) if self.how == "nonfinite" else 100.0 * x

    def reset(self) -> None:
        pass


def _fault_shown(pg: Any, panel: Panel, text: str) -> bool:
    """Whether the Effect page says ``text`` in red on the line under the pack's name."""
    surface = pg.Surface(panel.size)
    panel.draw(surface)
    rect = panel.page.rect
    line = surface.subsurface(pg.Rect(rect.x, rect.y + 44, rect.width, 30))    # the line under the name
    return bool(find_text(line, text, 20, D.BAD))


@pytest.mark.parametrize("how,words", [("nonfinite", "the model's output was not a number (NaN/inf)"),
                                       ("runaway", "the model's output ran away (far too loud)")])
def test_a_fault_while_the_page_is_shown_lights_bypass_and_says_why(pg: Any, how: str, words: str) -> None:
    # the bug: the page read the engine's bypass only for a pack new to it, so an effect the engine
    # bypassed for a fault went on looking active
    import numpy as np

    from device.audio.engine import Engine, EngineConfig
    fx = _pack("Drive", [Knob("gain", 0.0, 10.0, 5.0, "dB")])
    engine, unit = Engine(EngineConfig(rate=48000, block=128)), _Broken(how)
    x, y = np.full(128, 0.1, np.float32), np.zeros(128, np.float32)

    def blocks(n: int = 20) -> dict[str, Any]:
        for _ in range(n):
            engine.process(x, y)
        return engine.status()

    engine.install("effect", unit, {"name": "Drive", "path": fx.path})
    panel = _effect(pg, fx, status=blocks())
    assert not _bypass_shown(pg, panel)
    unit.bad = True
    panel.set_status(blocks())                                 # the engine bypasses it: shown at once, and why
    assert engine.status()["bypassed"]["effect"] is True and panel.state.bypass is True
    assert _bypass_shown(pg, panel) and _fault_shown(pg, panel, f"bypassed by a fault: {words}")
    panel.handle(Touch("down", 0, *panel.page.bypass_btn.center))      # the user tries it again
    assert panel.control.sent[-1] == {"op": "bypass", "slot": "effect", "on": False}
    assert not _bypass_shown(pg, panel) and not _fault_shown(pg, panel, f"bypassed by a fault: {words}")
    engine.handle(panel.control.sent[-1])
    panel.set_status(blocks())                                 # still broken: bypassed again, said again
    assert _bypass_shown(pg, panel) and _fault_shown(pg, panel, f"bypassed by a fault: {words}")
    unit.bad = False
    panel.handle(Touch("down", 0, *panel.page.bypass_btn.center))
    engine.handle(panel.control.sent[-1])
    panel.set_status(blocks())                                 # mended: plays, nothing said
    assert not _bypass_shown(pg, panel) and not _fault_shown(pg, panel, f"bypassed by a fault: {words}")
    panel.handle(Touch("down", 0, *panel.page.bypass_btn.center))      # the user's own bypass is no fault
    engine.handle(panel.control.sent[-1])
    panel.set_status(blocks())
    assert _bypass_shown(pg, panel) and not _fault_shown(pg, panel, f"bypassed by a fault: {words}")


def _faulted(pack: PackEntry, bypassed: bool, *blocks: int, reason: str = "nonfinite") -> dict[str, Any]:
    """An engine status: ``pack`` in the effect slot, with faults of that slot at ``blocks``."""
    faults = [{"slot": "effect", "reason": reason, "time": 1000.0 + b, "block": b, "name": pack.manifest.name}
              for b in blocks]
    return {**_playing(pack, bypassed), "faults": faults, "fault_count": len(faults), "swap_blocks": [0]}


def test_a_tap_is_not_undone_by_statuses_that_have_not_caught_up(pg: Any) -> None:
    from device.ui.pages.effect import HOLD_STATUSES
    fx = _pack("Drive", [Knob("gain", 0.0, 10.0, 5.0, "dB")])
    panel = _effect(pg, fx, status=_playing(fx, False))
    panel.handle(Touch("down", 0, *panel.page.bypass_btn.center))
    for _ in range(HOLD_STATUSES - 1):                         # statuses asked before the engine took it
        panel.set_status(_playing(fx, False))
        assert _bypass_shown(pg, panel)
    panel.set_status(_playing(fx, True))                       # caught up
    panel.set_status(_playing(fx, False))                      # then the engine's own change (the API) is followed
    assert not _bypass_shown(pg, panel)
    panel.handle(Touch("down", 0, *panel.page.bypass_btn.center))
    for _ in range(HOLD_STATUSES):                             # never taken: the engine's value comes back
        panel.set_status(_playing(fx, False))
    assert panel.state.bypass is False and not _bypass_shown(pg, panel)


def test_a_fault_newer_than_the_tap_is_shown_at_once_an_older_one_is_not(pg: Any) -> None:
    fx = _pack("Drive", [Knob("gain", 0.0, 10.0, 5.0, "dB")])
    panel = _effect(pg, fx, status=_faulted(fx, True, 500))   # a panel started under a faulted effect
    assert _bypass_shown(pg, panel) and _fault_shown(pg, panel, "bypassed by a fault: the model's output was not a number (NaN/inf)")
    panel.handle(Touch("down", 0, *panel.page.bypass_btn.center))      # un-bypass
    panel.set_status(_faulted(fx, True, 500))                  # not caught up: the old fault does not flicker back
    assert not _bypass_shown(pg, panel) and panel.page.fault is None
    panel.set_status(_faulted(fx, True, 500, 900, reason="dc"))        # faulted again after the tap: at once
    assert _bypass_shown(pg, panel) and _fault_shown(pg, panel, "bypassed by a fault: the model's output drifted off zero (DC offset)")
    other = {**_faulted(fx, True, 500), "swap_blocks": [0, 700]}       # a fault from before the last swap
    assert _effect(pg, fx, status=other).page.fault is None
    unnamed = {**_faulted(fx, True, 500), "faults": [{"slot": "effect", "reason": "runaway", "time": 1.0, "block": 5,
                                                       "name": "Another"}]}
    assert _effect(pg, fx, status=unnamed).page.fault is None


def test_a_refused_tap_puts_the_fault_back(pg: Any) -> None:
    fx = _pack("Drive", [])
    panel = _effect(pg, fx, status=_faulted(fx, True, 500, reason="runaway"))

    def refuse(message: dict[str, Any]) -> None:
        raise RuntimeError("engine: no")

    panel.control.send = refuse
    panel.handle(Touch("down", 0, *panel.page.bypass_btn.center))
    assert panel.state.bypass is True and _fault_shown(pg, panel, "bypassed by a fault: the model's output ran away (far too loud)")


def test_a_dial_at_its_minimum_still_points(pg: Any) -> None:
    """Before: at the minimum the arc is empty and the dial looked like one with no value at all."""
    surface = pg.Surface((200, 200))
    center, radius = (100.0, 100.0), 60.0
    D.dial(surface, D.Fonts(), center, radius, 0.0, "gain", "-60 dB")
    x, y = D.dial_point(center, radius - max(6.0, radius * 0.22) / 2, D.DIAL_START - 2.0)    # just inside the sweep
    assert tuple(surface.get_at((round(x), round(y))))[:3] == D.TEXT
    blank = pg.Surface((200, 200))
    D.dial(blank, D.Fonts(), center, radius, 0.0, "gain", "-", pointer=False)      # no value: no tick
    assert tuple(blank.get_at((round(x), round(y))))[:3] == D.TRACK


def test_a_ratio_or_multiple_unit_sits_against_its_number() -> None:
    """Before: "20 :1" (the panel's QA, twenty-sixth stop)."""
    assert format_value(Knob("ratio", 1.0, 20.0, 4.0, ":1"), 20.0) == "20:1"
    assert format_value(Knob("speed", 0.5, 4.0, 1.0, "x"), 2.0) == "2x"
    assert format_value(Knob("gain", -12.0, 12.0, 0.0, "dB"), 3.0) == "3 dB"


def test_a_narrow_page_shows_two_dials_a_row_and_whole_banks(pg: Any) -> None:
    """Before: portrait kept four dials a row (radius 38 px, names cut) with three quarters of the page empty."""
    from device.ui.pages.effect import BANK
    knobs = [Knob(f"knob_number_{i}", 0.0, 10.0, 5.0, "") for i in range(8)]
    panel = Panel(RecordingControl(), MemoryData(pack_list=[_pack("wide", knobs)]), (480, 800))
    panel.show_title("Effect")
    panel.draw(pg.Surface(panel.size))
    page = panel.page
    xs = sorted({round(c[0]) for c, _, _ in page.dials})
    assert len(xs) == 2 and len(page.dials) % BANK == 0 and len(page.dials) == 8
    assert all(r >= 45 for _, r, _ in page.dials)
