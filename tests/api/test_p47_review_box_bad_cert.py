"""Forty-seventh stop, review of the box side (K2): a server that dies at its start is said, its socket closed.

With a bad TLS certificate uvicorn's thread died at once, yet start_in_thread returned a RunningServer (a traceback on
the terminal, the socket still open and bound) and start_api took the box's API as running.  Now both raise a
HatboxError in words, with the socket closed and no thread left."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest
from fastapi import FastAPI

from device.api.server import bind_socket, start_api, start_in_thread
from device.api.sim import RecordingControl
from hatbox.errors import HatboxError


def _bad_pair(tmp_path: Path) -> tuple[Path, Path]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert.write_text("not a certificate\n")
    key.write_text("not a key\n")
    return cert, key


def _api_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "hatbox-api" and t.is_alive()]


def test_start_in_thread_with_a_bad_certificate_raises_and_closes_the_socket(tmp_path: Path,
                                                                             capfd: pytest.CaptureFixture) -> None:
    cert, key = _bad_pair(tmp_path)
    sock = bind_socket("127.0.0.1", 0)
    with pytest.raises(HatboxError) as info:
        start_in_thread(FastAPI(), "127.0.0.1", 0, cert, key, sock=sock)
    assert sock.fileno() == -1 and not _api_threads()
    assert f"TLS certificate {cert}" in str(info.value) and "--cert" in (info.value.hint or "")
    assert "Traceback" not in capfd.readouterr().err


def test_start_api_with_a_bad_certificate_raises_and_closes_the_socket(tmp_path: Path) -> None:
    cert, key = _bad_pair(tmp_path)
    sock = bind_socket("127.0.0.1", 0)
    with pytest.raises(HatboxError, match="could not start"):
        start_api(tmp_path / "store", RecordingControl(), host="127.0.0.1", port=0, on_code=lambda code: None,
                  certfile=cert, keyfile=key, advertise=False, sock=sock)
    assert sock.fileno() == -1 and not _api_threads()
