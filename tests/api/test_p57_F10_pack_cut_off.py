"""p57 QA_D finding 4: a pack upload cut off by a killed laptop left no line in box.log, where a library's leaves
"upload of 'pacific' cut off after 20 of 30 MiB: nothing kept (from laptop-s5)".  A pack's now leaves the same words
(device/api/uploads.py cut_off_line), whether the laptop went away or stopped sending."""
from __future__ import annotations

import logging
import socket
import time
from urllib.parse import urlparse

import pytest

from tests.api.conftest import PairedServer

MIB = 1 << 20


def _send_part(server: PairedServer, token: str) -> socket.socket:
    """A push of a 2 MiB pack of which half a MiB is sent: the open socket."""
    url = urlparse(server.running.url)
    s = socket.create_connection((url.hostname, url.port))
    s.sendall(f"POST /packs HTTP/1.1\r\nHost: box\r\nAuthorization: Bearer {token}\r\n"
              f"Content-Type: application/octet-stream\r\nContent-Length: {2 * MIB}\r\n\r\n".encode()
              + b"\0" * (MIB // 2))
    return s


def _wait_for(caplog: pytest.LogCaptureFixture, words: str, seconds: float = 10.0) -> None:
    end = time.monotonic() + seconds
    while words not in caplog.text and time.monotonic() < end:
        time.sleep(0.05)


def test_a_laptop_gone_midway_through_a_push_leaves_a_line(paired_server: PairedServer,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, "hatbox.api")
    _, token = paired_server.app.state.box.tokens.issue("laptop-s5")
    with _send_part(paired_server, token):
        time.sleep(0.5)                             # the box takes what came, then the laptop is gone
    _wait_for(caplog, "cut off")
    assert "upload of a pack cut off after 0.5 of 2.0 MiB: nothing kept (from laptop-s5)" in caplog.text, caplog.text
    assert list((paired_server.app.state.box.store.root / "tmp").glob("up-*")) == []     # nothing kept, as said


def test_a_push_that_stops_sending_leaves_the_same_line(paired_server: PairedServer, monkeypatch: pytest.MonkeyPatch,
                                                        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr("device.api.uploads.UPLOAD_IDLE_S", 0.5)
    caplog.set_level(logging.WARNING, "hatbox.api")
    _, token = paired_server.app.state.box.tokens.issue("laptop-s5")
    with _send_part(paired_server, token):
        _wait_for(caplog, "cut off")
    assert "upload of a pack cut off after 0.5 of 2.0 MiB: nothing kept (from laptop-s5)" in caplog.text, caplog.text


def test_the_words_are_the_library_s(tmp_path) -> None:
    from device.api.library_uploads_live import Live, cut_off_words
    from device.api.uploads import cut_off_line
    part = tmp_path / "u"
    with open(part, "wb") as fh:
        fh.truncate(112 * MIB)
    assert cut_off_line("'kitF'", 112 * MIB, 224 * MIB, "laptopB") == \
        cut_off_words(Live("kitF", part, 224 * MIB, "laptopB"))
