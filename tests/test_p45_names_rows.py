"""Forty-fifth stop: one reading of a name, one of a program-map row, for the box and the laptop.

hatbox/pack_names.py compared names with its own fold, which read a name of None as the word "none" where the box's
(device/versions.py ``folded``) reads it as no name: a pack listed with ``"name": null`` and one listed without a
name were two names to the laptop.  hatbox/midi_program_words.py built the box's Entry from a GET /midi/programs row
by hand: a channel 0 became "any channel" and a program past 127 was said as one; it now reads the row as the box
reads its map (device/midi_programs.py ``entry_of``), which refuses both."""
from __future__ import annotations

from typing import Any

import httpx
import pytest

from device.versions import folded

PEDAL = {"id": "effect-pedal-1.0.0-0123456789ab", "kind": "effect", "name": "pedal", "version": "1.0.0"}
OTHER = {"id": "effect-pedal-0.9.0-abcdef012345", "kind": "effect", "name": "pedal", "version": "0.9.0"}


def test_a_name_of_none_is_no_name_on_the_laptop_as_on_the_box() -> None:
    from hatbox import pack_names
    assert folded(None) == "" and folded("Smäll") == folded("SMA\u0308LL")
    nameless = {"id": "effect-x-1.0.0-0123456789ab", "kind": "effect", "version": "1.0.0", "name": None}
    unnamed = {"id": "effect-x-1.0.0-abcdef012345", "kind": "effect", "version": "1.0.0"}
    assert pack_names._same_release(nameless, unnamed)          # one name (none), one version: twins


def _client(rows: list[dict[str, Any]]) -> httpx.Client:
    """A box answering GET /midi/programs with ``rows``."""
    return httpx.Client(base_url="http://box.invalid",
                        transport=httpx.MockTransport(lambda _req: httpx.Response(200, json={"programs": rows})))


def _row(program: int, channel: int | None) -> dict[str, Any]:
    return {"program": program, "channel": channel, "pack": PEDAL["id"], "kind": "effect", "name": "pedal",
            "version": "1.0.0", "follow": False, "plays": PEDAL["id"]}


def test_the_note_before_a_delete_reads_a_row_as_the_box_does() -> None:
    from hatbox.midi_program_words import program_note
    with _client([_row(3, 10), _row(4, None)]) as client:
        note = program_note(client, PEDAL, [PEDAL, OTHER])
    assert note == ("; program 3 on channel 10 (set list) will play effect pack pedal 0.9.0 "
                    f"({OTHER['id']}) instead; program 4 (set list) will play effect pack pedal 0.9.0 "
                    f"({OTHER['id']}) instead")


@pytest.mark.parametrize("row", [_row(5, 0), _row(200, None), _row(5, 17)], ids=["channel-0", "program-200",
                                                                                  "channel-17"])
def test_a_row_the_box_could_not_play_is_not_said_as_a_program(row: dict[str, Any]) -> None:
    from device.midi_programs import entry_of
    from hatbox.midi_program_words import program_note
    with pytest.raises(ValueError):
        entry_of(row)
    with _client([row]) as client:
        assert program_note(client, PEDAL, [PEDAL, OTHER]) == ""


def test_the_box_and_the_laptop_read_a_row_alike() -> None:
    from device.midi_programs import Entry, entry_of
    assert entry_of(_row(3, 10)) == Entry(3, 9, PEDAL["id"], "effect", "pedal", "1.0.0", False)
    assert entry_of(_row(3, None)).channel is None and entry_of(_row(3, 10)).to_json()["channel"] == 10
