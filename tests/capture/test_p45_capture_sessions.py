"""p45 duo QA: a capture session belongs to the laptop that opened it (device/api/capture_session.py).  Two laptops on
one box: another laptop's capture while the session lasts is refused in words naming the owner, its session/end does
not end it (B's run ending unmuted the live input with A's drive still in the loop), a busy box names whose capture
runs with a hatbox command as the hint, a session left by a laptop that went away ends with
``hatbox box-capture --end-session`` (a question naming the owner) or by itself, and A resumes its set."""
from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Any, Iterator

import pytest
from fastapi.testclient import TestClient

from device.api.app import ApiConfig, create_app
from tests.api.conftest import FAST_ENGINE
from tests.capture.helpers import LoopBox, drive


class Duo:
    """One box (a LoopBox with a drive in its loop, in blocks of 512: a quarter of the per-block work of 128, which
    nothing here is about) served to two paired laptops, A ("laptopA") and B ("laptopB")."""

    def __init__(self, tmp_path: Path) -> None:
        self.box, codes = LoopBox(drive(), latency=240, block=512, speed=40.0), []
        self.client = TestClient(create_app(tmp_path / "box", self.box,
                                            ApiConfig(engine=FAST_ENGINE, on_code=codes.append)))
        self.a = self._pair(codes, "laptopA")
        self.b = self._pair(codes, "laptopB")

    def _pair(self, codes: list[str], name: str) -> dict[str, str]:
        r = self.client.post("/pair", json={"code": codes[-1], "name": name})
        assert r.status_code == 200, r.text
        return {"Authorization": f"Bearer {r.json()['token']}"}

    def capture(self, auth: dict[str, str], name: str = "one") -> Any:
        return self.client.post("/captures", json={"name": name, "seconds": 5}, headers=auth)

    def muted(self) -> bool:
        return bool(self.box.deck.status()["session"]["muted"])


@pytest.fixture
def duo(tmp_path: Path) -> Iterator[Duo]:
    d = Duo(tmp_path)
    yield d
    d.box.close()


def test_another_laptop_s_capture_is_refused_while_the_session_lasts(duo: Duo) -> None:
    assert duo.capture(duo.a).status_code == 202
    duo.box.wait_capture()
    assert duo.muted()                                        # A's drive is in the loop: the live input stays muted
    r = duo.capture(duo.b, "theirs")
    assert r.status_code == 409, r.text
    body = r.json()
    assert body["error"] == "session open"
    assert body["message"].startswith("laptopA has a capture session open since ")
    assert "(1 take)" in body["message"]
    assert "hatbox box-capture --end-session" in body["hint"] and "laptopA" in body["hint"]
    assert [m["op"] for m in duo.box.sent].count("capture") == 1          # B's never reached the engine
    assert duo.capture(duo.a, "two").status_code == 202                   # the owner captures on
    duo.box.wait_capture()


def test_session_end_from_another_laptop_leaves_the_session_open(duo: Duo) -> None:
    assert duo.capture(duo.a).status_code == 202
    duo.box.wait_capture()
    r = duo.client.post("/captures/session/end", headers=duo.b)
    assert r.status_code == 409 and r.json()["error"] == "not your session", r.text
    assert "it is laptopA's" in r.json()["message"] and "--end-session" in r.json()["hint"]
    assert duo.muted() and "capture_end" not in [m["op"] for m in duo.box.sent]
    assert duo.client.post("/captures/session/end", headers=duo.a).json() == {"ended": True}
    assert not duo.muted()
    assert duo.capture(duo.b).status_code == 202                          # ended: B's turn
    duo.box.wait_capture()
    session = duo.client.get("/captures/session", headers=duo.a).json()
    assert session["owner"] == "laptopB" and not session["yours"] and session["takes"] == 1


def test_the_session_says_whose_it_is_and_a_forced_end_ends_it(duo: Duo) -> None:
    assert duo.client.get("/captures/session", headers=duo.b).json()["open"] is False
    assert duo.capture(duo.a).status_code == 202
    duo.box.wait_capture()
    seen = duo.client.get("/captures/session", headers=duo.b).json()
    assert seen["open"] and seen["owner"] == "laptopA" and seen["yours"] is False and seen["takes"] == 1
    assert seen["words"].startswith("laptopA has a capture session open since ") and 290 < seen["ends_in_s"] <= 300
    assert duo.client.get("/captures/session", headers=duo.a).json()["yours"] is True
    r = duo.client.post("/captures/session/end", params={"force": "true"}, headers=duo.b)
    assert r.status_code == 200 and r.json() == {"ended": True}
    assert not duo.muted() and duo.client.get("/captures/session", headers=duo.b).json()["open"] is False


