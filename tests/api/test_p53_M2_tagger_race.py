"""p53 M2: a library's tagger is picked at its commit, on the library worker, not as its upload began.

p53 U gave libraries a worker of their own, and a tagger pushed while a library unpacked no longer waited for it:
the library, read its tagger from before, was then tagged with the old one (or with none, and then started by its
answer, racing the tagger's activation), and the old tagger could be deleted under it ("PackError: no pack at
/tmp/..."). Now ``Libraries.ingest`` asks the box for the active tagger at its commit, and the commit with its
tagging's start, the activation's ``tag_waiting`` and the deletes of packs hold one lock (``Libraries.starting``)."""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

from device.api.libraries import Libraries
from tests.api.conftest import make_box
from tests.api.packs import tagger_pack
from tests.api.test_libraries import RecordingTagger, _library_zip
from tests.api.test_p53_U_upload_workers import _held, _in_thread, _upload

NEW_TAGS = ("kick", "snare", "hat")


def test_a_tagger_pushed_while_a_library_unpacks_tags_it_not_the_old_one(tmp_path: Path) -> None:
    box = make_box(tmp_path, tagger=RecordingTagger())
    box.push(tagger_pack(tmp_path / "a.hatpack", "tags", "1.0.0"))
    held = _held(box)
    upload, uploaded = _upload(box, "kit")
    assert held.began.acquire(timeout=10)
    b = box.push(tagger_pack(tmp_path / "b.hatpack", "tags", "2.0.0", tags=NEW_TAGS))
    assert b.status_code == 201, b.text
    held.go.set()
    upload.join(10)
    answer = uploaded[0].json()
    assert answer["tagger"] == b.json()["pack"]["id"], answer
    assert box.tagged(answer["id"])["state"] == "done"


def test_a_library_queued_behind_another_is_tagged_with_the_tagger_active_at_its_commit(tmp_path: Path) -> None:
    box = make_box(tmp_path, tagger=RecordingTagger())
    box.push(tagger_pack(tmp_path / "a.hatpack", "tags", "1.0.0"))
    held = _held(box)
    first, _ = _upload(box, "one")
    assert held.began.acquire(timeout=10)
    second, out = _upload(box, "two", 3)        # received, then queued behind "one" on the libraries' worker
    deadline = time.monotonic() + 10
    while len(box.app.state.box.libraries.uploads.listed()) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    bid = box.push(tagger_pack(tmp_path / "b.hatpack", "tags", "2.0.0", tags=NEW_TAGS)).json()["pack"]["id"]
    held.go.set()
    first.join(10)
    second.join(10)
    assert out[0].json()["tagger"] == bid, out[0].json()


def test_the_answer_says_the_tagging_an_activation_started_after_the_commit(tmp_path: Path, caplog) -> None:
    box = make_box(tmp_path, tagger=RecordingTagger())
    libraries = box.app.state.box.libraries
    real, committed, pushed = libraries.ingest, threading.Event(), threading.Event()

    def ingest(*args: Any, **kwargs: Any) -> Any:
        info = real(*args, **kwargs)
        committed.set()
        assert pushed.wait(20)                  # the tagger's activation lands between the commit and the answer
        return info
    libraries.ingest = ingest
    upload, uploaded = _upload(box, "kit")
    assert committed.wait(10)
    with caplog.at_level(logging.WARNING, logger="hatbox.api"):
        p = box.push(tagger_pack(tmp_path / "t.hatpack"))
        pushed.set()
        upload.join(10)
    answer = uploaded[0].json()
    assert answer["state"] in ("tagging", "done") and answer["error"] is None, answer
    assert p.json()["tagging"] == [answer["id"]]
    assert box.tagged(answer["id"])["state"] == "done" and "could not start" not in caplog.text


def test_two_activations_at_once_start_a_waiting_library_once(tmp_path: Path, caplog) -> None:
    """Box.tag_waiting_libraries twice at once (an activation and the tagger's own, or two): one starts it, the other
    finds it started; no "could not start ... it stays untagged" in the log."""
    box = make_box(tmp_path, tagger=RecordingTagger())
    answer = box.client.post("/libraries", params={"name": "kit"}, content=_library_zip(2), headers=box.auth).json()
    assert answer["state"] == "untagged"
    box.push(tagger_pack(tmp_path / "t.hatpack"), activate=False)
    the_box = box.app.state.box
    pid = [p["id"] for p in box.client.get("/packs", headers=box.auth).json() if p["kind"] == "tagger"][0]
    the_box.store.activate(pid)             # the pointer alone: the two calls below are the activations' taggings
    real_retag = the_box.libraries.retag

    def slow_retag(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.3)                     # a slow card: the other call looks meanwhile
        return real_retag(*args, **kwargs)
    the_box.libraries.retag = slow_retag
    with caplog.at_level(logging.WARNING, logger="hatbox.api"):
        calls = [_in_thread(the_box.tag_waiting_libraries) for _ in range(2)]
        for thread, _ in calls:
            thread.join(10)
    assert sorted(out[0] for _, out in calls) == [[], [answer["id"]]]
    assert "could not start" not in caplog.text
    assert box.tagged(answer["id"])["state"] == "done"


