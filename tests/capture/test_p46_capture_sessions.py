"""Forty-sixth stop: a capture session kept while its box-capture waits at the Enter prompt (the musician sets the gear
for longer than the box's 5 minutes), its once-notes bounded to paired laptops, a laptop that paired again told what
to do, and the panel's line naming whose session it is (device/api/capture_session.py, device/audio/capture.py,
hatbox/cmd_capture.py, device/ui/panel.py)."""
from __future__ import annotations

import builtins
import io
import sys
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.capture.test_p45_capture_sessions import Duo, Laptops


@pytest.fixture
def duo(tmp_path: Path) -> Iterator[Duo]:
    d = Duo(tmp_path)
    yield d
    d.box.close()


@pytest.fixture
def laptops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Laptops]:
    pair = Laptops(tmp_path, monkeypatch)
    yield pair
    pair.close()


def _ends_in(duo: Duo) -> float:
    return float(duo.box.deck.status()["session"]["ends_in_s"])


def _ops(duo: Any) -> list[str]:
    return [m["op"] for m in duo.box.sent]


def _keepers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "hatbox-capture-keep" and t.is_alive()]


# ------------------------------------------------------------------------------------------- the engine and the API
def test_the_owner_keeps_its_session_and_another_laptop_cannot(duo: Duo) -> None:
    assert duo.capture(duo.a).status_code == 202
    duo.box.wait_capture()
    duo.box.deck.mute.release(30.0)                          # A's musician has been at the prompt 4.5 minutes
    r = duo.client.post("/captures/session/keep", headers=duo.b)
    assert r.status_code == 409 and r.json()["error"] == "not your session", r.text
    assert "was not kept: it is laptopA's" in r.json()["message"]
    assert "capture_keep" not in _ops(duo) and _ends_in(duo) <= 30
    r = duo.client.post("/captures/session/keep", headers=duo.a)
    assert r.status_code == 200 and r.json() == {"kept": True, "ends_in_s": 300.0}, r.text
    assert _ops(duo)[-1] == "capture_keep" and 290 < _ends_in(duo) <= 300
    assert duo.muted()


def test_a_keep_never_reopens_a_session_the_timeout_or_an_end_closed(duo: Duo) -> None:
    assert duo.client.post("/captures/session/keep", headers=duo.a).json() == {"kept": False}
    assert duo.capture(duo.a).status_code == 202
    duo.box.wait_capture()
    duo.box.deck.mute.release(0.0)                           # the laptop vanished: the engine's timeout ends it
    assert not duo.muted()
    assert duo.client.post("/captures/session/keep", headers=duo.a).json() == {"kept": False}
    assert not duo.muted()
    duo.box.send({"op": "capture_keep"})                     # a keep the engine gets anyway opens nothing either
    assert not duo.muted() and duo.box.deck.keep() is False


def test_notes_for_revoked_pairings_are_dropped(duo: Duo) -> None:
    sessions = duo.client.app.state.capture_sessions
    assert duo.capture(duo.a).status_code == 202
    duo.box.wait_capture()
    assert duo.client.post("/captures/session/end", params={"force": "true"}, headers=duo.b).status_code == 200
    assert len(sessions.told) == 1                           # A is to be told that B ended its session
    a_id = next(t["id"] for t in duo.client.get("/tokens", headers=duo.b).json() if t["name"] == "laptopA")
    assert duo.client.delete(f"/tokens/{a_id}", headers=duo.b).status_code == 204       # A's pairing revoked
    assert duo.capture(duo.b).status_code == 202
    duo.box.wait_capture()
    assert duo.client.post("/captures/session/end", headers=duo.b).json() == {"ended": True}
    assert sessions.told == {}                               # A can never come for its note: it went


def test_the_told_notes_hold_at_most_one_per_paired_token() -> None:
    from device.api.capture_session import Sessions
    sessions = Sessions()
    for n in range(50):                                      # 50 laptops, each ended by the next, each revoked
        sessions.started(f"t{n}", f"laptop{n}")
        sessions.ended(f"t{n + 1}", f"laptop{n + 1}", paired=[f"t{n}", f"t{n + 1}"])
    assert list(sessions.told) == ["t49"]


