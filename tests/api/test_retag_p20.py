"""Re-tagging a library on the box, QA round 20: activating a new tagger pack re-tags nothing by itself;
``POST /libraries/{id}/retag`` tags a library again with the active tagger pack (202, the record showing it
tagging, progress as for a fresh upload), keeps the producer's own tags, and answers 404 / 409 / 507 / 500 with
nothing changed; ``hatbox box-library ID --retag [--wait]`` calls it from the laptop."""
from __future__ import annotations

import errno
import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import device.api.libraries as libraries_mod
from device.api.libraries import default_tagger
from hatbox.cli import main
from tests.api.conftest import BoxUnderTest, PairedServer, make_box, wav_bytes, zip_bytes
from tests.api.packs import tagger_pack
from tests.api.test_libraries import RecordingTagger, _library_zip


def _wait_done(box: BoxUnderTest, lid: str) -> dict[str, Any]:
    """The library's record once its tagging has ended (10 s at most)."""
    return box.tagged(lid, 10)


def _push_tagger(box: BoxUnderTest, tmp_path: Path, version: str, tags: tuple[str, ...] = ("kick", "snare")) -> str:
    r = box.push(tagger_pack(tmp_path / f"t{version}.hatpack", version=version, tags=tags))
    assert r.status_code == 201, r.text
    return r.json()["pack"]["id"]


def _kit(n: int = 3) -> bytes:
    """A zip of ``n`` different, audible WAVs (kit/s0.wav...): the real tagger skips silent files."""
    return zip_bytes({f"kit/s{i}.wav": wav_bytes(2400 + 480 * i) for i in range(n)})


def test_a_new_tagger_retags_nothing_until_asked_then_retag_tags_again(tmp_path: Path) -> None:
    tagger = RecordingTagger()
    box = make_box(tmp_path, tagger=tagger)
    first = _push_tagger(box, tmp_path, "1.0.0")
    lid = box.client.post("/libraries", content=_library_zip(3), headers=box.auth).json()["id"]
    assert _wait_done(box, lid)["tagger"] == first
    second = _push_tagger(box, tmp_path, "2.0.0")
    time.sleep(0.1)
    body = box.client.get(f"/libraries/{lid}", headers=box.auth).json()
    assert body["tagger"] == first and body["state"] == "done" and len(tagger.calls) == 1   # nothing happened

    r = box.client.post(f"/libraries/{lid}/retag", headers=box.auth)
    assert r.status_code == 202, r.text
    assert r.json()["state"] == "tagging" and r.json()["tagger"] == second
    assert r.json()["progress"] == {"done": 0, "total": 3} and r.json()["results"] is None
    done = _wait_done(box, lid)
    assert done["state"] == "done" and done["progress"] == {"done": 3, "total": 3} and done["results"]["tagged"] == 3
    assert [call[1] for call in tagger.calls] == [box.store_dir / "packs" / p / "pack.hatpack" for p in (first, second)]
    assert tagger.calls[1][2] == tagger.calls[0][2]                        # the same tags.db, tagged again
    record = json.loads((box.store_dir / "libraries" / lid / "library.json").read_bytes())
    assert record["tagger"] == second and record["state"] == "done"


