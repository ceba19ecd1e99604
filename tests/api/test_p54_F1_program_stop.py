"""p54 F1 (1): the MIDI program switcher stops with the box.

Before, nothing stopped it: a fire (``POST /midi/programs/{program}/fire``, OSC ``/hatbox/program N``, a MIDI
program change) that waited behind a running switch as the box stopped waited on (up to 20 s), then switched its
pack into a stopping box, and one that came after the stop switched too.  Now ``Box.stop`` (and, first of all,
``RunningServer.stop``, before uvicorn's 2 s for running requests) stops the switcher: a fire still waiting answers
at once with the box's 503 ("the box is stopping ..."), nothing of it switched; the switch already running is not
cut half way (the pointer and the engine's load both happen); a program change after the stop switches nothing."""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from device.api.box import stopping_error
from device.api.sim import RecordingControl
from device.midi_programs import STOPPED, Entry, Hooks, ProgramMap, ProgramSwitcher
from tests.api.packs import gain_pack
from tests.midi.p44_box import ProgramBox, packs, program_box

STOPPING_WORDS = stopping_error().body.message


@pytest.fixture
def box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    made = program_box(tmp_path / "box", monkeypatch)
    yield made
    made.stop()


def _map(box: ProgramBox, program: int, pack: str) -> None:
    assert box.client.put(f"/midi/programs/{program}", json={"pack": pack}, headers=box.auth).status_code == 200


def _hold(the_box: Any) -> tuple[threading.Event, threading.Event]:
    """Hold each activation, once it holds the box's install lock (the switch has begun), until ``release`` is set;
    ``running`` is set once one is held.  (Held before the lock, a switch the stop comes to ends as stopped, nothing
    written: tests/api/test_p54_MR2b_switch_into_stop.py.)"""
    release, running = threading.Event(), threading.Event()
    activate = the_box.activate_locked

    def held(pid: str) -> Any:
        running.set()
        release.wait(10)
        return activate(pid)
    the_box.activate_locked = held
    return release, running


def _until_pending(switcher: ProgramSwitcher, program: int) -> None:
    deadline = time.monotonic() + 10
    while (switcher._pending is None or switcher._pending.program != program) and time.monotonic() < deadline:
        time.sleep(0.005)
    assert switcher._pending is not None and switcher._pending.program == program


def test_a_fire_waiting_as_the_box_stops_answers_503_at_once(box: ProgramBox, tmp_path: Path) -> None:
    p = packs(tmp_path / "packs")
    a, b = box.push(p["a"], activate=True), box.push(p["b"])
    _map(box, 3, b)
    _map(box, 4, a)
    release, running = _hold(box.app.state.box)
    box.program(3)                                        # its switch runs, held in the activation
    assert running.wait(10)
    answer: dict[str, Any] = {}
    firing = threading.Thread(target=lambda: answer.update(r=box.client.post("/midi/programs/4/fire",
                                                                             headers=box.auth)))
    firing.start()
    _until_pending(box.switcher, 4)
    stopped: dict[str, Any] = {}
    stopping = threading.Thread(target=lambda: stopped.update(ok=box.app.state.box.stop(wait_s=10)))
    stopping.start()
    firing.join(3)                                        # while program 3's switch is still held
    try:
        assert not firing.is_alive(), "the fire still waits on a stopping box"
        r = answer["r"]
        assert r.status_code == 503, r.text
        assert r.json()["error"] == "box stopping" and r.json()["message"] == STOPPING_WORDS, r.text
        assert "Traceback" not in r.text
    finally:
        release.set()
        stopping.join(15)
        firing.join(10)
    assert stopped["ok"] is True                          # the running switch ended within the stop's wait
    assert box.active() == b                              # it was not cut half way: pointer and engine both b
    loads = box.loads()
    assert b in loads[-1], loads
    assert sum(a in path for path in loads) == 1          # a: its push's activation only, never program 4's


def test_a_fire_after_the_stop_switches_nothing(box: ProgramBox, tmp_path: Path) -> None:
    p = packs(tmp_path / "packs")
    a, b = box.push(p["a"], activate=True), box.push(p["b"])
    _map(box, 3, b)
    assert box.app.state.box.stop() is True
    loads = list(box.loads())
    began = time.monotonic()
    r = box.client.post("/midi/programs/3/fire", headers=box.auth)
    assert time.monotonic() - began < 5
    assert r.status_code == 503 and r.json()["message"] == STOPPING_WORDS, r.text
    box.program(3)                                        # a MIDI program change (or OSC's) after the stop
    assert box.switcher.wait(5)
    assert box.loads() == loads and box.active() == a
    last = box.switcher.last
    assert last["result"] == STOPPED and not last["ok"], last
    assert last["message"].startswith("program 3 on channel 1: not switched: the box is stopping"), last