def test_a_session_that_timed_out_is_no_one_s(duo: Duo) -> None:
    assert duo.capture(duo.a).status_code == 202
    duo.box.wait_capture()
    duo.box.deck.mute.release(0.0)                            # the engine's timeout: A went away 5 minutes ago
    assert not duo.muted()
    assert duo.capture(duo.b).status_code == 202
    duo.box.wait_capture()
    assert duo.client.get("/captures/session", headers=duo.a).json()["owner"] == "laptopB"


def test_a_busy_box_names_whose_capture_runs_and_hints_a_hatbox_command(duo: Duo) -> None:
    duo.box.speed = 2.0                                       # slow enough to be caught playing
    cid = duo.capture(duo.a).json()["id"]
    r = duo.capture(duo.a, "again")
    assert r.status_code == 409 and r.json()["error"] == "busy", r.text
    assert r.json()["message"] == f"laptopA's capture '{cid}' is playing: one capture at a time"
    hint = r.json()["hint"]
    assert "hatbox box-capture" in hint and "POST" not in hint
    assert duo.client.get(f"/captures/{cid}", headers=duo.a).json()["by"] == "laptopA"
    assert duo.client.post(f"/captures/{cid}/cancel", headers=duo.a).status_code == 200
    duo.box.wait_capture()


