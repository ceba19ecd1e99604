"""The API's simulator (device/api/sim.py, ``--sim``) reports a status shaped like the engine's:
the same keys (``slot_knobs``, ``synth``, ``bypassed``...), and what its messages set shows in it
as the engine would show it, so that API clients and the panel see what the box sends."""
from __future__ import annotations

from device.api.sim import RecordingControl
from device.control import msg
from tests.api.conftest import BoxUnderTest
from tests.api.status_shape import engine_keys, shape_errors


def test_the_simulator_reports_every_key_the_engine_reports() -> None:
    # the bug: no slot_knobs, synth, bypassed, notes, fault_count...: clients read None for them
    status = RecordingControl().status()
    assert set(status) - {"simulated"} == engine_keys() and status["simulated"] is True
    assert shape_errors(status) == []
    assert status["slot_knobs"] == {} and status["synth"] is None and status["notes"] == []
    assert status["bypassed"] == {"effect": False, "synth": False, "sampler": False}


def test_knobs_and_bypass_sent_show_in_the_status_as_the_engine_shows_them() -> None:
    control = RecordingControl()
    control.send(msg("knob", slot="effect", name="drive", value=3.0))         # no pack there: nothing to turn
    assert control.status()["slot_knobs"] == {}
    control.send(msg("load", slot="effect", path="/box/packs/fx/pack.hatpack"))
    control.send(msg("knob", slot="effect", name="drive", value=6.5))
    control.send(msg("bypass", slot="effect", on=True))
    status = control.status()
    assert status["slot_knobs"] == {"effect": {"drive": 6.5}} and status["knobs"] == {"drive": 6.5}
    assert status["bypassed"]["effect"] is True and shape_errors(status) == []
    status["slot_knobs"]["effect"]["drive"] = 0.0                              # a copy: the caller's own
    assert control.status()["knobs"] == {"drive": 6.5}
    control.send(msg("load", slot="effect", path="/box/packs/fx2/pack.hatpack"))   # a new pack starts afresh
    status = control.status()
    assert status["slot_knobs"] == {} and status["knobs"] == {} and status["bypassed"]["effect"] is False
    control.send(msg("unload", slot="effect"))
    assert control.status()["active"]["effect"] is None and shape_errors(control.status()) == []
    assert RecordingControl(rate=44100, block=64).status()["rate"] == 44100


def test_the_api_status_carries_the_engine_keys_from_the_simulator(box: BoxUnderTest) -> None:
    engine = box.client.get("/status", headers=box.auth).json()["engine"]
    assert set(engine) - {"simulated"} == engine_keys() and shape_errors(engine) == []
