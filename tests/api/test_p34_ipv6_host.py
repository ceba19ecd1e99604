"""`device run --host` takes IPv6 addresses: ``::1``, and ``::`` (every interface, IPv4 too).  Before, the API's
socket was IPv4 only: ``--host ::1`` started the box without its API ("[Errno -9] Address family for hostname not
supported"), and a name that resolves to nothing gave the resolver's words."""
from __future__ import annotations

import socket
import urllib.request

import pytest

from device.api.server import api_line, bind_socket, pairing_url, start_in_thread, url_host
from hatbox.errors import HatboxError


def ipv6_here() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


needs_ipv6 = pytest.mark.skipif(not ipv6_here(), reason="this machine has no IPv6 loopback")


async def app(scope, receive, send) -> None:              # the smallest ASGI app: 200 "ok"
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]})
    await send({"type": "http.response.body", "body": b"ok"})


@needs_ipv6
@pytest.mark.parametrize("host, reach", [("::1", "[::1]"), ("::", "127.0.0.1"), ("::", "[::1]")])
def test_the_api_listens_on_ipv6_and_on_both_with_double_colon(host: str, reach: str) -> None:
    running = start_in_thread(app, host, 0)
    try:
        port = running.url.rsplit(":", 1)[1]
        assert running.url == f"http://{url_host(host)}:{port}"
        with urllib.request.urlopen(f"http://{reach}:{port}/", timeout=5) as r:
            assert r.read() == b"ok"
    finally:
        running.server.should_exit = True
        running.thread.join(5)


def test_every_interface_in_ipv6_reads_as_every_interface() -> None:
    assert pairing_url("http://[::]:8750") == pairing_url("http://0.0.0.0:8750")
    assert "all interfaces" in api_line("http://[::]:8750")
    assert pairing_url("http://[::1]:8750") == "http://[::1]:8750"


def test_a_host_name_that_resolves_to_nothing_is_said_plainly() -> None:
    with pytest.raises(HatboxError, match="--host nonsense.invalid is not an address of this machine"):
        bind_socket("nonsense.invalid", 0)
