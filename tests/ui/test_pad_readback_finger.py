"""The panel reads the pad back from the engine when the synth pack changes (device/ui/panel.py), but
never from under a finger on the pad: the finger's position is the newer one."""
from __future__ import annotations

from typing import Any

import pytest

from device.ui import draw as D
from device.ui.demo import TIMBRES, demo_data, demo_status
from device.ui.events import Touch
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from tests.ui.conftest import pixel

PACKS = [p for p in demo_data().packs() if p.manifest.kind == "synth"]
A, B = PACKS[0], PACKS[1]            # the active synth, and another one the API may switch to


def _status(pack: Any, xy: tuple[float, float], corners: list[str]) -> dict[str, Any]:
    """An engine status: ``pack`` playing in the synth slot, its pad at ``xy`` with ``corners``."""
    return {**demo_status(), "active": {"effect": None, "synth": {"name": pack.manifest.name, "path": pack.path},
                                        "sampler": None},
            "synth": {"xy": list(xy), "corners": corners}}


def _on_pad(panel: Panel, x: float, y: float) -> tuple[float, float]:
    pad = panel.page.pad
    return pad.x + x * (pad.width - 1), pad.y + (1.0 - y) * (pad.height - 1)


def test_a_synth_switched_under_a_finger_keeps_the_fingers_position(pg: Any) -> None:
    # the bug: the panel read the new synth's position back even with a finger on the pad; the
    # cursor jumped from under the finger until it moved again
    panel = Panel(RecordingControl(), demo_data(), (800, 480))
    panel.set_status(_status(A, (0.5, 0.5), TIMBRES[:4]))
    panel.show_title("Play")
    panel.handle(Touch("down", 0, *_on_pad(panel, 0.2, 0.8)))
    assert panel.state.xy == pytest.approx((0.2, 0.8), abs=0.01)
    corners = [TIMBRES[3], TIMBRES[2], TIMBRES[1], TIMBRES[0]]
    panel.set_status(_status(B, (0.5, 0.5), corners))               # the API switched the synth
    assert panel.state.xy == pytest.approx((0.2, 0.8), abs=0.01)    # the finger's, not the new synth's
    assert panel.state.corners == corners                           # the new synth's corners are read
    surface = pg.Surface(panel.size)
    panel.draw(surface)
    assert pixel(surface, *_on_pad(panel, 0.2, 0.8)) == D.CURSOR
    panel.handle(Touch("move", 0, *_on_pad(panel, 0.3, 0.7)))       # the finger goes on from there
    assert panel.control.sent[-1] == {"op": "xy", "x": pytest.approx(0.3, abs=0.01), "y": pytest.approx(0.7, abs=0.01)}


def test_without_a_finger_the_new_synths_position_is_read_back(pg: Any) -> None:
    panel = Panel(RecordingControl(), demo_data(), (800, 480))
    panel.set_status(_status(A, (0.5, 0.5), TIMBRES[:4]))
    panel.show_title("Play")
    panel.handle(Touch("down", 0, *_on_pad(panel, 0.2, 0.8)))
    panel.handle(Touch("up", 0, *_on_pad(panel, 0.2, 0.8)))
    panel.set_status(_status(B, (0.6, 0.4), TIMBRES[:4]))
    assert panel.state.xy == (0.6, 0.4)
    panel.show_title("Effect")                                       # on another page no finger is on the pad
    panel.set_status(_status(A, (0.1, 0.9), TIMBRES[:4]))
    assert panel.state.xy == (0.1, 0.9)
