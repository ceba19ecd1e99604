"""MIDI learn on the box itself (the Effect page over the control's ``midi``, a real device.midi.MidiHub fed
control changes through its ``translate``, as the MIDI input's thread does): the learn button, a tapped
knob armed, "CC 21 -> tone" once the CC comes, each knob's CCs under its name; the button again, leaving
the page or another pack cancels; no MIDI map, MIDI off or a failing hub break nothing."""
from __future__ import annotations

from typing import Any

import pytest

from device.midi import KnobRanges, MidiHub, MidiMap
from device.ui import draw as D
from device.ui.data import MemoryData, PackEntry
from device.ui.demo import demo_data, demo_packs, demo_status, manifest
from device.ui.events import EncoderTurn, Touch
from device.ui.panel import MESSAGE_SIZE, Panel
from device.ui.shots import RecordingControl
from export.manifest import Knob
from tests.ui.conftest import find_text

SIZES = [(800, 480), (480, 800)]
CC_SIZE = 18                    # device/ui/pages/effect.py CC_SIZE: the CCs under a knob's name


def _effect_manifest() -> Any:
    return next(p for p in demo_packs() if p.active and p.manifest.kind == "effect").manifest


def _hub(on: bool = True) -> MidiHub:
    """The box's MIDI map with the demo's effect loaded (drive, tone, level, mix: CC 70..73 by default)."""
    knobs = KnobRanges()
    knobs.loaded("effect", _effect_manifest())
    hub = MidiHub(MidiMap(knobs=knobs))
    if on:
        hub.opened("hatbox")
    else:
        hub.closed("MIDI is off: the box was started with --no-midi")
    return hub


def _panel(hub: Any, size: tuple[int, int] = (800, 480), data: Any = None) -> Panel:
    control = RecordingControl(demo_status())
    if hub is not None:
        control.midi = hub
    panel = Panel(control, data if data is not None else demo_data(), size)
    panel.set_status(demo_status())
    panel.show_title("Effect")
    return panel


def _tap(panel: Panel, x: float, y: float, finger: int = 5) -> None:
    panel.handle(Touch("down", finger, x, y))
    panel.handle(Touch("up", finger, x, y))


def _dial(panel: Panel, name: str) -> Any:
    page = panel.page
    j = [k.name for k in page.knobs].index(name) - page.first
    return page.dials[j][2]


def _drawn(pg: Any, panel: Panel) -> Any:
    surface = pg.Surface(panel.size)
    panel.draw(surface)
    return surface


def _cc(channel_cc: int, value: int = 90) -> dict[str, Any]:
    return {"type": "control_change", "channel": 0, "control": channel_cc, "value": value}


@pytest.mark.parametrize("size", SIZES)
def test_a_tapped_knob_learns_the_next_cc(pg: Any, size: tuple[int, int]) -> None:
    hub = _hub()
    panel = _panel(hub, size)
    page = panel.page
    assert find_text(_drawn(pg, panel), "learn", 24, D.TEXT)
    _tap(panel, *page.learn_btn.center)
    assert page.learn.on and hub.snapshot()["learning"] is None            # on, nothing armed yet
    assert find_text(_drawn(pg, panel), "LEARN", 24, D.BG)
    box = _dial(panel, "tone")
    panel.handle(Touch("down", 1, *box.center))
    panel.handle(Touch("move", 1, box.centerx, box.centery - 200))          # a tap in learn mode turns nothing
    panel.handle(Touch("up", 1, box.centerx, box.centery - 200))
    assert panel.control.sent == []
    assert hub.snapshot()["learning"] == {"slot": "effect", "knob": "tone"}
    surface = _drawn(pg, panel)
    assert find_text(surface, "CC ?", CC_SIZE, D.ACCENT) or find_text(surface, "waiting for a CC...", CC_SIZE, D.ACCENT)
    assert not panel.state.toast                       # the line under the name says what to do
    hub.translate(_cc(21))                             # the MIDI thread: a control moved
    assert hub.snapshot()["learning"] is None and hub.map.cc[21] == ("effect", "tone")
    surface = _drawn(pg, panel)                        # the next frame sees it
    assert panel.state.toast == "CC 21 -> tone"
    assert find_text(surface, "CC 21 -> tone", MESSAGE_SIZE, D.ACCENT)
    assert find_text(surface, "CC 21, 71", CC_SIZE, D.GOOD)               # the learned CC beside its default
    assert page.learn.on and page.learn.armed is None  # still on: the next knob may be tapped
    _tap(panel, *_dial(panel, "mix").center)
    hub.translate(_cc(22))
    _drawn(pg, panel)
    assert panel.state.toast == "CC 22 -> mix" and hub.map.cc[22] == ("effect", "mix")
    _tap(panel, *page.learn_btn.center)                # learn off: the knobs turn again on a drag
    assert not page.learn.on
    box = _dial(panel, "level")
    panel.handle(Touch("down", 1, *box.center))
    panel.handle(Touch("move", 1, box.centerx, box.centery - 30))
    assert panel.control.sent and panel.control.sent[-1]["name"] == "level"


