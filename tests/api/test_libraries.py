"""Library upload -> unpack report -> background tagging with the active tagger pack,
progress and results through the API, cancellation, and what a restart does to a running job."""
from __future__ import annotations

import io
import threading
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf

from tests.api.conftest import BoxUnderTest, make_box
from tests.api.packs import tagger_pack


@dataclass
class FakeReport:
    total: int
    tagged: int
    failed: list = field(default_factory=list)


class RecordingTagger:
    """A test double for device.library.tag_library: walks the files, reports progress."""

    def __init__(self, hold: threading.Event | None = None) -> None:
        self.calls: list[tuple[Path, Path, Path]] = []
        self.hold = hold

    def __call__(self, root, pack, db_path, progress, cancel):
        self.calls.append((root, pack, db_path))
        files = sorted(p for p in Path(root).rglob("*.wav"))
        for i, _ in enumerate(files):
            if self.hold is not None:
                self.hold.wait(5)
            if cancel.is_set():
                return FakeReport(len(files), i)
            progress(i + 1, len(files))
        return FakeReport(len(files), len(files))


def _tagger_pack(path: Path) -> Path:
    return tagger_pack(path)


def _library_zip(n: int) -> bytes:
    buf, wav = io.BytesIO(), io.BytesIO()
    sf.write(wav, np.zeros(480, np.float32), 48000, format="WAV")
    with zipfile.ZipFile(buf, "w") as zf:
        for i in range(n):
            zf.writestr(f"kit/s{i}.wav", wav.getvalue())
    return buf.getvalue()


def _wait_state(box: BoxUnderTest, lid: str, state: str) -> dict:
    end = time.monotonic() + 10
    while time.monotonic() < end:
        body = box.client.get(f"/libraries/{lid}", headers=box.auth).json()
        if body["state"] == state:
            return body
        time.sleep(0.02)
    raise AssertionError(f"library never reached {state}: {body}")


def test_tagging_runs_in_background_with_progress_and_results(tmp_path: Path) -> None:
    tagger = RecordingTagger()
    box = make_box(tmp_path, tagger=tagger)
    tid = box.push(_tagger_pack(tmp_path / "t.hatpack")).json()["pack"]["id"]
    assert box.active("tagger") == tid and not box.control.sent        # taggers never go to the engine
    r = box.client.post("/libraries", params={"name": "Drums!"}, content=_library_zip(3), headers=box.auth)
    assert r.status_code == 201 and r.json()["accepted"] == 3 and r.json()["tagger"] == tid
    body = _wait_state(box, r.json()["id"], "done")
    assert body["progress"] == {"done": 3, "total": 3} and body["results"]["tagged"] == 3
    root, pack, db = tagger.calls[0]
    assert pack == box.store_dir / "packs" / tid / "pack.hatpack" and db.name == "tags.db"
    assert sorted(p.name for p in Path(root).rglob("*.wav")) == ["s0.wav", "s1.wav", "s2.wav"]
    assert box.client.get("/libraries", headers=box.auth).json()[0]["state"] == "done"


def test_cancel(tmp_path: Path) -> None:
    hold = threading.Event()
    box = make_box(tmp_path, tagger=RecordingTagger(hold))
    box.push(_tagger_pack(tmp_path / "t.hatpack"))
    lid = box.client.post("/libraries", content=_library_zip(4), headers=box.auth).json()["id"]
    assert box.client.post(f"/libraries/{lid}/cancel", headers=box.auth).status_code == 200
    hold.set()
    assert _wait_state(box, lid, "cancelled")["results"]["tagged"] < 4
    assert box.client.get("/libraries/nope", headers=box.auth).status_code == 404


def test_no_tagger_pack_means_untagged(box: BoxUnderTest) -> None:
    r = box.client.post("/libraries", content=_library_zip(1), headers=box.auth).json()
    assert r["state"] == "untagged" and r["error"] == "no tagger pack is active"


def test_restart_marks_interrupted_tagging_failed(tmp_path: Path) -> None:
    from device.api.libraries import Libraries

    hold = threading.Event()
    arc = tmp_path / "lib.zip"
    arc.write_bytes(_library_zip(2))
    first = Libraries(tmp_path / "libs", RecordingTagger(hold))
    lid = first.ingest(arc, "kit", _tagger_pack(tmp_path / "t.hatpack"), "tagger-x")["id"]
    (tmp_path / "libs" / "half.partial").mkdir()            # an unpack cut off by the crash
    second = Libraries(tmp_path / "libs", RecordingTagger())
    info = second.get(lid)
    assert info["state"] == "failed" and "interrupted" in info["error"] and info["accepted"] == 2
    assert not (tmp_path / "libs" / "half.partial").exists()
    hold.set()
