"""The Effect page shows its own slot's knob values (``status["slot_knobs"]["effect"]``), never a
synth knob of the same name, from a status of any shape and from the real engine's."""
from __future__ import annotations

from typing import Any

import numpy as np

from device.audio.engine import Engine, EngineConfig
from device.ui.data import MemoryData
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from tests.engine.test_status_knobs import KnobSynth
from tests.ui.test_knobs_follow_engine import FX, KnobUnit, _shown


def _status(effect: dict[str, float], synth: dict[str, float]) -> dict[str, Any]:
    """A status where the engine plays FX (knobs ``effect``) and a synth (knobs ``synth``); its
    ``knobs`` merged as the old engine merged them, the synth's last."""
    return {"active": {"effect": {"name": "Drive", "path": FX.path}, "synth": {"name": "Pad", "path": "/p/s"}},
            "slot_knobs": {"effect": dict(effect), "synth": dict(synth)}, "knobs": {**effect, **synth},
            "bypassed": {"effect": False, "synth": False, "sampler": False}}


def _effect_page(status: dict[str, Any]) -> Panel:
    panel = Panel(RecordingControl(), MemoryData(pack_list=[FX]), (800, 480))
    panel.set_status(status)
    panel.show_title("Effect")
    return panel


def test_a_synth_knob_of_the_same_name_is_not_shown_on_the_effect_page(pg: Any) -> None:
    # the bug: the page read the merged status["knobs"], where the synth's "gain" hid the effect's
    panel = _effect_page(_status({"gain": 7.0, "tone": 1200.0}, {"gain": 1.0}))
    assert panel.state.knobs["gain"] == 7.0 and _shown(pg, panel, "7 dB")     # a pack new to the page
    panel.set_status(_status({"gain": 4.0, "tone": 1200.0}, {"gain": 9.0}))   # followed while shown
    assert panel.state.knobs["gain"] == 4.0 and _shown(pg, panel, "4 dB")
    panel.set_status(_status({"tone": 1200.0}, {"gain": 2.0}))                # the effect reports no gain
    assert panel.state.knobs["gain"] == 4.0


def test_a_status_without_slot_knobs_is_still_read(pg: Any) -> None:
    # controls that answer less (the API's simulator, older engines) have only "knobs"
    old = {"active": {"effect": {"name": "Drive", "path": FX.path}}, "knobs": {"gain": 6.0}}
    panel = _effect_page(old)
    assert panel.state.knobs["gain"] == 6.0 and _shown(pg, panel, "6 dB")


def test_the_real_engines_effect_knob_shows_not_the_synths(pg: Any) -> None:
    engine = Engine(EngineConfig(rate=48000, block=128, xfade_s=0.0))
    engine.install("synth", KnobSynth(gain=1.0), {"name": "Pad", "path": "/box/packs/synth-0/pack.hatpack"})
    engine.install("effect", KnobUnit(), {"name": "Drive", "path": FX.path})
    x, y = np.full(128, 0.1, np.float32), np.zeros(128, np.float32)

    def blocks() -> dict[str, Any]:
        for _ in range(4):
            engine.process(x, y)
        return engine.status()

    panel = _effect_page(blocks())
    assert panel.state.knobs["gain"] == 5.0                                    # the effect's default
    engine.handle({"op": "knob", "slot": "synth", "name": "gain", "value": 9.5})
    engine.handle({"op": "knob", "slot": "effect", "name": "gain", "value": 3.0})
    panel.set_status(blocks())
    assert panel.state.knobs["gain"] == 3.0 and _shown(pg, panel, "3 dB")
