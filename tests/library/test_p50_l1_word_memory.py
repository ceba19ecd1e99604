"""p50 L1: a push of corrections looked up the box's word memory (device.library.word_memory.memory_for: a scan of
the library folders, reading the record of each one that remembers words; 170 ms with 50 libraries,
bench/library_word_memory.py) while holding the corrections lock.  The scan now runs before the lock; the memory
still applies, and a rename made on the box meanwhile is not written over."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import device.library.word_memory as wm
from device.api.library_fixes import WAITING, fixes_locked, put_fixes_sides
from device.library.word_memory import changed, empty, memory_for, older_memory, read_memory, remember_change, \
    write_memory


def _library(root: Path, lid: str, uploaded: float, name: str = "Samples", token: str = "tok-a") -> Path:
    folder = root / lid
    (folder / "files").mkdir(parents=True)
    (folder / "library.json").write_text(json.dumps({"name": name, "uploaded": uploaded,
                                                     "uploaded_by_token": token}))
    return folder


def test_a_push_takes_the_older_library_s_renames_with_the_scan_outside_the_lock(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    older = _library(tmp_path, "lib-samples-aaaaaa", 1.0)
    write_memory(older, changed(empty(), "punchy", "thump"))
    newer = _library(tmp_path, "lib-samples-bbbbbb", 2.0)
    scan = wm._older_of_name
    locked: list[bool] = []

    def watched(folder: Path) -> list[Path]:
        locked.append(fixes_locked()._is_owned())        # type: ignore[attr-defined]
        return scan(folder)
    monkeypatch.setattr(wm, "_older_of_name", watched)
    renamed: list[dict] = []
    put_fixes_sides(newer, [("kit/a.wav", ["punchy", "dusty"])], False, renamed)
    assert locked == [False]                              # looked up once, before the lock (was: [True])
    assert json.loads((newer / WAITING).read_text()) == {"kit/a.wav": ["dusty", "thump"]}
    assert renamed == [{"word": "punchy", "to": "thump", "files": 1}]
    assert read_memory(newer) == {"renamed": {"punchy": "thump"}, "dropped": []}     # taken as its own


def test_a_rename_made_between_the_lookup_and_the_lock_is_kept(tmp_path: Path) -> None:
    older = _library(tmp_path, "lib-samples-aaaaaa", 1.0)
    write_memory(older, changed(empty(), "punchy", "thump"))
    newer = _library(tmp_path, "lib-samples-bbbbbb", 2.0)
    looked = older_memory(newer)
    assert looked == {"renamed": {"punchy": "thump"}, "dropped": []}
    remember_change(newer, "kick", "boom")                # on the box, meanwhile: the library has its own memory
    own = read_memory(newer)
    assert own is not None and own["renamed"].get("kick") == "boom"
    assert memory_for(newer, looked) == own and read_memory(newer) == own
    assert older_memory(newer) is None                    # its own now: nothing looked up


def test_no_record_is_read_when_no_library_remembers_a_word(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(5):
        _library(tmp_path, f"lib-l{i}-aaaaa{i}", float(i), name=f"l{i}")
    read: list[Path] = []
    record = wm._record
    monkeypatch.setattr(wm, "_record", lambda folder: read.append(folder) or record(folder))
    assert memory_for(tmp_path / "lib-l4-aaaaa4") == empty() and read == []
    write_memory(tmp_path / "lib-l0-aaaaa0", changed(empty(), "a", "b"))
    assert memory_for(tmp_path / "lib-l4-aaaaa4") == empty()             # another name: not taken
    assert sorted(p.name for p in read) == ["lib-l0-aaaaa0", "lib-l4-aaaaa4"]