def test_each_knob_shows_the_ccs_that_turn_it(pg: Any) -> None:
    hub = _hub()
    hub.map.bind(16, "effect", "level")               # e.g. --midi-cc 16=effect.level
    hub.map.unbind(73)                                # --midi-cc 73=off
    panel = _panel(hub)
    surface = _drawn(pg, panel)
    for label in ("CC 70", "CC 71", "CC 16, 72"):
        assert find_text(surface, label, CC_SIZE, D.DIM), label
    mix = _dial(panel, "mix")
    under = pg.Rect(mix.x - 30, mix.bottom, mix.width + 60, 40)
    assert not any(under.collidepoint(x, y) for x, y in find_text(surface, "CC 73", CC_SIZE, D.DIM))
    hub.map.bind(30, "effect", "mix")                 # bound elsewhere (the API): shown at the next frame
    assert find_text(_drawn(pg, panel), "CC 30", CC_SIZE, D.DIM)


def test_learn_again_leaving_the_page_and_a_pack_switch_cancel_an_armed_learn(pg: Any) -> None:
    hub = _hub()
    panel = _panel(hub)
    page = panel.page
    _tap(panel, *page.learn_btn.center)
    _tap(panel, *_dial(panel, "drive").center)
    assert hub.snapshot()["learning"] == {"slot": "effect", "knob": "drive"}
    _tap(panel, *page.learn_btn.center)                # learn again: off, disarmed
    assert hub.snapshot()["learning"] is None and not page.learn.on
    assert panel.state.toast == "MIDI learn off (learn for drive cancelled)"
    hub.translate(_cc(21))
    assert 21 not in hub.map.cc

    _tap(panel, *page.learn_btn.center)
    _tap(panel, *_dial(panel, "drive").center)
    _tap(panel, *_dial(panel, "drive").center)         # the armed knob again: disarmed
    assert hub.snapshot()["learning"] is None and page.learn.on
    _tap(panel, *_dial(panel, "tone").center)
    panel.show_title("Play")                           # leaving the page
    assert hub.snapshot()["learning"] is None and not page.learn.on

    panel.show_title("Effect")
    _tap(panel, *page.learn_btn.center)
    _tap(panel, *_dial(panel, "tone").center)
    hub.arm("synth", "brightness")                     # the API arms another knob: not the page's to cancel
    _drawn(pg, panel)
    assert page.learn.armed is None and "synth.brightness" in panel.state.toast
    panel.show_title("Play")
    assert hub.snapshot()["learning"] == {"slot": "synth", "knob": "brightness"}
    hub.cancel()

    data = demo_data()                                 # another effect pack made active under the page
    panel = _panel(hub, data=data)
    _tap(panel, *panel.page.learn_btn.center)
    _tap(panel, *_dial(panel, "level").center)
    fuzz = next(p for p in data.pack_list if p.manifest.name == "Fuzz face")
    data.activate(fuzz.id)
    panel.page.refresh()
    assert hub.snapshot()["learning"] is None and panel.page.learn.on


