"""p53 review (M3, findings 4-5): OSC's set list takes the program and channel ranges the program map enforces (one
definition), and the docs of the change say what the box does now."""
from __future__ import annotations

from pathlib import Path

import pytest

from device import midi_programs, osc_programs
from device.osc import BadPacket
from hatbox.errors import HatboxError

ROOT = Path(__file__).resolve().parents[2]


def test_osc_takes_the_program_map_s_own_ranges(monkeypatch: pytest.MonkeyPatch) -> None:
    assert osc_programs.PROGRAM_RANGE is midi_programs.PROGRAM_RANGE
    assert osc_programs.CHANNEL_RANGE is midi_programs.CHANNEL_RANGE
    with pytest.raises(BadPacket, match="program 128 is not a whole number 0..127"):
        osc_programs.program_controls([], [128])
    with pytest.raises(HatboxError, match="a MIDI channel is 1..16, not 17"):
        midi_programs.check_program(3, 16)
    assert osc_programs.program_controls(["127", "16"], []) == [{"op": "program", "program": 127, "channel": 15}]


def _prose(text: str) -> list[str]:
    """The lines of a markdown text outside code blocks and tables."""
    lines, code = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            code = not code
        elif not code and not line.startswith("|"):
            lines.append(line)
    return lines


def test_the_osc_doc_s_prose_lines_are_within_120_characters() -> None:
    long = [line for line in _prose((ROOT / "docs/osc-shared-network.md").read_text()) if len(line) > 120]
    assert long == []


def test_the_api_doc_s_change_log_example_has_the_push_s_two_lines() -> None:
    text = (ROOT / "docs/api.md").read_text()
    assert "installed by 'studio-mac', now active" not in text
    assert "`pack effect-fuzz-2.0.0-ab12 installed by 'studio-mac'`" in text
    assert "`pack effect-fuzz-2.0.0-ab12 made the active effect pack (was effect-fuzz-1.0.0-cd34) by 'studio-mac' " \
           "(its push)`" in text
