"""hatbox demo's report of engine faults (the whole demo is the README's first command; not run here)."""
from __future__ import annotations

from hatbox.cmd_demo import _print_faults


def test_faults_are_printed_with_slot_model_reason_and_what_played(capsys):
    faults = [{"slot": "effect", "reason": "runaway", "time": 1.0, "block": 812, "name": "hatbox-drive"},
              {"slot": "synth", "reason": "nonfinite", "time": 2.0, "block": 900, "name": ""}]
    assert _print_faults({"faults": faults, "fault_count": 2}) == faults
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "  fault in the effect slot (hatbox-drive): runaway at block 812; bypassed from there on (the dry input)",
        "  fault in the synth slot (no model): nonfinite at block 900; bypassed from there on (silence)"]


def test_no_faults_print_nothing(capsys):
    assert _print_faults({"fault_count": 0}) == []
    assert capsys.readouterr().out == ""