def test_retag_with_a_new_pack_keeps_the_producers_corrections(tmp_path: Path) -> None:
    box = make_box(tmp_path, tagger=default_tagger)                        # device.library for real
    _push_tagger(box, tmp_path, "1.0.0", ("kick", "snare"))
    lid = box.client.post("/libraries", content=_kit(), headers=box.auth).json()["id"]
    assert _wait_done(box, lid)["state"] == "done"
    fix = box.client.put(f"/libraries/{lid}/files/tags", json={"path": "kit/s0.wav", "tags": ["808"]},
                         headers=box.auth)
    assert fix.status_code == 200 and set(fix.json()["model"]) == {"kick", "snare"}
    _push_tagger(box, tmp_path, "2.0.0", ("tom", "hat", "clap"))         # retrained: other weights
    assert box.client.post(f"/libraries/{lid}/retag", headers=box.auth).status_code == 202
    assert _wait_done(box, lid)["state"] == "done"
    counts = box.client.get(f"/libraries/{lid}/tags", headers=box.auth).json()
    assert counts["808"] == 1 and set(counts) - {"808"} <= {"tom", "hat", "clap"} and sum(counts.values()) == 3, counts
    assert box.client.get(f"/libraries/{lid}/tags/808", headers=box.auth).json() == [
        {"path": "kit/s0.wav", "score": 1.0, "corrected": True, "by": "test", "by_you": True}]
    now = box.client.put(f"/libraries/{lid}/files/tags", json={"path": "kit/s0.wav", "tags": ["808"]},
                         headers=box.auth).json()
    assert set(now["model"]) == {"tom", "hat", "clap"}                            # the new pack's scores


def test_retag_refuses_an_unknown_library_one_being_tagged_and_no_active_tagger(tmp_path: Path) -> None:
    hold = threading.Event()
    box = make_box(tmp_path, tagger=RecordingTagger(hold))
    lid = box.client.post("/libraries", content=_library_zip(2), headers=box.auth).json()["id"]
    r = box.client.post(f"/libraries/{lid}/retag", headers=box.auth)      # uploaded with no tagger active
    assert r.status_code == 409 and r.json()["error"] == "no tagger", r.text
    assert "no tagger pack is active" in r.json()["message"] and "hatbox push" in r.json()["hint"]
    assert box.client.get(f"/libraries/{lid}", headers=box.auth).json()["state"] == "untagged"
    assert box.client.post("/libraries/lib-nope-000000/retag", headers=box.auth).status_code == 404

    tid = _push_tagger(box, tmp_path, "1.0.0")         # the library that waited is tagged with it (thirty-second stop)
    r = box.client.get(f"/libraries/{lid}", headers=box.auth)
    assert r.json()["state"] == "tagging" and r.json()["tagger"] == tid and r.json()["error"] is None
    busy = box.client.post(f"/libraries/{lid}/retag", headers=box.auth)
    assert busy.status_code == 409 and "being tagged already" in busy.json()["message"], busy.text
    box.client.post(f"/libraries/{lid}/cancel", headers=box.auth)
    hold.set()
    assert _wait_done(box, lid)["state"] == "cancelled"
    assert box.client.post(f"/libraries/{lid}/retag", headers=box.auth).status_code == 202   # resumed
    assert _wait_done(box, lid)["state"] == "done"


def test_a_library_a_restart_cut_off_carries_on_at_the_next_start_and_can_be_tagged_again(tmp_path: Path) -> None:
    box = make_box(tmp_path, tagger=RecordingTagger())
    _push_tagger(box, tmp_path, "1.0.0")
    lid = box.client.post("/libraries", content=_library_zip(2), headers=box.auth).json()["id"]
    _wait_done(box, lid)
    record = box.store_dir / "libraries" / lid / "library.json"
    record.write_text(json.dumps({**json.loads(record.read_bytes()), "state": "tagging"}))   # as a crash left it
    tagger = RecordingTagger()
    again = make_box(tmp_path, tagger=tagger)                               # the box's next start carries on
    assert _wait_done(again, lid)["state"] == "done" and len(tagger.calls) == 1
    assert again.client.post(f"/libraries/{lid}/retag", headers=again.auth).status_code == 202
    assert _wait_done(again, lid)["state"] == "done"


