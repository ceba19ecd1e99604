"""p53 U: a pack pushed while a library is unpacked no longer waits for it.  Before, every upload was checked on one
worker thread (device/api/box.py ``Box.validator``): the musician pushing a fixed synth while a 2 GB library
unpacked saw the push hang for minutes.  Packs and libraries each have a worker of their own now (``Box.validator``,
``Box.library_worker``); libraries still go one at a time among themselves (device/api/libraries.py ``ingest`` relies
on it), both workers end with ``Box.stop``, and a tagger pushed while a library unpacks still tags that library."""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, Callable

import pytest

from device.api.errors import ApiError
from tests.api.conftest import BoxUnderTest, make_box
from tests.api.packs import gain_pack, tagger_pack
from tests.api.test_libraries import RecordingTagger, _library_zip


class HeldIngests:
    """Wraps a box's ``Libraries.ingest``: each ingest says it began, then waits for :attr:`go`; counts how many
    run at once."""

    def __init__(self, ingest: Callable[..., Any]) -> None:
        self.ingest, self.go, self.began = ingest, threading.Event(), threading.Semaphore(0)
        self.running = self.most = 0
        self._lock = threading.Lock()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            self.running += 1
            self.most = max(self.most, self.running)
        self.began.release()
        try:
            assert self.go.wait(20)
            return self.ingest(*args, **kwargs)
        finally:
            with self._lock:
                self.running -= 1


def _held(box: BoxUnderTest) -> HeldIngests:
    libraries = box.app.state.box.libraries
    held = HeldIngests(libraries.ingest)
    libraries.ingest = held                     # bound by the route at each upload (functools.partial)
    return held


