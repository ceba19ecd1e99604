"""Thirty-eighth stop: synth notes where in the block they came.  A timed synth (the box's live engine) starts a
note from silence exactly one frame after its sample of the block it came in (its ``onset`` in that frame: silent
up to it, then fading in); before, every note waited for the next frame boundary, 0-5 ms as the frames fell.
Offline renders (hatbox play, tests) stay untimed and sound as before."""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

from device.audio import harmonic as dsp
from device.audio.sampler import STAMP_SLACK_S
from device.audio.synth import SynthSource

RATE, BLOCK = 48000, 128
START = 1000.0                    # the fake clock at the stream's start (s)


class Clock:
    """A stand-in for time.monotonic() that moves only when told."""

    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    c = Clock(START)
    monkeypatch.setattr(time, "monotonic", c)          # every reading of the clock (the synth's, its block clock's)
    return c


def play(pack, clock: Clock, notes: dict[int, int], timed: bool = True, blocks: int = 60) -> tuple[np.ndarray, int]:
    """A fresh synth rendering ``blocks`` blocks; ``notes``: block -> the sample of it a MIDI note-on (note 60) is
    due at, stamped as the box's MIDI reader stamps it.  Returns the output and the synth's frame (samples)."""
    src = SynthSource(pack, RATE)
    src.timed = timed
    out = []
    for b in range(blocks):
        end = START + (b + 1) * BLOCK / RATE            # the block stands for the time before its render's reading
        if b in notes:
            due = end - (BLOCK - notes[b]) / RATE
            clock.t = due - STAMP_SLACK_S              # the stamp, handed on at once
            src.handle({"op": "note_on", "note": 60, "velocity": 110, "at": clock.t})
        clock.t = end
        x = np.zeros(BLOCK, np.float32)
        src.render(x)
        out.append(x)
    return np.concatenate(out), src.hop


def perform(pack, clock: Clock, events: list[tuple[int, dict]], blocks: int,
            timed: bool = True) -> tuple[np.ndarray, int]:
    """A fresh synth rendering ``blocks`` blocks; ``events``: (the sample each message is due at, message), stamped
    as the box's MIDI reader stamps them.  Returns the output and the synth's frame (samples)."""
    src = SynthSource(pack, RATE)
    src.timed = timed
    out = []
    for b in range(blocks):
        for at, msg in events:
            if b * BLOCK <= at < (b + 1) * BLOCK:
                clock.t = START + at / RATE - STAMP_SLACK_S
                src.handle({**msg, "at": clock.t})
        clock.t = START + (b + 1) * BLOCK / RATE
        x = np.zeros(BLOCK, np.float32)
        src.render(x)
        out.append(x)
    return np.concatenate(out), src.hop


def rise(x: np.ndarray, part: float = 0.1) -> int:
    """The first sample at ``part`` of ``x``'s peak."""
    return int(np.flatnonzero(np.abs(x) > part * np.abs(x).max())[0])


def test_a_timed_note_keeps_its_place_to_the_sample_wherever_the_frames_fall(synth_pack, clock):
    lags: dict[float, list[int]] = {0.1: [], 0.3: [], 0.5: []}
    lags_untimed = []
    for a in range(0, 2 * 240, 23):                    # due at samples spread over two frames
        b, k = divmod(3 * BLOCK + a, BLOCK)
        x, hop = play(synth_pack, clock, {b: k})
        for part, got in lags.items():
            got.append(rise(x, part) - (3 * BLOCK + a))
        x, _ = play(synth_pack, clock, {b: k}, timed=False)
        lags_untimed.append(rise(x) - (3 * BLOCK + a))
    assert hop == 240
    for part, got in lags.items():                     # one frame, then the same attack wherever it began
        assert max(got) - min(got) <= 4, (part, got)
    assert min(lags[0.1]) >= hop                        # never before its frame of latency
    assert max(lags_untimed) - min(lags_untimed) > hop // 2, lags_untimed   # the frame boundary's lottery before


def test_a_timed_note_is_silent_before_its_frame_of_latency_but_for_a_faint_noise_lead(synth_pack, clock):
    for k in (5, 60, 127):
        x, hop = play(synth_pack, clock, {3: k})
        onset = 3 * BLOCK + k + hop
        peak = np.abs(x).max()
        assert np.abs(x[:3 * BLOCK + k]).max() == 0.0                 # nothing before the note was played
        assert np.abs(x[:onset]).max() < peak / 100                  # the first frame's noise, 40 dB down at most


def test_untimed_renders_sound_as_before_and_ignore_stamps(synth_pack, clock):
    a, _ = play(synth_pack, clock, {3: 5}, timed=False)
    b, _ = play(synth_pack, clock, {3: 120}, timed=False)
    np.testing.assert_array_equal(a, b)                # the stamp means nothing offline: the next frame boundary


