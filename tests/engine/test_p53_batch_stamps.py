"""A late batch plays as one (fifty-third stop): the MIDI relay's batch (EngineProcess.send_many) reached a loaded
engine later than its stamps' slack, and each note was then due as the engine got to it: a chord of eight came out
as six onsets over 69 samples (1.4 ms; CI, test_p38_midi_relay).  device.audio.block_clock.batch_stamps moves the
late stamps on by one offset, the earliest to when the batch came: a chord is due together, one slack later, and a
flam or a roll keeps its spacing (p53 review: each moved to when the batch came squashed a flam onto one sample)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from device.audio import block_clock
from device.audio.block_clock import AHEAD_S, MOVED, STAMP_SLACK_S, batch_stamps, due_time
from device.audio.engine_child import EngineChild
from tests.engine.test_p37_note_timing import BLOCK, RATE, Clock, ago, block, burst, clock, timed_sampler

__all__ = ["clock"]                  # the fixture, imported for pytest

HANDLING_S = 0.0002                  # the engine's time per message of the batch on a loaded machine (s)


def handle_batch(src, clk: Clock, msgs: list[dict], taken: float, restamp: bool) -> None:
    """Hand ``msgs`` to ``src`` as the engine does a batch it took at ``taken``, :data:`HANDLING_S` apart."""
    for i, msg in enumerate(batch_stamps(msgs, taken) if restamp else msgs):
        clk.t = taken + i * HANDLING_S
        src.handle(msg)


def rises(x: np.ndarray) -> list[int]:
    """Samples where ``x`` steps up by more than half a click's start (a note starting, even over another)."""
    return [int(i) for i in np.flatnonzero(np.diff(np.concatenate([[0.0], x])) > 0.05)]


def chord(at: float) -> list[dict]:
    return [{"op": "note_on", "note": n, "velocity": 127, "at": at} for n in (60, 61, 62, 63)]


def test_a_late_chord_starts_at_one_sample_one_slack_after_the_batch_came(tmp_path: Path, clock: Clock) -> None:
    src = timed_sampler(tmp_path, {n: burst(level=0.1) for n in (60, 61, 62, 63)})
    taken = ago(BLOCK - 40)
    handle_batch(src, clock, chord(taken - 0.004), taken, restamp=True)          # 4 ms late
    clock.t = ago(0)
    out = block(src)
    assert rises(out) == [40 + round(STAMP_SLACK_S * RATE)]
    assert out[40 + round(STAMP_SLACK_S * RATE)] > 0.35                         # all four at once


def test_without_the_restamp_the_late_chord_smears_over_its_handling(tmp_path: Path, clock: Clock) -> None:
    """The measure above can fail: the same batch, stamps as they came, is four onsets."""
    src = timed_sampler(tmp_path, {n: burst(level=0.1) for n in (60, 61, 62, 63)})
    taken = ago(BLOCK - 40)
    handle_batch(src, clock, chord(taken - 0.004), taken, restamp=False)
    clock.t = ago(0)
    assert rises(block(src)) == [40, 50, 59, 69]                               # 0.2 ms apart


def test_a_late_flam_keeps_its_spacing(tmp_path: Path, clock: Clock) -> None:
    """p53 review: every late stamp moved to when the batch came put a flam (two notes 0.5 ms apart here, 24 samples)
    on one sample; one offset for all keeps it a flam, its first note where a late chord's would be."""
    src = timed_sampler(tmp_path, {n: burst(level=0.1) for n in (60, 61)})
    taken = ago(BLOCK - 40)
    flam = [{"op": "note_on", "note": n, "velocity": 127, "at": taken - 0.004 + i * 0.0005}
            for i, n in enumerate((60, 61))]
    handle_batch(src, clock, flam, taken, restamp=True)                          # 4 ms late
    clock.t = ago(0)
    first = 40 + round(STAMP_SLACK_S * RATE)
    assert rises(block(src)) == [first, first + 24]


def test_a_late_batch_moves_every_stamp_from_its_earliest_late_one_by_one_offset() -> None:
    taken = 500.0
    late = [{"op": "note_on", "note": n, "velocity": 1, "at": taken - 0.01 + i * 0.003} for i, n in enumerate((60, 61))]
    on_time = {"op": "note_on", "note": 62, "velocity": 1, "at": taken - STAMP_SLACK_S / 2}   # the batch's last note
    bare = {"op": "note_on", "note": 63, "velocity": 1}
    odd = [{"op": "note_on", "note": 64, "velocity": 1, "at": x} for x in (float("-inf"), True, "soon")]
    out = batch_stamps([*late, on_time, bare, *odd, "not a dict"], taken)    # type: ignore[list-item]
    assert [m["at"] for m in out[:3]] == pytest.approx([taken, taken + 0.003, taken + 0.01 - STAMP_SLACK_S / 2])
    assert out[3] is bare and out[4:] == [*odd, "not a dict"] and all(m[MOVED] is True for m in out[:3])
    assert late[0]["at"] == taken - 0.01                                     # the sender's message is left as it was


def test_a_note_played_just_now_is_not_held_back_by_a_stall_in_its_batch() -> None:
    """Final read: a batch spanning a stall (notes 80 and 40 ms late, the newest 0.5 ms old) moved by one offset had
    its newest note due 51 ms late; alone it is due in 0.4 ms.  Wider than AHEAD_S, the late ones go as the batch
    came and the newest keeps its stamp."""
    taken = 500.0
    msgs = [{"op": "note_on", "note": n, "velocity": 1, "at": taken - ago_s} for n, ago_s in
            ((60, 0.08), (61, 0.04), (62, 0.0005))]
    out = batch_stamps(msgs, taken)
    assert [m["at"] for m in out] == [taken, taken, taken - 0.0005] and out[2] is msgs[2]
    assert not any(m.get(MOVED) for m in out)


def test_a_stamp_ahead_counts_as_now_unless_a_late_batch_moved_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(block_clock.time, "monotonic", lambda: 500.0)
    ahead = {"op": "note_on", "note": 60, "velocity": 1, "at": 500.1}
    assert due_time(ahead) == pytest.approx(500.0 + STAMP_SLACK_S)                        # a bad client's: now
    assert due_time({**ahead, MOVED: True}) == pytest.approx(500.0 + AHEAD_S + STAMP_SLACK_S)   # capped
    assert due_time({**ahead, "at": 500.004, MOVED: True}) == pytest.approx(500.004 + STAMP_SLACK_S)


def test_a_batch_on_time_keeps_its_stamps() -> None:
    taken = 500.0
    on_time = [{"op": "note_on", "note": n, "velocity": 1, "at": taken - STAMP_SLACK_S / (n - 58)} for n in (60, 61)]
    out = batch_stamps([*on_time, {"op": "note_off", "note": 60}], taken)
    assert out[0] is on_time[0] and out[1] is on_time[1] and out[2] == {"op": "note_off", "note": 60}


def test_the_engine_restamps_each_batch_it_takes() -> None:
    """EngineChild.request_many hands the engine the restamped batch (its own requests, in order)."""
    class Child:
        def __init__(self) -> None:
            self.got: list[dict] = []

        def request(self, msg: dict) -> None:
            self.got.append(msg)

    child = Child()
    errors = EngineChild.request_many(child, chord(0.0) + [{"op": "nope"}])     # type: ignore[arg-type]
    assert errors[:4] == [None] * 4 and "unknown control message" in str(errors[4])
    assert [m["note"] for m in child.got] == [60, 61, 62, 63]
    assert len({m["at"] for m in child.got}) == 1 and child.got[0]["at"] > 1.0  # moved to when the batch came
