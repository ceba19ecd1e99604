"""Forty-third stop: a synth pack switched in mid-performance takes over the notes held as they are
(device/audio/synth_carry.py).  Before, the engine's replay of the performance struck every held key again on the new
unit: a new attack on each (+17 dB on a piano-like chord 0.3 s into its fall), and a note that had decayed away while
its key was still down came back out of silence.  These go through the box's own loader (device.audio.swap.Swapper)
and engine, on variants of the factory synth with other envelopes."""
from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest

from device.audio.engine import Engine, EngineConfig
from device.audio.swap import Swapper
from device.audio.synth import ATTACK, DECAY, RELEASE, SUSTAIN, SynthSource
from device.control import validate
from export.pack import Pack, read_pack, write_pack

RATE, BLOCK = 48000, 128
FACTORY = Path(__file__).resolve().parents[2] / "factory" / "synth-gm4.hatpack"
PIANO = {"attack": 0.005, "decay": 0.1, "sustain": 0.5, "fall": 55.0, "release": 0.3}
ORGAN = {"attack": 0.02, "decay": 0.1, "sustain": 0.8, "release": 0.25}


@pytest.fixture(scope="module")
def factory() -> Pack:
    """The factory synth's network with the fast envelope these tests were written for (its own fitted one, since
    0.1.1, rises over 61 ms: longer than the blocks they play; tests/synth/timing_pack.py)."""
    from tests.synth.timing_pack import timing_pack
    return timing_pack()


def variant(pack: Pack, name: str, envelope: dict[str, float], where: Path) -> Path:
    """The factory synth with another envelope and name, written under ``where``."""
    man = copy.deepcopy(pack.manifest)
    man.name, man.extras = name, {**man.extras, "envelope": envelope}
    members = {k: v for k, v in pack.members.items() if k.endswith((".onnx", ".npy", ".npz"))}
    return write_pack(where / f"{name}.hatpack", man, members)


class Box:
    """An engine with the box's loader, played block by block; ``out`` keeps every block rendered."""

    def __init__(self, first: Path) -> None:
        self.eng = Engine(EngineConfig(rate=RATE, block=BLOCK, live_input=False))
        self.swapper = Swapper(self.eng).start()
        self.swapper.load("synth", first)
        self.out: list[np.ndarray] = []

    def send(self, **msg: object) -> None:
        self.eng.handle(validate(dict(msg)))

    def play(self, seconds: float) -> None:
        for _ in range(int(round(seconds * RATE / BLOCK))):
            y = np.zeros(BLOCK, np.float32)
            self.eng.process(None, y)
            self.out.append(y)

    def switch(self, pack: Path) -> tuple[SynthSource, SynthSource]:
        """Load ``pack`` and play the block that switches to it: (the unit before, the one after)."""
        old = self.eng.slots["synth"].unit
        self.swapper.load("synth", pack)
        self.play(BLOCK / RATE)
        return old, self.eng.slots["synth"]._next[0]

    @property
    def samples(self) -> int:
        return sum(len(b) for b in self.out)

    def rms_db(self, start: int, stop: int) -> float:
        y = np.concatenate(self.out)[start:stop]
        return float(20 * np.log10(np.sqrt(np.mean(y.astype(np.float64) ** 2)) + 1e-12))


@pytest.fixture
def boxes():
    made: list[Box] = []
    yield lambda first: made.append(Box(first)) or made[-1]
    for box in made:
        box.swapper.stop()


def env_db(unit: SynthSource, note: int) -> float:
    v = unit.v
    i = np.flatnonzero((v.note == note) & unit._live())
    assert len(i) == 1, (note, i)
    return float(20 * np.log10(v.env[i[0]]))


def stage(unit: SynthSource, note: int) -> int:
    return int(unit.v.stage[np.flatnonzero((unit.v.note == note) & unit._live())[0]])


@pytest.mark.parametrize("envelope", [PIANO, ORGAN], ids=["to_piano", "to_organ"])
def test_a_held_chord_goes_on_at_its_level_with_no_new_attack(tmp_path, factory, boxes, envelope) -> None:
    box = boxes(variant(factory, "piano", PIANO, tmp_path))
    for n in (60, 64, 67):
        box.send(op="note_on", note=n, velocity=100)
    box.play(0.3)                                          # 0.3 s into its fall: about -17 dB
    at = box.samples
    old, new = box.switch(variant(factory, "next", envelope, tmp_path))
    for n in (60, 64, 67):
        assert abs(env_db(new, n) - env_db(old, n)) < 1.0          # before: the new unit's envelopes began at 0
        assert stage(new, n) in (DECAY, SUSTAIN)                   # never ATTACK again
    box.play(0.1)
    step = box.rms_db(at, at + 4800) - box.rms_db(at - 4800, at)
    assert step < 3.0, step                                        # before: +17 dB


