"""p44: a MIDI program change switches the pack mapped to it in (a set list), through the MIDI port's callback and
the box's own activation; a burst ends on its last program; an unmapped program or a deleted pack switches nothing
and says so once; the map is kept across a restart.  Before p44 a program change did nothing at all."""
from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest

from tests.midi.p44_box import packs, program_box


def _map(box, program: int, pack: str, **more) -> dict:
    r = box.client.put(f"/midi/programs/{program}", json={"pack": pack, **more}, headers=box.auth)
    assert r.status_code == 200, r.text
    return r.json()


def test_a_program_change_switches_the_mapped_pack_in(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = program_box(tmp_path / "box", monkeypatch)
    try:
        p = packs(tmp_path / "packs")
        a, b = box.push(p["a"], activate=True), box.push(p["b"])
        _map(box, 3, b)
        started = time.monotonic()
        box.program(3)
        assert time.monotonic() - started < 0.05                  # the MIDI callback never waits for the switch
        assert box.switcher.wait(10)
        assert box.active() == b and box.loads()[-1].endswith(f"{b}/pack.hatpack")
        last = box.switcher.last
        assert last["ok"] and last["pack"] == b and last["message"].startswith("program 3: effect pack beta 1.0.0")
        assert f"switched in (was {a})" in last["message"]
        # what hatbox status reads: the engine status (a BoxControl watcher)
        eng = box.client.get("/status", headers=box.auth).json()["engine"]
        assert eng["midi_program"]["message"] == last["message"]
        loads = len(box.loads())
        box.program(3)                                            # it plays already: no reload
        box.switcher.wait(10)
        assert len(box.loads()) == loads and "plays already" in box.switcher.last["message"]
    finally:
        box.stop()


def test_a_burst_of_program_changes_switches_only_the_last(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = program_box(tmp_path / "box", monkeypatch)
    try:
        p = packs(tmp_path / "packs")
        ids = [box.push(p[k]) for k in ("a", "b", "a2")]
        for program, pid in enumerate(ids):
            _map(box, program, pid)
        box.switcher.settle_s = 0.4               # wide, so a loaded test machine's 20 ms steps stay one burst
        before = len(box.loads())
        for program in (0, 1, 2, 0, 1):           # a foot controller scrolling: 5 in about 100 ms
            box.program(program)
            time.sleep(0.02)
        assert box.switcher.wait(10)
        # the burst's first switches at once (a lone press is not held back), then only its last once it ended
        assert box.loads()[before:] == [str(tmp_path / "box" / "packs" / pid / "pack.hatpack") for pid in ids[:2]]
        assert box.active() == ids[1] and box.switcher.switches == 2
    finally:
        box.stop()


def test_a_lone_program_change_is_not_held_back_by_the_burst_wait(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """p44: every switch waited the burst window (60 ms of a cached switch's 82) before it began."""
    box = program_box(tmp_path / "box", monkeypatch)
    try:
        p = packs(tmp_path / "packs")
        box.push(p["a"], activate=True)
        b = box.push(p["b"])
        _map(box, 3, b)
        box.switcher.settle_s = 30.0              # a window no test waits out: only a switch at once ends in time
        box.program(3)
        assert box.switcher.wait(10) and box.active() == b
    finally:
        box.stop()


def test_an_unmapped_program_does_nothing_and_says_so_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           caplog: pytest.LogCaptureFixture) -> None:
    box = program_box(tmp_path / "box", monkeypatch)
    try:
        a = box.push(packs(tmp_path / "packs")["a"], activate=True)
        before = len(box.loads())
        with caplog.at_level(logging.INFO, logger="hatbox.midi"):
            for _ in range(3):
                box.program(7)
                box.switcher.wait(10)
        said = [r.getMessage() for r in caplog.records if "program 7" in r.getMessage()]
        assert said == ["MIDI program 7: nothing mapped (hatbox box-midi --program 7 PACK maps one)"]
        assert box.switcher.last["message"].startswith("program 7: nothing mapped") and not box.switcher.last["ok"]
        assert len(box.loads()) == before and box.active() == a
    finally:
        box.stop()


def test_a_deleted_pack_is_said_and_the_box_plays_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = program_box(tmp_path / "box", monkeypatch)
    try:
        p = packs(tmp_path / "packs")
        a, b = box.push(p["a"], activate=True), box.push(p["b"])
        _map(box, 5, b)                                            # by id
        assert box.client.delete(f"/packs/{b}", headers=box.auth).status_code == 204
        row = box.client.get("/midi/programs", headers=box.auth).json()["programs"][0]
        assert row["installed"] is False and row["plays"] is None and "is no longer on the box" in row["note"]
        before = len(box.loads())
        box.program(5)
        box.switcher.wait(10)
        assert box.active() == a and len(box.loads()) == before
        assert box.switcher.last["message"] == (
            f"program 5: effect pack beta 1.0.0 ({b}) is no longer on the box (deleted) and no effect pack named "
            "'beta' is: nothing switched, the box plays on (hatbox box-midi --program 5 PACK maps another)")
    finally:
        box.stop()


def test_a_mapping_survives_its_pack_replaced_by_a_newer_version(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    box = program_box(tmp_path / "box", monkeypatch)
    try:
        p = packs(tmp_path / "packs")
        box.push(p["b"], activate=True)
        a = box.push(p["a"])
        _map(box, 1, "alpha")                                      # by name: follows the newest alpha
        _map(box, 2, a)                                            # by id: this alpha
        a2 = box.push(p["a2"])
        box.program(1)
        box.switcher.wait(10)
        assert box.active() == a2
        box.program(2)
        box.switcher.wait(10)
        assert box.active() == a
        box.client.post(f"/packs/{a2}/activate", headers=box.auth)
        assert box.client.delete(f"/packs/{a}", headers=box.auth).status_code == 204
        box.client.post("/packs/" + box.push(p["b"]) + "/activate", headers=box.auth)
        box.program(2)                                             # its alpha deleted: the newest alpha plays
        box.switcher.wait(10)
        assert box.active() == a2
        assert "is no longer on the box: the newest 'alpha' plays instead" in box.switcher.last["message"]
    finally:
        box.stop()


def test_a_channel_mapping_wins_on_its_channel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = program_box(tmp_path / "box", monkeypatch)
    try:
        p = packs(tmp_path / "packs")
        a, b = box.push(p["a"], activate=True), box.push(p["b"])
        _map(box, 4, a)
        _map(box, 4, b, channel=16)
        box.program(4, channel=15)                                 # channel 16 in mido's count
        box.switcher.wait(10)
        assert box.active() == b and box.switcher.last["channel"] == 16
        box.program(4, channel=0)
        box.switcher.wait(10)
        assert box.active() == a
    finally:
        box.stop()


def test_the_map_is_kept_across_a_restart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = program_box(tmp_path / "box", monkeypatch)
    p = packs(tmp_path / "packs")
    try:
        box.push(p["a"], activate=True)
        b = box.push(p["b"])
        _map(box, 9, b, channel=2)
    finally:
        box.stop()
    again = program_box(tmp_path / "box", monkeypatch)             # the box started again
    try:
        rows = again.client.get("/midi/programs", headers=again.auth).json()["programs"]
        assert [(r["program"], r["channel"], r["pack"]) for r in rows] == [(9, 2, b)]
        again.program(9, channel=1)
        again.switcher.wait(10)
        assert again.active() == b
    finally:
        again.stop()