def _in_thread(call: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    out: list[Any] = []
    thread = threading.Thread(target=lambda: out.append(call()), daemon=True)
    thread.start()
    return thread, out


def _upload(box: BoxUnderTest, name: str, files: int = 2) -> tuple[threading.Thread, list[Any]]:
    """Library ``name`` (``files`` WAVs: two libraries of as many files are the same archive) uploaded by a thread."""
    return _in_thread(lambda: box.client.post("/libraries", params={"name": name}, content=_library_zip(files),
                                              headers=box.auth))


def test_a_pack_pushed_while_a_library_unpacks_is_installed_at_once(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    held = _held(box)
    upload, uploaded = _upload(box, "big")
    try:
        assert held.began.acquire(timeout=10)   # the library is being unpacked, on its worker
        push, pushed = _in_thread(lambda: box.push(gain_pack(tmp_path / "fix.hatpack", "fix", "1.0.0")))
        push.join(10)
        assert not push.is_alive(), "the push waited behind the library's unpacking"
        assert pushed[0].status_code == 201, pushed[0].text
        assert box.active() == pushed[0].json()["pack"]["id"] and upload.is_alive()
    finally:
        held.go.set()
    upload.join(10)
    assert uploaded[0].status_code == 201, uploaded[0].text
    assert box.client.get("/libraries", headers=box.auth).json()[0]["name"] == "big"


def test_libraries_are_still_unpacked_one_at_a_time(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    held = _held(box)
    first, second = _upload(box, "one"), _upload(box, "two", 3)
    try:
        assert held.began.acquire(timeout=10)
        assert not held.began.acquire(timeout=0.5)      # the second waits for the first's worker
    finally:
        held.go.set()
    for thread, out in (first, second):
        thread.join(10)
        assert out[0].status_code == 201, out[0].text
    assert held.most == 1
    assert [lib["seq"] for lib in box.client.get("/libraries", headers=box.auth).json()] in ([1, 2], [2, 1])


def test_the_stop_ends_both_workers_and_refuses_both_after(tmp_path: Path, caplog) -> None:
    """Both workers busy: the stop waits ``wait_s`` for both together (one deadline), not for each in turn."""
    import logging
    box = make_box(tmp_path)
    the_box = box.app.state.box
    go = threading.Event()
    running = [the_box.library_worker.submit(go.wait, 10), the_box.validator.submit(go.wait, 10)]
    queued = [the_box.library_worker.submit(lambda: "ran"), the_box.validator.submit(lambda: "ran")]
    deadline = time.monotonic() + 10
    while len(the_box._worker_threads()) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    threads = the_box._worker_threads()
    assert sorted(t.name.rsplit("_", 1)[0] for t in threads) == ["hatbox-validate-libraries",
                                                                   "hatbox-validate-packs"]
    wait_s = 0.5
    started = time.monotonic()
    try:
        with caplog.at_level(logging.WARNING, logger="hatbox.api"):
            assert the_box.stop(wait_s=wait_s) is False     # both still run: one short wait for the two
        took = time.monotonic() - started
        assert wait_s * 0.9 <= took < wait_s + 0.4, took
        assert all(q.cancelled() for q in queued)
        assert "still running as the API stopped" in caplog.text
    finally:
        go.set()
    assert [r.result(5) for r in running] == [True, True]
    for thread in threads:
        thread.join(5)
        assert not thread.is_alive()
    for worker in ("validator", "library_worker"):
        with pytest.raises(ApiError) as refused:
            getattr(the_box, worker)
        assert refused.value.status == 503 and refused.value.body.error == "box stopping"
    r = box.client.post("/libraries", params={"name": "late"}, content=_library_zip(1), headers=box.auth)
    assert r.status_code == 503 and r.json()["message"].startswith("the box is stopping")
    assert box.library_dirs() == []                         # nothing of the late upload was kept
    assert the_box.stop() is True


def test_the_stop_waits_for_a_just_made_pools_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker whose thread had not yet registered when the stop began, and took its work before the pools were shut
    down, is still waited for (its threads are read once the pools are shut down): never "nothing left running"."""
    import device.api.box as box_module
    box = make_box(tmp_path)
    the_box = box.app.state.box
    real_starts, real_end = the_box._worker_starts, box_module.end_workers
    in_init, may_start, took, go = (threading.Event() for _ in range(4))

    def starts() -> None:                   # the new thread, held before it registers
        in_init.set()
        assert may_start.wait(10)
        real_starts()

    def end_workers(pools: Any, threads: Any, wait_s: float) -> bool:    # the stop has begun: now it registers
        may_start.set()
        assert took.wait(10)                # and takes its work before the pools are shut down
        return real_end(pools, threads, wait_s)
    the_box._worker_starts = starts
    monkeypatch.setattr(box_module, "end_workers", end_workers)
    job = the_box.library_worker.submit(lambda: (took.set(), go.wait(10)))
    assert in_init.wait(10)
    try:
        assert the_box.stop(wait_s=0.3) is False, "a thread running an unpacking was not waited for"
    finally:
        go.set()
    assert job.result(5) == (None, True)


def test_a_tagger_pushed_while_a_library_unpacks_tags_it(tmp_path: Path) -> None:
    """Before, the tagger's push waited for the library, then tagged it (it waited for a tagger); now the push ends
    first, and the library, kept after, is tagged with the tagger active at its commit (Libraries.ingest, p53 M2)."""
    tagging_may_go = threading.Event()      # the tagging waits until the upload's answer is read (CI: it had
    box = make_box(tmp_path, tagger=RecordingTagger(hold=tagging_may_go))   # ended first, the answer said 'done')
    held = _held(box)
    upload, uploaded = _upload(box, "kit")
    try:
        assert held.began.acquire(timeout=10)
        push, pushed = _in_thread(lambda: box.push(tagger_pack(tmp_path / "t.hatpack")))
        push.join(10)
        assert not push.is_alive() and pushed[0].status_code == 201, pushed[0].text
    finally:
        held.go.set()
    upload.join(10)
    tagging_may_go.set()
    answer = uploaded[0].json()
    tid = pushed[0].json()["pack"]["id"]
    assert uploaded[0].status_code == 201 and answer["tagger"] == tid and answer["state"] == "tagging", answer
    assert box.tagged(answer["id"])["state"] == "done"