def test_a_note_that_decayed_away_while_held_stays_silent(tmp_path, factory, boxes) -> None:
    box = boxes(variant(factory, "piano", PIANO, tmp_path))
    box.send(op="note_on", note=48, velocity=100)
    box.play(1.3)                                          # -6 dB, then 55 dB a second: gone by 1.1 s
    assert box.rms_db(box.samples - 4800, box.samples) < -100      # silent, the key still down
    old, new = box.switch(variant(factory, "next", ORGAN, tmp_path))
    box.play(0.3)
    assert new.held_notes() == [] and new.active_voices == 0
    assert max(np.abs(b).max() for b in box.out[-int(0.3 * RATE / BLOCK):]) < 1e-5   # before: struck again
    box.send(op="note_off", note=48)                       # its key coming up does nothing; struck again, it plays
    box.send(op="note_on", note=48, velocity=100)
    box.play(0.05)
    assert new.held_notes() == [48] and max(np.abs(b).max() for b in box.out[-10:]) > 1e-3


def test_the_pedal_notes_and_a_release_carry_on_and_the_pedal_lifting_lets_them_go(tmp_path, factory, boxes) -> None:
    box = boxes(variant(factory, "organ", ORGAN, tmp_path))
    box.send(op="note_on", note=72, velocity=90)
    box.play(0.3)
    box.send(op="note_off", note=72)                       # releasing (0.25 s) as the switch comes
    box.send(op="sustain", on=True)
    box.send(op="note_on", note=64, velocity=80)
    box.send(op="note_on", note=60, velocity=100)
    box.play(0.2)
    box.send(op="note_off", note=64)                       # the pedal holds it
    box.play(0.02)
    old, new = box.switch(variant(factory, "next", PIANO, tmp_path))
    assert stage(new, 72) == RELEASE and abs(env_db(new, 72) - env_db(old, 72)) < 1.0   # before: no voice
    assert new.sustain and not new.v.key_down[np.flatnonzero(new.v.note == 64)[0]]
    assert abs(env_db(new, 64) - env_db(old, 64)) < 1.0 and stage(new, 64) != ATTACK
    box.play(0.3)
    assert 72 not in new.v.note[new._live()]              # its release ended
    assert sorted(new.held_notes()) == [60, 64]
    box.send(op="sustain", on=False)
    box.play(0.05)
    assert new.held_notes() == [60]                        # the pedal let 64 go; 60's key is down


def test_bend_and_pitch_carry_over_in_phase(tmp_path, factory, boxes) -> None:
    box = boxes(variant(factory, "organ", ORGAN, tmp_path))
    box.send(op="bend", value=0.5)
    box.send(op="note_on", note=69, velocity=100)
    box.play(0.3)
    at = box.samples
    old, new = box.switch(variant(factory, "next", ORGAN, tmp_path))
    assert new.bend == old.bend == 0.5
    i, j = (np.flatnonzero((u.v.note == 69) & u._live())[0] for u in (old, new))
    assert new.v.f0_next[j] == pytest.approx(old.v.f0_next[i], rel=1e-9)
    assert new.v.f0_next[j] == pytest.approx(440.0 * 2 ** (1 / 12), rel=1e-6)    # a whole tone up on 2 semitones
    box.play(0.2)                                         # in phase: the crossfade (20 ms) cancels nothing
    before = box.rms_db(at - 4800, at)
    for start in (at, at + 480, at + 4800):
        assert abs(box.rms_db(start, start + 960) - before) < 2.0


def test_a_note_played_as_the_switch_comes_is_played_once(tmp_path, factory, boxes) -> None:
    """A note-on reaching both units between the install and the switch: one note-off ends it (played twice, its
    voice would count two note-ons and hang)."""
    box = boxes(variant(factory, "organ", ORGAN, tmp_path))
    box.play(0.05)
    box.swapper.load("synth", variant(factory, "next", ORGAN, tmp_path))
    box.send(op="note_on", note=67, velocity=100)          # installed, not switched to yet: both hear it
    box.play(0.2)
    new = box.eng.slots["synth"].unit
    assert new.held_notes() == [67] and int(new.v.held[np.flatnonzero(new.v.note == 67)[0]]) == 1
    box.send(op="note_off", note=67)
    box.play(0.5)
    assert new.held_notes() == [] and new.active_voices == 0


