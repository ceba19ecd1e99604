"""Forty-first stop, QA with damaged files: what the box's start found damaged beside its packs is in its status'
start-time notes (GET /status' ``recovery``, `hatbox status`' "at start:" lines): a damaged kit.json emptied the kit
and was said only in box-logs."""
from __future__ import annotations

from pathlib import Path

from tests.api.conftest import make_box


def test_a_damaged_kit_is_in_the_status_start_notes(tmp_path: Path) -> None:
    store = tmp_path / "box"
    store.mkdir()
    (store / "kit.json").write_text('{"version": 1, "notes": [{"note": 36, "libr')      # a cut write
    box = make_box(tmp_path)
    rec = box.client.get("/status", headers=box.auth).json()["recovery"]
    assert rec["kit_damaged"].startswith("the kit (kit.json) was damaged (")
    assert rec["kit_damaged"].endswith("the box started with no kit; the file is kept as kit.json.damaged (hatbox "
                                       "box-kit --from LIBRARY makes a new one)")
    assert (store / "kit.json.damaged").is_file() and not (store / "kit.json").exists()
    assert "libraries_damaged" not in rec


def test_a_whole_kit_says_nothing(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    rec = box.client.get("/status", headers=box.auth).json()["recovery"]
    assert "kit_damaged" not in rec and "libraries_damaged" not in rec
