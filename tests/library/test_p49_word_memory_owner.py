"""p49 final read: a library's memory of words renamed on the box passes to a newer library of its name only when the
same laptop (pairing) pushed both, as `push-library --replace` replaces only that laptop's own libraries; another
laptop's "Samples" took the first laptop's renames."""
from __future__ import annotations

import json
from pathlib import Path

from device.library.word_memory import changed, empty, memory_for, write_memory


def _library(root: Path, lid: str, token: str, uploaded: float) -> Path:
    folder = root / lid
    folder.mkdir(parents=True)
    (folder / "library.json").write_text(json.dumps({"name": "Samples", "uploaded": uploaded,
                                                     "uploaded_by": f"laptop-{token}", "uploaded_by_token": token}))
    return folder


def test_only_the_same_laptop_s_newer_library_takes_the_renames(tmp_path: Path) -> None:
    older = _library(tmp_path, "lib-samples-aaaaaa", "tok-a", 1.0)
    write_memory(older, changed(empty(), "punchy", "thump"))
    theirs = _library(tmp_path, "lib-samples-bbbbbb", "tok-b", 2.0)
    mine = _library(tmp_path, "lib-samples-cccccc", "tok-a", 3.0)
    assert memory_for(theirs) == empty()
    assert memory_for(mine)["renamed"] == {"punchy": "thump"}