def test_a_voice_with_an_onset_fades_in_over_the_rest_of_its_frame():
    """The wavetable kernel: a voice beginning at sample ``o`` of the frame is silent before it and, from it, plays
    the crossfade a frame of ``hop - o`` samples would (its phase from 0)."""
    hop, o = 240, 70
    tab = dsp.wavetables(np.array([[0.5, 0.2, 0.1]], np.float32))
    zero = np.zeros_like(tab)
    rows = np.zeros(1, np.int64)
    f0 = np.array([220.0])
    short, shifted = np.zeros(hop - o, np.float32), np.zeros(hop, np.float32)
    dsp.wavetable_voices(short, zero, tab, rows, np.zeros(1), f0, f0, 0, hop - o, RATE)
    phase = np.zeros(1)                               # carried from block to block, as the synth's voices' is
    for start in range(0, hop, 64):                   # in blocks, as the synth renders it
        dsp.wavetable_voices(shifted[start:start + 64], zero, tab, rows, phase, f0, f0, start, hop, RATE,
                             np.array([o], np.int64))
    assert np.all(shifted[:o] == 0.0)
    np.testing.assert_allclose(shifted[o:], short, atol=1e-6)


def test_the_engine_gives_its_timing_to_the_synth_it_installs_and_to_one_in_already():
    from device.audio.engine import Engine, EngineConfig

    class Unit:
        timed = False

        def render(self, out):
            out.fill(0.0)

    engine = Engine(EngineConfig(rate=RATE, block=BLOCK))
    early, late = Unit(), Unit()
    engine.install("synth", early, {"name": "early"})         # a start-up pack, before the clock is known
    engine.set_timed_notes(True)
    assert early.timed
    engine.install("synth", late, {"name": "late"})
    assert late.timed


def test_a_note_struck_again_in_its_release_keeps_its_place_in_the_chord(synth_pack, clock):
    """QA: a note whose voice was still releasing was struck again in place at the frame boundary, up to a frame
    before the new notes struck with it (a repeated chord's common notes came 0-5 ms early).  Now it starts a new
    voice at the chord's onset, carrying the releasing one on, which fades out from there."""
    from device.audio.synth_voices import FADE
    src = SynthSource(synth_pack, RATE)
    src.timed = True
    began: dict[int, int] = {}
    faded = False
    for b in range(40):
        end = START + (b + 1) * BLOCK / RATE
        clock.t = end - 0.5 * BLOCK / RATE - STAMP_SLACK_S
        if b == 2:                                     # C held, released 20 blocks on; then C and E together
            src.handle({"op": "note_on", "note": 60, "velocity": 110, "at": clock.t})
        if b == 22:
            src.handle({"op": "note_off", "note": 60, "at": clock.t})
        if b == 30:
            for note in (60, 64):
                src.handle({"op": "note_on", "note": note, "velocity": 110, "at": clock.t})
        clock.t = end
        src.render(np.zeros(BLOCK, np.float32))
        v = src.v
        began.update({int(v.note[i]): int(v.onset[i]) for i in np.flatnonzero(v.onset > 0)})
        faded |= bool(np.any((v.stage == FADE) & (v.note == 60)))
    assert set(began) == {60, 64} and began[60] == began[64] > 0, began   # one onset for the chord
    assert faded                                       # the releasing C went out under the new one
    assert src.held_notes() == [60, 64]


def test_turning_the_timing_off_plays_what_was_placed(synth_pack, clock):
    """QA: messages placed while timed were never applied once the timing was turned off (a note-off: a stuck note)."""
    src = SynthSource(synth_pack, RATE)
    src.timed = True
    x = np.zeros(BLOCK, np.float32)
    src.handle({"op": "note_on", "note": 60, "velocity": 110})
    for _ in range(10):
        clock.t += BLOCK / RATE
        src.render(x)
    src.handle({"op": "note_off", "note": 60})
    clock.t += BLOCK / RATE
    src.render(x)                                     # placed; its frame boundary not reached yet or just
    src.timed = False
    for _ in range(200):
        src.render(x)
    assert src.held_notes() == [] and src.active_voices == 0