class GatedTagger(RecordingTagger):
    """Tags only once :attr:`go` is set."""

    def __init__(self) -> None:
        super().__init__()
        self.go = threading.Event()

    def __call__(self, root, pack, db_path, progress, cancel):
        assert self.go.wait(20)
        return super().__call__(root, pack, db_path, progress, cancel)


class HeldCommit:
    """A box whose library "kit" has picked tagger A (tags 1.0.0, active) at its commit and waits there until
    :attr:`commit` is set, while another tagger B (pushed not active) has been made active: the moment a delete or a
    prune of A races the commit."""

    def __init__(self, tmp_path: Path, b_name: str, b_version: str) -> None:
        self.tagger = GatedTagger()
        self.box = make_box(tmp_path, tagger=self.tagger)
        self.a = self.box.push(tagger_pack(tmp_path / "a.hatpack", "tags", "1.0.0")).json()["pack"]["id"]
        b = self.box.push(tagger_pack(tmp_path / "b.hatpack", b_name, b_version, tags=NEW_TAGS), activate=False)
        the_box = self.box.app.state.box
        real_pick, picked, self.commit = the_box.active_tagger, threading.Event(), threading.Event()

        def active_tagger() -> Any:
            found = real_pick()
            picked.set()
            assert self.commit.wait(10)
            return found
        the_box.active_tagger = active_tagger
        self.upload, self.uploaded = _upload(self.box, "kit")
        assert picked.wait(10)
        the_box.store.activate(b.json()["pack"]["id"])


def test_a_tagger_picked_at_a_commit_cannot_be_deleted_before_its_tagging_is_recorded(tmp_path: Path) -> None:
    """The library picks tagger A at its commit; B is made active and A deleted at that moment: the delete waits for
    the commit, then finds A tagging the library (409), and the tagging ends done."""
    held = HeldCommit(tmp_path, "tags", "2.0.0")
    box, a, commit, upload, uploaded, tagger = held.box, held.a, held.commit, held.upload, held.uploaded, held.tagger
    delete, deleted = _in_thread(lambda: box.client.delete(f"/packs/{a}", headers=box.auth))
    delete.join(0.3)
    assert delete.is_alive(), "the delete did not wait for the library's commit"
    commit.set()
    delete.join(10)
    upload.join(10)
    assert uploaded[0].json()["tagger"] == a
    assert deleted[0].status_code == 409 and "is tagging library" in deleted[0].json()["message"]
    tagger.go.set()
    assert box.tagged(uploaded[0].json()["id"])["state"] == "done"


def test_a_prune_keeps_a_tagger_picked_at_a_commit(tmp_path: Path) -> None:
    held = HeldCommit(tmp_path, "other", "1.0.0")
    box, a, commit, upload, uploaded, tagger = held.box, held.a, held.commit, held.upload, held.uploaded, held.tagger
    prune, pruned = _in_thread(lambda: box.client.post("/packs/prune", json={"dry_run": False, "keep": 0, "history": 0},
                                                       headers=box.auth))
    prune.join(0.3)
    commit.set()
    prune.join(10)
    upload.join(10)
    assert pruned[0].status_code == 200, pruned[0].text
    assert a not in [p["id"] for p in pruned[0].json()["packs"]], pruned[0].json()
    tagger.go.set()
    assert box.tagged(uploaded[0].json()["id"])["state"] == "done"


def test_a_tagging_whose_pack_is_gone_says_so_in_words(tmp_path: Path) -> None:
    """The real tagger, given a pack no longer on the box: the record says which pack and what to do, never the
    store's path to it (p53 review: "PackError: no pack at /tmp/.../pack.hatpack")."""
    arc = tmp_path / "up.zip"
    arc.write_bytes(_library_zip(2))
    gone = tmp_path / "store" / "packs" / "tagger-x" / "pack.hatpack"
    libs = Libraries(tmp_path / "libs")
    lid = libs.ingest(arc, "kit", gone, "tagger-x")["id"]
    rec = libs.wait(lid, timeout=20)
    assert rec["state"] == "failed", rec
    assert str(tmp_path) not in rec["error"] and "/" not in rec["error"].split("--retag")[0], rec["error"]
    assert rec["error"].startswith("its tagger pack tagger-x was no longer on the box"), rec["error"]
    assert f"hatbox box-library {lid} --retag" in rec["error"]
