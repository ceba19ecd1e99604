"""p48 H1: a stranger's connection flood (idle connections, request heads sent a line at a time and never ended) no
longer holds the box's file descriptors nor locks the paired producer out: each request head has a deadline
(device/api/conn_guard.py), connections past the cap close the one idle longest, and an upload whose head is
complete streams its body for as long as it takes.  Real sockets on loopback against the in-thread server."""
from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from device.api.app import ApiConfig, create_app
from device.api.conn_guard import HEAD_TIMEOUT_S, KEEP_ALIVE_S, ConnGuard, connection_cap
from device.api.server import start_in_thread
from device.api.sim import RecordingControl
from tests.api.conftest import FAST_ENGINE
from tests.api.packs import gain_pack

SHORT_HEAD_S = 0.5          # the tests' deadline (the box's own: HEAD_TIMEOUT_S)


@dataclass
class Served:
    url: str
    port: int
    token: str
    guard: ConnGuard
    server: Any
    sockets: list[socket.socket]

    def connect(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        self.sockets.append(sock)
        return sock

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    """The API served from a thread on a free loopback port, a laptop paired; every socket a test opens is closed
    and the server stopped at the end."""
    codes: list[str] = []
    app = create_app(tmp_path / "box", RecordingControl(), ApiConfig(engine=FAST_ENGINE, on_code=codes.append))
    running = start_in_thread(app)
    sockets: list[socket.socket] = []
    try:
        token = httpx.post(f"{running.url}/pair", json={"code": codes[-1], "name": "producer"}).json()["token"]
        guard = getattr(running.server.config.http, "guard", None) or ConnGuard()     # (a box without: none)
        yield Served(running.url, int(running.url.rsplit(":", 1)[1]), token, guard, running.server, sockets)
    finally:
        for sock in sockets:
            sock.close()
        running.stop()
    assert not running.thread.is_alive()


def closed_after(sock: socket.socket, limit: float) -> float:
    """Seconds until the server closes ``sock`` (it reads end of file or a reset); fails past ``limit``."""
    start = time.monotonic()
    sock.settimeout(limit)
    try:
        while sock.recv(4096):
            pass
    except ConnectionResetError:
        pass
    except socket.timeout:
        pytest.fail(f"the connection was still open after {limit} s")
    return time.monotonic() - start


def answer(sock: socket.socket, request: bytes) -> bytes:
    """The response head ``sock`` gets to ``request`` (up to the blank line)."""
    sock.sendall(request)
    got = b""
    while b"\r\n\r\n" not in got:
        chunk = sock.recv(4096)
        assert chunk, got
        got += chunk
    return got


def test_the_box_deadline_is_a_few_seconds_and_the_cap_stays_under_the_file_limit() -> None:
    assert 2 <= HEAD_TIMEOUT_S <= 10 and KEEP_ALIVE_S <= 10
    assert connection_cap(1024) == 640 and connection_cap(16384) == 1000 and connection_cap(200) == 32
    assert all(connection_cap(n) < n - 200 for n in (512, 1024, 4096, 16384))


def test_connections_that_say_nothing_are_closed_within_the_deadline(served: Served) -> None:
    served.guard.head_s = SHORT_HEAD_S
    idle = [served.connect() for _ in range(5)]
    waits = [closed_after(sock, 5.0) for sock in idle]
    assert max(waits) < SHORT_HEAD_S + 1.5
    assert served.guard.timed_out >= 5
    assert httpx.get(f"{served.url}/health").status_code == 200


def test_a_head_sent_a_line_at_a_time_and_never_ended_is_closed(served: Served) -> None:
    served.guard.head_s = SHORT_HEAD_S
    sock = served.connect()
    start, cut = time.monotonic(), None
    sock.sendall(b"GET /status HTTP/1.1\r\n")
    for n in range(40):                        # a header line every 0.1 s, for up to 4 s: never the blank line
        time.sleep(0.1)
        try:
            sock.sendall(b"x-slow-%d: 1\r\n" % n)
        except OSError:                         # broken pipe / reset: the box closed it
            cut = time.monotonic() - start
            break
    if cut is None:
        cut = time.monotonic() - start + closed_after(sock, 1.0)
    assert cut < SHORT_HEAD_S + 1.5


def test_a_small_request_body_sent_a_byte_at_a_time_is_cut_off(served: Served) -> None:
    """FastAPI reads POST /pair's JSON before any check: a stranger sending it a byte at a time held a connection
    for ever."""
    served.guard.body_s = SHORT_HEAD_S
    sock = served.connect()
    sock.sendall(b"POST /pair HTTP/1.1\r\nhost: box\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n{")
    start, cut = time.monotonic(), None
    for _ in range(40):
        time.sleep(0.1)
        try:
            sock.sendall(b" ")
        except OSError:
            cut = time.monotonic() - start
            break
    if cut is None:
        cut = time.monotonic() - start + closed_after(sock, 1.0)
    assert cut < SHORT_HEAD_S + 1.5
    assert httpx.get(f"{served.url}/status", headers=served.auth).status_code == 200


def test_after_an_answer_a_next_head_left_unfinished_is_closed_too(served: Served) -> None:
    """uvicorn's own keep-alive timer stops at the first byte of a next request: a stranger's second head sent in
    part held the connection for ever."""
    served.guard.head_s = SHORT_HEAD_S
    sock = served.connect()
    assert answer(sock, b"GET /health HTTP/1.1\r\nhost: box\r\n\r\n").startswith(b"HTTP/1.1 200")
    sock.sendall(b"GET /health HTTP/1.1\r\nhost: box\r\n")
    assert closed_after(sock, 5.0) < SHORT_HEAD_S + 1.5


def test_the_producer_is_answered_while_200_idle_connections_are_open(served: Served) -> None:
    """With the cap at 100 (as under a small open-file limit), 200 idle connections leave the box holding no more
    than its cap, and the paired laptop's request is answered at once."""
    served.guard.cap = 100
    for _ in range(200):
        served.connect()
    time.sleep(0.3)
    with httpx.Client(timeout=5) as client:
        t = time.monotonic()
        status = client.get(f"{served.url}/status", headers=served.auth)
        took = time.monotonic() - t
    assert status.status_code == 200 and took < 2.0
    assert len(served.server.server_state.connections) <= 101
    assert served.guard.evicted >= 100


def test_an_upload_whose_body_takes_longer_than_the_deadline_completes(served: Served, tmp_path: Path) -> None:
    served.guard.head_s = SHORT_HEAD_S
    body = gain_pack(tmp_path / "slow.hatpack", "slow", "1.0.0").read_bytes()
    sock = served.connect()
    sock.sendall(b"POST /packs HTTP/1.1\r\nhost: box\r\ncontent-type: application/octet-stream\r\n"
                 b"authorization: Bearer %s\r\ncontent-length: %d\r\n\r\n" % (served.token.encode(), len(body)))
    step = max(1, len(body) // 20)
    start = time.monotonic()
    for at in range(0, len(body), step):        # 20 pieces, 0.1 s apart: 2 s, four deadlines
        time.sleep(0.1)
        sock.sendall(body[at:at + step])
    assert time.monotonic() - start > 3 * SHORT_HEAD_S
    head = answer(sock, b"")
    assert head.startswith(b"HTTP/1.1 201"), head
    assert served.guard.timed_out == 0


def test_when_every_held_connection_is_mid_request_a_new_one_gets_503(served: Served) -> None:
    served.guard.cap = 2
    busy = [served.connect() for _ in range(2)]
    for sock in busy:                            # heads complete, bodies still to come: mid-request
        sock.sendall(b"POST /packs HTTP/1.1\r\nhost: box\r\nauthorization: Bearer %s\r\n"
                     b"content-length: 100\r\n\r\n" % served.token.encode())
    time.sleep(0.3)
    late = served.connect()
    head = answer(late, b"GET /health HTTP/1.1\r\nhost: box\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 503") and served.guard.turned_away == 1
