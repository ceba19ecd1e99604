"""From a review of the real-time audio code (twenty-fifth stop), each case proved on the old code first: a change
during a slot's crossfade stepped the output (and, with bypass toggled back, ran the effect twice a block); ..."""
from __future__ import annotations

from typing import Any

import numpy as np

from device.audio.protect import ProtectConfig
from device.audio.slot import Slot

RATE, BLOCK = 48000, 128
FADE = int(round(0.02 * RATE))
SINE_STEP = 0.5 * 2 * np.pi * 110 / RATE          # the largest step of the test sine itself


class Gain:
    """An effect unit: ``g`` times its input; counts its calls and resets."""

    def __init__(self, g: float) -> None:
        self.g, self.faults, self.calls, self.resets = g, 0, 0, 0

    def process(self, x: np.ndarray) -> np.ndarray:
        self.calls += 1
        return (self.g * x).astype(np.float32)

    def reset(self) -> None:
        self.resets += 1


def _slot(released: list[Any] | None = None) -> Slot:
    def release(unit: Any) -> None:                 # the engine's release is given None for an empty side too
        if unit is not None and released is not None:
            released.append(unit)
    return Slot("effect", True, RATE, FADE, BLOCK, ProtectConfig(), release)


class Player:
    """Runs a slot on a 110 Hz sine at -6 dBFS, block after block, keeping what it played."""

    def __init__(self, slot: Slot) -> None:
        self.slot, self.t, self.out = slot, 0, []

    def blocks(self, n: int) -> None:
        for _ in range(n):
            x = (0.5 * np.sin(2 * np.pi * 110 * (np.arange(BLOCK) + self.t) / RATE)).astype(np.float32)
            y = np.zeros(BLOCK, np.float32)
            self.slot.run(x, y)
            self.out.append(y)
            self.t += BLOCK

    def worst_step(self) -> float:
        return float(np.max(np.abs(np.diff(np.concatenate(self.out)))))


def test_bypass_turned_off_again_during_its_fade_turns_the_fade_round_without_a_step() -> None:
    a = Gain(0.25)
    p = Player(_slot())
    p.slot.switch(a, {"name": "A"})
    p.blocks(10)
    p.slot.set_bypass(True)
    p.blocks(6)                                   # 16 of the fade's 20 ms
    calls = a.calls
    p.slot.set_bypass(False)
    p.blocks(1)
    assert a.calls - calls == 1                   # was 2: the same unit on both sides of the fade
    p.blocks(12)
    assert p.worst_step() <= SINE_STEP * 1.01     # was 0.316 against the sine's 0.0072
    assert not p.slot.bypassed and p.slot.unit is a and not p.slot.target_bypassed
    from device.audio.protect import DcBlocker
    from device.audio.slot import EFFECT_DC_HZ
    played = (0.25 * 0.5 * np.sin(2 * np.pi * 110 * np.arange(p.t) / RATE)).astype(np.float32)
    assert np.allclose(p.out[-1], DcBlocker(RATE, EFFECT_DC_HZ).process(played)[-BLOCK:], atol=1e-5)   # DC taken off


def test_a_pack_arriving_during_a_swap_waits_for_the_fade_and_then_fades_in() -> None:
    a, b, c = Gain(0.25), Gain(1.0), Gain(0.6)
    released: list[Any] = []
    p = Player(_slot(released))
    p.slot.switch(a, {"name": "A"})
    p.blocks(10)
    p.slot.switch(b, {"name": "B"})
    p.blocks(6)
    p.slot.switch(c, {"name": "C"})
    assert p.slot.target_unit is c and p.slot.target_info == {"name": "C"}
    assert p.slot.units() == [a, b, c]            # the waiting unit hears the notes played meanwhile
    p.blocks(20)
    assert p.worst_step() <= SINE_STEP * 1.01     # was 0.316: b's share dropped to nothing in a sample
    assert p.slot.unit is c and p.slot._next is None and released == [a, b]


