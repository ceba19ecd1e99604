"""p47 G4, finding 2: `hatbox device run` whose API cannot start (its port taken) ran on without it, printed no
pairing code and exited 0: a script waited for the code for ever.  A box no laptop can reach now refuses to start
(exit 2, nothing started); --no-api still runs a box without its API."""
from __future__ import annotations

import socket
from pathlib import Path
from typing import Iterator

import pytest

from hatbox.cli import main
from hatbox.errors import HatboxError


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A loopback port another program listens on."""
    other = socket.socket()
    other.bind(("127.0.0.1", 0))
    other.listen()
    yield other.getsockname()[1]
    other.close()


def _free_port() -> int:
    """A loopback port nothing listens on now (port 0 is no option of device run)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _box(tmp_path: Path, *argv: str) -> int:
    return main(["device", "run", "--sim", "--store", str(tmp_path / "store"), "--seconds", "0.5", "--no-panel",
                 "--no-midi", "--no-mdns", "--osc-port", "0", "--host", "127.0.0.1", *argv])


def test_a_box_whose_api_port_is_taken_refuses_to_start(tmp_path: Path, taken_port: int, capsys) -> None:
    assert _box(tmp_path, "--port", str(taken_port)) == 2                     # was: 0, without its API
    out, err = capsys.readouterr()
    assert f"hatbox: error: port {taken_port} is in use" in err and "no laptop could reach this box" in err
    assert "--no-api" in err and "Traceback" not in err
    assert "pairing code" not in out and "hatbox engine:" not in out        # nothing started
    assert "the box did not start" in (tmp_path / "store" / "logs" / "box.log").read_text()


def test_no_api_still_runs_a_box_beside_a_taken_port(tmp_path: Path, taken_port: int, capsys) -> None:
    assert _box(tmp_path, "--port", str(taken_port), "--no-api") == 0
    out, err = capsys.readouterr()
    assert "hatbox engine:" in out and "in use" not in err


def test_an_api_that_fails_to_start_otherwise_stops_the_box_too(tmp_path: Path, monkeypatch, capsys) -> None:
    import device.api.server
    given: list[socket.socket] = []

    def broken(*_a: object, sock: socket.socket, **_kw: object) -> None:
        given.append(sock)
        sock.close()                                           # as start_api does when its app cannot be made
        raise HatboxError("the store's tokens file is unreadable", hint="fix it")
    monkeypatch.setattr(device.api.server, "start_api", broken)
    assert _box(tmp_path, "--port", str(_free_port())) == 2            # was: 0, "warning: api not started"
    out, err = capsys.readouterr()
    assert "hatbox: error: the API did not start: the store's tokens file is unreadable: no laptop could reach " \
           "this box" in err and "hint: fix it; or run the box without its API" in err
    assert "hatbox engine:" in out and "pairing code" not in out              # the engine had started: stopped
    assert len(given) == 1                                     # the socket bound before the engine started


def test_the_socket_bound_first_is_closed_when_the_engine_does_not_start(tmp_path: Path, monkeypatch) -> None:
    import device.audio.server
    bound: list[socket.socket] = []
    from device.api import server as api_server
    real_bind = api_server.bind_socket

    def spy(host: str, port: int) -> socket.socket:
        bound.append(real_bind(host, port))
        return bound[-1]

    def no_engine(self: object) -> None:
        raise HatboxError("no engine here")
    monkeypatch.setattr(api_server, "bind_socket", spy)
    monkeypatch.setattr(device.audio.server.EngineProcess, "start", no_engine)
    assert _box(tmp_path, "--port", str(_free_port())) == 2
    assert len(bound) == 1 and bound[0].fileno() == -1                        # closed, not left bound
