"""Thirty-ninth stop: a timed synth note shorter than a frame is as loud wherever it falls.  Released in its first
frame it took the envelope's whole first step (as offline), but one whose note-off crossed the next frame boundary
(a sequencer's short trigger late in a frame) took only the part of the step up to its release: up to 19 dB quieter
the later its onset fell.  Now every note sounds at least a frame's attack, wherever its onset and note-off fall."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.synth.timing_pack import timing_pack
from tests.synth.test_p38_synth_timing import clock, perform  # noqa: F401  (the fake clock fixture)

FACTORY = Path(__file__).resolve().parents[2] / "factory" / "synth-gm4.hatpack"
HOP = 240                                             # the factory synth's frame at 48 kHz (samples)
FRAME = 20 * HOP                                      # a frame boundary well into the stream


def peak_of_short_note(pack, clock, onset: int, length: int, off: dict) -> float:  # noqa: F811
    """The peak of one note struck at sample ``onset`` of a frame and let go of ``length`` samples later."""
    x, hop = perform(pack, clock, [(FRAME + onset, {"op": "note_on", "note": 60, "velocity": 120}),
                                   (FRAME + onset + length, off)], 80)
    assert hop == HOP
    return float(np.abs(x).max())


@pytest.mark.parametrize("length", [30, 120, 200])
def test_a_short_note_is_as_loud_whether_or_not_its_note_off_crosses_a_frame(clock, length):  # noqa: F811
    """Onsets early in the frame keep the note-off in it; late ones put it past the boundary."""
    pack = timing_pack()
    peaks = [peak_of_short_note(pack, clock, onset, length, {"op": "note_off", "note": 60})
             for onset in (5, 30, HOP - length - 5, HOP - length + 5, 200, HOP - 10, HOP - 1)]
    assert 20 * np.log10(max(peaks) / min(peaks)) < 1.5, [round(p, 4) for p in peaks]


def test_a_short_note_let_go_by_all_notes_off_is_as_loud_too(clock):  # noqa: F811
    pack = timing_pack()
    peaks = [peak_of_short_note(pack, clock, onset, 60, {"op": "all_notes_off"}) for onset in (20, 220)]
    assert 20 * np.log10(max(peaks) / min(peaks)) < 1.5, peaks


def test_a_note_longer_than_a_frame_still_releases_at_its_own_sample(clock):  # noqa: F811
    """The minimum gate is one frame: a note of 1.5 frames is not lengthened (its release begins one frame after its
    note-off's sample, as the exact note-offs measured)."""
    pack = timing_pack()
    outs = [perform(pack, clock, [(FRAME + 200, {"op": "note_on", "note": 60, "velocity": 120}),
                                  (FRAME + 200 + length, {"op": "note_off", "note": 60})], 80)[0]
            for length in (360, 420)]
    first = FRAME + 200 + 360 + HOP                    # the shorter note's release begins here
    diff, peak = np.abs(outs[0] - outs[1]), np.abs(outs[0]).max()
    assert diff[:first].max() < 0.01 * peak
    assert diff[first:first + HOP].max() > 4 * diff[:first].max()


# -- the QA of the above (3 findings) ----------------------------------------------------------------------------

def above_band_dbfs(x: np.ndarray, start: int, stop: int) -> float:
    """The peak (dBFS) of ``x``'s content above 16 kHz in ``[start, stop)``: the factory synth's band ends at 11.5
    kHz, so what is there is a click (steady playing: about -90 dBFS; untimed, these notes -96 to -115)."""
    spec = np.fft.rfft(x.astype(np.float64))
    spec[np.fft.rfftfreq(len(x), 1 / 48000) < 16000] = 0.0
    return float(20 * np.log10(np.abs(np.fft.irfft(spec, len(x))[start:stop]).max() + 1e-12))


@pytest.mark.parametrize("onset, length", [(200, 1), (229, 10), (238, 1)])
def test_a_short_note_late_in_its_frame_does_not_click(clock, onset, length):  # noqa: F811
    """A note struck and let go of in one frame took its envelope's whole first step over what was left of the frame
    after its onset (2 samples at 238): a click 30 dB under the note, up to -55 dBFS above 16 kHz."""
    pack = timing_pack()
    x, _ = perform(pack, clock, [(FRAME + onset, {"op": "note_on", "note": 60, "velocity": 120}),
                                 (FRAME + onset + length, {"op": "note_off", "note": 60})], 80)
    assert above_band_dbfs(x, FRAME, FRAME + 4 * HOP) < -85.0


def first_energy(x: np.ndarray, start: int, part: float = 0.05) -> int:
    """The sample (from ``start``) by which ``x`` has ``part`` of its energy after ``start``."""
    cum = np.cumsum(x[start:].astype(np.float64) ** 2)
    return int(np.searchsorted(cum / cum[-1], part))


def test_a_short_note_sounds_as_soon_wherever_its_note_off_falls(clock):  # noqa: F811
    """Thirty samples long, onsets 209 and 211: the second's note-off crosses the boundary.  Its release was held
    back to its strike's sample in the next frame at the level of the boundary (19 dB under the other's), so it came
    about 200 samples (4 ms) later; both now rise over the frame after their onset alike."""
    pack = timing_pack()
    at = []
    for onset in (20, 209, 211, 239):
        x, _ = perform(pack, clock, [(FRAME + onset, {"op": "note_on", "note": 60, "velocity": 120}),
                                     (FRAME + onset + 30, {"op": "note_off", "note": 60})], 80)
        at.append(first_energy(x, FRAME + onset))
    assert max(at) - min(at) < 24, at


def test_a_short_note_struck_again_in_its_frame_is_heard(clock):  # noqa: F811
    """A note of 43 samples and the same pitch again 139 samples after it, in one frame: the first, not heard yet,
    was replaced by the second (the pair sounded exactly as the second alone, from its onset).  It is one note now,
    from the first's onset, as offline (where the two merge into one strike)."""
    pack = timing_pack()
    first, again = FRAME + 28, FRAME + 167

    def start_and_energy(events: list) -> tuple[int, float]:
        x, _ = perform(pack, clock, events, 80)
        return int(np.flatnonzero(np.abs(x) > 1e-3)[0]), float(np.sum(x.astype(np.float64) ** 2))

    both = start_and_energy([(first, {"op": "note_on", "note": 60, "velocity": 96}),
                             (first + 43, {"op": "note_off", "note": 60}),
                             (again, {"op": "note_on", "note": 60, "velocity": 81}),
                             (again + 214, {"op": "note_off", "note": 60})])
    second = start_and_energy([(again, {"op": "note_on", "note": 60, "velocity": 81}),
                               (again + 214, {"op": "note_off", "note": 60})])
    assert both[0] < second[0] - 100                   # from the first note's onset (139 samples earlier)
    assert both[1] > 1.5 * second[1]


def test_a_note_struck_again_with_its_key_down_lets_go_at_its_note_off(clock):  # noqa: F811
    """A key still down struck again acts at the frame boundary (in place), so its note-off in the next frame is
    not moved to the re-strike's sample (the first mend of this stop moved it there, up to a frame late): two
    note-offs 40 samples apart release 40 samples apart."""
    pack = timing_pack()
    outs = []
    for off_at in (FRAME + HOP + 20, FRAME + HOP + 60):
        events = [(FRAME - 600, {"op": "note_on", "note": 60, "velocity": 110}),
                  (FRAME + 200, {"op": "note_on", "note": 60, "velocity": 110}),
                  (FRAME + HOP + 10, {"op": "note_off", "note": 60}),
                  (off_at, {"op": "note_off", "note": 60})]
        outs.append(perform(pack, clock, events, 80)[0])
    first = FRAME + HOP + 20 + HOP                     # the first one's release begins here
    diff, peak = np.abs(outs[0] - outs[1]), np.abs(outs[0]).max()
    assert diff[:first].max() < 0.01 * peak
    assert diff[first:first + HOP].max() > 4 * diff[:first].max()


def test_a_short_note_let_go_of_when_the_timing_is_turned_off_still_ends(clock):  # noqa: F811
    """A note begun and let go of part way into one frame releases at the next boundary; were the timing turned off
    in between, that release must still come (a stuck note otherwise)."""
    from device.audio.sampler import STAMP_SLACK_S
    from device.audio.synth import SynthSource
    from tests.synth.test_p38_synth_timing import BLOCK, START
    src = SynthSource(timing_pack(), 48000)
    src.timed = True
    x = np.zeros(BLOCK, np.float32)
    for b in range(40):
        if b == 10:                                    # a 30-sample note part way into a frame of the block
            for op, at in (("note_on", 40), ("note_off", 70)):
                clock.t = START + (b * BLOCK + at) / 48000 - STAMP_SLACK_S
                src.handle({"op": op, "note": 60, "velocity": 110, "at": clock.t})
        clock.t = START + (b + 1) * BLOCK / 48000
        src.render(x)
        if src.v.gated.any():
            break
    assert src.v.gated.any()                           # struck and let go of, its release still to come
    src.timed = False
    for _ in range(200):
        src.render(x)
    assert src.held_notes() == [] and src.active_voices == 0


def _restrike_rise(pack, clock, o: int) -> int:  # noqa: F811
    """When (samples after stamp + a frame) a re-strike of a key still down (the next note-on 10 samples before the
    last one's note-off: overlapping legato repeats) rises halfway (in dB) to its peak, RMS over a period."""
    s = 30 * HOP + o
    x, _ = perform(pack, clock, [(10 * HOP, {"op": "note_on", "note": 60, "velocity": 100}),
                                 (s, {"op": "note_on", "note": 60, "velocity": 100}),
                                 (s + 10, {"op": "note_off", "note": 60}),
                                 (s + 6000, {"op": "note_off", "note": 60})], 140)
    e = 20 * np.log10(np.sqrt(np.convolve(x.astype(np.float64) ** 2, np.ones(184) / 184, mode="same")) + 1e-9)
    lo, hi = e[s], e[s:s + 1440].max()
    return int(np.flatnonzero(e[s:] > (lo + hi) / 2)[0]) - HOP


def test_a_key_struck_again_while_down_is_struck_where_it_came(clock):  # noqa: F811
    """The QA: struck in place, it came at the frame boundary, its rise moving linearly with where it fell (+114 to
    -72 samples over a frame); now it carries its voice on from its onset, as a key up does."""
    pack = timing_pack()
    rises = [_restrike_rise(pack, clock, o) for o in (0, 100, 200)]
    assert max(rises) - min(rises) < 90, rises
