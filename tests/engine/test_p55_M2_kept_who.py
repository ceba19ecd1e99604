"""p55 review R2 #4 and #5, on the knob file's bypass (tests/engine/test_p55_F5_pad_bypass_kept.py).

#5: a stranger's ``/hatbox/bypass sampler 1`` over OSC came back after a power cut with nothing to say who set it
(GET /bypass and `hatbox status` said it only while the box that heard it ran).  A bypass message that says who sent
it (``by``, ``source``: OSC's sender, the API's paired device) is kept with it, and the box started again says it:
the start line, and the engine status's ``bypass_set``, which `hatbox status` reads.
#4: a bypass kept for a pack that no longer plays in its slot was said inside "knobs restored as ...", the one case
where the box comes back louder; it is now a start warning of its own."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from device.store import KNOB_FILE
from hatbox.status_report import bypass_lines
from tests.engine.quick_loads import quick_loads  # noqa: F401 - autouse: loads without GIL pauses
from tests.engine.test_p42_knobs_carry import capture, drive, tone
from tests.engine.test_p43_knobs_kept import FXD, FXE, Box, _blocks, _install, _kept, box, fxd, store  # noqa: F401

OSC_BYPASS = {"op": "bypass", "slot": "sampler", "on": True, "by": "osc", "source": "10.0.0.7"}


def test_who_bypassed_over_osc_is_kept_and_said_after_a_restart(box: Box, store: Path, fxd: str) -> None:  # noqa: F811
    first = box.start({"effect": fxd})
    before = time.time()
    first.request(OSC_BYPASS)
    _blocks(first)
    assert first.status()["bypass_set"]["sampler"]["source"] == "10.0.0.7"    # the engine knows who, as it runs
    box.stop(first)
    entry = _kept(store)["bypassed"]["sampler"]
    assert (entry["by"], entry["source"]) == ("osc", "10.0.0.7") and before - 1 <= entry["set_at"] <= time.time()
    second = box.start({"effect": fxd})
    status = second.status()
    assert status["bypassed"]["sampler"] is True
    assert status["knobs_restored"] == "knobs restored as they were left: sampler bypassed (by OSC 10.0.0.7)"
    note = status["bypass_set"]["sampler"]
    assert (note["by"], note["source"], note["at"]) == ("osc", "10.0.0.7", entry["set_at"]) and note["ago_s"] >= 0
    line = bypass_lines(status)
    assert len(line) == 1 and "bypassed over OSC from 10.0.0.7" in line[0], line        # what `hatbox status` says
    box.stop(second)
    assert _kept(store)["bypassed"]["sampler"]["source"] == "10.0.0.7"        # still who, one restart later


def test_a_bypass_set_again_on_the_panel_is_no_longer_the_stranger_s(box: Box, store: Path,  # noqa: F811
                                                                      fxd: str) -> None:  # noqa: F811
    first = box.start({"effect": fxd})
    first.request(OSC_BYPASS)
    first.request({"op": "bypass", "slot": "sampler", "on": False})
    first.request({"op": "bypass", "slot": "sampler", "on": True})          # the panel's button: no sender
    _blocks(first)
    assert first.status()["bypassed"]["sampler"] is True and "bypass_set" not in first.status()
    box.stop(first)
    assert _kept(store)["bypassed"]["sampler"] == {"pack": "", "name": "sampler", "version": ""}
    second = box.start({"effect": fxd})
    assert second.status()["knobs_restored"] == "knobs restored as they were left: sampler bypassed"


def test_a_laptop_s_bypass_is_said_by_its_name(box: Box, store: Path, fxd: str) -> None:  # noqa: F811
    first = box.start({"effect": fxd})
    first.request({"op": "bypass", "slot": "effect", "on": True, "by": "api", "source": "studio-mac"})
    box.stop(first)
    second = box.start({"effect": fxd})
    assert second.status()["knobs_restored"] == "knobs restored as they were left: effect bypassed (by 'studio-mac')"


@pytest.mark.parametrize("who", [{"by": 7, "source": "10.0.0.7"}, {"by": "osc", "source": ["x"]},
                                 {"by": "osc", "source": "10.0.0.7", "set_at": "noon"}])
def test_a_hand_edited_who_is_said_and_the_bypass_still_comes_back(box: Box, store: Path, fxd: str,  # noqa: F811
                                                                    who: dict) -> None:
    bypassed = {"sampler": {"pack": "", "name": "sampler", "version": "", **who}}
    (store / KNOB_FILE).write_text(json.dumps({"version": 1, "slots": {}, "bypassed": bypassed}))
    child = box.start({"effect": fxd})
    status = child.status()
    assert status["bypassed"]["sampler"] is True and "bypass_set" not in status     # quieter, never louder
    said = [w for w in status["warnings"] if "knobs.json" in w]
    assert len(said) == 1, said
    assert said[0].startswith("the kept bypass of the sampler slot says who set it in a way that is none (")
    assert said[0].endswith("): it is put back, without who")


def test_a_bypass_not_carried_is_its_own_start_warning(box: Box, store: Path, fxd: str,  # noqa: F811
                                                       tmp_path: Path) -> None:
    fxe = _install(store, FXE, capture(tmp_path / "e.hatpack", "fxE", drive(), tone()))
    data = {"version": 1, "slots": {}, "bypassed": {"effect": {"pack": FXD, "name": "fxD", "version": "1.0.0"}}}
    (store / KNOB_FILE).write_text(json.dumps(data))
    child = box.start({"effect": fxe})
    status = child.status()
    assert status["bypassed"]["effect"] is False
    assert "knobs_restored" not in status                       # nothing was restored: no "restored" line
    said = [w for w in status["warnings"] if "bypass" in w]
    assert said == ["the effect bypass was not put back: it was set on fxD, and fxE plays in that slot now, not "
                    "bypassed (hatbox box-knob effect.bypass 1 or the panel's bypass button bypasses it)"], said


def test_a_bypass_on_a_slot_that_starts_empty_is_a_start_warning(box: Box, store: Path, fxd: str) -> None:  # noqa: F811
    data = {"version": 1, "slots": {}, "xy": [0.5, 0.5],
            "bypassed": {"synth": {"pack": "synth-gm4-1.0.0-00112233aabb", "name": "synth-gm4", "version": "0.1.1"}}}
    (store / KNOB_FILE).write_text(json.dumps(data))
    child = box.start({"effect": fxd})
    status = child.status()
    assert status["knobs_restored"] == "knobs restored as they were left: xy 0.50, 0.50"
    assert [w for w in status["warnings"] if "bypass" in w] == [
        "the synth bypass was not put back: it was set on synth-gm4, which no longer plays there (the slot starts "
        "empty)"]
