"""The Effect page's knobs follow the engine while the page is shown: a knob turned elsewhere (a MIDI
CC, the HTTP API, OSC: each sends the engine a ``knob`` message) shows the engine's value with the
next status, and a knob the user is turning on the panel is not fought."""
from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from device.audio.engine import Engine, EngineConfig
from device.midi import MidiMap
from device.ui import draw as D
from device.ui.data import MemoryData, PackEntry
from device.ui.demo import manifest
from device.ui.events import EncoderTurn, Touch
from device.ui.pages.effect import HOLD_STATUSES
from device.ui.panel import Panel
from export.manifest import Knob
from tests.ui.conftest import drawn, find_text, panel_on

GAIN = Knob("gain", 0.0, 10.0, 5.0, "dB")
TONE = Knob("tone", 200.0, 8000.0, 1200.0, "Hz", "log")
FX = PackEntry("effect-0", manifest("effect", "Drive", knobs=[GAIN, TONE]), "/box/packs/effect-0/pack.hatpack", True)


def _status(**knobs: float) -> dict[str, Any]:
    """An engine status: FX playing in the effect slot with ``knobs``."""
    return {"active": {"effect": {"name": "Drive", "path": FX.path}}, "knobs": dict(knobs),
            "bypassed": {"effect": False, "synth": False, "sampler": False}}


def _panel(pg: Any, status: dict[str, Any]) -> Panel:
    return panel_on("Effect", MemoryData(pack_list=[FX]), status)


def _shown(pg: Any, panel: Panel, text: str) -> bool:
    """Whether the first dial (gain) shows ``text`` as its value, checked in pixels."""
    surface = drawn(pg, panel)
    (_, r, box) = panel.page.dials[0]
    return bool(find_text(surface.subsurface(box), text, max(18, int(r * 0.45)), D.TEXT))


class KnobUnit:
    """A stand-in effect unit with knobs, kept as the real one keeps them (float32 targets)."""

    faults = 0

    def __init__(self) -> None:
        self.values = np.array([GAIN.default, TONE.default], np.float32)

    def process(self, x: Any) -> Any:
        return 0.5 * x

    def reset(self) -> None:
        pass

    def set_knob(self, name: str, value: float) -> None:
        self.values[["gain", "tone"].index(name)] = value

    def knob_values(self) -> dict[str, float]:
        return {"gain": float(self.values[0]), "tone": float(self.values[1])}


def test_a_knob_changed_elsewhere_shows_while_the_page_is_shown(pg: Any) -> None:
    # the bug: knobs were read back from the engine only on a pack switch; a knob the API or OSC
    # turned kept its old value on the panel
    panel = _panel(pg, _status(gain=5.0, tone=1200.0))
    assert _shown(pg, panel, "5 dB")
    panel.set_status(_status(gain=8.0, tone=1200.0))          # the API turned it
    assert panel.state.knobs["gain"] == 8.0 and _shown(pg, panel, "8 dB")
    panel.handle(EncoderTurn(0, 1, 1))                        # and the encoder turns on from there
    assert panel.control.sent[-1] == {"op": "knob", "slot": "effect", "name": "gain", "value": pytest.approx(8.1)}


def test_midi_cc_through_the_real_engine_shows_on_the_panel(pg: Any) -> None:
    engine, unit = Engine(EngineConfig(rate=48000, block=128)), KnobUnit()
    engine.install("effect", unit, {"name": "Drive", "path": FX.path})
    x, y = np.full(128, 0.1, np.float32), np.zeros(128, np.float32)

    def blocks() -> dict[str, Any]:
        for _ in range(4):
            engine.process(x, y)
        return engine.status()

    panel = _panel(pg, blocks())
    midi = MidiMap()
    midi.knobs.set_from_manifest("effect", FX.manifest)
    midi.bind(21, "effect", "gain")
    for message in midi.translate({"type": "control_change", "channel": 0, "control": 21, "value": 127}):
        engine.handle(message)
    panel.set_status(blocks())
    assert panel.state.knobs["gain"] == 10.0 and _shown(pg, panel, "10 dB")
    engine.handle({"op": "knob", "slot": "effect", "name": "tone", "value": 3000.0})     # OSC / the API
    panel.set_status(blocks())
    assert panel.state.knobs["tone"] == pytest.approx(3000.0, rel=1e-6)
    panel.set_status(blocks())                                 # float32 round trips move nothing
    assert panel.state.knobs["gain"] == 10.0


def test_a_knob_turned_here_is_not_undone_by_statuses_that_have_not_caught_up(pg: Any) -> None:
    old = _status(gain=5.0, tone=1200.0)
    panel = _panel(pg, old)
    for _ in range(10):
        panel.handle(EncoderTurn(0, 1, 1))
    assert panel.state.knobs["gain"] == pytest.approx(6.0)
    for _ in range(HOLD_STATUSES - 1):                         # asked before the engine took the turns
        stale = _status(gain=5.0, tone=1200.0)
        panel.set_status(stale)
        panel.set_status(stale)                                # the same dict again (the next frame)
    assert panel.state.knobs["gain"] == pytest.approx(6.0) and _shown(pg, panel, "6 dB")
    panel.set_status(_status(gain=5.0, tone=2000.0))           # another knob is followed meanwhile
    assert panel.state.knobs["tone"] == 2000.0
    for _ in range(HOLD_STATUSES):                             # never taken: the engine's value comes back
        panel.set_status(_status(gain=5.0, tone=2000.0))
    assert panel.state.knobs["gain"] == 5.0 and _shown(pg, panel, "5 dB")


def test_a_finger_on_a_dial_is_not_fought(pg: Any) -> None:
    panel = _panel(pg, _status(gain=5.0, tone=1200.0))
    (_, _, box) = panel.page.dials[0]
    panel.handle(Touch("down", 0, *box.center))                # held still: no value sent yet
    for _ in range(HOLD_STATUSES + 2):
        panel.set_status(_status(gain=2.0, tone=1200.0))
    assert panel.state.knobs["gain"] == 5.0
    panel.handle(Touch("move", 0, box.centerx, box.centery - 30))      # +1 dB
    assert panel.control.sent[-1]["value"] == pytest.approx(6.0)
    panel.handle(Touch("up", 0, box.centerx, box.centery - 30))
    panel.set_status(_status(gain=6.0, tone=1200.0))           # the engine took it
    assert panel.state.knobs["gain"] == pytest.approx(6.0)
    for _ in range(HOLD_STATUSES):
        panel.set_status(_status(gain=3.0, tone=1200.0))       # then MIDI turned it
    assert panel.state.knobs["gain"] == 3.0 and _shown(pg, panel, "3 dB")


def test_reports_for_another_pack_or_not_numbers_change_nothing(pg: Any) -> None:
    panel = _panel(pg, _status(gain=5.0, tone=1200.0))
    other = {**_status(gain=9.0), "active": {"effect": {"name": "Fuzz", "path": "/box/packs/effect-9/pack.hatpack"}}}
    panel.set_status(other)
    panel.set_status(_status(gain=float("nan"), tone=1200.0))
    panel.set_status({**_status(tone=1200.0), "knobs": {"gain": "loud", "tone": 1200.0}})
    assert panel.state.knobs["gain"] == 5.0
    panel.set_status(_status(gain=99.0, tone=1200.0))          # out of range: shown at its end
    assert panel.state.knobs["gain"] == 10.0
