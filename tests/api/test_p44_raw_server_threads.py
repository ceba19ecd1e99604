"""The odd servers of test_remote_network_p20 end their threads when closed (p44 review: closing a listening
socket does not wake a thread blocked in accept() on Linux, and replies slept for up to 16 s after their test)."""
from __future__ import annotations

import socket
import threading
import time

from tests.api.test_remote_network_p20 import RawServer, _hold


def test_closing_a_raw_server_ends_its_accept_thread_and_a_held_reply() -> None:
    held = threading.Event()

    def hold(conn: socket.socket, *_: object) -> bool:
        held.set()
        _hold(conn)                            # 16 s at most: the close below must end it at once
        return False
    before = set(threading.enumerate())
    server = RawServer(hold)
    with socket.create_connection(server.sock.getsockname(), timeout=5) as client:
        client.sendall(b"GET /status HTTP/1.1\r\nHost: x\r\n\r\n")
        assert held.wait(5)
        start = time.monotonic()
        server.close()
    assert time.monotonic() - start < 3.0
    left = [t for t in set(threading.enumerate()) - before if t.is_alive()]
    assert left == [], left


def test_closing_a_raw_server_nobody_connected_to_ends_its_accept_thread() -> None:
    server = RawServer(lambda *_: False)
    server.close()
    assert not server.accepting.is_alive()
