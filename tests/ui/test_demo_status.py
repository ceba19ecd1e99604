"""The panel's demo status (device/ui/demo.py: screenshots, tests, benches) is shaped as the real
engine's status is (``Engine.status``): the same keys, the packs the demo box has active, every
knob of its effect in ``slot_knobs``, and its synth's pad."""
from __future__ import annotations

from typing import Any

from device.ui.data import active_pack
from device.ui.demo import TIMBRES, demo_data, demo_status
from device.ui.pages.effect import engine_knobs
from device.ui.pages.play import engine_pad
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from tests.api.status_shape import engine_keys, shape_errors


def test_the_demo_status_has_the_engines_keys_and_shapes() -> None:
    # the bug: no slot_knobs (nor bypassed, synth, load_max...): the panel in demo mode read what the
    # box never sends
    status = demo_status()
    assert set(status) == engine_keys() and shape_errors(status) == []


def test_the_demo_status_reports_the_demo_boxs_active_packs() -> None:
    data, status = demo_data(), demo_status()
    effect, synth = active_pack(data, "effect"), active_pack(data, "synth")
    assert effect is not None and synth is not None
    assert status["active"]["effect"]["path"] == effect.path and status["active"]["synth"]["path"] == synth.path
    knobs = engine_knobs(status, effect)
    assert set(knobs) == {k.name for k in effect.manifest.knobs}              # every knob, as the engine reports
    assert all(k.min <= knobs[k.name] <= k.max for k in effect.manifest.knobs) and knobs["drive"] == 12.0
    xy, corners = engine_pad(status, synth)
    assert xy == (0.5, 0.5) and corners == TIMBRES[:4]
    assert all(c in synth.manifest.extras["names"] for c in corners)
    assert demo_status()["synth"]["corners"] is not status["synth"]["corners"]   # a fresh status each call


def test_the_panel_shows_the_demo_status_as_it_shows_the_engines(pg: Any) -> None:
    panel = Panel(RecordingControl(demo_status()), demo_data(), (800, 480))
    panel.set_status(demo_status())
    panel.show_title("Effect")
    assert panel.state.knobs == demo_status()["slot_knobs"]["effect"] and panel.state.bypass is False
    panel.show_title("Play")
    assert panel.state.xy == (0.5, 0.5) and panel.state.corners == TIMBRES[:4]
