"""p49: `set_program` (hatbox/midi_program_words.py), the one place that decides "a program is being set", adds
the "--program-channel" hint itself: a program set on every channel says that a drum module's kit change (program
changes on channel 10) switches the pack too; one set on a channel, and a program cleared (``none``), say nothing of
it.  Before, `hatbox box-midi` repeated set_program's test of the "none" words to add the line, so set_program
called on its own said nothing."""
from __future__ import annotations

from pathlib import Path

import pytest

from hatbox.midi_program_words import set_program
from tests.api.conftest import make_box
from tests.api.packs import gain_pack

HINT = "listens on every MIDI channel, so a drum module changing kits"


def _said(capsys: pytest.CaptureFixture[str], client: object, given: list[str], channel: int | None) -> str:
    assert set_program(client, given, channel) == 0
    return capsys.readouterr().out


def test_set_program_says_the_any_channel_hint_only_when_it_sets_one_on_every_channel(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    box = make_box(tmp_path)
    assert box.push(gain_pack(tmp_path / "p.hatpack", "my pedal")).status_code == 201
    box.client.headers.update(box.auth)
    out = _said(capsys, box.client, ["3", " my pedal "], None)
    assert out.splitlines()[-1] == (
        f"note: program 3 {HINT} (it sends program changes on channel 10) switches the pack too; to listen on one "
        "channel only: hatbox box-midi --program 3 'my pedal' --program-channel N (your controller's channel)")
    assert len(out.splitlines()) == 2                      # the box's word on the mapping, then the hint
    assert HINT not in _said(capsys, box.client, ["4", "my pedal"], 10)
    for none in ("none", " OFF ", "-"):
        assert HINT in _said(capsys, box.client, ["5", "my pedal"], None)
        out = _said(capsys, box.client, ["5", none], None)
        assert HINT not in out and len(out.splitlines()) == 1
