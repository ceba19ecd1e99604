"""p53 QA (O, finding 1): ``/hatbox/bypass/effect 1.0`` (the per-control form ``/hatbox/knob/effect/drive`` takes, and
what a TouchOSC toggle sends) was ignored, and the log said hatbox listens to /hatbox/bypass without saying the slot
goes as an argument.  Now the per-slot form bypasses that slot, and an address whose first part is known but whose
rest is wrong says what that address takes."""
from __future__ import annotations

import logging
from typing import Any

import pytest

from device.control import validate
from device.osc import OscMap, OscServer

STRANGER = "192.0.2.7"


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "hatbox.osc"]


@pytest.mark.parametrize("slot", ["effect", "synth", "sampler"])
@pytest.mark.parametrize("value, on", [(1.0, True), (0.0, False), (1, True), (0, False), (0.7, True)])
def test_the_per_slot_bypass_address_bypasses_that_slot(slot: str, value: Any, on: bool) -> None:
    out = OscMap().translate(f"/hatbox/bypass/{slot}", [value])
    assert out == [{"op": "bypass", "slot": slot, "on": on}]
    validate(out[0])                                     # the engine takes it as it is


def test_the_argument_form_still_works() -> None:
    assert OscMap().translate("/hatbox/bypass", ["effect", 1.0]) == [{"op": "bypass", "slot": "effect", "on": True}]


@pytest.mark.parametrize("address", ["/hatbox/bypass/typo", "/hatbox/bypass/effect/extra", "/hatbox/bypass/Effect"])
def test_a_bypass_address_of_no_slot_says_what_bypass_takes(address: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="hatbox.osc")
    assert OscMap().translate(address, [1.0]) == []
    said = _lines(caplog)
    assert len(said) == 1 and f"ignored OSC address '{address}'" in said[0], said
    assert "/hatbox/bypass takes a slot name (effect, synth, sampler) and 0 or 1; /hatbox/bypass/SLOT takes 0 or 1 " \
           "(SLOT: effect, synth, sampler)" in said[0]
    assert "hatbox listens to" not in said[0]            # the list of addresses read as if bypass took this


@pytest.mark.parametrize("address, takes", [("/hatbox/knob/effect", "/hatbox/knob takes a slot"),
                                            ("/hatbox/panic/now", "/hatbox/panic takes nothing"),
                                            ("/hatbox/volume/up", "/hatbox/volume takes a number of dB")])
def test_a_known_address_with_a_wrong_rest_says_what_it_takes(address: str, takes: str,
                                                              caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="hatbox.osc")
    assert OscMap().translate(address, [1.0]) == []
    assert any(f"ignored OSC address '{address}': {takes}" in line for line in _lines(caplog)), _lines(caplog)


def test_a_per_slot_bypass_with_a_bad_value_says_what_that_form_takes(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="hatbox.osc")
    assert OscMap().translate("/hatbox/bypass/effect", ["on"]) == []
    assert _lines(caplog) == ["OSC: dropped /hatbox/bypass/effect 'on': 'on' is not a number (/hatbox/bypass/SLOT "
                              "takes 0 or 1 (SLOT: effect, synth, sampler))"]


def test_an_unknown_address_still_lists_the_addresses(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="hatbox.osc")
    assert OscMap().translate("/hatbox/bypas/effect", [1.0]) == []
    said = _lines(caplog)
    assert "hatbox listens to /hatbox/{" in said[0] and "bypass" in said[0] and "program" in said[0]


def test_a_touchosc_toggle_bypasses_through_the_server_and_is_said(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="hatbox.osc")
    sent: list[dict[str, Any]] = []
    server = OscServer(OscMap(), sent.append, host="127.0.0.1", port=0)
    try:
        server._on_message("/hatbox/bypass/effect", 1.0, sender=STRANGER)
        server._on_message("/hatbox/bypass/effect", 0.0, sender=STRANGER)
    finally:
        server.stop()
    who = {"by": "osc", "source": STRANGER}          # sent with it: the engine keeps who bypassed a slot (p55)
    assert sent == [{"op": "bypass", "slot": "effect", "on": True, **who},
                    {"op": "bypass", "slot": "effect", "on": False, **who}]
    assert any(f"OSC from {STRANGER}: effect slot" in line for line in _lines(caplog)), _lines(caplog)
