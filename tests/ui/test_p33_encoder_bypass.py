"""A box without touch (none fitted, or a controller that stopped answering) can turn a slot a fault cut out back on:
encoder 1's button is BYPASS on the Effect page and SYNTH FAULT on Play, encoder 2's is SAMPLER FAULT, and a fault's
notice then names the encoder instead of a tap (thirty-third stop's QA: on a touchless box nothing turned bypass back
on, and the notice said "tap BYPASS")."""
from __future__ import annotations

from typing import Any

import pytest

from device.ui.events import EncoderPress
from device.ui.faults import notice_lines
from tests.ui.test_fault_notice import NAN_NOTICE, Broken, BrokenSource, DRIVE, Rig, _panel, _said, faulted_effect
from tests.ui.test_source_bypass import _button, _play, _status


def _press(panel: Any, index: int) -> None:
    panel.handle(EncoderPress(index, True))
    panel.handle(EncoderPress(index, False))


def test_encoder_1_turns_a_faulted_effect_back_on(pg: Any) -> None:
    rig, unit, panel = faulted_effect("Effect")
    assert panel.state.bypass is True
    unit.bad = False
    _press(panel, 0)
    assert panel.control.sent[-1] == {"op": "bypass", "slot": "effect", "on": False}
    rig.engine.handle(panel.control.sent[-1])
    panel.set_status(rig.blocks())
    assert panel.state.bypass is False and rig.blocks()["bypassed"]["effect"] is False


@pytest.mark.parametrize("index,slot", [(0, "synth"), (1, "sampler")])
def test_encoder_presses_on_play_are_the_sources_bypass_buttons(pg: Any, index: int, slot: str) -> None:
    panel = _play(pg, _status())
    _press(panel, index)
    assert panel.control.sent == [{"op": "bypass", "slot": slot, "on": True}] and _button(pg, panel, slot) == "on"
    _press(panel, index)
    assert panel.control.sent[-1] == {"op": "bypass", "slot": slot, "on": False}
    _press(panel, 2)
    _press(panel, 3)                                            # the other encoders' buttons do nothing here
    assert len(panel.control.sent) == 2


def test_a_touchless_panel_names_the_encoder_in_a_faults_notice(pg: Any) -> None:
    rig, unit = Rig(), Broken()
    rig.engine.install("effect", unit, {"name": "hatbox-drive", "path": DRIVE.path})
    panel = _panel(rig.blocks(), "Settings")
    panel.hardware_problems(["touch not available: no ft5x06 touch controller answers at I2C address 0x38"])
    unit.bad = True
    panel.set_status(rig.blocks())
    words = NAN_NOTICE.replace("tap Effect", "press encoder 1's button on the Effect page")
    lines = notice_lines(panel.state.status["faults"][-1], touch=False)
    assert panel.state.toast == words == lines[0] and all("encoder 1" in line for line in lines[:-1])
    assert any(_said(pg, panel, line) for line in lines[:-1])      # the longest that fits is drawn: with the encoder
    panel.hardware_problems(["touch works again"], alarm=False)
    assert notice_lines({"slot": "synth", "reason": "runaway"}, on_play_page=True, touch=False)[0].endswith(
        "press encoder 1's button to turn it back on")
    assert notice_lines({"slot": "sampler", "reason": "runaway"}, touch=False)[-2].endswith(
        "encoder 2 on the Play page")
    assert panel.touchless is False


def test_a_faulted_sampler_comes_back_with_encoder_2(pg: Any) -> None:
    rig, unit = Rig(), BrokenSource(5.0)
    rig.engine.install("sampler", unit, {"name": "sampler"})
    panel = _panel(rig.blocks(), "Play")
    unit.bad = True
    panel.set_status(rig.blocks())
    assert rig.blocks()["bypassed"]["sampler"] is True
    unit.bad = False
    _press(panel, 1)
    assert panel.control.sent[-1] == {"op": "bypass", "slot": "sampler", "on": False}
