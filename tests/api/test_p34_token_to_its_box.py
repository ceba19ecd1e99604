"""The saved token goes to the saved box only.  Before, `--url` (or HATBOX_URL) took the address from the flag and the
token from the settings: a producer with two boxes sent the live box's token to the studio box ("the box does not
accept this token"), and a mistyped address handed it to whatever answered there."""
from __future__ import annotations

import socket

import pytest

from hatbox.cli import main
from hatbox.box_client import same_box
from tests.api.test_remote import _pair, server  # noqa: F401  (the fixture)


def test_another_address_with_the_saved_token_is_refused_before_anything_is_sent(server, capsys,  # noqa: F811
                                                                                 monkeypatch) -> None:
    running, codes, _ = server
    assert _pair(running.url, codes) == 0
    capsys.readouterr()
    with socket.socket() as s:                                 # something listening elsewhere: it must hear nothing
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        s.settimeout(0.5)
        other = f"http://127.0.0.1:{s.getsockname()[1]}"
        assert main(["status", "--url", other]) == 2
        with pytest.raises(socket.timeout):
            s.accept()
    err = capsys.readouterr().err
    assert f"paired with the box at {running.url}, not {other}" in err and "--token" in err
    monkeypatch.setenv("HATBOX_URL", other)
    assert main(["status"]) == 2
    monkeypatch.delenv("HATBOX_URL")
    port = running.url.rsplit(":", 1)[1]
    assert main(["status", "--url", f"127.0.0.1:{port}"]) == 0      # the same box written as HOST:PORT


def test_same_box_compares_scheme_host_and_port() -> None:
    assert same_box("127.0.0.1:8750", "http://127.0.0.1:8750")
    assert same_box("http://BOX.local:80", "http://box.local")
    assert same_box("https://box:8750", "http://box:8750")          # more private than the pairing: sent
    assert not same_box("http://box:8750", "https://box:8750")      # in the clear where the pairing kept TLS
    assert not same_box("http://box:8751", "http://box:8750")
    assert not same_box("not a url", "http://box:8750")
