"""p46 code hygiene after the forty-fifth stop's splits: the names a split module still imported only so that old
imports kept working are gone (what other helpers' files still read there is listed here, and nothing else), no
module reaches into another's private names (device.midi's message fields, the archive's reasons, the tag list of a
library, the pack store's lock and pointer), and the "ask the box, say nothing when it cannot answer" sites go through
hatbox.box_client.asked."""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import pytest

from hatbox import box_client
from hatbox.errors import HatboxError

ROOT = Path(__file__).resolve().parents[1]
# names a module imports without using, kept for files of other helpers that still import them from there
KEPT = {"hatbox/cmd_remote.py": {"_confirm_delete", "confirm"},
        "hatbox/cmd_device.py": set(),
        "device/library/archive.py": {"ARCHIVE_SUFFIXES", "AUDIO_EXTENSIONS", "LIBRARY_NAME_MAX_CHARS", "STORAGE_HINT",
                                      "each_member", "library_name_problem", "others_if_no_audio"},
        "device/library/query.py": {"DiskFull", "Unsure", "corrections", "export_csv", "file_status", "is_exclusive",
                                    "set_tags", "unsure", "unwritable", "utf8_name"}}


def _tree(rel: str) -> ast.Module:
    return ast.parse((ROOT / rel).read_text(encoding="utf-8"))


def _unused_imports(rel: str) -> set[str]:
    """Names ``rel`` imports at module level (``from X import ...``) and never reads."""
    tree = _tree(rel)
    imported = {a.asname or a.name for node in tree.body if isinstance(node, ast.ImportFrom)
                and node.module != "__future__" for a in node.names}
    read = {n.id for node in tree.body if not isinstance(node, (ast.Import, ast.ImportFrom))
            for n in ast.walk(node) if isinstance(n, ast.Name)}
    return imported - read


@pytest.mark.parametrize("rel", sorted(KEPT))
def test_a_split_module_keeps_no_import_only_for_old_importers(rel: str) -> None:
    assert _unused_imports(rel) <= KEPT[rel]


def _private_imports(rel: str) -> set[str]:
    """The private names (``_x``) ``rel`` imports from another module of this project."""
    return {a.name for node in ast.walk(_tree(rel)) if isinstance(node, ast.ImportFrom)
            and (node.module or "").startswith(("device", "hatbox")) for a in node.names
            if a.name.startswith("_") and not a.name.startswith("__")}


@pytest.mark.parametrize("rel", ["device/midi_hub.py", "device/library/folder_tar.py"])
def test_no_private_name_is_imported_across_modules(rel: str) -> None:
    assert _private_imports(rel) == set()


def test_crash_recovery_uses_the_pack_stores_public_methods() -> None:
    from device.store import PackStore
    used = {n.attr for n in ast.walk(_tree("device/store_recovery.py")) if isinstance(n, ast.Attribute)
            and isinstance(n.value, ast.Name) and n.value.id == "self"}
    own = {n.name for n in ast.walk(_tree("device/store_recovery.py")) if isinstance(n, ast.FunctionDef)}
    privates_of_the_store = {name for name in used - own if name.startswith("_") and hasattr(PackStore, name)}
    assert privates_of_the_store == set()


def test_the_library_tag_list_has_a_public_name_and_keeps_the_old_one() -> None:
    from device.library import open_db, query
    assert query.known_tags is open_db.known_tags and query._known_tags is open_db.known_tags


@pytest.fixture
def box(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """box_client._call answering from ``answers`` (path -> answer); a path not there: the box gives no answer.  The
    modules under test are imported first: one imported while ``_call`` is patched would keep the fake as its own
    ``_call`` for the rest of the worker's tests (a later box-pack --prune got "no answer to POST /packs/prune")."""
    import hatbox.box_packs
    import hatbox.box_prune
    import hatbox.cmd_remote
    import hatbox.slot_words  # noqa: F401
    answers: dict[str, Any] = {}

    def call(client: Any, method: str, path: str, expect: Any = dict, **kw: Any) -> Any:
        if path not in answers:
            raise HatboxError(f"no answer to {method} {path}")
        return answers[path]
    monkeypatch.setattr(box_client, "_call", call)
    return answers


def test_a_pack_that_is_the_roll_back_target_is_said_and_a_box_that_cannot_say_says_nothing(box: dict) -> None:
    from hatbox.slot_words import rollback_note
    pack = {"id": "fx-1", "kind": "effect"}
    assert rollback_note(None, pack) == ""
    box["/slots"] = [{"slot": "effect", "rollback_to": "fx-1"}]
    assert "--rollback effect" in rollback_note(None, pack)


def test_the_prune_totals_come_from_the_status_or_from_the_listing(box: dict) -> None:
    from hatbox.box_prune import totals_line
    packs = [{"size": 1024}, {"size": 1024}]
    assert totals_line(None, packs) == "2 packs, 2 KiB"
    box["/status"] = {"totals": {"packs": 3, "pack_bytes": 3072, "libraries": 1, "library_bytes": 1024}}
    assert totals_line(None, packs) == "3 packs, 3 KiB; 1 library, 1 KiB"


def test_the_cut_out_words_need_the_engine_status(box: dict) -> None:
    from hatbox.box_packs import _cut_out
    assert _cut_out(None, "effect") == ""
    box["/status"] = {"engine": {"slots": {}}}
    assert isinstance(_cut_out(None, "effect"), str) and _cut_out(None, "tagger") == ""


def test_an_activated_tagger_counts_the_libraries_and_says_nothing_when_the_box_cannot(box: dict, capsys) -> None:
    from hatbox.cmd_remote import _say_untagged
    _say_untagged(None, [], "t2")
    assert capsys.readouterr().out == ""
    box["/libraries"] = [{"id": "a", "name": "a", "state": "untagged"}]
    _say_untagged(None, [], "t2")
    assert "library a is not tagged yet" in capsys.readouterr().out
