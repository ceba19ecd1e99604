"""p53 review (M3, findings 1-3): ``POST /midi/programs/{program}/fire`` answers its own program change's outcome.

Before, the route waited on the switcher's thread and then read the global ``last``: a program change landing just
after its switch (a footswitch's unmapped program) gave a false 504 ("still switching after 20 s" in 65 ms: the
thread it joined was done, a newer one ran) or a false 409 ("another program change came at the same time and won"
though its pack had been switched in), and a switch fired over OSC or the API was logged with no sender.  Now
``ProgramSwitcher.received`` returns a per-job handle resolved with that job's own outcome, and the sender is in the
log line and in ``last`` (``source``)."""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from device.midi_programs import MIDI_IN, Entry, Hooks, ProgramMap, ProgramSwitcher
from device.osc import OscMap, OscServer
from tests.midi.p44_box import ProgramBox, packs, program_box


@pytest.fixture
def box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    made = program_box(tmp_path / "box", monkeypatch)
    yield made
    made.stop()


def _map(box: ProgramBox, program: int, pack: str) -> None:
    assert box.client.put(f"/midi/programs/{program}", json={"pack": pack}, headers=box.auth).status_code == 200


def _said(caplog: pytest.LogCaptureFixture, logger: str) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == logger]


def test_fire_under_a_footswitch_s_stream_answers_its_own_switch(box: ProgramBox, tmp_path: Path) -> None:
    """The review's probe: fires while a footswitch sends unmapped program 9 every 65 ms.  Never a 504; a 200 means
    the fired pack plays; a 409 only for a fire a later program change superseded before it ran (the burst rule:
    under this stream most are)."""
    p = packs(tmp_path / "packs")
    a, b = box.push(p["a"], activate=True), box.push(p["b"])
    _map(box, 3, b)
    _map(box, 4, a)
    stop = threading.Event()

    def footswitch() -> None:
        while not stop.is_set():
            box.program(9)
            time.sleep(0.065)
    stream = threading.Thread(target=footswitch, daemon=True)
    stream.start()
    answers: list[tuple[int, str]] = []
    try:
        for i in range(24):
            n = 3 if i % 2 == 0 else 4
            r = box.client.post(f"/midi/programs/{n}/fire", headers=box.auth)
            answers.append((r.status_code, r.json()["message"]))
            if r.status_code == 200:
                assert box.active() == (b if n == 3 else a), r.json()
    finally:
        stop.set()
        stream.join(2)
    for status, message in answers:          # a fire within SETTLE_S of a 9 is a burst with it: the later one wins
        assert status in (200, 409), (status, message)
        if status == 409:
            assert "program 9 on channel 1 came right after it and won" in message, message


def test_a_program_change_during_the_fired_switch_does_not_make_it_a_409(box: ProgramBox, tmp_path: Path,
                                                                         caplog: pytest.LogCaptureFixture) -> None:
    """A footswitch's program 9 comes while program 3's switch runs (so after it was taken): 3 was switched in, the
    route says so (200) and the switch's one log line (switches.log) names who fired it."""
    caplog.set_level(logging.INFO)
    p = packs(tmp_path / "packs")
    a, b = box.push(p["a"], activate=True), box.push(p["b"])
    _map(box, 3, b)
    hooks = box.switcher.hooks
    activate = hooks.activate

    def activate_while_a_footswitch_sends(pid: str) -> str | None:
        box.program(9)
        return activate(pid)
    hooks.activate = activate_while_a_footswitch_sends
    r = box.client.post("/midi/programs/3/fire", headers=box.auth)
    assert r.status_code == 200, r.text
    assert r.json()["message"] == f"program 3: effect pack beta 1.0.0 ({b}) switched in (was {a})"
    assert box.switcher.wait(10) and box.switcher.last["program"] == 9      # the footswitch's came after it
    assert box.active() == b
    assert not [line for line in _said(caplog, "hatbox.api") if "switched in" in line]    # one line: the switcher's
    assert f"MIDI program 3: effect pack beta 1.0.0 ({b}) switched in (was {a}); sent by 'test'" \
        in _said(caplog, "hatbox.midi")


