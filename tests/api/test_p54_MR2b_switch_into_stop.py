"""p54 R2 review #3: a program switch waiting for the box's install lock as the box stops switches nothing.

Before, a program change whose switch had been taken off the queue (it passed the switcher's stopping check) and
then waited for ``install_lock`` in ``Box.activate`` (a push's checks held it) switched its pack in once the lock
was free: after ``Box.stop`` had given up waiting for it, on a daemon thread the exit may cut half way.  Now the stop
is checked again once the lock is held: the switch ends as stopped, nothing written, nothing loaded.  And
``Box.stop`` drops the queued checks before it waits, and waits for the switch and the checks within one
``wait_s`` (before: ``wait_s`` for the switch, then ``wait_s`` again for the checks)."""
from __future__ import annotations

import threading
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest

from device.api.box import stopping_error
from device.midi_programs import STOPPED, ProgramSwitcher
from tests.midi.p44_box import ProgramBox, packs, program_box

STOPPING_WORDS = stopping_error().body.message


@pytest.fixture
def box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    made = program_box(tmp_path / "box", monkeypatch)
    yield made
    made.stop()


def _two_mapped(box: ProgramBox, tmp_path: Path) -> tuple[str, str]:
    """Packs a (active) and b on the box, program 3 mapped to b."""
    p = packs(tmp_path / "packs")
    a, b = box.push(p["a"], activate=True), box.push(p["b"])
    assert box.client.put("/midi/programs/3", json={"pack": b}, headers=box.auth).status_code == 200
    return a, b


def _entered(switcher: ProgramSwitcher, release: threading.Event | None = None) -> threading.Event:
    """An event set once a switch has entered the box's activation (``release``: held there until it is set)."""
    entered, activate = threading.Event(), switcher.hooks.activate

    def watched(pid: str) -> str | None:
        entered.set()
        if release is not None:
            release.wait(10)
        return activate(pid)
    switcher.hooks.activate = watched
    return entered


def test_a_switch_waiting_for_the_install_lock_as_the_box_stops_switches_nothing(box: ProgramBox,
                                                                                   tmp_path: Path) -> None:
    a, b = _two_mapped(box, tmp_path)
    the_box, loads = box.app.state.box, list(box.loads())
    entered = _entered(box.switcher)
    answer: dict[str, Any] = {}
    firing = threading.Thread(target=lambda: answer.update(r=box.client.post("/midi/programs/3/fire",
                                                                             headers=box.auth)))
    with the_box.install_lock:                 # a push's checks hold it (device/api/app.py _install)
        firing.start()
        assert entered.wait(10)                # the switch passed the switcher's check, and waits for the lock
        time.sleep(0.05)
        assert the_box.stop(wait_s=0.3) is False, "the switch waiting for the lock was not waited for"
    firing.join(15)                            # the checks end after the stop gave up waiting
    assert box.switcher.wait(5)
    assert the_box.store.pointer().slots["effect"] == a, "the switch wrote the pointer into a stopping box"
    assert box.loads() == loads, "the engine was asked to load during the stop"
    last = box.switcher.last
    assert last["result"] == STOPPED and not last["ok"], last
    assert last["message"].startswith("program 3: not switched: the box is stopping"), last
    r = answer["r"]
    assert r.status_code == 503 and r.json()["message"] == STOPPING_WORDS, r.text


def _running_check(the_box: Any) -> tuple[threading.Event, Future[Any]]:
    """A pack check running on the box's worker, until the event returned is set."""
    go, began = threading.Event(), threading.Event()
    job = the_box.validator.submit(lambda: (began.set(), go.wait(10)))
    assert began.wait(10)
    return go, job


def test_the_stop_waits_once_for_the_switch_and_the_checks_together(box: ProgramBox, tmp_path: Path) -> None:
    _two_mapped(box, tmp_path)
    the_box, release = box.app.state.box, threading.Event()
    entered = _entered(box.switcher, release)
    box.program(3)
    assert entered.wait(10)                    # a switch runs (held)
    go, _ = _running_check(the_box)            # and a check runs
    began = time.monotonic()
    try:
        assert the_box.stop(wait_s=1.0) is False
        took = time.monotonic() - began
    finally:
        release.set()
        go.set()
    assert took < 1.9, f"the stop took {took:.2f} s for wait_s=1.0 (one wait after the other)"


def test_the_stop_drops_the_queued_checks_before_it_waits(box: ProgramBox, tmp_path: Path) -> None:
    _two_mapped(box, tmp_path)
    the_box, release = box.app.state.box, threading.Event()
    entered = _entered(box.switcher, release)
    box.program(3)
    assert entered.wait(10)                    # a switch runs (held): the stop waits for it
    go, _ = _running_check(the_box)
    ran: list[int] = []
    queued = the_box.validator.submit(lambda: ran.append(1))
    stopper = threading.Thread(target=the_box.stop, kwargs={"wait_s": 5})
    stopper.start()
    try:
        deadline = time.monotonic() + 10
        while not box.switcher._stopping and time.monotonic() < deadline:
            time.sleep(0.005)
        while not queued.cancelled() and time.monotonic() < deadline:
            time.sleep(0.005)                  # the stop drops the queued checks after it stops the programs
        go.set()                               # the running check ends while the stop still waits
        time.sleep(0.3)
    finally:
        go.set()
        release.set()
        stopper.join(15)
    assert ran == [] and queued.cancelled(), "a queued check ran while the box was stopping"
