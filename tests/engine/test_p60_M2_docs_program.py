"""docs/engine.md's set-list examples name the factory synth as the box does (sixtieth stop, QA_B): `hatbox box-midi
--program 5 gm4` was refused ("the box has no pack 'gm4': did you mean 'synth-gm4'?"), and its listing said
"synth gm4 1.0.0" of a pack that is synth-gm4 0.1.2."""
from __future__ import annotations

import re
from pathlib import Path

from export.pack import read_pack
from hatbox.errors import HatboxError
from hatbox.midi_program_words import _row_words
from hatbox.pack_names import find_pack

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = re.compile(r"^hatbox box-midi --program (\d+) (\S+)(?: --program-channel (\d+))?", re.M)


def _factory_rows() -> list[dict[str, str]]:
    """The factory packs as GET /packs lists them once pushed: {"id", "name", "version", "kind"}."""
    rows = []
    for path in sorted((ROOT / "factory").glob("*.hatpack")):
        m = read_pack(path).manifest
        rows.append({"id": f"{m.kind}-{m.name}-{m.version}-56614372b952", "name": m.name, "version": m.version,
                     "kind": m.kind})
    return rows


def _examples() -> list[tuple[str, str, str | None]]:
    text = (ROOT / "docs" / "engine.md").read_text(encoding="utf-8")
    return [m.groups() for m in EXAMPLE.finditer(text)]


def test_no_set_list_example_names_a_factory_pack_the_box_would_refuse() -> None:
    """An example the box would answer "did you mean ..." about names a factory pack wrongly (a made-up name, a
    pack the reader pushes, is not one of those)."""
    rows, wrong = _factory_rows(), []
    for _program, given, _channel in _examples():
        try:
            find_pack(rows, given, pick="newest")
        except HatboxError as e:
            if "did you mean" in str(e):
                wrong.append(f"{given}: {e}")
    assert _examples() and not wrong, wrong


def test_the_listing_example_says_what_the_box_says_of_the_factory_synth() -> None:
    """The listing's line for the channel-10 example is the box's own words (midi_program_words) for it."""
    rows = _factory_rows()
    program, given, channel = next(e for e in _examples() if e[2])
    pack = find_pack(rows, given, pick="newest")
    row = {"program": int(program), "channel": int(channel), "kind": pack["kind"], "name": given,
           "plays": pack["id"], "pack": pack["id"], "plays_name": pack["name"], "plays_version": pack["version"],
           "follow": True}
    line = _row_words(row)
    assert line == f"program   5 on channel 10 -> synth synth-gm4 {pack['version']} (follows the newest 'synth-gm4')"
    assert f"\n      {line}\n" in (ROOT / "docs" / "engine.md").read_text(encoding="utf-8")
