"""Thirty-ninth stop: a timed synth note shorter than a frame is as loud wherever it falls.  Released in its first
frame it took the envelope's whole first step (as offline), but one whose note-off crossed the next frame boundary
(a sequencer's short trigger late in a frame) took only the part of the step up to its release: up to 19 dB quieter
the later its onset fell.  Now every note sounds at least a frame's attack, wherever its onset and note-off fall."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from export.pack import read_pack
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
    pack = read_pack(FACTORY)
    peaks = [peak_of_short_note(pack, clock, onset, length, {"op": "note_off", "note": 60})
             for onset in (5, 30, HOP - length - 5, HOP - length + 5, 200, HOP - 10, HOP - 1)]
    assert 20 * np.log10(max(peaks) / min(peaks)) < 1.5, [round(p, 4) for p in peaks]


def test_a_short_note_let_go_by_all_notes_off_is_as_loud_too(clock):  # noqa: F811
    pack = read_pack(FACTORY)
    peaks = [peak_of_short_note(pack, clock, onset, 60, {"op": "all_notes_off"}) for onset in (20, 220)]
    assert 20 * np.log10(max(peaks) / min(peaks)) < 1.5, peaks


def test_a_note_longer_than_a_frame_still_releases_at_its_own_sample(clock):  # noqa: F811
    """The minimum gate is one frame: a note of 1.5 frames is not lengthened (its release begins one frame after its
    note-off's sample, as the exact note-offs measured)."""
    pack = read_pack(FACTORY)
    outs = [perform(pack, clock, [(FRAME + 200, {"op": "note_on", "note": 60, "velocity": 120}),
                                  (FRAME + 200 + length, {"op": "note_off", "note": 60})], 80)[0]
            for length in (360, 420)]
    first = FRAME + 200 + 360 + HOP                    # the shorter note's release begins here
    diff, peak = np.abs(outs[0] - outs[1]), np.abs(outs[0]).max()
    assert diff[:first].max() < 0.01 * peak
    assert diff[first:first + HOP].max() > 4 * diff[:first].max()
