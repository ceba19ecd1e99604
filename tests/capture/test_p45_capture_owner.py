"""p45 reg QA: ``hatbox box-capture --end-session`` from laptop B ended laptop A's capture session while A's take
played (A evidently there), and A was never told; ``hatbox status`` on B said whose session it was nowhere.  Now the
box refuses another laptop's forced end while the owner's take plays or is written (409 "take playing"), tells the
owner once that another laptop ended its session (who, at what time) at its next take or its run's end, and
``GET /status`` carries the session's owner in ``engine.capture.session`` (``hatbox status``: "laptopA's (since
HH:MM, 1 take)", "yours")."""
from __future__ import annotations

import re
import time
from typing import Any

import pytest

from hatbox.status_report import print_status
from tests.capture.test_p45_capture_sessions import Duo, Laptops, duo, laptops  # noqa: F401 - the fixtures

NOTE = re.compile(r"laptopB ended your capture session at \d\d:\d\d: the live input was unmuted between your takes")


def _ops(duo_or_laptops: Any) -> list[str]:
    return [m["op"] for m in duo_or_laptops.box.sent]


def test_a_forced_end_from_another_laptop_is_refused_while_the_owner_s_take_plays(duo: Duo) -> None:
    duo.box.speed = 2.0                                       # a 5 s take plays 2.5 s: caught playing
    cid = duo.capture(duo.a).json()["id"]
    seen = duo.client.get("/captures/session", headers=duo.b).json()
    assert seen["playing"] == cid and "laptopA's take is playing now" in seen["end_refused"]
    assert duo.client.get("/captures/session", headers=duo.a).json()["end_refused"] is None
    r = duo.client.post("/captures/session/end", params={"force": "true"}, headers=duo.b)
    assert r.status_code == 409 and r.json()["error"] == "take playing", r.text
    said = r.json()["message"]
    assert "laptopA's take is playing now: its laptop is there; ask them, or wait " in said
    assert 1 <= int(re.search(r"wait (\d+) s", said).group(1)) <= 6          # type: ignore[union-attr]
    assert "--end-session" in r.json()["hint"]
    assert "capture_end" not in _ops(duo) and duo.muted()
    duo.box.wait_capture()
    r = duo.client.post("/captures/session/end", params={"force": "true"}, headers=duo.b)   # between takes: allowed
    assert r.status_code == 200 and r.json()["ended"] is True and not duo.muted()


def test_the_owner_is_told_once_at_its_next_take_that_another_laptop_ended_its_session(duo: Duo) -> None:
    assert duo.capture(duo.a).status_code == 202
    duo.box.wait_capture()
    assert duo.client.post("/captures/session/end", params={"force": "true"}, headers=duo.b).status_code == 200
    r = duo.capture(duo.a, "two")
    assert r.status_code == 202 and NOTE.fullmatch(r.json()["session_note"] or ""), r.text
    duo.box.wait_capture()
    assert duo.capture(duo.a, "three").json()["session_note"] is None      # said once
    duo.box.wait_capture()
    end = duo.client.post("/captures/session/end", headers=duo.a).json()
    assert end == {"ended": True}


def test_the_owner_s_run_end_says_so_and_a_refusal_carries_it(duo: Duo) -> None:
    assert duo.capture(duo.a).status_code == 202
    duo.box.wait_capture()
    assert duo.client.post("/captures/session/end", params={"force": "true"}, headers=duo.b).status_code == 200
    end = duo.client.post("/captures/session/end", headers=duo.a).json()          # A's run ends: it is told
    assert end["ended"] is False and NOTE.fullmatch(end["note"] or "")
    assert duo.capture(duo.a, "again").status_code == 202
    duo.box.wait_capture()
    assert duo.client.post("/captures/session/end", params={"force": "true"}, headers=duo.b).status_code == 200
    assert duo.capture(duo.b, "b's").status_code == 202                          # B captures: A is refused
    duo.box.wait_capture()
    r = duo.capture(duo.a, "refused")
    assert r.status_code == 409 and r.json()["error"] == "session open"
    assert NOTE.match(r.json()["message"]) and "; laptopB has a capture session open since" in r.json()["message"]


