"""p42 network QA: the box stopped (systemd restart) while it checked an uploaded pack or unpacked a library.  Before,
the laptop got uvicorn's plain-text 500, the log said the upload kept nothing, and the worker thread went on to
install and activate the pack (or rename the library into place).  Now a stop that cuts the request off before the
commit keeps nothing and says so in the box's JSON error; one that comes during the commit waits for it."""
from __future__ import annotations

import functools
import json
import logging
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from device.api import app as app_module
from device.api import libraries as libraries_module
from device.api.app import ApiConfig, create_app
from device.api.server import start_in_thread
from device.api.sim import RecordingControl
from hatbox.box_client import _checked, BoxRefused
from tests.api.conftest import FAST_ENGINE, zip_bytes, wav_bytes
from tests.api.packs import gain_pack


GRACE_S = 0.5       # uvicorn's graceful wait before it cuts requests off: the box's 2 s, shortened (what a cut-off
#                     request answers does not depend on how long uvicorn waited first)
CHECKS_STOP_S = 0.2  # the stopping box's wait for its running checks (device.api.box.VALIDATE_STOP_S, 2 s), where
#                     the check held is released only once the stop has returned (it waited the whole time)


def _served(tmp_path: Path, checks_stop_s: float | None = None) -> tuple[Any, Any, dict[str, str]]:
    codes: list[str] = []
    app = create_app(tmp_path / "box", RecordingControl(), ApiConfig(engine=FAST_ENGINE, on_code=codes.append))
    running = start_in_thread(app)
    assert running.server.config.timeout_graceful_shutdown == 2          # the box's own, read when it stops
    running.server.config.timeout_graceful_shutdown = GRACE_S
    if checks_stop_s is not None:
        app.state.box.stop = functools.partial(app.state.box.stop, wait_s=checks_stop_s)     # called by the lifespan
    token = httpx.post(f"{running.url}/pair", json={"code": codes[-1], "name": "t"}).json()["token"]
    return running, app, {"Authorization": f"Bearer {token}"}


def _post_in_thread(url: str, body: bytes, headers: dict[str, str], out: dict[str, Any]) -> threading.Thread:
    def go() -> None:
        try:
            out["resp"] = httpx.post(url, content=body, headers=headers, timeout=30)
        except httpx.HTTPError as exc:
            out["error"] = exc
    thread = threading.Thread(target=go, daemon=True)
    thread.start()
    return thread


def _blocked(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> tuple[threading.Event, threading.Event]:
    """``module.name`` made to wait (on the worker thread) until released: (entered, release)."""
    entered, release, real = threading.Event(), threading.Event(), getattr(module, name)

    def waiting(*args: Any, **kw: Any) -> Any:
        entered.set()
        assert release.wait(20)
        return real(*args, **kw)
    monkeypatch.setattr(module, name, waiting)
    return entered, release


def _stop_during(running: Any, entered: threading.Event, release: threading.Event, app: Any) -> None:
    assert entered.wait(20)
    running.stop()                          # uvicorn waits GRACE_S, then cancels the request
    release.set()
    for worker in list(app.state.box._workers):     # whatever the worker was doing has ended (p46: no new
        worker.join(20)                             # pool after the stop, so its own thread is waited for)


class _Said(logging.Handler):
    """Sets ``event`` when a record of the box's log (hatbox.api) says ``words``."""

    def __init__(self, words: str) -> None:
        super().__init__()
        self.words, self.event = words, threading.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if self.words in record.getMessage():
            self.event.set()


def test_a_stop_while_the_pack_is_checked_keeps_nothing_and_says_so(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    running, app, auth = _served(tmp_path, CHECKS_STOP_S)
    entered, release = _blocked(monkeypatch, app_module, "validate_pack")
    out: dict[str, Any] = {}
    pack = gain_pack(tmp_path / "p.hatpack", "p", "1.0.0").read_bytes()
    thread = _post_in_thread(f"{running.url}/packs?activate=true", pack, auth, out)
    _stop_during(running, entered, release, app)
    thread.join(20)
    resp = out["resp"]
    assert resp.status_code == 503 and resp.headers["content-type"] == "application/json", resp.text
    body = resp.json()
    assert body["error"] == "box stopped"
    assert body["message"] == "the box was stopped while it checked the pack; it kept nothing"
    assert "push it again" in body["hint"]
    store = app.state.box.store
    assert not store.ids()
    assert not any(store.active().values())
    with pytest.raises(BoxRefused) as err:                   # the laptop's words
        _checked(resp, "http://box")
    assert str(err.value).splitlines()[0] == "the box was stopped while it checked the pack; it kept nothing"


def test_a_stop_during_the_install_waits_for_it_and_answers_it(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    running, app, auth = _served(tmp_path)
    entered, release = _blocked(monkeypatch, app.state.box.store, "install")
    out: dict[str, Any] = {}
    pack = gain_pack(tmp_path / "p.hatpack", "p", "1.0.0").read_bytes()
    thread = _post_in_thread(f"{running.url}/packs?activate=true", pack, auth, out)
    assert entered.wait(20)
    said = _Said("a request's work was committing, so the box finishes it and answers")
    logging.getLogger("hatbox.api").addHandler(said)
    try:
        stopper = threading.Thread(target=running.stop, daemon=True)
        stopper.start()
        assert said.event.wait(20)          # past uvicorn's graceful wait: the request was cut off mid-commit
    finally:
        logging.getLogger("hatbox.api").removeHandler(said)
    release.set()
    stopper.join(20)
    thread.join(20)
    resp = out["resp"]
    assert resp.status_code == 201, resp.text
    pid = resp.json()["pack"]["id"]
    assert resp.json()["activated"] and app.state.box.store.active()["effect"] == pid


def test_a_stop_while_a_library_is_unpacked_keeps_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    running, app, auth = _served(tmp_path, CHECKS_STOP_S)
    entered, release = _blocked(monkeypatch, libraries_module, "unpack_archive")
    out: dict[str, Any] = {}
    archive = zip_bytes({"kick.wav": wav_bytes(), "snare.wav": wav_bytes()})
    thread = _post_in_thread(f"{running.url}/libraries?name=kit", archive, auth, out)
    _stop_during(running, entered, release, app)
    thread.join(20)
    resp = out["resp"]
    assert resp.status_code == 503, resp.text
    assert resp.json()["message"] == "the box was stopped while it unpacked the library; it kept nothing"
    assert "push-library" in resp.json()["hint"]
    assert [p.name for p in (tmp_path / "box" / "libraries").iterdir() if not p.name.startswith(".")] == []


def test_a_cut_off_request_is_answered_in_json_by_the_middleware() -> None:
    import asyncio

    from device.api.cutoff import CutOffAnswer

    async def cancelled_app(scope: Any, receive: Any, send: Any) -> None:
        raise asyncio.CancelledError()
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    async def run() -> None:
        await CutOffAnswer(cancelled_app)({"type": "http", "method": "PUT", "path": "/kit"}, None, send)
    asyncio.run(run())
    assert sent[0]["status"] == 503
    body = json.loads(sent[1]["body"])
    assert body["error"] == "box stopped" and "PUT /kit" in body["message"] and body["hint"]
