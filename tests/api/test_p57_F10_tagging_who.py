"""p57 QA_D finding 7: a second `box-library LIB --retag` was refused with "library 'lib-kit-239672' is being tagged
already; nothing was changed" and a hint to `--cancel` it: not who had started the tagging, nor that the cancel
would stop their work.  The box keeps who started a re-tag and when (the upload's own tagging: its uploader), and
the refusal says it."""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from tests.api.conftest import BoxUnderTest, make_box
from tests.api.packs import tagger_pack
from tests.api.test_libraries import RecordingTagger, _library_zip


def _state(box: BoxUnderTest, lid: str, want: str) -> dict[str, Any]:
    end = time.monotonic() + 20
    while True:
        body = box.client.get(f"/libraries/{lid}", headers=box.auth).json()
        if body["state"] == want or time.monotonic() > end:
            return body
        time.sleep(0.05)


def test_the_refusal_says_who_started_the_tagging_that_runs(tmp_path: Path) -> None:
    hold = threading.Event()
    box = make_box(tmp_path, tagger=RecordingTagger(hold))
    assert box.push(tagger_pack(tmp_path / "t.hatpack")).status_code == 201
    lid = box.client.post("/libraries", content=_library_zip(2), headers=box.auth).json()["id"]   # from "test"
    token = box.client.post("/pair", json={"code": box.codes[-1], "name": "laptop-s2"}).json()["token"]
    s2 = {"Authorization": f"Bearer {token}"}
    busy = box.client.post(f"/libraries/{lid}/retag", headers=s2)
    assert busy.status_code == 409, busy.text
    assert busy.json()["message"] == (f"library '{lid}' is being tagged already: test's upload started its tagging "
                                      "0 s ago; nothing was changed")
    assert f"or stop it first: hatbox box-library {lid} --cancel (that stops test's tagging)" in busy.json()["hint"]
    hold.set()
    assert _state(box, lid, "done")["state"] == "done"
    hold.clear()
    assert box.client.post(f"/libraries/{lid}/retag", headers=s2).status_code == 202      # laptop-s2's re-tag
    busy = box.client.post(f"/libraries/{lid}/retag", headers=box.auth)
    assert busy.status_code == 409 and busy.json()["message"] == (
        f"library '{lid}' is being tagged already: laptop-s2 started tagging it again 0 s ago; nothing was changed")
    assert "--cancel (that stops laptop-s2's tagging)" in busy.json()["hint"]
    hold.set()
    assert _state(box, lid, "done")["state"] == "done"


def test_a_record_from_before_the_box_kept_who_is_refused_as_before() -> None:
    from device.api.tagging_who import busy_words
    said, hint = busy_words("lib-a-1", {"id": "lib-a-1", "state": "tagging"})
    assert said == "library 'lib-a-1' is being tagged already; nothing was changed"
    assert "--cancel (that stops the tagging that runs)" in hint
    said, _ = busy_words("lib-a-1", {"tagging_by": "", "tagging_at": time.time() - 300})
    assert said == "library 'lib-a-1' is being tagged already: the box started its tagging 5 min ago; nothing was " \
                   "changed"