# ------------------------------------------------------------------ the units alone (device.audio.synth_carry)
def _units(factory: Pack, old_voices: int = 16, new_voices: int = 16) -> tuple[SynthSource, SynthSource]:
    return SynthSource(factory, RATE, max_voices=old_voices), SynthSource(factory, RATE, max_voices=new_voices)


def _render(*units: SynthSource, blocks: int = 1) -> list[np.ndarray]:
    outs = []
    for u in units:
        y = np.zeros(blocks * BLOCK, np.float32)
        for s in range(0, len(y), BLOCK):
            u.render(y[s:s + BLOCK])
        outs.append(y)
    return outs


def test_a_pack_with_fewer_voices_keeps_the_newest_held_notes(factory) -> None:
    old, new = _units(factory, new_voices=2)
    for n in (48, 52, 55):
        old.handle({"op": "note_on", "note": n, "velocity": 100})
        _render(old, blocks=4)
    old.handle({"op": "note_on", "note": 60, "velocity": 100})
    old.handle({"op": "note_off", "note": 60})             # releasing: goes first
    _render(old, blocks=4)
    new.follow(lambda: old)
    _render(old, new)
    live = new._live()
    assert sorted(new.v.note[live]) == [52, 55] and live.sum() == 2
    assert all(new.v.stage[live] != ATTACK)
    new.handle({"op": "note_on", "note": 62, "velocity": 100})    # a new note steals the oldest, 52
    _render(new, blocks=4)
    assert sorted(new.held_notes()) == [55, 62]


def test_a_message_the_old_unit_took_reaching_the_new_one_late_is_skipped(factory) -> None:
    old, new = _units(factory)
    on = {"op": "note_on", "note": 60, "velocity": 100}
    old.handle(on)
    _render(old, blocks=3)                                 # played by the old unit
    new.handle({"op": "note_on", "note": 60, "velocity": 100})   # the replay: dropped
    new.follow(lambda: old)
    _render(old, new)
    new.handle(on)                                         # the same message, handed on late
    _render(new, blocks=3)
    assert int(new.v.held[np.flatnonzero(new.v.note == 60)[0]]) == 1
    new.handle({"op": "note_off", "note": 60})
    _render(new, blocks=3)
    assert new.held_notes() == []


def test_what_the_old_unit_had_queued_plays_on_the_new_one(factory) -> None:
    old, new = _units(factory)
    old.handle({"op": "note_on", "note": 60, "velocity": 100})
    _render(old, blocks=3)
    y = np.zeros(BLOCK // 4, np.float32)
    old.render(y)                                          # mid-frame
    on = {"op": "note_on", "note": 64, "velocity": 100}
    old.handle(on)                                         # on its way: the old unit has it, queued ...
    new.follow(lambda: old)
    old.render(y)
    new.render(y)                                          # ... the new one takes it over and plays it ...
    new.handle(on)                                         # ... and skips it when it arrives
    _render(new, blocks=3)
    assert new.held_notes() == [60, 64] and int(new.v.held[np.flatnonzero(new.v.note == 64)[0]]) == 1


def test_timed_a_note_placed_on_the_old_unit_starts_on_the_new_one_at_the_same_sample(factory, monkeypatch) -> None:
    """The box's live synth is timed (a note one frame after its sample): a note-on the old unit has placed but not
    started yet at the switch starts on the new one at the very sample it would have on the old one."""
    import time

    from device.audio.block_clock import STAMP_SLACK_S
    now = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    old, new = _units(factory)
    old.timed = new.timed = True
    outs: dict[str, list[np.ndarray]] = {"old": [], "new": []}
    for b in range(12):
        end = 1000.0 + (b + 1) * BLOCK / RATE
        if b == 4:                                         # due at sample 100 of block 4
            now[0] = end - (BLOCK - 100) / RATE - STAMP_SLACK_S
            old.handle({"op": "note_on", "note": 67, "velocity": 100, "at": now[0]})
            new.follow(lambda: old)
        now[0] = end
        for name, unit in (("old", old), ("new", new)):
            if name == "old" or b >= 4:
                y = np.zeros(BLOCK, np.float32)
                unit.render(y)
                outs[name].append(y)
    y_old, y_new = np.concatenate(outs["old"][4:]), np.concatenate(outs["new"])
    rise = [int(np.flatnonzero(np.abs(y) > 0.1 * np.abs(y).max())[0]) for y in (y_old, y_new)]
    # within 5 samples (0.1 ms; the bug was a frame, 240): the new unit's voice starts without the old one's network
    # state (not carried: 1-2 dB in its first frame), which moves the 10 % crossing by a few samples (4 on 0.1.1)
    assert rise[0] >= 100 + old.hop and abs(rise[1] - rise[0]) <= 5, rise
    assert new.held_notes() == [67]
