"""p57 F1 (p56 RD2 findings 1 and 4): OSC's volume message says who sent it as its bypass message does (``by``,
``source``; the engine's who_of stamps ``set_at`` as it arrives), the box's control keeps no second note of it, and
the status's ``{"by", "source", "at", "ago_s"}`` is built in one place (device/kept_play.py ``published_note``)
for a volume (``volume_set``) and a bypass (``bypass_set``) alike."""
from __future__ import annotations

from typing import Any

from device.api.sim import RecordingControl
from device.osc import OscMap, OscServer
from device.kept_play import OSC
from hatbox.box_control import BoxControl

STRANGER = "192.0.2.7"


def _osc_sends(address: str, *args: Any) -> list[dict[str, Any]]:
    """The control messages an OSC message from STRANGER hands the engine."""
    got: list[dict[str, Any]] = []
    server = OscServer(OscMap(), got.append, host="127.0.0.1", port=0)
    try:
        server._on_message(address, *args, sender=STRANGER)
    finally:
        server.stop()
    return got


def test_osc_stamps_the_volume_as_it_stamps_a_bypass() -> None:
    assert _osc_sends("/hatbox/volume", -60.0) == [{"op": "volume", "db": -60.0, "by": OSC, "source": STRANGER}]
    assert _osc_sends("/hatbox/bypass", "effect", 1) == [{"op": "bypass", "slot": "effect", "on": True,
                                                           "by": OSC, "source": STRANGER}]


def test_who_set_the_volume_over_osc_is_the_engines_alone() -> None:
    engine = RecordingControl()
    control = BoxControl(engine)
    server = OscServer(OscMap(knobs=control.knobs), control.send, host="127.0.0.1", port=0)
    try:
        server._on_message("/hatbox/volume", -60.0, sender=STRANGER)
    finally:
        server.stop()
    said = control.status()["volume_set"]                   # what GET /status says: the engine's, as it is
    assert (said["db"], said["by"], said["source"]) == (-60.0, OSC, STRANGER)
    assert not [k for k in vars(control) if "volume" in k or "source" in k]     # no note of its own


def test_one_published_note_for_a_volume_and_a_bypass() -> None:
    from device.kept_play import bypass_set, published_note, volume_set, who_of
    who = who_of({"by": "api", "source": "vm", "set_at": 100.0})
    assert published_note(who, 130.0) == {"by": "api", "source": "vm", "at": 100.0, "ago_s": 30.0}
    assert published_note(who, 90.0)["ago_s"] == 0.0                          # a clock set back: never negative
    assert volume_set(-3.0, who, 130.0) == {"volume_set": {"db": -3.0, **published_note(who, 130.0)}}
    assert volume_set(-3.0, {}, 130.0) == {}
    assert bypass_set({"synth": ({}, who)}, {"synth": True}, 130.0) == {"bypass_set": {
        "synth": published_note(who, 130.0)}}
