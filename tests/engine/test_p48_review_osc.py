"""p48 review of OSC on a shared network: the start's warning told a box already bound to one address
(--osc-host 192.168.7.1) to bind one address; the change lines wrote "-60.0 dB" and "+0.0 dB" where the rest of
hatbox writes "-60 dB" and "0 dB"; a sender waiting just over SETTLE_S between messages got one line per message
(no rate limit); a panel turn did not clear who set the volume; the status advised `hatbox box-knob volume 0`,
refused as unclear while a pack plays a knob named volume.  p57 R4 5: who set the volume is the engine's alone, so
the panel's turn is checked through the box's control on the engine process's child (the fixture of
tests/engine/test_p43_knobs_kept.py), not the API's simulated engine."""
from __future__ import annotations

import logging
import time

import pytest

from device.kept_play import OSC
from device.osc import network_warning
from device.osc_changes import CHANGE_LINES, CHANGE_WINDOW_S, SETTLE_S, OscChanges, change_words
from hatbox.box_control import BoxControl
from hatbox.status_report import ago_clock, set_by_words, volume_words
from tests.engine.test_p43_knobs_kept import Box, box, fxd, store  # noqa: F401  (fixtures)
from tests.engine.test_p56_F4_volume_who_kept import _Engine

STRANGER = "192.0.2.7"


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "hatbox.osc"]


@pytest.mark.parametrize("host", ["192.168.7.1", "10.0.0.5", "fe80::1", "box.local"])
def test_a_box_bound_to_one_address_is_not_told_to_bind_one(host: str) -> None:
    words = network_warning(host, 12000)
    assert words is not None and f"anyone on the network of {host} who reaches UDP port 12000" in words
    assert "--osc-host ADDRESS" not in words
    assert "--osc-host 127.0.0.1 keeps OSC to this machine" in words and "--osc-port 0 turns it off" in words


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "", "[::]", "0:0::0"])
def test_every_interface_keeps_the_full_advice(host: str) -> None:
    words = network_warning(host, 12000)
    assert words is not None and "anyone on the network who reaches UDP port 12000" in words
    assert "--osc-host ADDRESS to one network" in words


@pytest.mark.parametrize("db, said", [(0.0, "0 dB"), (-0.04, "0 dB"), (-60.0, "-60 dB"), (6.0, "6 dB"),
                                      (-12.34, "-12.3 dB")])
def test_the_change_line_writes_the_volume_as_the_rest_of_hatbox(db: float, said: str) -> None:
    assert change_words({"op": "volume", "db": db}) == f"output volume set to {said}"


def test_a_sender_just_over_the_settle_time_gets_a_few_lines_a_minute(caplog: pytest.LogCaptureFixture) -> None:
    """One message every 1.1 s for five minutes: at most CHANGE_LINES lines a minute, every message counted in
    them, the last volume sent in the last line."""
    caplog.set_level(logging.INFO, logger="hatbox.osc")
    now = [0.0]
    changes = OscChanges(clock=lambda: now[0])
    sent = 0
    while now[0] < 300.0:
        changes.heard({"op": "volume", "db": -float(sent % 60)}, STRANGER)
        sent += 1
        for _ in range(11):                                # the server's thread between packets, every 0.1 s
            now[0] += SETTLE_S * 0.11
            changes.settle()
    last_db = -float((sent - 1) % 60)
    changes.flush()
    lines = _lines(caplog)
    minutes = 300.0 / CHANGE_WINDOW_S
    assert len(lines) <= CHANGE_LINES * (minutes + 1) + 1, len(lines)
    assert len(lines) < sent / 4
    held = [line for line in lines if "held back: at most" in line]
    assert held and all(" changes, " in line and " messages over " in line for line in held), held[:2]
    counted = sum(int(line.split(" messages over")[0].rsplit(" ", 1)[1]) if "messages over" in line else 1
                  for line in lines)
    assert counted == sent                                  # none lost: each message is in one line's count
    assert lines[-1].startswith(f"OSC from {STRANGER}: output volume set to {last_db:g} dB (")


def test_a_change_now_and_then_is_said_at_once(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="hatbox.osc")
    now = [0.0]
    changes = OscChanges(clock=lambda: now[0])
    for i in range(CHANGE_LINES):
        changes.heard({"op": "bypass", "slot": "effect", "on": i % 2 == 0}, STRANGER)
        now[0] += SETTLE_S
        assert changes.settle() == 1
    assert not any("held back" in line for line in _lines(caplog))


STRANGERS_VOLUME = {"op": "volume", "db": -60.0, "by": OSC, "source": STRANGER}      # as OSC sends it


def _who(control: BoxControl) -> str | None:
    """Whom GET /status says set the volume (None: nobody): the engine's status, through the box's control."""
    return control.status().get("volume_set", {}).get("source")


def test_a_panel_volume_through_the_box_control_to_the_engine_forgets_who_set_it(box: Box, fxd: str  # noqa: F811
                                                                                   ) -> None:
    control = BoxControl(_Engine(box.start({"effect": fxd})))
    control.send(STRANGERS_VOLUME)
    assert _who(control) == STRANGER
    control.send({"op": "volume", "db": -60.0})            # the panel, to the very same value
    assert _who(control) is None
    control.send(STRANGERS_VOLUME)
    control.send({"op": "knob", "slot": "effect", "name": "drive", "value": 1.0})     # not the volume: kept
    assert _who(control) == STRANGER
    with pytest.raises(Exception):
        control.send({"op": "volume", "db": "loud"})        # refused by the engine: the volume did not move
    assert _who(control) == STRANGER


def test_the_status_advice_names_the_output_volume() -> None:
    line = volume_words({"volume_db": -60.0})
    assert line.endswith("(hatbox box-knob output.volume 0 puts it back)"), line


def test_who_set_it_reads_the_time_as_carried_when_does() -> None:
    now = time.mktime((2026, 12, 6, 12, 1, 0, 0, 0, -1))
    assert ago_clock(60.0, now) == "12:00" and ago_clock(float("nan"), now) == "" and ago_clock(True, now) == ""
    assert ago_clock(now, now) == ""                        # 1970: a clock not set
    assert set_by_words("osc", STRANGER, 60.0, now) == f"set over OSC from {STRANGER} at 12:00"
    assert set_by_words("api", "studio-mac", None, now) == "set by 'studio-mac'"
