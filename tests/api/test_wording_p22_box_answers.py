"""The box's error answers in plain words on the laptop: what was refused and why, never "answered 422
(rejected)"; the HTTP status only with HATBOX_DEBUG=1 (and on the exception, for code that acts on it)."""
from __future__ import annotations

from types import SimpleNamespace

import httpx
import pytest

from hatbox.box_client import BoxRefused, _call, _checked, _client
from hatbox.cli import main
from hatbox.cmd_remote import target
from hatbox.errors import HatboxError, PackError
from tests.api.conftest import PairedServer

BASE = "http://hatbox.local:8750"


def _answer(status: int, body: object = None, **kw: object) -> httpx.Response:
    """A real httpx response of ``status`` with JSON ``body`` (or ``kw``: content, headers), to a PUT."""
    extra = {"json": body} if body is not None else kw
    return httpx.Response(status, request=httpx.Request("PUT", f"{BASE}/libraries/x/files/tags"), **extra)


def _refused(resp: httpx.Response, asked: str = "PUT /libraries/x/files/tags") -> HatboxError:
    with pytest.raises(HatboxError) as info:
        _checked(resp, BASE, asked)
    return info.value


@pytest.mark.parametrize(("status", "error", "head"), [
    (422, "rejected", "the box refused: "),
    (400, "bad request", "the box refused: "),
    (413, "too large", "the box refused: "),
    (404, "not found", "the box says: "),
    (409, "conflict", "the box cannot do that: "),
    (500, "storage failed", "the box could not do it: "),
    (507, "no space", "the box could not do it: "),
])
def test_an_error_answer_says_what_was_refused_in_plain_words(monkeypatch, status: int, error: str,
                                                              head: str) -> None:
    monkeypatch.delenv("HATBOX_DEBUG", raising=False)
    exc = _refused(_answer(status, {"error": error, "message": "what the box says", "hint": "what to do"}))
    text = str(exc)
    assert text.startswith(f"{head}what the box says") and "hint: what to do" in text
    assert str(status) not in text and "answered" not in text and f"({error})" not in text
    assert isinstance(exc, BoxRefused) and exc.status == status and exc.error == error


def test_the_status_shows_only_with_hatbox_debug(monkeypatch) -> None:
    monkeypatch.setenv("HATBOX_DEBUG", "1")
    text = str(_refused(_answer(422, {"error": "rejected", "message": "'a/b' cannot be a tag"})))
    assert text.startswith("the box refused: 'a/b' cannot be a tag [HTTP 422 Unprocessable Entity]")


def test_a_failure_on_the_box_without_a_hint_points_at_its_log(monkeypatch) -> None:
    monkeypatch.delenv("HATBOX_DEBUG", raising=False)
    exc = _refused(_answer(500, content=b"Internal Server Error", headers={"content-type": "text/plain"}))
    assert str(exc) == "the box could not do it: Internal Server Error\n  hint: the box's log may say why: " \
                       "hatbox box-logs"


@pytest.mark.parametrize("body", [{"error": "bad request", "message": "Not Found"}, {"detail": "Not Found"},
                                  {"error": "bad request", "message": "Method Not Allowed"}])
def test_a_route_the_box_does_not_have_names_the_request_and_the_version(monkeypatch, body: dict) -> None:
    monkeypatch.delenv("HATBOX_DEBUG", raising=False)
    exc = _refused(_answer(404 if "Not Found" in str(body) else 405, body), "GET /logs")
    assert str(exc).startswith("the box does not offer GET /logs: it may run another hatbox version")
    assert "same hatbox version on this computer and on the box" in str(exc) and "404" not in str(exc)


def test_a_rejected_pack_and_a_refused_pairing_keep_their_words(monkeypatch) -> None:
    monkeypatch.delenv("HATBOX_DEBUG", raising=False)
    pack = _refused(_answer(422, {"error": "pack rejected", "check": "golden", "message": "off by 0.3"}))
    assert isinstance(pack, PackError) and str(pack) == "the box refused the pack (its golden check): off by 0.3"
    pair = _refused(_answer(401, {"error": "unauthorized", "message": "unknown token"}))
    assert str(pair) == (f"the box refused: unknown token\n  hint: pair again: hatbox pair {BASE} --code CODE, with "
                         "the code on the box's panel (or on its terminal: 'pairing code: ...')")


def test_a_redirect_and_an_error_page_in_the_box_s_place_say_no_status(monkeypatch) -> None:
    monkeypatch.delenv("HATBOX_DEBUG", raising=False)
    moved = str(_refused(httpx.Response(302, headers={"location": "http://login.venue.example/"},
                                        request=httpx.Request("GET", f"{BASE}/status"))))
    assert f"the server at {BASE} sent this computer elsewhere (to http://login.venue.example/): that is not" in moved
    assert "302" not in moved
    page = str(_refused(_answer(404, content=b"<html><title>Venue Wi-Fi</title></html>",
                                headers={"content-type": "text/html"})))
    assert f"the server at {BASE} answered with an HTML page ('Venue Wi-Fi'): that is not" in page
    assert "404" not in page and "Not Found" not in page


def test_the_real_box_s_answers_read_plainly(paired_server: PairedServer, monkeypatch, capsys) -> None:
    monkeypatch.delenv("HATBOX_DEBUG", raising=False)
    capsys.readouterr()
    assert main(["box-library", "nolib"]) == 2
    err = capsys.readouterr().err
    assert "hatbox: error: the box has no library 'nolib'" in err and "404" not in err and "answered" not in err
    with _client(*target(SimpleNamespace())) as client, pytest.raises(BoxRefused) as info:
        _call(client, "GET", "/no-such-route")
    assert str(info.value).startswith("the box does not offer GET /no-such-route: it may run another hatbox")
    assert info.value.status == 404
