"""p53 U, on the real server (uvicorn on loopback, the unpacking in its child process): a pack pushed while a library
is unpacked is installed without waiting for it; and a laptop that hangs up (Ctrl-C) once the whole archive was sent
leaves no half-unpacked library: the box finishes the unpacking and keeps the library whole, as the laptop then says
("the box may still keep it": hatbox/box_client.py), with no ``.partial`` folder and no child left."""
from __future__ import annotations

import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.api.packs import gain_pack
from tests.api.test_p42_net_stop import _served
from tests.library.children import archive, in_a_child, site, unpack_children  # noqa: F401 - a fixture

UNPACKING_AFTER_HANG_UP_S = 1.0       # how long the unpacking goes on after the laptop hung up (it had 4 s or so)


def _sent_then_cut(url: str, body: bytes, auth: dict[str, str]) -> socket.socket:
    """POST /libraries with ``body`` sent whole on a raw connection (left open: the caller hangs it up)."""
    where = urlsplit(url)
    conn = socket.create_connection((where.hostname, where.port), timeout=10)
    head = (f"POST /libraries?name=cut HTTP/1.1\r\nHost: {where.netloc}\r\nContent-Length: {len(body)}\r\n"
            f"Content-Type: application/octet-stream\r\nAuthorization: {auth['Authorization']}\r\n\r\n")
    conn.sendall(head.encode() + body)
    return conn


def _until(done, seconds: float = 20.0) -> None:
    end = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.05)


def _gated_members(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The unpacking child's check of each member waits (30 s at most) for the file returned to exist: the unpacking
    lasts as long as the test needs it to (0.3 s a member took 6 s, and was still a race with the push meanwhile)."""
    gate = tmp_path / "gate"
    site(tmp_path, "import os\nimport time\nimport device.library.archive as a\nreal = a.audio_problem\n\n\n"
         f"def gated(p):\n    end = time.monotonic() + 30\n    while not os.path.exists({str(gate)!r}) and "
         "time.monotonic() < end:\n        time.sleep(0.01)\n    return real(p)\n\n\na.audio_problem = gated\n",
         monkeypatch)
    return gate


def test_a_push_meanwhile_and_a_hang_up_during_the_unpacking(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gate = _gated_members(tmp_path, monkeypatch)        # the unpacking waits until the gate is opened
    running, app, auth = _served(tmp_path)
    try:
        conn = _sent_then_cut(running.url, archive(tmp_path, 20).read_bytes(), auth)
        _until(lambda: bool(unpack_children()))
        pushed = httpx.post(f"{running.url}/packs", params={"activate": True}, headers=auth, timeout=30,
                            content=gain_pack(tmp_path / "fix.hatpack", "fix", "1.0.0").read_bytes())
        assert pushed.status_code == 201, pushed.text
        assert unpack_children(), "the push waited for the library's unpacking"
        conn.shutdown(socket.SHUT_RDWR)                # the laptop's Ctrl-C: it hangs up
        conn.close()
        time.sleep(UNPACKING_AFTER_HANG_UP_S)          # the box sees it hang up while it still unpacks
        assert unpack_children(), "the unpacking ended before the gate was opened"
        gate.touch()
        _until(lambda: not unpack_children() and not httpx.get(f"{running.url}/libraries/uploading",
                                                                 headers=auth).json())
        kept = httpx.get(f"{running.url}/libraries", headers=auth).json()
        assert [(lib["name"], lib["accepted"]) for lib in kept] == [("cut", 20)]
        libraries = tmp_path / "box" / "libraries"
        assert sorted(p.name for p in libraries.iterdir() if not p.name.startswith(".")) == [kept[0]["id"]]
    finally:
        gate.touch()                                   # a failed test leaves no child waiting on the gate
        running.stop()
