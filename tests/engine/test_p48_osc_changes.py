"""p48 QA: a stranger on the studio's Wi-Fi sent ``/hatbox/volume -60`` and bypassed the effect and the synth over
OSC; box.log said nothing of it, nor from where, and the start line gave no warning that anyone on the network can
drive OSC.  Now a volume or bypass change over OSC is one info line once it settles (a fader's burst: one line),
with the sender's address; the volume's sender goes to the engine in its message, which the box's status says
(p57 F1: the engine keeps it, no second note); the start warns when OSC listens on a non-loopback address."""
from __future__ import annotations

import logging
import socket
import time
from typing import Any

import pytest

import device.osc_changes
from device.api.sim import RecordingControl
from device.osc import OscMap, OscServer, network_warning, open_to_network
from device.osc_changes import LONGEST_S, SETTLE_S, OscChanges
from device.kept_play import OSC

STRANGER = "192.0.2.7"


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "hatbox.osc"]


def _changes(now: list[float]) -> OscChanges:
    return OscChanges(clock=lambda: now[0])


def test_a_fader_burst_on_the_volume_is_one_line_once_it_settles(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="hatbox.osc")
    now = [100.0]
    changes = _changes(now)
    for i in range(50):                                 # 50 messages a second, down to -60 dB
        now[0] = 100.0 + i * 0.02
        changes.heard({"op": "volume", "db": -60.0 * i / 49}, STRANGER)
        assert changes.settle() == 0
    now[0] += SETTLE_S * 0.9
    assert changes.settle() == 0 and _lines(caplog) == []    # not settled yet
    now[0] += SETTLE_S * 0.2
    assert changes.settle() == 1
    assert _lines(caplog) == [f"OSC from {STRANGER}: output volume set to -60 dB (50 messages over 1.0 s)"]
    assert changes.settle() == 0 and changes.flush() == 0


def test_a_fader_that_keeps_moving_is_said_every_ten_seconds_at_most(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="hatbox.osc")
    now = [0.0]
    changes = _changes(now)
    for i in range(50 * 25):                            # 25 s of a fader never let go
        now[0] = i * 0.02
        changes.heard({"op": "volume", "db": -float(i % 60)}, STRANGER)
        changes.settle()
    lines = _lines(caplog)
    assert len(lines) == 2 and all("still moving" in line for line in lines), lines
    assert 25 // LONGEST_S == 2
    assert changes.flush() == 1 and len(_lines(caplog)) == 3


def test_bypasses_are_said_per_slot_with_every_sender(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="hatbox.osc")
    now = [0.0]
    changes = _changes(now)
    changes.heard({"op": "bypass", "slot": "effect", "on": True}, STRANGER)
    changes.heard({"op": "bypass", "slot": "synth", "on": True}, "192.0.2.8")
    changes.heard({"op": "bypass", "slot": "synth", "on": True}, STRANGER)
    changes.heard({"op": "note_on", "note": 60, "velocity": 100}, STRANGER)     # heard in the music: not said
    changes.heard({"op": "knob", "slot": "effect", "name": "drive", "value": 3.0}, STRANGER)
    now[0] = SETTLE_S
    assert changes.settle() == 2
    assert set(_lines(caplog)) == {f"OSC from 192.0.2.8, {STRANGER}: synth slot bypassed (2 messages over 0.0 s)",
                                   f"OSC from {STRANGER}: effect slot bypassed"}
    changes.heard({"op": "bypass", "slot": "effect", "on": False}, STRANGER)
    assert changes.flush() == 1
    assert _lines(caplog)[-1] == f"OSC from {STRANGER}: effect slot back in (bypass off)"


def test_the_server_says_the_stranger_and_notes_who_set_the_volume(caplog: pytest.LogCaptureFixture,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Real UDP on loopback: the sender's address comes from the packet; the line comes from the server's thread
    once the change settles (between packets), not only at its stop."""
    from pythonosc.osc_message_builder import OscMessageBuilder
    monkeypatch.setattr(device.osc_changes, "SETTLE_S", 0.05)
    caplog.set_level(logging.INFO, logger="hatbox.osc")
    got: list[dict[str, Any]] = []
    server = OscServer(OscMap(), got.append, host="127.0.0.1", port=0).start()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        for address, args in (("/hatbox/volume", [-60.0]), ("/hatbox/bypass", ["effect", 1])):
            b = OscMessageBuilder(address)
            for a in args:
                b.add_arg(a)
            sock.sendto(b.build().dgram, ("127.0.0.1", server.port))
        end = time.monotonic() + 5.0
        while len(_lines(caplog)) < 2 and time.monotonic() < end:
            time.sleep(0.01)
        before_stop = sorted(_lines(caplog))
    finally:
        sock.close()
        server.stop()
    assert before_stop == ["OSC from 127.0.0.1: effect slot bypassed",
                           "OSC from 127.0.0.1: output volume set to -60 dB"]
    assert len(_lines(caplog)) == 2                     # the stop had nothing left to say
    [sent] = [m for m in got if m["op"] == "volume"]      # the engine keeps who from the message itself
    assert (sent["db"], sent["by"], sent["source"]) == (-60.0, OSC, "127.0.0.1")


def test_who_set_the_volume_is_published_while_the_engine_still_plays_it() -> None:
    engine = RecordingControl()                         # keeps who as the engine does (p57 F1)
    assert "volume_set" not in engine.status()
    engine.send({"op": "volume", "db": -60.0, "by": OSC, "source": STRANGER, "set_at": 1000.0})
    said = engine.status()["volume_set"]
    assert {k: said[k] for k in ("db", "by", "source", "at")} == {"db": -60.0, "by": OSC, "source": STRANGER,
                                                                  "at": 1000.0}
    assert said["ago_s"] > 0.0
    engine.send({"op": "volume", "db": -3.0})           # turned on the panel since: not claimed
    assert "volume_set" not in engine.status()


@pytest.mark.parametrize("host, open_", [("0.0.0.0", True), ("::", True), ("192.168.1.20", True),
                                         ("box.local", True), ("127.0.0.1", False), ("127.0.1.1", False),
                                         ("::1", False), ("localhost", False), ("[::1]", False)])
def test_osc_open_to_the_network_is_told_apart(host: str, open_: bool) -> None:
    assert open_to_network(host) is open_
    assert (network_warning(host, 12000) is not None) is open_


def test_the_start_warns_that_anyone_on_the_network_can_drive_osc(monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    from hatbox import cmd_device
    from hatbox.cli import build_parser

    class _Server:
        def __init__(self, _m: Any, _s: Any, host: str, port: int, midi: Any = None) -> None:
            self.port = port

        def start(self) -> "_Server":
            return self

        def stop(self) -> None:
            pass

    import device.osc
    monkeypatch.setattr(device.osc, "OscServer", _Server)
    for host, warned in (("0.0.0.0", True), ("127.0.0.1", False)):
        args = build_parser().parse_args(["device", "run", "--osc-host", host, "--osc-port", "12000"])
        cmd_device._start_osc(args, cmd_device.BoxControl(engine=None))
        out = capsys.readouterr()
        assert f"OSC: udp {host} port 12000" in out.out
        assert ("anyone on the network who reaches UDP port 12000 can play notes" in out.err) is warned
        assert ("--osc-host 127.0.0.1 keeps OSC to this machine" in out.err) is warned
