"""Forty-eighth stop's review of the connection guard (device/api/conn_guard.py):

- an idle TLS connection closed by the guard kept its file descriptor up to 30 s (``transport.close()`` waits for
  the peer's close_notify) while the guard no longer counted it: it is aborted now;
- the small-body deadline was 15 s whatever the body's size: a paired laptop's 1 MiB of ``--fixes`` on a slow
  Wi-Fi was cut; it now grows with the declared Content-Length (a byte a second is still cut);
- the guard relies on uvicorn's internals: a uvicorn without them is detected and served by its own protocol.

Times are scaled down (deadlines under a second or two) so that the tests take seconds."""
from __future__ import annotations

import datetime
import ipaddress
import logging
import socket
import ssl
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from uvicorn.protocols.http.h11_impl import H11Protocol

import device.api.conn_guard as conn_guard
from device.api.app import ApiConfig, create_app
from device.api.conn_guard import BODY_RATE_BPS, BODY_TIMEOUT_S, ConnGuard, guarded_protocol, missing_internals
from device.api.server import start_in_thread
from device.api.sim import RecordingControl
from tests.api.conftest import FAST_ENGINE


def self_signed(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, as PEM files."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "hatbox.local")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / "box.pem", tmp_path / "box.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def serve(tmp_path: Path, tls: bool) -> Any:
    app = create_app(tmp_path / "box", RecordingControl(), ApiConfig(engine=FAST_ENGINE, on_code=lambda c: None))
    cert, key = self_signed(tmp_path) if tls else (None, None)
    return start_in_thread(app, certfile=cert, keyfile=key)


@pytest.fixture
def plain(tmp_path: Path) -> Iterator[Any]:
    running = serve(tmp_path, tls=False)
    try:
        yield running
    finally:
        running.stop()
    assert not running.thread.is_alive()


def held(running: Any) -> int:
    """How many connections the server's uvicorn still holds (each with its file descriptor)."""
    return len(running.server.server_state.connections)


def wait_until(check: Any, limit: float) -> float:
    """Seconds until ``check()`` is true; fails past ``limit``."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > limit:
            pytest.fail(f"still not so after {limit} s")
        time.sleep(0.05)
    return time.monotonic() - start


def test_idle_tls_connections_let_go_of_their_descriptors_at_the_deadline(tmp_path: Path) -> None:
    running = serve(tmp_path, tls=True)
    guard: ConnGuard = running.server.config.http.guard
    guard.head_s = 0.3
    ctx = ssl.create_default_context()
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE
    port = int(running.url.rsplit(":", 1)[1])
    socks = [ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=5), server_hostname="x")
             for _ in range(5)]
    try:
        wait_until(lambda: held(running) == 5, 5.0)
        took = wait_until(lambda: held(running) == 0, 5.0)      # close() waited 30 s for each close_notify
        assert took < 3.0 and guard.timed_out == 5 and not guard.live
    finally:
        for sock in socks:
            sock.close()
        running.stop()


def test_idle_plain_connections_are_let_go_of_too(plain: Any) -> None:
    guard: ConnGuard = plain.server.config.http.guard
    guard.head_s = 0.3
    port = int(plain.url.rsplit(":", 1)[1])
    socks = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(3)]
    try:
        wait_until(lambda: held(plain) == 0 and guard.timed_out == 3, 5.0)
        assert socks[0].recv(10) == b""
    finally:
        for sock in socks:
            sock.close()


def test_the_body_deadline_grows_with_the_declared_length() -> None:
    guard = ConnGuard()
    assert guard.body_deadline(0) == BODY_TIMEOUT_S == guard.body_deadline(-5)
    assert guard.body_deadline(1 << 20) == BODY_TIMEOUT_S + (1 << 20) / BODY_RATE_BPS == 79.0
    assert guard.body_deadline(1 << 30) == 79.0                       # past the routes' 1 MiB: no further


def post_slowly(port: int, length: int, chunk: int, every: float) -> bytes:
    """POST /pair with a body of ``length`` bytes sent ``chunk`` bytes every ``every`` seconds; the response's
    first bytes, or b"" when the server cut the connection first."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    with sock:
        sock.sendall(b"POST /pair HTTP/1.1\r\nhost: box\r\ncontent-type: application/json\r\n"
                     b"content-length: %d\r\n\r\n" % length)
        try:
            for sent in range(0, length, chunk):
                sock.sendall(b" " * min(chunk, length - sent))
                time.sleep(every)
            return sock.recv(64)
        except OSError:
            return b""


def test_a_large_small_request_body_on_a_slow_link_completes(plain: Any) -> None:
    """600 kB at ~400 kB/s: the box's 40 kB/s with its deadline and rate scaled down tenfold (1.5 s of sending
    against a deadline of 1 s + 600 kB at 164 kB/s = 4.7 s; before, 1 s whatever the size)."""
    guard: ConnGuard = plain.server.config.http.guard
    guard.body_s, guard.body_rate = 1.0, 10 * BODY_RATE_BPS
    answer = post_slowly(int(plain.url.rsplit(":", 1)[1]), 600_000, 8_000, 0.02)
    assert answer.startswith(b"HTTP/1.1 4"), answer                   # answered (blank JSON), not cut
    assert guard.timed_out == 0


def test_a_body_sent_a_byte_at_a_time_is_still_cut(plain: Any) -> None:
    guard: ConnGuard = plain.server.config.http.guard
    guard.body_s, guard.body_rate = 0.5, 10 * BODY_RATE_BPS
    start = time.monotonic()
    assert post_slowly(int(plain.url.rsplit(":", 1)[1]), 1_000, 1, 0.1) == b""
    assert time.monotonic() - start < 3.0 and guard.timed_out == 1


class _OldUvicorn(H11Protocol):
    def handle_events(self) -> None:              # a uvicorn whose request cycle is kept under another name
        self.request_cycle = None


def test_a_uvicorn_without_what_the_guard_relies_on_is_detected() -> None:
    assert missing_internals() == []
    assert missing_internals(_OldUvicorn) == ["_OldUvicorn.handle_events using self.cycle",
                                              "_OldUvicorn.handle_events using self.scope",
                                              "_OldUvicorn.handle_events using self.on_response_complete"]
    bare = type("Bare", (), {"data_received": lambda self, data: None})
    assert "Bare.on_response_complete" in missing_internals(bare)


def test_such_a_uvicorn_is_served_by_its_own_protocol_with_one_warning(
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(conn_guard, "missing_internals", lambda: ["H11Protocol.handle_events using self.cycle"])
    conn_guard.guard_fits_uvicorn.cache_clear()
    try:
        with caplog.at_level(logging.WARNING, logger="hatbox.api"):
            assert guarded_protocol() is H11Protocol and guarded_protocol() is H11Protocol
        said = [r.getMessage() for r in caplog.records if "guard against connection floods is off" in r.getMessage()]
        assert len(said) == 1 and "handle_events using self.cycle" in said[0]
    finally:
        monkeypatch.undo()
        conn_guard.guard_fits_uvicorn.cache_clear()
    assert issubclass(guarded_protocol(), conn_guard.GuardedH11)
