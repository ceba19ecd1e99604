"""Notes where in the block they came (thirty-seventh stop): a timed sampler (the box's live engine) starts a note
``(at - (now - N / rate)) * rate`` samples into the block rendered at ``now``, so a flam shorter than a block is two
hits, not one at twice the level, and a roll keeps its spacing; an untimed one (offline renders) starts every note
at the block's start, as before."""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.audio import sampler as sampler_mod
from device.audio.alsa_io import AudioConfig
from device.audio.sampler import STAMP_SLACK_S, SamplerSource
from device.audio.server import EngineProcess, ServerConfig
from device.control import ControlError, validate
from tests.tagger.conftest import SAMPLER_BLOCK, SAMPLER_RATE, write_wav

RATE, BLOCK = SAMPLER_RATE, SAMPLER_BLOCK
NOW = 1000.0                       # the fake clock's reading while a block renders (s)


class Clock:
    """A stand-in for time.monotonic() that moves only when told."""

    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def burst(seconds: float = 0.05, level: float = 0.5) -> np.ndarray:
    """A click with a hard start: ``level`` from its first sample, decaying [n] float32."""
    n = int(seconds * RATE)
    return (level * np.exp(-np.arange(n) / (0.01 * RATE))).astype(np.float32)


def onsets(x: np.ndarray, floor: float = 1e-3) -> list[int]:
    """Sample indices where ``x`` rises from silence (a step of more than ``floor`` after a quiet sample)."""
    d = np.abs(np.diff(np.concatenate([[0.0], x])))
    return [int(i) for i in np.flatnonzero(d > floor) if i == 0 or abs(x[i - 1]) <= floor or d[i] > 0.2]


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock(NOW)
    monkeypatch.setattr(sampler_mod.time, "monotonic", c)
    return c


def timed_sampler(tmp_path: Path, notes: dict[int, np.ndarray]) -> SamplerSource:
    src = SamplerSource(RATE)
    for note, audio in notes.items():
        src.handle({"op": "sample", "path": str(write_wav(tmp_path / f"n{note}.wav", audio)), "velocity": 0,
                    "note": note})
    src.timed = True
    return src


def block(src: SamplerSource) -> np.ndarray:
    out = np.zeros(BLOCK, np.float32)
    src.render(out)
    return out


def ago(samples: float) -> float:
    """The clock time ``samples`` before the fake block's render."""
    return NOW - samples / RATE


def stamped(src: SamplerSource, clock: Clock, msg: dict, due: float, late: float | None = None) -> None:
    """Hand ``msg`` to ``src`` stamped so that it is due at ``due`` (its stamp :data:`STAMP_SLACK_S` before), coming
    ``late`` s after its stamp (None: at once); the fake clock is put back as it was."""
    at, was = due - STAMP_SLACK_S, clock.t
    clock.t = at if late is None else at + late
    src.handle({**msg, "at": at})
    clock.t = was


def on(note: int) -> dict:
    return {"op": "note_on", "note": note, "velocity": 127}


def test_a_note_starts_where_in_the_block_it_came(tmp_path: Path, clock: Clock) -> None:
    src = timed_sampler(tmp_path, {36: burst()})
    stamped(src, clock, on(36), ago(BLOCK - 40))
    out = block(src)
    assert np.all(out[:40] == 0.0) and out[40] > 0.4              # 40 samples in, not at the block's start


def test_a_flam_shorter_than_a_block_is_two_hits_at_its_spacing(tmp_path: Path, clock: Clock) -> None:
    """1.5 ms (72 samples) apart: the old sampler started both at the block's start, one hit at twice the level."""
    src = timed_sampler(tmp_path, {38: burst(level=0.3)})
    stamped(src, clock, on(38), ago(BLOCK - 10))
    stamped(src, clock, on(38), ago(BLOCK - 82))
    out = block(src)
    assert onsets(out) == [10, 82]
    assert out[10] == pytest.approx(0.3, abs=0.01) and out[81] < 0.3   # the first alone until the second comes


def test_the_untimed_sampler_starts_every_note_at_the_block_start(tmp_path: Path, clock: Clock) -> None:
    src = timed_sampler(tmp_path, {38: burst(level=0.3)})
    src.timed = False
    stamped(src, clock, on(38), ago(BLOCK - 10))
    stamped(src, clock, on(38), ago(BLOCK - 82))
    out = block(src)
    assert onsets(out) == [0] and out[0] == pytest.approx(0.6, abs=0.02)