def _level_dip(x: np.ndarray, strike: int, hop: int) -> float:
    """The lowest 0.5 ms RMS around a re-strike at sample ``strike`` (from 10 ms before to 30 ms after), in dB under
    the RMS 100-200 ms after it."""
    w = 24
    rms = np.sqrt(np.mean(x[:len(x) // w * w].reshape(-1, w) ** 2, axis=1))
    ref = rms[(strike + 4800) // w:(strike + 9600) // w].mean()
    return float(20 * np.log10(rms[(strike - 480) // w:(strike + hop + 1440) // w].min() / ref))


@pytest.mark.parametrize("onset", [0, 120, 239])
def test_a_note_struck_again_under_the_pedal_leaves_no_hole(synth_pack, clock, onset):
    """The re-check of the QA mend: the releasing or pedal-held voice faded out from the frame boundary while its new
    voice began at the onset, a hole up to 28 dB deep and 5 ms long; carried on, it dips no more than offline."""
    dips = []
    strike = 100 * BLOCK + onset
    for timed in (True, False):
        x, hop = perform(synth_pack, clock, [(0, {"op": "sustain", "on": True}),
                                             (2400, {"op": "note_on", "note": 60, "velocity": 110}),
                                             (4800, {"op": "note_off", "note": 60}),
                                             (strike, {"op": "note_on", "note": 60, "velocity": 110})], 200, timed)
        dips.append(_level_dip(x, strike, hop))
    assert dips[0] > dips[1] - 2.0, dips                 # timed, untimed


@pytest.mark.parametrize("length", [10, 240])
def test_a_note_as_short_as_a_frame_is_as_loud_wherever_it_begins(synth_pack, clock, length):
    """The re-check: a timed note kept its first envelope step's part (as short as the frame left to it) and played
    up to 22 dB quieter as its onset fell late in the frame: released in its first frame (10 samples: it now takes
    the whole step, as offline), or at the next boundary (240 samples: its attack now goes on up to its release's
    sample, one frame after its note-off's)."""
    peaks = []
    for a in (0, 100, 200):
        x, _ = perform(synth_pack, clock, [(3 * BLOCK + a, {"op": "note_on", "note": 60, "velocity": 120}),
                                           (3 * BLOCK + a + length, {"op": "note_off", "note": 60})], 40)
        peaks.append(float(np.abs(x).max()))
    assert max(peaks) / min(peaks) < 10 ** (2 / 20), peaks


def test_a_timed_note_off_releases_one_frame_after_its_sample_to_the_sample(synth_pack, clock):
    """A note-off acted at the frame boundary after its sample, so a note's length moved with where the frames fell
    (0-5 ms); timed, its release begins one frame after its sample, as its note-on did: two notes released 60 samples
    apart in one frame sound alike up to the first one's release and part there."""
    outs = []
    for off_at in (20 * BLOCK + 30, 20 * BLOCK + 90):
        x, hop = perform(synth_pack, clock, [(2 * BLOCK + 10, {"op": "note_on", "note": 60, "velocity": 110}),
                                             (off_at, {"op": "note_off", "note": 60})], 40)
        outs.append(x)
    first = 20 * BLOCK + 30 + hop                      # the first note's release begins here
    diff, peak = np.abs(outs[0] - outs[1]), np.abs(outs[0]).max()
    # alike up to it but for its frame's noise, which the network makes for the released level from the boundary
    assert diff[:first].max() < 0.01 * peak             # (released at the boundary before: 3 % of the peak)
    assert diff[first:first + hop].max() > 4 * diff[:first].max()


# -- the exact note-offs' QA: no click where a release, a panic, a steal or a re-strike meet in one frame ----------

FACTORY = Path(__file__).resolve().parents[2] / "factory" / "synth-gm4.hatpack"
F = 40 * 240                                          # a frame boundary (the factory synth's frame: 240 samples)


def above_band_dbfs(x: np.ndarray, start: int, stop: int) -> float:
    """The peak (dBFS) of ``x``'s content above 16 kHz in ``[start, stop)``: the factory synth's band ends at 11.5
    kHz, so what is there is a click (steady playing: about -90 dBFS)."""
    spec = np.fft.rfft(x.astype(np.float64))
    spec[np.fft.rfftfreq(len(x), 1 / RATE) < 16000] = 0.0
    return float(20 * np.log10(np.abs(np.fft.irfft(spec, len(x))[start:stop]).max() + 1e-12))


@pytest.mark.parametrize("name, events, voices", [
    ("note-offs, then a panic", [(2413, {"op": "note_on", "note": n, "velocity": 120}) for n in (48, 55, 60, 64)]
     + [(F + 237, {"op": "note_off", "note": n}) for n in (48, 55, 60, 64)] + [(F + 238, {"op": "panic"})], 16),
    ("a note-off, then a steal", [(2413, {"op": "note_on", "note": 48, "velocity": 120}),
                                  (F + 237, {"op": "note_off", "note": 48}),
                                  (F + 238, {"op": "note_on", "note": 55, "velocity": 120})], 1),
    ("a note-off, then the note again", [(480, {"op": "note_on", "note": 60, "velocity": 110}),
                                         (F + 230, {"op": "note_off", "note": 60}),
                                         (F + 239, {"op": "note_on", "note": 60, "velocity": 110})], 16),
    ("a note released at the frame's end in its attack", [(F - 300, {"op": "note_on", "note": 72, "velocity": 120}),
                                                          (F + 239, {"op": "note_off", "note": 72})], 16),
])
def test_a_timed_release_meeting_another_message_in_its_frame_does_not_click(clock, monkeypatch, name, events,
                                                                               voices):
    """QA of the exact note-offs: a voice holding its level for a release begun late in the frame, then panicked or
    stolen, was cut in as little as a sample (a click 35-65 dB over the floor); a release late in the attack, and a
    re-strike after a release in one frame, switched tables in one sample."""
    from tests.synth.timing_pack import unlevelled
    pack = unlevelled()                               # its floor (-90 dBFS) as measured before p58 levelled it
    real = SynthSource.__init__
    monkeypatch.setattr(SynthSource, "__init__", lambda self, p, rate, **k: real(self, p, rate, max_voices=voices))
    x, _ = perform(pack, clock, events, 110)
    assert above_band_dbfs(x, F, F + 3 * 240) < -80.0, name