def test_a_fire_superseded_before_it_ran_is_a_true_409(box: ProgramBox, tmp_path: Path) -> None:
    """The burst rule stays: a fire queued behind a running switch, then replaced by a later program change before
    it ran, switched nothing: 409 naming the one that won."""
    p = packs(tmp_path / "packs")
    a, b = box.push(p["a"], activate=True), box.push(p["b"])
    _map(box, 3, b)
    _map(box, 4, a)
    hooks, release = box.switcher.hooks, threading.Event()
    activate = hooks.activate

    def held(pid: str) -> str | None:
        release.wait(10)
        return activate(pid)
    hooks.activate = held
    box.program(3)                                        # its switch runs, held
    answer: dict[str, Any] = {}
    firing = threading.Thread(target=lambda: answer.update(r=box.client.post("/midi/programs/4/fire",
                                                                             headers=box.auth)))
    firing.start()
    deadline = time.monotonic() + 10
    while (box.switcher._pending is None or box.switcher._pending.program != 4) and time.monotonic() < deadline:
        time.sleep(0.005)
    box.program(9)                                        # a later one: program 4 never runs
    release.set()
    firing.join(10)
    r = answer["r"]
    assert r.status_code == 409, r.text
    assert r.json()["message"] == ("program 4: not switched: program 9 on channel 1 came right after it and won (a "
                                   "burst of program changes switches its last)")
    assert box.switcher.wait(10) and box.active() == b


def _switcher(activate: Any) -> ProgramSwitcher:
    packs = [{"id": f"p{n}", "kind": "effect", "name": f"n{n}", "version": "1"} for n in range(3)]
    programs = ProgramMap(None)
    for n in range(3):
        programs.set(Entry(n, None, f"p{n}", "effect", f"n{n}", "1", False))
    return ProgramSwitcher(programs, Hooks(packs=lambda: packs, playing=lambda kind, pid: False, activate=activate))


def test_each_job_answers_its_own_outcome_and_wait_waits_for_every_worker() -> None:
    """Jobs resolved with their own outcome; ``wait`` returns True only once no switch waits or runs, whichever
    worker thread runs it (it joined the first and reported on a newer one)."""
    gate = threading.Event()
    switcher = _switcher(lambda pid: gate.wait(10) and None)
    first = switcher.received(0, None)
    deadline = time.monotonic() + 5
    while switcher._pending is not None and time.monotonic() < deadline:
        time.sleep(0.002)
    second, third = switcher.received(1, None, source="OSC 192.0.2.7"), switcher.received(2, None)
    assert second.wait(1)["result"] == "superseded" and "program 2 came right after it" in second.outcome["message"]
    assert not switcher.wait(0.05)                        # still switching: False, after its timeout
    gate.set()
    assert first.wait(5)["result"] == "switched" and first.outcome["source"] == MIDI_IN
    assert third.wait(5)["result"] == "switched" and third.outcome["program"] == 2
    assert switcher.wait(5)
    later = switcher.received(1, None, source="OSC 192.0.2.7")
    assert later.wait(5)["source"] == "OSC 192.0.2.7" and switcher.last["source"] == "OSC 192.0.2.7"
    assert switcher.wait(5)


def test_switcher_wait_follows_a_newer_worker(monkeypatch: pytest.MonkeyPatch) -> None:
    """A program change that starts a new worker just as the one being waited on ends: ``wait`` waits for it too
    (before, it answered False at once: the fire route's false 504)."""
    gate = threading.Event()
    switcher = _switcher(lambda pid: gate.wait(10) and None)
    switcher.received(0, None)
    first_worker = switcher._worker
    assert first_worker is not None
    join = first_worker.join

    def join_then_another_comes(timeout: float | None = None) -> None:
        gate.set()
        join(timeout)
        gate.clear()
        switcher.received(1, None)                        # a new worker, held until the gate opens again
        threading.Timer(0.2, gate.set).start()
    monkeypatch.setattr(first_worker, "join", join_then_another_comes)
    started = time.monotonic()
    assert switcher.wait(5)
    assert time.monotonic() - started >= 0.15 and switcher._worker is None
    assert switcher.last["program"] == 1


def test_a_pack_switch_over_osc_is_logged_with_its_sender(box: ProgramBox, tmp_path: Path,
                                                          caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="hatbox.midi")
    p = packs(tmp_path / "packs")
    a, b = box.push(p["a"], activate=True), box.push(p["b"])
    _map(box, 3, b)
    server = OscServer(OscMap(knobs=box.control.knobs), box.control.send, host="127.0.0.1", port=0,
                       midi=box.control.midi)
    try:
        server._on_message("/hatbox/program", 3, sender="192.0.2.7")
        assert box.switcher.wait(10)
    finally:
        server.stop()
    assert box.active() == b and box.switcher.last["source"] == "OSC 192.0.2.7"
    assert _said(caplog, "hatbox.midi") == [f"MIDI program 3: effect pack beta 1.0.0 ({b}) switched in (was {a}); "
                                            "sent by OSC 192.0.2.7"]
    box.program(4)                                        # from MIDI: its line as before, no sender
    assert box.switcher.wait(10) and box.switcher.last["source"] == "MIDI"
    assert _said(caplog, "hatbox.midi")[-1] == "MIDI program 4: nothing mapped (hatbox box-midi --program 4 PACK " \
                                               "maps one)"