def test_status_says_whose_capture_session_it_is(duo: Duo) -> None:
    assert duo.capture(duo.a).status_code == 202
    duo.box.wait_capture()
    to_b = duo.client.get("/status", headers=duo.b).json()["engine"]["capture"]["session"]
    assert to_b["muted"] and to_b["owner"] == "laptopA" and to_b["yours"] is False and to_b["takes"] == 1
    assert abs(to_b["since"] - time.time()) < 60
    to_a = duo.client.get("/status", headers=duo.a).json()["engine"]["capture"]["session"]
    assert to_a["owner"] == "laptopA" and to_a["yours"] is True
    duo.client.post("/captures/session/end", headers=duo.a)
    assert "owner" not in duo.client.get("/status", headers=duo.b).json()["engine"]["capture"]["session"]


def _engine(session: dict[str, Any]) -> dict[str, Any]:
    return {"capture": {"state": "done", "session": {"muted": True, "ends_in_s": 290.0,
                                                     "words": "capture session: live input muted", **session}}}


@pytest.mark.parametrize(("session", "line"), [
    ({"owner": "laptopA", "yours": False, "since": 0.0, "takes": 1}, "capture session: laptopA's (since {hm}, 1 take): "
     "live input muted (until hatbox box-capture ends, or 5 minutes after its laptop went away)"),
    ({"owner": "laptopA", "yours": True, "since": 0.0, "takes": 2}, "capture session: yours (since {hm}, 2 takes): "
     "live input muted (until"),
    ({}, "capture session: live input muted (until"),                     # a box that does not say whose
])
def test_hatbox_status_names_the_session_s_owner(session: dict[str, Any], line: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    print_status({"name": "box", "engine": _engine(session)})
    hm = time.strftime("%H:%M", time.localtime(0.0))
    assert line.format(hm=hm) in capsys.readouterr().out


def test_end_session_from_b_mid_take_ends_nothing_and_between_takes_a_is_told(
        laptops: Laptops, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from hatbox import cmd_capture
    seen: dict[str, Any] = {}
    real_follow, real_ready = cmd_capture._follow, cmd_capture._ready

    def b_ends_mid_take(client: Any, cid: str, seconds: float, words: str) -> dict[str, Any]:
        if "mid" not in seen:                                 # A's first take plays: B tries --end-session --yes
            seen["mid"] = laptops.run("B", "box-capture", "--end-session", "--yes")
            seen["mid_said"] = capsys.readouterr()
            seen["mid_ops"], seen["mid_muted"] = _ops(laptops), laptops.box.deck.status()["session"]["muted"]
            laptops.be("A")
        return real_follow(client, cid, seconds, words)  # type: ignore[no-any-return]

    def b_ends_between(setting: Any, index: int, count: int, yes: bool) -> None:
        if index == 2:                                        # between A's takes: allowed, as before
            seen["between"] = laptops.run("B", "box-capture", "--end-session", "--yes")
            seen["between_said"] = capsys.readouterr()
            laptops.be("A")
        real_ready(setting, index, count, yes)

    laptops.box.speed = 2.0                                   # 2.5 s a take: B's call lands while it plays
    monkeypatch.setattr(cmd_capture, "_follow", b_ends_mid_take)
    monkeypatch.setattr(cmd_capture, "_ready", b_ends_between)
    assert laptops.run("A", "box-capture", str(laptops.tmp / "capA"), "--knob", "drive=0", "--knob", "drive=12",
                       "--seconds", "5", "--yes") == 0
    assert seen["mid"] != 0 and seen["mid_muted"] and "capture_end" not in seen["mid_ops"]
    assert "laptopA's take is playing now: its laptop is there; ask them, or wait" in seen["mid_said"].err
    assert "ended laptopA's capture session" not in seen["mid_said"].out
    assert seen["between"] == 0 and "ended laptopA's capture session" in seen["between_said"].out
    err = capsys.readouterr().err
    assert re.search(r"note: " + NOTE.pattern, err), err                      # A's second take says who and when
    assert (laptops.tmp / "capA" / "pairs.csv").read_text().count("\n") == 3


def test_an_old_box_without_the_words_still_refuses_mid_take() -> None:
    from hatbox.cmd_capture import _refuse_mid_take
    from hatbox.errors import HatboxError
    with pytest.raises(HatboxError, match="laptopA's take is playing now: its laptop is there"):
        _refuse_mid_take({"open": True, "owner": "laptopA", "playing": "x-1"})