def test_a_change_back_during_a_swap_fades_back_and_releases_the_newcomer_only() -> None:
    a, b = Gain(0.25), Gain(1.0)
    released: list[Any] = []
    p = Player(_slot(released))
    p.slot.switch(a, {"name": "A"})
    p.blocks(10)
    p.slot.switch(b, {"name": "B"})
    p.blocks(3)
    p.slot.switch(a, {"name": "A"})
    p.blocks(20)
    assert p.worst_step() <= SINE_STEP * 1.01 and p.slot.unit is a and released == [b]


def test_a_waiting_change_replaced_by_another_is_released_and_bypass_waits_too() -> None:
    a, b, c, d = Gain(0.25), Gain(1.0), Gain(0.6), Gain(0.8)
    released: list[Any] = []
    p = Player(_slot(released))
    p.slot.switch(a, {"name": "A"})
    p.blocks(10)
    p.slot.switch(b, {"name": "B"})
    p.blocks(2)
    p.slot.switch(c, {"name": "C"})
    p.slot.switch(d, {"name": "D"})
    assert released == [c]                        # never played: let go at once
    p.slot.set_bypass(True)                       # a footswitch during all this: bypass D once it is in
    assert p.slot.target_unit is d and p.slot.target_bypassed
    p.blocks(40)
    assert p.worst_step() <= SINE_STEP * 1.01
    assert p.slot.unit is d and p.slot.bypassed and released == [c, a, b]
    resets = d.resets
    p.slot.set_bypass(False)                      # back from bypass: from its rest state, as before
    assert d.resets == resets + 1


def test_a_knob_turned_while_a_block_is_smoothed_never_jumps_the_output() -> None:
    """The old set_target wrote into the array run() was reading: a turn landing between its reads skipped the
    glide or snapped the knob to the new target (581 steps of up to the whole range in 510,836 raced blocks).
    Here the turn lands inside run() on purpose, between its reads, through one_pole."""
    from device.audio import smoothing
    sm = smoothing.KnobSmoother(np.array([0.0]), RATE)
    real = smoothing.one_pole

    def turned_meanwhile(targets: np.ndarray, state: np.ndarray, r: float) -> np.ndarray:
        sm.set_target(np.array([1.0]))            # a control thread's turn, right in the middle of the block
        return real(targets, state, r)
    sm.set_target(np.array([0.5]))
    smoothing.one_pole = turned_meanwhile
    try:
        first = sm.run(BLOCK)[:, 0]
    finally:
        smoothing.one_pole = real
    glide = 1.0 - sm.r
    assert np.max(np.abs(np.diff(np.concatenate([[0.0], first])))) <= 0.5 * glide * 1.001   # towards 0.5 only
    assert abs(sm.state[0] - first[-1]) < 1e-6 and first[-1] < 0.5                            # no snap to 1.0
    second = sm.run(BLOCK)[:, 0]
    assert 0.0 < second[0] - first[-1] <= (1.0 - first[-1]) * glide * 1.001                  # the turn: a glide


def test_a_note_on_at_velocity_0_is_a_note_off_for_the_sampler_too(tmp_path: Any) -> None:
    """Before: it started a silent voice, which cut a mapped loop (pedal down) and kept a voice."""
    from device.audio import audiofile
    from device.audio.sampler import SamplerSource
    t = np.arange(RATE) / RATE
    audiofile.write(str(tmp_path / "loop.wav"), (0.5 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), RATE)
    s = SamplerSource(RATE)
    s.handle({"op": "sample", "path": str(tmp_path / "loop.wav"), "velocity": 0, "note": 60, "loop": True})
    out = np.zeros(BLOCK, np.float32)
    s.handle({"op": "note_on", "note": 60, "velocity": 127})
    s.handle({"op": "sustain", "on": True})
    for _ in range(5):
        s.render(out)
    playing = float(np.max(np.abs(out)))
    s.handle({"op": "note_on", "note": 60, "velocity": 0})
    for _ in range(10):
        s.render(out)
    assert playing > 0.3 and float(np.max(np.abs(out))) > 0.9 * playing and s.active_voices == 1   # held by the pedal
    s.handle({"op": "sustain", "on": False})                  # the pedal up: the note-off takes effect
    for _ in range(40):
        s.render(out)
    assert s.active_voices == 0 and float(np.max(np.abs(out))) == 0.0