def test_a_note_held_up_past_its_slack_plays_as_it_came_and_keeps_its_spacing(tmp_path: Path, clock: Clock) -> None:
    """Two notes 1.5 ms apart, each 4 ms on its way (a busy box; more than the slack): each is due as it came, so
    the pair keeps its spacing (QA: by the stamp alone both were older than the block and started it together)."""
    src = timed_sampler(tmp_path, {38: burst(level=0.3)})
    stamped(src, clock, on(38), ago(BLOCK - 10) - 0.004 + STAMP_SLACK_S, late=0.004)
    stamped(src, clock, on(38), ago(BLOCK - 82) - 0.004 + STAMP_SLACK_S, late=0.004)
    assert onsets(block(src)) == [10, 82]


def test_a_note_due_after_the_render_waits_for_the_next_block(tmp_path: Path, clock: Clock) -> None:
    """A note stamped just before the render is due a slack later: the next block plays it, and nothing queued behind
    it is lost."""
    src = timed_sampler(tmp_path, {36: burst(), 38: burst(level=0.2)})
    stamped(src, clock, on(36), NOW + 0.0005)
    clock.t = NOW - 0.0001
    src.handle(on(38))                                              # unstamped, behind it in the queue
    clock.t = NOW
    assert not block(src).any() and len(src.events) == 2
    clock.t = NOW + BLOCK / RATE                                    # the next block
    out = block(src)
    assert len(src.events) == 0 and src.active_voices == 2 and onsets(out) == [24]


def test_a_stamp_from_the_future_is_due_a_slack_after_it_came(tmp_path: Path, clock: Clock) -> None:
    """``at`` is the sender's word: one later than the sampler's clock (a bad client) counts as 'now', so it neither
    waits long nor holds up the notes behind it."""
    src = timed_sampler(tmp_path, {36: burst()})
    clock.t = ago(BLOCK)
    src.handle({**on(36), "at": NOW + 3600.0})
    clock.t = NOW
    out = block(src)
    assert src.active_voices == 1 and onsets(out) == [int(STAMP_SLACK_S * RATE)]


def test_a_note_without_a_stamp_is_due_as_it_comes(tmp_path: Path, clock: Clock) -> None:
    src = timed_sampler(tmp_path, {36: burst()})
    clock.t = ago(BLOCK - 64)
    src.handle(on(36))                                              # the panel's pad: no "at"
    clock.t = NOW
    assert onsets(block(src)) == [64]