# ------------------------------------------------------------------------------------------------ the two laptops' CLI
class Laptops:
    """The served box (blocks of 512, as :class:`Duo`'s) and the two laptops' hatbox configs (HATBOX_CONFIG switches
    between them); box-capture polls its capture every 0.02 s instead of 0.25 s (the box answers a take sooner)."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        from device.api.server import start_in_thread
        from hatbox import cmd_capture
        from hatbox.cli import main
        self.monkeypatch, self.tmp = monkeypatch, tmp_path
        monkeypatch.setattr(cmd_capture, "POLL_S", 0.02)
        for var in ("HATBOX_URL", "HATBOX_TOKEN", "CI"):
            monkeypatch.delenv(var, raising=False)
        self.box, codes = LoopBox(drive(), latency=240, block=512, speed=40.0), []
        self.running = start_in_thread(create_app(tmp_path / "box", self.box,
                                                  ApiConfig(engine=FAST_ENGINE, on_code=codes.append)))
        for who in ("A", "B"):
            self.be(who)
            assert main(["pair", self.running.url, "--code", codes[-1], "--name", f"laptop{who}"]) == 0

    def be(self, who: str) -> None:
        self.monkeypatch.setenv("HATBOX_CONFIG", str(self.tmp / f"cfg{who}" / "remote.json"))

    def run(self, who: str, *argv: str) -> int:
        from hatbox.cli import main
        self.be(who)
        return main(list(argv))

    def close(self) -> None:
        self.running.stop()
        self.box.close()


@pytest.fixture
def laptops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Laptops]:
    pair = Laptops(tmp_path, monkeypatch)
    yield pair
    pair.close()


def _ops(box: LoopBox) -> list[str]:
    return [m["op"] for m in box.sent]


def test_b_s_run_between_a_s_takes_neither_captures_nor_ends_a_s_session(
        laptops: Laptops, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from hatbox import cmd_capture
    seen: dict[str, Any] = {}
    real_ready = cmd_capture._ready

    def b_runs_in_between(setting: Any, index: int, count: int, yes: bool) -> None:
        if index == 2 and "rc" not in seen:                   # A waits at its Enter prompt: B runs its own capture
            seen["rc"] = laptops.run("B", "box-capture", str(laptops.tmp / "capB"), "--seconds", "5", "--yes")
            seen["said"] = capsys.readouterr()
            seen["muted"] = laptops.box.deck.status()["session"]["muted"]
            seen["ops"] = _ops(laptops.box)
            laptops.be("A")
        real_ready(setting, index, count, yes)

    monkeypatch.setattr(cmd_capture, "_ready", b_runs_in_between)
    assert laptops.run("A", "box-capture", str(laptops.tmp / "capA"), "--knob", "drive=0", "--knob", "drive=12",
                       "--seconds", "5", "--yes") == 0
    assert seen["rc"] != 0
    assert "laptopA has a capture session open since" in seen["said"].err
    assert "hatbox box-capture --end-session" in seen["said"].err
    assert seen["muted"] and seen["ops"] == ["capture"]              # B started nothing and ended nothing
    assert not (laptops.tmp / "capB" / "pairs.csv").exists() or \
        (laptops.tmp / "capB" / "pairs.csv").read_text().count("\n") == 1
    assert _ops(laptops.box) == ["capture", "capture", "capture_end"]  # A's two takes, then A's own end
    assert (laptops.tmp / "capA" / "pairs.csv").read_text().count("\n") == 3


def test_a_s_take_refused_by_b_s_session_names_b_and_a_resumes(
        laptops: Laptops, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from hatbox import cmd_capture
    real_ready = cmd_capture._ready
    b_auth: dict[str, str] = {}

    def a_s_session_times_out_and_b_captures(setting: Any, index: int, count: int, yes: bool) -> None:
        if index == 2 and not b_auth:
            laptops.box.deck.mute.release(0.0)                # A waited past the session's timeout
            import json
            laptops.be("B")
            token = json.loads((laptops.tmp / "cfgB" / "remote.json").read_text())
            b_auth.update(_auth_of(token))
            import httpx
            r = httpx.post(f"{laptops.running.url}/captures", json={"name": "b", "seconds": 5}, headers=b_auth)
            assert r.status_code == 202, r.text
            laptops.box.wait_capture()
            laptops.be("A")
        real_ready(setting, index, count, yes)

    monkeypatch.setattr(cmd_capture, "_ready", a_s_session_times_out_and_b_captures)
    args = ["box-capture", str(laptops.tmp / "capA"), "--knob", "drive=0", "--knob", "drive=12", "--seconds", "5",
            "--yes"]
    assert laptops.run("A", *args) != 0
    err = capsys.readouterr().err
    assert "laptopB has a capture session open since" in err and "POST /captures" not in err
    assert "hint:" in err and "hatbox box-capture --end-session" in err
    assert "interrupted: 1 of 2 settings captured" in err and "the same command captures the rest" in err
    assert "note: " in err and "it is laptopB's" in err                # A's end did not end B's session
    assert laptops.box.deck.status()["session"]["muted"] and _ops(laptops.box)[-1] == "capture"
    import httpx
    assert httpx.post(f"{laptops.running.url}/captures/session/end", headers=b_auth).json() == {"ended": True}
    assert laptops.run("A", *args) == 0                                # the same command resumes A's set
    out = capsys.readouterr().out
    assert "already captured: drive=0" in out and "captured drive=12" in out
    assert (laptops.tmp / "capA" / "pairs.csv").read_text().count("\n") == 3


def _auth_of(config: dict[str, Any]) -> dict[str, str]:
    """The bearer header of the token in a laptop's hatbox config (whatever its layout: the one token in it)."""
    def tokens(node: Any) -> Iterator[str]:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "token" and isinstance(value, str):
                    yield value
                else:
                    yield from tokens(value)
        elif isinstance(node, list):
            for value in node:
                yield from tokens(value)
    found = list(tokens(config))
    assert len(set(found)) == 1, config
    return {"Authorization": f"Bearer {found[0]}"}


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_end_session_ends_a_session_a_vanished_laptop_left_after_a_question_naming_it(
        laptops: Laptops, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from hatbox import cmd_capture

    def vanish(setting: Any, index: int, count: int, yes: bool) -> None:
        if index == 2:
            raise SystemExit(9)                               # A's laptop is gone: no Ctrl-C path, no end call

    monkeypatch.setattr(cmd_capture, "_ready", vanish)
    monkeypatch.setattr(cmd_capture, "_end_session", lambda client: None)
    with pytest.raises(SystemExit):
        laptops.run("A", "box-capture", str(laptops.tmp / "capA"), "--knob", "drive=0", "--knob", "drive=12",
                    "--seconds", "5", "--yes")
    assert laptops.box.deck.status()["session"]["muted"]
    capsys.readouterr()
    assert laptops.run("B", "box-capture", "--end-session") != 0     # no terminal to ask on, no --yes
    assert "laptopA's capture session was not ended" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", _Terminal("n\n"))
    assert laptops.run("B", "box-capture", "--end-session") == 1
    seen = capsys.readouterr()
    assert "laptopA has a capture session open since" in seen.out
    assert "end laptopA's capture session?" in seen.err            # questions on stderr (forty-seventh stop)
    assert laptops.box.deck.status()["session"]["muted"]
    monkeypatch.setattr(sys, "stdin", _Terminal("y\n"))
    assert laptops.run("B", "box-capture", "--end-session") == 0
    assert "ended laptopA's capture session: the box's live input fades back in" in capsys.readouterr().out
    assert not laptops.box.deck.status()["session"]["muted"] and _ops(laptops.box)[-1] == "capture_end"
    assert laptops.run("B", "box-capture", "--end-session") == 0
    assert "no capture session is open" in capsys.readouterr().out
