"""Forty-seventh stop (F4): the two records of deletions the box keeps (a pack's in deleted-packs.json, a library's in
deleted-libraries.json) are checked by one rule (device/deletion_records.py): a record missing a field its reader
uses, or holding one of another type, is left out for both, never raised by an answer.  Before, the packs' check let a
record without ``deleted_at`` or with a time no clock shows (1e300: time.localtime raised, a 500) through, and the
libraries' turned a name of another type into text."""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from device.api.libraries import Libraries
from device.api.library_owners import deleted_list, no_library_words
from device.api.library_upkeep import DELETED
from device.api.pack_routes import deleted_words
from device.deletion_records import LIBRARY_DELETION, PACK_DELETION, shaped
from device.store import PackStore
from device.store_layout import DELETED_FILE

NOW = 1_790_000_000.0
GOOD_PACK = {"id": "effect-good-1.0.0-0123456789ab", "kind": "effect", "name": "good", "version": "1.0.0",
             "sha256": "ab" * 32, "deleted_by": "laptopA", "deleted_at": NOW, "deleted_how": "prune"}
GOOD_LIBRARY = {"id": "lib-good", "name": "kitA", "by": "laptopA", "at": NOW}


def _without(record: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != key}


BAD_PACKS = {                                     # what each breaks: a field missing, or of another type
    "no-time": _without(GOOD_PACK, "deleted_at"),
    "no-by": _without(GOOD_PACK, "deleted_by"),
    "no-how": _without(GOOD_PACK, "deleted_how"),
    "time-text": {**GOOD_PACK, "deleted_at": "yesterday"},
    "time-bool": {**GOOD_PACK, "deleted_at": True},
    "time-huge": {**GOOD_PACK, "deleted_at": 1e300},
    "time-negative": {**GOOD_PACK, "deleted_at": -5.0},
    "name-list": {**GOOD_PACK, "name": ["good"]},
    "by-number": {**GOOD_PACK, "deleted_by": 7},
}
BAD_LIBRARIES = {
    "no-time": _without(GOOD_LIBRARY, "at"),
    "no-by": _without(GOOD_LIBRARY, "by"),
    "no-name": _without(GOOD_LIBRARY, "name"),
    "time-text": {**GOOD_LIBRARY, "at": "07:26"},
    "time-huge": {**GOOD_LIBRARY, "at": 1e300},
    "name-number": {**GOOD_LIBRARY, "name": 5},
    "by-object": {**GOOD_LIBRARY, "by": {"name": "laptopA"}},
}


def _records_file(path: Path, records: list[dict[str, Any]]) -> None:
    path.write_text(json.dumps({"version": 1, "records": records}))


def _ided(bad: dict[str, dict[str, Any]], prefix: str) -> list[dict[str, Any]]:
    return [{**r, "id": f"{prefix}-{why}"} for why, r in bad.items()]


def test_a_misshapen_pack_deletion_is_left_out_and_a_good_one_kept(tmp_path: Path) -> None:
    store_dir = tmp_path / "box"
    store_dir.mkdir()
    _records_file(store_dir / DELETED_FILE, [GOOD_PACK, *_ided(BAD_PACKS, "effect-bad")])
    store = PackStore(store_dir)
    assert list(store.deleted) == [GOOD_PACK["id"]]
    box = SimpleNamespace(store=store)
    assert deleted_words(box, GOOD_PACK["id"]).startswith("laptopA's prune deleted it at ")
    for why in BAD_PACKS:                                 # no record: the plain words, and no answer fails
        assert deleted_words(box, f"effect-bad-{why}") == ""


def test_a_pack_deletion_kept_by_its_id_alone_stays(tmp_path: Path) -> None:
    """The store keeps a pack whose meta.json could not be read by its id alone (no kind, name or version)."""
    bare = {"id": "effect-x-1.0.0-0123456789ab", "deleted_by": "", "deleted_at": NOW, "deleted_how": "delete"}
    assert shaped(bare, PACK_DELETION) and shaped({**bare, "name": None}, PACK_DELETION)


def test_a_misshapen_library_deletion_is_left_out_and_a_good_one_kept(tmp_path: Path) -> None:
    root = tmp_path / "libs"
    root.mkdir()
    _records_file(tmp_path / DELETED, [GOOD_LIBRARY, *_ided(BAD_LIBRARIES, "lib-bad")])
    libs = Libraries(root)
    try:
        assert libs.deleted == {"lib-good": GOOD_LIBRARY}
        assert [d["name"] for d in deleted_list(libs.deleted)] == ["kitA"]
        assert no_library_words("lib-good", libs.missing("lib-good").record).startswith(
            "no library 'lib-good': laptopA deleted it at ")
        for why in BAD_LIBRARIES:
            assert libs.missing(f"lib-bad-{why}").record is None
    finally:
        libs.shutdown()


@pytest.mark.parametrize("record", [None, [], "lib", {**GOOD_LIBRARY, "id": ""}, {**GOOD_LIBRARY, "id": 3},
                                    {**GOOD_LIBRARY, "at": float("nan")}, {**GOOD_LIBRARY, "at": float("inf")}])
def test_the_rule_refuses_what_no_writer_writes(record: Any) -> None:
    assert not shaped(record, LIBRARY_DELETION)
    assert shaped(GOOD_LIBRARY, LIBRARY_DELETION) and shaped(GOOD_PACK, PACK_DELETION)


@pytest.mark.parametrize("at", [float("nan"), float("inf"), float("-inf")])
def test_a_pack_deletion_at_no_time_a_clock_shows_is_refused(at: float) -> None:
    assert not shaped({**GOOD_PACK, "deleted_at": at}, PACK_DELETION)
