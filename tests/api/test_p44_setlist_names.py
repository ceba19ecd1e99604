"""p44 set-list regression QA: one way of naming packs for `box-pack` and `box-midi` (a name several versions share:
box-pack --activate takes the active one, else the newest, said; box-midi the newest; the start of a hash names a
pack in both); `box-midi` lists what each program plays now, one short line each; `box-midi --json` has the map."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from hatbox.cli import main
from hatbox.errors import HatboxError
from hatbox.midi_program_words import _row_words
from hatbox.pack_names import find_pack
from tests.api.conftest import PairedServer
from tests.api.test_p44_year_store import install


def _packs() -> list[dict]:
    return [{"id": "effect-pedal2-0.1.0-bd9a6efa0660", "name": "pedal2", "version": "0.1.0", "kind": "effect",
             "seq": 1}, {"id": "effect-pedal2-0.1.1-9454568ca1c4", "name": "pedal2", "version": "0.1.1",
                         "kind": "effect", "seq": 2}]


def test_a_name_several_versions_share_and_the_start_of_a_hash(capsys: pytest.CaptureFixture[str]) -> None:
    packs = _packs()
    assert find_pack(packs, "bd9a6")["version"] == "0.1.0" and find_pack(packs, "9454")["version"] == "0.1.1"
    assert find_pack(packs, "pedal2", "active-or-newest")["version"] == "0.1.1"
    assert "'pedal2' names 2 packs on the box (other versions: 0.1.0): using the newest, effect-pedal2-0.1.1" \
        in capsys.readouterr().out
    assert find_pack(packs, "pedal2", "newest")["version"] == "0.1.1" and capsys.readouterr().out == ""
    with pytest.raises(HatboxError, match="2 packs on the box match 'pedal2'"):
        find_pack(packs, "pedal2")                                  # --delete: never the newest by itself
    twins = packs + [{**packs[1], "id": "effect-pedal2-0.1.1-0000aaaa1111", "seq": 3}]
    with pytest.raises(HatboxError, match="2 packs on the box are 'pedal2 0.1.1', with other bytes"):
        find_pack(twins, "pedal2", "newest")                        # the twins rule holds for box-midi too
    with pytest.raises(HatboxError, match="2 packs' hashes start with"):
        find_pack(packs + [{**packs[0], "id": "effect-fuzz-1.0.0-bd9a60000000", "name": "fuzz"}], "bd9a6")


def test_box_midi_lists_what_each_program_plays_in_one_short_line() -> None:
    row = {"program": 0, "channel": None, "pack": "effect-pedal2-0.1.0-bd9a6efa0660", "kind": "effect",
           "name": "pedal2", "version": "0.1.0", "follow": True, "plays": "effect-pedal2-0.1.1-9454568ca1c4",
           "plays_name": "pedal2", "plays_version": "0.1.1", "note": ""}
    assert _row_words(row) == "program   0 -> effect pedal2 0.1.1 (follows the newest 'pedal2')"
    pinned = {**row, "follow": False, "plays": row["pack"], "plays_version": "0.1.0"}
    assert _row_words(pinned) == "program   0 -> effect pedal2 0.1.0 (this pack: effect-pedal2-0.1.0-bd9a6efa0660)"
    gone = {**row, "plays": None, "plays_name": None, "plays_version": None}
    assert _row_words(gone) == "program   0 -> GONE: effect pedal2 0.1.0 was deleted, it switches nothing"


def test_box_pack_and_box_midi_take_names_alike(paired_server: PairedServer, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    store = paired_server.app.state.box.store
    old, new = install(store, tmp_path, "pedal2", "0.1.0"), install(store, tmp_path, "pedal2", "0.1.1")
    capsys.readouterr()
    assert main(["box-pack", "pedal2", "--activate"]) == 0                  # none active: the newest, said
    assert f"using the newest, {new['id']} (0.1.1)" in capsys.readouterr().out
    assert store.active()["effect"] == new["id"]
    hash_start = old["id"].rsplit("-", 1)[-1][:5]
    assert main(["box-midi", "--program", "4", hash_start]) == 0           # by the start of its hash: that pack
    assert main(["box-midi", "--program", "0", "pedal2"]) == 0
    capsys.readouterr()
    assert main(["box-midi"]) == 0
    out = capsys.readouterr().out
    assert "    program   0 -> effect pedal2 0.1.1 (follows the newest 'pedal2')" in out
    assert f"    program   4 -> effect pedal2 0.1.0 (this pack: {old['id']})" in out
    assert main(["box-midi", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert "bindings" in got and [r["program"] for r in got["programs"]["programs"]] == [0, 4]
    assert main(["box-pack"]) == 0
    piped = capsys.readouterr()
    assert piped.err.startswith("2 packs, ") and "packs, " not in piped.out    # the totals: a footer when piped