def test_a_knob_the_box_does_not_play_is_not_armed(pg: Any) -> None:
    hub = _hub()
    pack = PackEntry("effect-9", manifest("effect", "Other", knobs=[Knob("grit", 0.0, 1.0, 0.5)]),
                     "/box/packs/effect-9/pack.hatpack", True)
    panel = _panel(hub, data=MemoryData(pack_list=[pack]))             # the page shows a pack the box lacks
    _tap(panel, *panel.page.learn_btn.center)
    _tap(panel, *_dial(panel, "grit").center)
    assert hub.snapshot()["learning"] is None
    assert panel.state.toast == "the effect pack the box plays has no knob 'grit': nothing armed"


@pytest.mark.parametrize("size", SIZES)
def test_without_midi_nothing_breaks(pg: Any, size: tuple[int, int]) -> None:
    panel = _panel(None, size)                          # the demo's control: no ``midi`` at all
    page = panel.page
    surface = _drawn(pg, panel)
    assert page.learn_btn is None and not find_text(surface, "learn", 24, D.TEXT)
    assert not find_text(surface, "CC 70", CC_SIZE, D.DIM)
    x, y = page.bypass_btn.x - 60, page.bypass_btn.centery                # where the button would be
    _tap(panel, x, y)
    assert not panel.state.toast and not page.learn.on

    hub = _hub(on=False)                                # MIDI off (--no-midi): "MIDI off", a tap says why
    panel = _panel(hub, size)
    surface = _drawn(pg, panel)
    assert find_text(surface, "MIDI off", 24, D.DIM) and not find_text(surface, "CC 70", CC_SIZE, D.DIM)
    _tap(panel, *panel.page.learn_btn.center)
    assert not panel.page.learn.on and panel.state.toast == "MIDI is off: the box was started with --no-midi"
    _tap(panel, *_dial(panel, "drive").center)
    assert hub.snapshot()["learning"] is None

    hub = _hub()                                        # MIDI stops while a learn is armed: disarmed, said
    panel = _panel(hub, size)
    _tap(panel, *panel.page.learn_btn.center)
    _tap(panel, *_dial(panel, "drive").center)
    hub.closed("MIDI is off: the MIDI input went away")
    _drawn(pg, panel)
    assert hub.snapshot()["learning"] is None and not panel.page.learn.on
    assert panel.state.toast == "MIDI is off: the MIDI input went away"


class BrokenHub:
    """A hub whose snapshot fails (a MIDI map in a bad state): the page must go on."""

    def snapshot(self) -> dict[str, Any]:
        raise RuntimeError("midi map unreadable")


def test_a_failing_hub_leaves_the_page_working(pg: Any) -> None:
    panel = _panel(BrokenHub())
    surface = _drawn(pg, panel)
    assert find_text(surface, "MIDI off", 24, D.DIM) and find_text(surface, "drive", 22, D.DIM)
    _tap(panel, *panel.page.learn_btn.center)
    assert panel.state.toast == "MIDI learn: midi map unreadable"
    panel.handle(EncoderTurn(0, 1, 1))
    assert panel.control.sent[-1]["op"] == "knob"


def test_the_learn_screenshot_shows_a_binding_and_an_armed_knob(pg: Any) -> None:
    from device.ui.shots import learn_panel
    panel = learn_panel(demo_data(), demo_status())
    hub = panel.control.midi
    assert hub.map.cc[21] == ("effect", "drive") and panel.page.learn.armed == "tone"
    surface = _drawn(pg, panel)
    assert find_text(surface, "CC 21, 70", CC_SIZE, D.DIM) and find_text(surface, "LEARN", 24, D.BG)
