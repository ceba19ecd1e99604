"""Forty-first stop, QA of a producer's library workflow: a re-tag on the box stopped part way keeps every file's
old tags (before, 4 of 6 files fell under no tag while the laptop said "the tags so far stay"), the kit and "more
like this" still work, the words say whose tags stay, and a re-tag carried on to its end replaces them at once."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from device.api.libraries import default_tagger
from hatbox.tagging_end_words import stop_words
from hatbox.library_fixes import stopped_retag_line
from tests.api.conftest import BoxUnderTest, make_box, wav_bytes, zip_bytes
from tests.api.packs import tagger_pack


class StopsRetag:
    """device.library for real; its second run (the re-tag) stops itself after ``after`` files, as a producer's
    cancel does (``stop``: whether it does)."""

    def __init__(self, after: int) -> None:
        self.after, self.runs, self.stop = after, 0, True

    def __call__(self, root: Path, pack: Path, db: Path, progress: Any, cancel: threading.Event) -> Any:
        self.runs += 1
        stopping = self.runs == 2 and self.stop

        def step(done: int, total: int) -> None:
            progress(done, total)
            if stopping and done >= self.after:
                cancel.set()
        return default_tagger(root, pack, db, step, cancel)


def _wait(box: BoxUnderTest, lid: str) -> dict[str, Any]:
    """The library's record once its tagging has ended (20 s at most)."""
    return box.tagged(lid, 20)


def _push(box: BoxUnderTest, tmp_path: Path, version: str, tags: tuple[str, ...]) -> str:
    r = box.push(tagger_pack(tmp_path / f"t{version}.hatpack", version=version, tags=tags))
    assert r.status_code == 201, r.text
    return r.json()["pack"]["id"]


def _counts(box: BoxUnderTest, lid: str) -> dict[str, int]:
    return box.client.get(f"/libraries/{lid}/tags", headers=box.auth).json()


def test_a_stopped_retag_keeps_the_old_tags_then_a_whole_one_replaces_them(tmp_path: Path) -> None:
    tagger = StopsRetag(after=2)
    box = make_box(tmp_path, tagger=tagger)
    old = _push(box, tmp_path, "1.0.0", ("kick", "snare"))
    kit = zip_bytes({f"kit/s{i}.wav": wav_bytes(2400 + 480 * i) for i in range(6)})
    lid = box.client.post("/libraries", content=kit, headers=box.auth).json()["id"]
    assert _wait(box, lid)["state"] == "done"
    before = _counts(box, lid)
    assert sum(before.values()) == 6 and set(before) <= {"kick", "snare"}
    new = _push(box, tmp_path, "2.0.0", ("tom", "hat", "clap"))
    started = box.client.post(f"/libraries/{lid}/retag", headers=box.auth).json()
    assert started["tags_from"] == old and started["tagger"] == new
    assert "every file keeps its tags from " + old in stop_words(started)

    stopped = _wait(box, lid)
    assert stopped["state"] == "done" and stopped["tagger"] == old, stopped      # the library as it was
    assert stopped["stopped_retag"] == {"tagger": new, "done": 2, "total": 6, "error": None, "cut_off": False}
    assert stopped["progress"] == {"done": 6, "total": 6}
    assert _counts(box, lid) == before                                           # every file under its old tag
    listed = next(s for s in box.client.get("/libraries", headers=box.auth).json() if s["id"] == lid)
    assert listed["stopped_retag"]["done"] == 2
    assert f"stopped at 2 of 6: every file keeps its tags from {old}" in stopped_retag_line(listed)
    r = box.client.post("/kit/from-library", json={"library": lid}, headers=box.auth)
    assert r.status_code == 200, r.text                                          # was: "tagged only part way"
    fix = box.client.put(f"/libraries/{lid}/files/tags", json={"path": "kit/s5.wav", "tags": ["808"]},
                         headers=box.auth)
    assert fix.status_code == 200, fix.text

    tagger.stop = False
    tagger.runs = 0
    assert box.client.post(f"/libraries/{lid}/retag", headers=box.auth).status_code == 202
    done = _wait(box, lid)
    assert done["state"] == "done" and done["tagger"] == new and done["stopped_retag"] is None
    after = _counts(box, lid)
    assert sum(after.values()) == 6 and after["808"] == 1 and set(after) - {"808"} <= {"tom", "hat", "clap"}, after
    assert not (box.store_dir / "libraries" / lid / "retag.db").exists()
