"""A tagger pushed with --activate while a library's unpacking ends (p53 final read): the push held the install
lock and the token store's lock and wanted Libraries.starting (its activation's tag_waiting); the library's commit
held starting and wanted the token store's lock (hold()): both hung for good, and with them every later push.  The
commit now takes the token's lock first, as the push does."""
from __future__ import annotations

import threading
from pathlib import Path

from tests.api.conftest import make_box
from tests.api.packs import tagger_pack
from tests.api.test_libraries import RecordingTagger
from tests.api.test_p53_U_upload_workers import _in_thread, _upload


def test_a_tagger_push_and_a_library_commit_at_once_both_end(tmp_path: Path) -> None:
    box = make_box(tmp_path, tagger=RecordingTagger())
    the_box = box.app.state.box
    real_install, installing = the_box.store.install, threading.Event()
    real_pick, picking = the_box.active_tagger, threading.Event()

    def slow_install(*a, **k):          # the push, holding the install lock and the token's, copies its pack ...
        installing.set()
        picking.wait(2)                 # ... while the library's commit begins (now: it waits for the push)
        return real_install(*a, **k)

    def pick():                         # the library's commit picks its tagger during the push's install
        installing.wait(2)                  # (or it came first: the push then waits for its commit)
        picking.set()
        return real_pick()

    the_box.store.install, the_box.active_tagger = slow_install, pick
    upload, _ = _upload(box, "kit")
    push, _ = _in_thread(lambda: box.push(tagger_pack(tmp_path / "t.hatpack")))
    push.join(20)
    upload.join(5)
    assert picking.is_set() and not push.is_alive() and not upload.is_alive(), "the push and the commit hung"
    libs = box.client.get("/libraries", headers=box.auth).json()
    libs = libs.get("libraries", libs) if isinstance(libs, dict) else libs
    assert len(libs) == 1, libs
    done = box.tagged(libs[0]["id"])
    assert done["state"] == "done" and "tagger" in str(done.get("tagger")), done      # tagged by the tagger pushed
