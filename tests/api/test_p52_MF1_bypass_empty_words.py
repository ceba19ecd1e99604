"""p52 final read FR1 finding 6: `hatbox box-knob effect.bypass` on a slot that plays no pack printed "0  (plays;
hatbox box-knob effect.bypass 1 bypasses it)": it plays nothing, and the `1` offered is refused by the box (409 "no
pack" since p52 R3).  Now it says the slot plays no pack; a slot that plays one keeps the hint."""
from __future__ import annotations

import argparse

import pytest
from fastapi.testclient import TestClient

from hatbox.cmd_box_knob import box_bypass, bypass_knob_line, pick
from hatbox.errors import KnobError
from tests.api.test_p52_M3_bypass_empty import EmptySlotsEngine, box  # noqa: F401 (the fixture)


def _shown(client: TestClient, auth: dict[str, str], slot: str, capsys: pytest.CaptureFixture[str]) -> str:
    client.headers.update(auth)
    assert box_bypass(client, slot, argparse.Namespace(value=[], json=False)) == 0
    return capsys.readouterr().out.strip()


def test_p52_MF1_an_empty_slot_is_said_to_play_no_pack(box: tuple[TestClient, dict[str, str], EmptySlotsEngine],
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    client, auth, control = box
    line = _shown(client, auth, "effect", capsys)
    assert line == "effect.bypass        0  (no pack plays in the effect slot: nothing to bypass)", line
    line = _shown(client, auth, "sampler", capsys)                # the sampler plays its kit: no pack needed
    assert line == "sampler.bypass       0  (plays; hatbox box-knob sampler.bypass 1 bypasses it)", line
    control.active["effect"] = {"path": "drive"}
    line = _shown(client, auth, "effect", capsys)
    assert line == "effect.bypass        0  (plays; hatbox box-knob effect.bypass 1 bypasses it)", line


def test_p52_MF1_the_line_without_a_status_is_as_before() -> None:
    assert bypass_knob_line({"slot": "synth", "bypassed": False}).endswith("(plays; hatbox box-knob synth.bypass 1 "
                                                                           "bypasses it)")


def test_p52_MF1_a_bypass_of_no_slot_names_the_bypass_slots() -> None:
    with pytest.raises(KnobError, match=r"slot's bypass: effect, synth or sampler"):
        pick([], "tagger.bypass")