# ----------------------------------------------------------------------------------------- a laptop that paired again
def test_a_laptop_that_paired_again_is_refused_in_words_that_say_what_to_do(duo: Duo) -> None:
    code = duo.client.app.state.box.pairing.current()       # the code the panel shows now
    r = duo.client.post("/pair", json={"code": code, "name": "laptopA"})
    again = {"Authorization": f"Bearer {r.json()['token']}"}  # A's laptop, paired again (or another "laptopA")
    assert duo.capture(duo.a).status_code == 202
    duo.box.wait_capture()
    r = duo.capture(again, "mine")
    assert r.status_code == 409 and r.json()["error"] == "session open", r.text
    body = r.json()
    assert "this laptop is paired as 'laptopA' too, but under another pairing" in body["message"]
    assert "paired again since" in body["hint"] and "hatbox box-capture --end-session" in body["hint"]
    assert [m["op"] for m in duo.box.sent].count("capture") == 1
    r = duo.client.post("/captures/session/keep", headers=again)
    assert r.status_code == 409 and "paired as 'laptopA' too" in r.json()["message"]
    other = duo.capture(duo.b, "theirs").json()              # another name: the words as before
    assert "paired as" not in other["message"] and "if laptopA has gone away" in other["hint"]


# ----------------------------------------------------------------------------------------------------- the panel
def test_the_panel_says_whose_session_mutes_the_live_input(duo: Duo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    from device.ui.data import MemoryData
    from device.ui.panel import Panel
    from device.ui.shots import RecordingControl
    panel = Panel(RecordingControl(), MemoryData(), (800, 480))
    assert duo.capture(duo.a).status_code == 202
    duo.box.wait_capture()
    panel.set_status(duo.box.status())                       # the engine's own status, as the panel reads it
    assert panel.message()[0] == "capture session (laptopA's): live input muted"
    surface = __import__("pygame").Surface((800, 480))
    panel.draw(surface)
    duo.client.post("/captures/session/end", headers=duo.a)
    panel.set_status(duo.box.status())
    assert panel.message()[0] == ""


# ------------------------------------------------------------------------------------------- box-capture's prompt
class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class SlowLaptops(Laptops):
    """The two laptops' box with its loop at most 8x faster than real time (its clock is what the session's timeout
    counts: the musician's wait is measured on it), in blocks of 512 (a loaded machine keeps up with 8x)."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        from device.api.app import ApiConfig, create_app
        from device.api.server import start_in_thread
        from hatbox import cmd_capture
        from hatbox.cli import main
        from tests.api.conftest import FAST_ENGINE
        from tests.capture.helpers import LoopBox, drive
        self.monkeypatch, self.tmp = monkeypatch, tmp_path
        monkeypatch.setattr(cmd_capture, "POLL_S", 0.02)
        for var in ("HATBOX_URL", "HATBOX_TOKEN", "CI"):
            monkeypatch.delenv(var, raising=False)
        self.box, codes = LoopBox(drive(), latency=240, block=512, speed=8.0), []
        self.running = start_in_thread(create_app(tmp_path / "box", self.box,
                                                  ApiConfig(engine=FAST_ENGINE, on_code=codes.append)))
        self.be("A")
        assert main(["pair", self.running.url, "--code", codes[-1], "--name", "laptopA"]) == 0


@pytest.fixture
def slow(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[SlowLaptops]:
    pair = SlowLaptops(tmp_path, monkeypatch)
    yield pair
    pair.close()


def _slow_musician(laptops: Laptops, box_s: float, seen: dict[str, Any], stop: Any = None) -> Any:
    """An input() that, at the second setting's prompt, waits until the box's clock ran ``box_s`` seconds (at most
    30 s real; then raises ``stop`` if given), noting whether the live input is still muted and the keeper threads
    alive then."""
    def fake_input(prompt: str = "") -> str:
        if "[2/" in prompt:
            mute = laptops.box.deck.mute
            start, end = mute.clock, time.monotonic() + 30.0
            while mute.clock - start < box_s * mute.rate and time.monotonic() < end:
                time.sleep(0.02)
            seen["waited_s"] = (mute.clock - start) / mute.rate
            seen["muted"] = laptops.box.deck.status()["session"]["muted"]
            seen["keepers"] = len(_keepers())
            seen["ops"] = [m["op"] for m in laptops.box.sent]
            if stop is not None:
                raise stop
        return ""
    return fake_input


def test_box_capture_keeps_its_session_while_the_musician_sets_the_gear(
        slow: SlowLaptops, monkeypatch: pytest.MonkeyPatch) -> None:
    from device.audio import capture
    from hatbox import cmd_capture
    laptops = slow
    # box seconds: at least 1.5 s real (the loop runs <= 8x), so a keep delayed by a loaded machine still lands in time
    monkeypatch.setattr(capture, "SESSION_S", 12.0)
    monkeypatch.setattr(cmd_capture, "KEEP_S", 0.05)
    monkeypatch.setattr(sys, "stdin", _Terminal())
    seen: dict[str, Any] = {}
    monkeypatch.setattr(builtins, "input", _slow_musician(laptops, 24.0, seen))   # 2x the session's length
    assert laptops.run("A", "box-capture", str(laptops.tmp / "capA"), "--knob", "drive=0", "--knob", "drive=12",
                       "--seconds", "5") == 0
    assert seen["waited_s"] >= 24.0
    assert seen["muted"] is True and seen["keepers"] == 1   # kept through the wait: the gear could not howl
    assert seen["ops"][0] == "capture" and seen["ops"][1:].count("capture_keep") >= 5
    assert _keepers() == []                                  # stopped as Enter came
    ops = _ops(laptops)
    assert ops[-2:] == ["capture", "capture_end"] and "capture_keep" not in ops[ops.index("capture", 1):]
    assert (laptops.tmp / "capA" / "pairs.csv").read_text().count("\n") == 3


def test_ctrl_c_at_the_prompt_stops_the_keeper_and_ends_the_session(
        laptops: Laptops, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from hatbox import cmd_capture
    monkeypatch.setattr(cmd_capture, "KEEP_S", 0.02)
    monkeypatch.setattr(sys, "stdin", _Terminal())
    seen: dict[str, Any] = {}
    monkeypatch.setattr(builtins, "input", _slow_musician(laptops, 3.0, seen, KeyboardInterrupt()))
    assert laptops.run("A", "box-capture", str(laptops.tmp / "capA"), "--knob", "drive=0", "--knob", "drive=12",
                       "--seconds", "5") == 130
    assert "interrupted: 1 of 2 settings captured" in capsys.readouterr().err
    assert seen["keepers"] == 1 and "capture_keep" in seen["ops"]
    assert _keepers() == [] and _ops(laptops)[-1] == "capture_end"
    assert not laptops.box.deck.status()["session"]["muted"]


def test_an_older_box_without_the_keep_route_is_tolerated_silently(capsys: pytest.CaptureFixture[str]) -> None:
    import httpx
    from hatbox.cmd_capture import SessionKeeper
    asked: list[str] = []

    def older_box(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        return httpx.Response(404, json={"detail": "Not Found"})

    with httpx.Client(base_url="http://box", transport=httpx.MockTransport(older_box)) as client:
        with SessionKeeper(client, True, every=0.01) as keeper:
            time.sleep(0.3)
            assert _keepers() == []                          # it stopped by itself after the first 404
    assert asked == ["/captures/session/keep"] and keeper.sent == 0
    assert capsys.readouterr() == ("", "")


def test_a_box_that_does_not_answer_is_tried_again_and_the_wait_s_end_stops_it() -> None:
    import httpx
    from hatbox.cmd_capture import SessionKeeper
    asked: list[str] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        asked.append(request.url.path)
        if len(asked) < 3:
            raise httpx.ConnectError("no route to host", request=request)
        return httpx.Response(200, json={"kept": True, "ends_in_s": 300.0})

    with httpx.Client(base_url="http://box", transport=httpx.MockTransport(flaky)) as client:
        with SessionKeeper(client, True, every=0.01) as keeper:
            end = time.monotonic() + 5
            while keeper.sent < 2 and time.monotonic() < end:
                time.sleep(0.01)
        assert _keepers() == []
    assert keeper.sent >= 2 and len(asked) >= 4


def test_no_keeper_without_a_session_or_with_yes(laptops: Laptops, monkeypatch: pytest.MonkeyPatch) -> None:
    from hatbox import cmd_capture
    monkeypatch.setattr(cmd_capture, "KEEP_S", 0.01)
    seen: list[int] = []
    real_ready = cmd_capture._ready

    def count(*args: Any) -> None:
        seen.append(len(_keepers()))
        real_ready(*args)

    monkeypatch.setattr(cmd_capture, "_ready", count)
    assert laptops.run("A", "box-capture", str(laptops.tmp / "capA"), "--knob", "drive=0", "--knob", "drive=12",
                       "--seconds", "5", "--yes") == 0
    assert seen == [0, 0] and "capture_keep" not in _ops(laptops)
