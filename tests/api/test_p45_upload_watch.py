"""p45 crash QA: the box's power cut while it checks a pushed pack left `hatbox push` silent at 100 % for the whole
UPLOAD_ANSWER_S (10 minutes).  Now the laptop says it waits, asks GET /health on another connection, and gives a box
that answers nothing for GONE_AFTER_S up; a box that answers its health checks is waited for, however long.

A fake box on loopback: its upload route reads the body, then answers only when told (or never: a power cut); its
health route answers until told to go silent (a power cut on Wi-Fi: nothing closes the connection)."""
from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import httpx
import pytest

from hatbox import box_client, upload_watch
from hatbox.box_client import upload
from hatbox.errors import HatboxError


class FakeBox:
    """A box whose POST answers after ``answer_after`` seconds (None: never) and whose /health goes silent once
    ``health_dies_after`` seconds have passed since the upload's body was read (None: never)."""

    def __init__(self, answer_after: float | None, health_dies_after: float | None) -> None:
        self.answer_after, self.health_dies_after = answer_after, health_dies_after
        self.release = threading.Event()            # set at teardown: every hanging handler ends
        self.body_at: float | None = None
        self.health_calls = 0
        box = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _json(self, code: int, body: object) -> None:
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                box.health_calls += 1
                dead = box.health_dies_after is not None and box.body_at is not None and \
                    time.monotonic() - box.body_at >= box.health_dies_after
                if dead:
                    box.release.wait()              # silent: neither an answer nor a close
                    return
                self._json(200, {"ok": True})

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers["Content-Length"]))
                box.body_at = time.monotonic()
                if box.answer_after is None or box.release.wait(box.answer_after):
                    box.release.wait()
                    return
                self._json(201, {"id": "fx-1", "checks": []})

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = False
        self.server.block_on_close = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()          # joins the handler threads (block_on_close)
        self.thread.join()


@pytest.fixture
def fast(monkeypatch: pytest.MonkeyPatch) -> None:
    """The watch's intervals in tenths of a second; the old overall limit short enough to fail quickly."""
    monkeypatch.setattr(upload_watch, "SAY_AFTER_S", 0.2)
    monkeypatch.setattr(upload_watch, "SAY_EVERY_S", 0.5)
    monkeypatch.setattr(upload_watch, "HEALTH_EVERY_S", 0.2)
    monkeypatch.setattr(upload_watch, "HEALTH_TIMEOUT_S", 0.3)
    monkeypatch.setattr(upload_watch, "GONE_AFTER_S", 1.0)
    monkeypatch.setattr(box_client, "UPLOAD_ANSWER_S", 6.0)


def _box(answer_after: float | None, health_dies_after: float | None) -> Iterator[FakeBox]:
    box = FakeBox(answer_after, health_dies_after)
    try:
        yield box
    finally:
        box.close()


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    path = tmp_path / "crashfx-6.hatpack"
    path.write_bytes(b"x" * 300_000)
    return path


def _push(url: str, pack: Path, quiet: bool = True) -> object:
    with httpx.Client(base_url=url, timeout=5.0) as client:
        return upload(client, "/packs", pack, {}, quiet=quiet)


def test_a_box_that_vanishes_while_checking_is_given_up_in_seconds(fast: None, pack: Path, capsys) -> None:
    for box in _box(answer_after=None, health_dies_after=0.0):
        began = time.monotonic()
        with pytest.raises(HatboxError) as err:
            _push(box.url, pack, quiet=False)
        took = time.monotonic() - began
    msg = str(err.value)
    assert "the box stopped answering while it checked the pack" in msg, msg
    assert "it may or may not have kept it: see hatbox box-pack once it is back" in msg
    assert took < 4.0, took                         # not the overall limit (6 s here, 600 s for real)
    assert "the box is checking crashfx-6.hatpack ..." in capsys.readouterr().err
    assert not [t for t in threading.enumerate() if t.name == "hatbox-upload-watch"]


def test_a_box_that_answers_its_health_is_waited_for_past_the_gone_limit(fast: None, pack: Path) -> None:
    for box in _box(answer_after=1.5, health_dies_after=None):      # past GONE_AFTER_S (1 s here)
        body = _push(box.url, pack)
    assert body == {"id": "fx-1", "checks": []}
    assert box.health_calls >= 3                    # it was asked, and answered, while the pack was checked


def test_a_library_that_vanishes_while_unpacking_says_so(fast: None, pack: Path) -> None:
    """A library's words name the unpacking and hatbox box-library."""
    from hatbox.box_client import _Upload, _gone_error
    err = _gone_error(_Upload("biglib", 10, "hatbox box-library"), 30.0)
    assert "while it unpacked the library (biglib: nothing for 30 s)" in str(err) and "hatbox box-library" in str(err)
    for box in _box(answer_after=None, health_dies_after=0.3):
        with httpx.Client(base_url=box.url, timeout=5.0) as client:
            with pytest.raises(HatboxError) as got:
                upload(client, "/libraries", pack, {}, quiet=True, listing="hatbox box-library", shown="biglib")
    assert "while it unpacked the library" in str(got.value)