def _volume_change(block: int, db: float = -40.0) -> np.ndarray:
    """The gain the engine's volume applies to each sample [N] of 0.125 s, its volume set to ``db`` after 0.05 s
    (the engine's own volume step, on a bus of ones: the output stage after it would blur the figures)."""
    from device.audio.engine import Engine, EngineConfig
    eng = Engine(EngineConfig(rate=RATE, block=block))
    n = RATE // 8
    gains = np.ones(n, np.float32)
    for s in range(0, n, block):
        if s == (RATE // 20) // block * block:
            eng.handle({"op": "volume", "db": db})
        eng._apply_volume(gains[s:s + block])
    return gains


def test_a_volume_change_glides_over_ten_ms_whatever_the_block_size() -> None:
    """Before: the ramp lasted one block: 0.02 ms at a block of 1, 0.33 ms at 16 (gain steps of 0.98, 0.12)."""
    from device.audio.engine import VOLUME_GLIDE_S
    for block in (1, 16, 128, 1024):
        gain = _volume_change(block)
        moving = np.flatnonzero((gain < 0.999) & (gain > 0.0101))
        assert abs(moving.size - VOLUME_GLIDE_S * RATE) < 0.1 * VOLUME_GLIDE_S * RATE, (block, moving.size)
        assert np.max(np.abs(np.diff(gain))) < 1.01 / (VOLUME_GLIDE_S * RATE), block   # one straight line down
        assert abs(gain[-1] - 0.01) < 1e-3


def test_the_gain_glide_reads_its_target_once_a_block_and_turns_from_where_it_is() -> None:
    from device.audio.smoothing import GainGlide
    g = GainGlide(RATE, 0.01, 1.0)
    bus = np.ones(BLOCK, np.float32)
    g.target = 0.0
    g.apply(bus)
    half = float(bus[-1])
    assert abs(half - (1 - BLOCK / 480)) < 1e-5
    g.target = 1.0                                     # back up, from where it got to: no step
    bus = np.ones(BLOCK, np.float32)
    g.apply(bus)
    assert 0 < bus[0] - half < 1.1 / 480 and g.now > half
    for _ in range(10):
        bus = np.ones(BLOCK, np.float32)
        g.apply(bus)
    assert g.now == 1.0 and np.all(bus == 1.0)


def test_the_box_output_rises_from_silence_and_glides_to_it_when_stopped() -> None:
    """Before: a live input at start and at stop went to the output (and the card) at full level at once:
    the first sample +0.42, the last ones -0.47 (a click at both ends on the speakers)."""
    import threading

    from device.audio.alsa_io import AudioConfig, FileIO, run_loop
    from device.audio.engine import Engine, EngineConfig

    class Recorder(FileIO):
        def __init__(self) -> None:
            super().__init__(AudioConfig(rate=RATE, period=BLOCK, periods=3))
            self.t, self.got = 0, []

        def read(self, buf: np.ndarray) -> bool:          # a live input: a 440 Hz tone, endless
            buf[:] = 0.5 * np.sin(2 * np.pi * 440 * (np.arange(buf.shape[0]) + self.t) / RATE + 1.0)
            self.t += buf.shape[0]
            return True

        def write(self, buf: np.ndarray) -> bool:
            self.got.append(buf.copy())
            return True

    eng = Engine(EngineConfig(rate=RATE, block=BLOCK, live_input=True))
    io, stop = Recorder(), threading.Event()
    res = run_loop(eng, io, stop=stop, on_block=lambda k: k >= 100 and stop.set())
    y = np.concatenate(io.got)
    assert abs(y[0]) < 0.01 and np.max(np.abs(y[:48])) < 0.1 and np.max(np.abs(y[2000:6000])) > 0.3
    assert res["fade_blocks"] == 5 and np.max(np.abs(y[-BLOCK:])) < 1e-3     # ends on a silent block (-60 dBFS)
    assert np.max(np.abs(np.diff(y))) < 0.05                                  # never a step on the way


def test_a_take_on_a_read_only_disk_is_a_clear_error_not_a_bug(tmp_path: Any, monkeypatch: Any) -> None:
    """Before: recording over an older take on a read-only disk failed to open its .part file, then removing that
    never-made file raised EROFS too: the engine stopped "on a bug in hatbox" with a traceback file."""
    import builtins
    import errno
    import os

    import pytest

    from device.audio import audiofile
    from hatbox.errors import HatboxError
    (tmp_path / "sim-out.wav").write_bytes(b"an older take")
    real_open, real_unlink = builtins.open, os.unlink

    def read_only(*args: Any, **kw: Any) -> Any:
        if str(args[0]).startswith(str(tmp_path)) and len(args) > 1 and "w" in args[1]:
            raise OSError(errno.EROFS, "Read-only file system", str(args[0]))
        return real_open(*args, **kw)

    def no_unlink(path: Any, *a: Any, **kw: Any) -> None:
        if str(path).startswith(str(tmp_path)):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        real_unlink(path, *a, **kw)
    monkeypatch.setattr(builtins, "open", read_only)
    monkeypatch.setattr(os, "unlink", no_unlink)
    with pytest.raises(audiofile.AudioFileError) as err:
        audiofile.WavRecorder(tmp_path / "sim-out.wav", RATE, role="the output")
    assert isinstance(err.value, HatboxError)
    said = str(err.value)
    assert "cannot write the output" in said and "Read-only file system" in said
    assert "that folder cannot be written (read-only, or not yours): give a file in another folder" in said


class Watched(Slot):
    """A slot that, at every attribute it sets during a crossfade's end or turn, notes what a control thread
    reading right then would find: :meth:`units` and :attr:`target_unit`."""

    def __init__(self, *a: Any, **kw: Any) -> None:
        self.seen: list[tuple[list[Any], Any]] = []
        self.watch = False
        super().__init__(*a, **kw)

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name in ("unit", "info", "bypassed", "_next", "_queued", "_pos") and getattr(self, "watch", False):
            self.seen.append((self.units(), self.target_unit))


def test_a_control_thread_never_finds_a_waiting_or_returning_unit_missing() -> None:
    """Review (p25): the fade's end cleared the waiting change before starting it, and turning a fade round set the
    current side before the target: a note-off read in between missed the waiting synth (a hung note), a knob
    turn landed on the pack fading out."""
    a, b, c = Gain(0.25), Gain(1.0), Gain(0.6)
    s = Watched("effect", True, RATE, FADE, BLOCK, ProtectConfig(), lambda _u: None)
    p = Player(s)
    s.switch(a, {"name": "A"})
    p.blocks(10)
    s.switch(b, {"name": "B"})
    p.blocks(3)
    s.switch(c, {"name": "C"})                       # waits for the A -> B fade
    s.watch = True
    p.blocks(10)
    assert s.seen and all(c in units and target is c for units, target in s.seen), s.seen
    s.watch = False
    p.blocks(20)
    s.switch(a, {"name": "A"})                       # C -> A, then straight back to C: the fade turns round
    p.blocks(2)
    s.seen.clear()
    s.watch = True
    s.switch(c, {"name": "C"})
    assert s.seen and all(a in units and c in units for units, _t in s.seen) and s.seen[-1][1] is c, s.seen


def test_a_volume_message_during_the_stop_fade_does_not_undo_it() -> None:
    from device.audio.engine import Engine, EngineConfig
    eng = Engine(EngineConfig(rate=RATE, block=BLOCK))
    blocks = eng.fade_out(BLOCK)
    eng.handle({"op": "volume", "db": 0.0})
    bus = np.ones(BLOCK, np.float32)
    for _ in range(blocks):
        bus = np.ones(BLOCK, np.float32)
        eng._apply_volume(bus)
    assert np.all(bus == 0.0)