def _switcher(activate: Any) -> ProgramSwitcher:
    listed = [{"id": f"p{n}", "kind": "effect", "name": f"n{n}", "version": "1"} for n in range(3)]
    programs = ProgramMap(None)
    for n in range(3):
        programs.set(Entry(n, None, f"p{n}", "effect", f"n{n}", "1", False))
    return ProgramSwitcher(programs, Hooks(packs=lambda: listed, playing=lambda kind, pid: False, activate=activate))


def test_the_switcher_s_stop_waits_for_the_running_switch_only() -> None:
    """``stop`` resolves the waiting job at once; the running one keeps its own outcome; ``stop`` says whether it
    ended within its wait, and a second ``stop`` only waits again."""
    release, done = threading.Event(), []

    def activate(pid: str) -> str | None:
        release.wait(10)
        done.append(pid)
        return None
    switcher = _switcher(activate)
    first = switcher.received(0, None)
    deadline = time.monotonic() + 5
    while switcher._pending is not None and time.monotonic() < deadline:    # taken: its switch runs
        time.sleep(0.005)
    second = switcher.received(1, None)
    began = time.monotonic()
    assert switcher.stop(0.2) is False                    # the running switch is still held
    assert time.monotonic() - began < 2
    assert second.wait(0)["result"] == STOPPED
    release.set()
    assert switcher.stop(5) is True
    assert first.wait(5)["result"] == "switched" and done == ["p0"]
    third = switcher.received(2, None)
    assert third.wait(0)["result"] == STOPPED and done == ["p0"]


def test_running_server_stop_answers_the_waiting_fire_before_uvicorn_cuts_it_off(tmp_path: Path) -> None:
    """Through the real server: ``RunningServer.stop`` stops the switcher before uvicorn's 2 s for running
    requests, so the waiting fire gets the box's 503 at once (before: cut off after 2 s, "box stopped")."""
    from device.api.server import start_api
    release, loading = threading.Event(), threading.Event()

    class HeldLoads(RecordingControl):
        def send(self, message: dict[str, Any]) -> None:
            if message["op"] == "load" and held and held[0] in str(message["path"]):
                loading.set()
                release.wait(10)                  # program 3's pack: its switch runs, held in the engine's load
            super().send(message)
    held: list[str] = []
    codes: list[str] = []
    running = start_api(tmp_path / "box", HeldLoads(), host="127.0.0.1", port=0, advertise=False,
                        on_code=codes.append)
    stopper = threading.Thread(target=running.stop)
    try:
        with httpx.Client(base_url=running.url, timeout=30) as client:
            token = client.post("/pair", json={"code": codes[-1], "name": "test"}).json()["token"]
            auth = {"Authorization": f"Bearer {token}"}
            ids = {}
            for name, seed in (("alpha", 1), ("beta", 2)):
                path = gain_pack(tmp_path / f"{name}.hatpack", name, "1.0.0", seed=seed)
                r = client.post("/packs", params={"activate": name == "alpha"}, content=path.read_bytes(),
                                headers=auth)
                assert r.status_code == 201, r.text
                ids[name] = r.json()["pack"]["id"]
            for program, name in ((3, "beta"), (4, "alpha")):
                assert client.put(f"/midi/programs/{program}", json={"pack": ids[name]}, headers=auth).is_success
            held.append(ids["beta"])
            first = threading.Thread(target=lambda: client.post("/midi/programs/3/fire", headers=auth))
            first.start()
            assert loading.wait(10)
            answer: dict[str, Any] = {}

            def fire() -> None:
                with httpx.Client(base_url=running.url, timeout=30) as other:
                    answer["r"] = other.post("/midi/programs/4/fire", headers=auth)
            firing = threading.Thread(target=fire)
            firing.start()
            _until_pending(running.server.config.app.state.programs, 4)
            stopper.start()
            firing.join(10)
            release.set()
            first.join(10)
    finally:
        release.set()
        if stopper.ident is None:
            stopper.start()
        stopper.join(20)
    r = answer["r"]
    assert r.status_code == 503 and r.json()["error"] == "box stopping", r.text
    assert r.json()["message"] == STOPPING_WORDS
