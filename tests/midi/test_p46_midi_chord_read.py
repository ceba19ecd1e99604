"""p46: a MIDI chord read in one poll of the port (several note-ons waiting: a chord come late, a USB packet of
several) was spread by a few samples: each message got its own stamp (``at``), read as the callback began, so its
due time (device/audio/block_clock.due_time) moved by the time each earlier note took to translate and hand on.
Now the messages of one read share the first one's stamp (device/midi_ports.Translator, READ_TOGETHER_S) and start
on one frame of a timed sampler; a message that comes on its own later keeps its own stamp.

A fake clock stands for time.monotonic(): each control handed on takes 30 microseconds (1.4 samples at 48 kHz)."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import mido
import numpy as np
import pytest

from device.audio.sampler import STAMP_SLACK_S, SamplerSource
from device.midi import MidiMap
from device.midi_ports import READ_AT_MOST_S, READ_TOGETHER_S, translator
from tests.tagger.conftest import SAMPLER_BLOCK, SAMPLER_RATE, write_wav

RATE, BLOCK = SAMPLER_RATE, SAMPLER_BLOCK
HAND_ON_S = 30e-6                   # what handing one control on costs (the fake clock moves this much)
CHORD = (36, 38, 42)


class Clock:
    """A stand-in for time.monotonic() that moves only when told."""

    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock(1000.0)
    monkeypatch.setattr(time, "monotonic", c)
    return c


def _read(clock: Clock, notes: tuple[int, ...]) -> list[dict[str, Any]]:
    """The controls of ``notes``' note-ons on the drums' channel, read back to back by one port's callback."""
    got: list[dict[str, Any]] = []

    def send(control: dict[str, Any]) -> None:
        got.append(control)
        clock.t += HAND_ON_S
    callback = translator(MidiMap(), send)
    for note in notes:
        callback(mido.Message("note_on", channel=9, note=note, velocity=100))
    return got


def _timed_sampler(tmp_path: Path) -> SamplerSource:
    src = SamplerSource(RATE)
    click = (0.2 * np.exp(-np.arange(RATE // 50) / (0.01 * RATE))).astype(np.float32)
    for note in CHORD:
        src.handle({"op": "sample", "path": str(write_wav(tmp_path / f"n{note}.wav", click)), "velocity": 0,
                    "note": note})
    src.timed = True
    return src


def _onsets(x: np.ndarray) -> list[int]:
    """Frames where ``x`` steps up by more than a tenth of one click's start (each note adds a step)."""
    return [int(i) for i in np.flatnonzero(np.diff(np.concatenate([[0.0], x])) > 0.02)]


def test_the_notes_of_one_read_share_one_stamp(clock: Clock) -> None:
    chord = _read(clock, CHORD)
    assert [c["op"] for c in chord] == ["note_on"] * 3
    assert len({c["at"] for c in chord}) == 1


def test_a_message_that_comes_on_its_own_later_keeps_its_own_stamp(clock: Clock) -> None:
    got: list[dict[str, Any]] = []
    callback = translator(MidiMap(), got.append)
    callback(mido.Message("note_on", channel=9, note=36, velocity=100))
    clock.t += 4 * READ_TOGETHER_S                       # the port idle meanwhile: the next note is its own read
    callback(mido.Message("note_on", channel=9, note=38, velocity=100))
    assert got[1]["at"] - got[0]["at"] == pytest.approx(4 * READ_TOGETHER_S)


def test_a_dense_stream_does_not_keep_one_stamp_for_ever(clock: Clock) -> None:
    """p46 review: 200 messages each 0.3 ms after the last one's return shared one stamp, 60 ms old at the last."""
    got: list[dict[str, Any]] = []
    callback = translator(MidiMap(), got.append)
    for i in range(200):
        callback(mido.Message("note_on", channel=9, note=36 + i % 8, velocity=100))
        clock.t += 0.6 * READ_TOGETHER_S
    ages = [1000.0 + i * 0.6 * READ_TOGETHER_S - c["at"] for i, c in enumerate(got)]
    assert max(ages) <= READ_AT_MOST_S + 1e-9 and len({c["at"] for c in got}) > 1


def _played(clock: Clock, tmp_path: Path, notes: tuple[int, ...]) -> np.ndarray:
    """The block of a timed sampler that holds the due time of ``notes``, read in one poll [BLOCK] float32."""
    tmp_path.mkdir()
    src = _timed_sampler(tmp_path)
    chord = _read(clock, notes)
    for control in chord:                  # they reach the engine at once, before they are due
        src.handle(control)
    clock.t = chord[0]["at"] + STAMP_SLACK_S + 0.5 * BLOCK / RATE     # the block that holds their due time
    out = np.zeros(BLOCK, np.float32)
    src.render(out)
    return out


def test_the_notes_of_one_read_start_on_one_frame_of_a_timed_sampler(clock: Clock, tmp_path: Path) -> None:
    one = _played(clock, tmp_path / "one", CHORD[:1])
    out = _played(clock, tmp_path / "chord", CHORD)
    starts = _onsets(out)
    assert len(starts) == 1, f"the chord's notes start on frames {starts}"
    assert starts == _onsets(one)
    assert out[starts[0]] == pytest.approx(3 * one[starts[0]], rel=0.02)    # the three notes, on that one frame