@pytest.mark.parametrize(("code", "status"), [(errno.EIO, 500), (errno.ENOSPC, 507)], ids=["EIO", "ENOSPC"])
def test_retag_whose_record_cannot_be_written_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              code: int, status: int) -> None:
    tagger = RecordingTagger()
    box = make_box(tmp_path, tagger=tagger)
    first = _push_tagger(box, tmp_path, "1.0.0")
    lid = box.client.post("/libraries", content=_library_zip(2), headers=box.auth).json()["id"]
    before = _wait_done(box, lid)
    _push_tagger(box, tmp_path, "2.0.0")

    def failing(path: Path, data: bytes) -> None:
        raise OSError(code, "simulated")
    monkeypatch.setattr(libraries_mod, "write_atomic", failing)
    r = TestClient(box.app, raise_server_exceptions=False).post(f"/libraries/{lid}/retag", headers=box.auth)
    assert r.status_code == status, r.text
    body = r.json()
    assert body["error"] == ("no space" if code == errno.ENOSPC else "storage failed"), body
    assert f"starting to tag library '{lid}' again" in body["message"] and "nothing was changed" in body["message"]
    assert body["hint"] and "Traceback" not in r.text and str(box.store_dir) not in r.text
    assert box.client.get(f"/libraries/{lid}", headers=box.auth).json() == before
    assert len(tagger.calls) == 1 and before["tagger"] == first
    monkeypatch.undo()
    assert box.client.post(f"/libraries/{lid}/retag", headers=box.auth).status_code == 202


def test_the_laptop_retags_a_library_on_the_box(paired_server: PairedServer, tmp_path: Path, capsys: Any) -> None:
    kit = tmp_path / "kit"
    kit.mkdir()
    for i in range(2):
        (kit / f"s{i}.wav").write_bytes(wav_bytes(2400 + 480 * i))
    assert main(["push-library", str(kit), "--quiet"]) == 0
    out = capsys.readouterr().out
    lid = out.split()[1].rstrip(":")
    assert "not tagged: no tagger pack is active" in out and "as soon as a tagger pack is active" in out
    assert main(["box-library", lid, "--wait", "--cancel"]) == 2
    assert "--wait follows a tagging: give it alone" in capsys.readouterr().err
    assert main(["box-library", "--retag"]) == 2
    assert "which library" in capsys.readouterr().err
    assert main(["box-library", lid, "--retag"]) == 2                        # no tagger active yet
    assert "no tagger pack is active" in capsys.readouterr().err
    pack = tagger_pack(tmp_path / "t.hatpack")
    assert main(["push", str(pack), "--activate", "--quiet"]) == 0
    assert f"library kit (2 files), sent before a tagger was active, is being tagged with it" in capsys.readouterr().out
    assert main(["box-library", lid, "--wait", "--quiet"]) == 0
    assert "tagging done" in capsys.readouterr().out
    assert main(["box-library", lid, "--retag", "--wait", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert f"library {lid} (kit, 2 files): tagging again with tags 1.0.0; " in out and "tagging done" in out  # p53
    assert main(["box-library", lid]) == 0
    counts = [int(line.split()[0]) for line in capsys.readouterr().out.splitlines()]
    assert sum(counts) == 2                                                # both files tagged


def test_retag_answers_the_record_as_it_starts_even_when_the_tagging_ends_at_once(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The 202's record is the one the re-tag starts with (state tagging, progress 0), not whatever the tagging
    thread has made of it by the time the answer is written: a quick tagging used to answer 'done' (CI, once)."""
    box = make_box(tmp_path, tagger=RecordingTagger())
    _push_tagger(box, tmp_path, "1.0.0")
    lid = box.client.post("/libraries", content=_library_zip(3), headers=box.auth).json()["id"]
    _wait_done(box, lid)
    second = _push_tagger(box, tmp_path, "2.0.0")
    libs = box.app.state.box.libraries
    real = libs._start

    def start_and_finish(info: dict[str, Any], pack: Path) -> None:
        real(info, pack)
        libs._threads[info["id"]].join(5)          # the thread has ended before retag() answers
    monkeypatch.setattr(libs, "_start", start_and_finish)
    r = box.client.post(f"/libraries/{lid}/retag", headers=box.auth)
    assert r.status_code == 202, r.text
    assert r.json()["state"] == "tagging" and r.json()["tagger"] == second and r.json()["progress"]["done"] == 0
    assert box.client.get(f"/libraries/{lid}", headers=box.auth).json()["state"] == "done"