def test_a_closed_hat_chokes_the_open_one_where_it_comes(tmp_path: Path, clock: Clock) -> None:
    """The choke acts at the closed hat's sample: the open hat sounds untouched until then (it faded from the
    block's start before)."""
    src = timed_sampler(tmp_path, {46: np.full(RATE // 2, 0.25, np.float32), 42: burst(level=0.1)})
    clock.t = ago(BLOCK)                                           # the block before
    stamped(src, clock, on(46), ago(2 * BLOCK))
    block(src)
    clock.t = NOW
    stamped(src, clock, on(42), ago(BLOCK - 96))
    out = block(src)
    assert np.allclose(out[:96], 0.25, atol=1e-4)                  # the open hat, whole, until the closed one
    assert out[96] == pytest.approx(0.25 + 0.1, abs=0.01)          # its fade begins with the closed hat
    open_hat = out[96:] - burst(level=0.1)[:BLOCK - 96]            # what is left of the open hat: fading
    assert np.all(np.diff(open_hat) < 0) and open_hat[-1] < 0.22


def test_a_loop_released_in_the_block_fades_from_its_note_off(tmp_path: Path, clock: Clock) -> None:
    loop = write_wav(tmp_path / "pad.wav", np.full(RATE, 0.2, np.float32))
    src = SamplerSource(RATE)
    src.handle({"op": "sample", "path": str(loop), "velocity": 0, "note": 60, "loop": True})
    src.timed = True
    stamped(src, clock, on(60), ago(BLOCK))
    stamped(src, clock, {"op": "note_off", "note": 60}, ago(BLOCK - 50))
    out = block(src)
    level = np.abs(out)
    assert np.all(level[1:50] > 0.19) and level[-1] < level[50]     # full until the note-off, fading after


def test_a_voice_struck_and_cut_in_one_block_sounds_between(tmp_path: Path, clock: Clock) -> None:
    """A hi-hat opened at sample 20 and closed at 60 of one block: the open one is heard for 40 samples, then fades
    (only a voice cut at the very sample it starts goes at once, unheard)."""
    src = timed_sampler(tmp_path, {46: np.full(RATE // 2, 0.25, np.float32), 42: np.zeros(RATE // 10, np.float32)})
    stamped(src, clock, on(46), ago(BLOCK - 20))
    stamped(src, clock, on(42), ago(BLOCK - 60))
    out = block(src)
    assert not out[:20].any() and np.allclose(out[20:60], 0.25, atol=1e-4) and 0.0 < out[-1] < out[60] <= 0.25


def test_many_events_in_a_block_cost_about_what_one_does(tmp_path: Path, clock: Clock) -> None:
    """Events that touch no voice (16 pedal messages over 32 one-shots) do not make the block mix its voices again
    (QA: a block split at each event mixed every voice again for each part: 16 events took 14 times as long)."""
    src = timed_sampler(tmp_path, {n: burst(seconds=1.0, level=0.01) for n in range(60, 92)})   # no hi-hat
    for n in range(60, 92):
        stamped(src, clock, on(n), ago(2 * BLOCK))
    clock.t = ago(BLOCK)
    block(src)
    mixes = []
    real = src._mix
    src._mix = lambda *a, **k: mixes.append(1) or real(*a, **k)
    for k in range(16):
        stamped(src, clock, {"op": "sustain", "on": k % 2 == 0}, ago(BLOCK - 4 - 8 * k))
    clock.t = NOW
    block(src)
    assert src.active_voices == 32 and len(mixes) == 32


def test_at_is_checked_as_any_number_field() -> None:
    assert validate({"op": "note_on", "note": 1, "velocity": 1, "at": 12.5})["at"] == 12.5
    for bad in (float("nan"), "soon", None):
        with pytest.raises(ControlError, match="at"):
            validate({"op": "note_on", "note": 1, "velocity": 1, "at": bad})


def _flam_take(tmp_path: Path, timed: bool, flams: int = 6) -> list[int]:
    """Flams (two hits stamped 1.5 ms apart, each sent once its time has passed) sent every 0.15 s to a paced engine
    process; the onsets in its output file."""
    click = write_wav(tmp_path / "click.wav", burst(level=0.3))
    out = tmp_path / f"out_{timed}.wav"
    cfg = ServerConfig(audio=AudioConfig(rate=RATE, period=BLOCK), backend="file", pace=True, realtime=False,
                       output_wav=str(out), timed_notes=timed)
    engine = EngineProcess(cfg).start()
    try:
        engine.send({"op": "sample", "path": str(click), "velocity": 0, "note": 38})
        for _ in range(flams):
            time.sleep(0.15)
            t = time.monotonic()
            engine.send({"op": "note_on", "note": 38, "velocity": 127, "at": t})
            while time.monotonic() < t + 0.0015:
                pass
            engine.send({"op": "note_on", "note": 38, "velocity": 127, "at": t + 0.0015})
        time.sleep(0.1)
    finally:
        engine.stop()
    audio, _ = sf.read(out, dtype="float32")
    return onsets(audio.reshape(-1), floor=0.02)


def test_the_box_engine_plays_a_flam_at_its_spacing(tmp_path: Path) -> None:
    """End to end: the engine process on a paced run is timed (ServerConfig.timed_notes): the flams' two hits come
    out 72 samples apart (most of the six: a flam whose messages were held up past their block's time, on a busy
    machine, starts that block); untimed, every hit starts a block, so no two are 72 samples apart.  Up to three
    timed takes (p50: on the two-worker clean-clone run a take got 1 of 6 twice, the other worker busy; untimed takes
    never get one, so a timing that is gone still fails all three)."""
    for take in range(3):
        (tmp_path / f"take{take}").mkdir()
        hits = _flam_take(tmp_path / f"take{take}", timed=True)
        gaps = [b - a for a, b in zip(hits, hits[1:])]
        if sum(abs(g - 72) <= 2 for g in gaps) >= 2:
            break
    assert sum(abs(g - 72) <= 2 for g in gaps) >= 2, gaps
    assert all(h % BLOCK == 0 for h in _flam_take(tmp_path, timed=False))



def test_the_block_clock_smooths_wake_up_jitter_and_restarts_after_a_gap() -> None:
    from device.audio.block_clock import BlockClock
    rng = np.random.default_rng(0)
    step = BLOCK / RATE
    clock, times = BlockClock(RATE), []
    for k in range(2000):                                          # wakes 0-0.3 ms late, at random
        times.append(clock.tick(100.0 + k * step + rng.uniform(0.0, 0.0003), BLOCK))
    spacing_err = np.abs(np.diff(times[500:]) - step)
    assert spacing_err.max() < 0.00003                             # 1.4 samples; the readings' own: up to 14
    assert clock.tick(100.0 + 2000 * step + 0.5, BLOCK) == 100.0 + 2000 * step + 0.5   # half a second off: restart
    clock.reset()
    assert clock.tick(7.0, BLOCK) == 7.0


# ----------------------------------------------------------------------- re-QA: voices an event decides on, settled
def test_a_voice_retired_for_a_slot_is_heard_up_to_the_event(tmp_path: Path, clock: Clock) -> None:
    """One voice allowed, a held loop at 0.25 from the block before, one-shots at samples 40 and 80: the loop plays on
    to 40, fades from there, and the first one-shot, cut for the second's slot, is heard up to 80 (both went silent
    from the block's start: the rework had mixed nothing of them when the slot was taken)."""
    pad = write_wav(tmp_path / "pad.wav", np.full(RATE, 0.25, np.float32))
    src = SamplerSource(RATE, max_voices=1)
    src.handle({"op": "sample", "path": str(pad), "velocity": 0, "note": 61, "loop": True})
    for note in (62, 63):
        src.handle({"op": "sample", "path": str(write_wav(tmp_path / f"h{note}.wav", burst(level=0.3))),
                    "velocity": 0, "note": note})
    src.timed = True
    clock.t = ago(BLOCK)
    stamped(src, clock, on(61), ago(2 * BLOCK))
    block(src)
    clock.t = NOW
    stamped(src, clock, on(62), ago(BLOCK - 40))
    stamped(src, clock, on(63), ago(BLOCK - 80))
    out = block(src)
    assert out[0] == pytest.approx(0.25, abs=1e-4) and out[39] == pytest.approx(0.25, abs=1e-4)
    assert out[40] > 0.4 and out[79] > 0.05                        # the loop fading under the first one-shot


def test_a_voice_that_ended_before_the_event_frees_its_slot(tmp_path: Path, clock: Clock) -> None:
    """Two voices allowed: a long one sounding and a short hat that ends 10 samples into the block; a note at 100
    takes the hat's slot, it does not steal the long one (the hat counted live until the block was mixed)."""
    long = write_wav(tmp_path / "long.wav", np.full(2 * RATE, 0.1, np.float32))
    hat = write_wav(tmp_path / "hat.wav", np.full(BLOCK + 10, 0.05, np.float32))
    src = SamplerSource(RATE, max_voices=2)
    for note, path in ((60, long), (42, hat), (36, long)):
        src.handle({"op": "sample", "path": str(path), "velocity": 0, "note": note})
    src.timed = True
    clock.t = ago(BLOCK)
    stamped(src, clock, on(60), ago(2 * BLOCK))
    stamped(src, clock, on(42), ago(2 * BLOCK))
    block(src)
    clock.t = NOW
    stamped(src, clock, on(36), ago(BLOCK - 100))
    out = block(src)
    assert out[-1] == pytest.approx(0.2, abs=1e-3)                # the long voice whole, the new one beside it
    assert all(src.fade[v] < 0 for v in range(len(src.buf)) if src.buf[v] is not None)


def test_a_running_release_a_cut_hurries_stays_slow_until_the_cut(tmp_path: Path, clock: Clock) -> None:
    """A loop released at sample 20 and choked at 120 of one block: its 10 ms release runs to 120 (the cut made it
    quick from the release's start)."""
    pad = write_wav(tmp_path / "pad.wav", np.full(RATE, 0.25, np.float32))
    src = SamplerSource(RATE)
    src.handle({"op": "sample", "path": str(pad), "velocity": 0, "note": 61, "loop": True})
    src.timed = True
    clock.t = ago(BLOCK)
    stamped(src, clock, on(61), ago(2 * BLOCK))
    block(src)
    clock.t = NOW
    stamped(src, clock, {"op": "note_off", "note": 61}, ago(BLOCK - 20))
    stamped(src, clock, {"op": "choke", "note": 61}, ago(BLOCK - 120))
    out = block(src)
    release = 0.25 * (1 - np.arange(100) / (0.01 * RATE))        # the 10 ms ramp from 20 on
    assert np.allclose(out[20:120], release, atol=2e-3)
    assert out[-1] < out[119]


def test_a_number_past_what_a_float_holds_is_a_control_error() -> None:
    """QA: an int of 400 digits in ``at`` (or any number field) raised OverflowError out of validate, not the
    ControlError its callers turn into a clear refusal."""
    for key in ("at", "note"):
        with pytest.raises(ControlError, match=f"{key} must be finite, not 10000000000000000000\\.\\.\\."):
            validate({"op": "note_on", "note": 1, "velocity": 1, key: 10 ** 400})
    with pytest.raises(ControlError, match="must be finite, not nan$"):
        validate({"op": "note_on", "note": float("nan"), "velocity": 1})
