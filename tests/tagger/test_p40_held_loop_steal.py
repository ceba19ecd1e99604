"""Fortieth stop (kit QA): a held loop, the oldest voice, was stolen by a fast roll of one-shots (32 ringing at once)
and did not come back while its key was still down; one-shots are stolen first, oldest first."""
from __future__ import annotations

import numpy as np
import soundfile as sf

from device.audio.sampler import SamplerSource
from tests.tagger.conftest import SAMPLER_RATE, render_sampler

RATE = SAMPLER_RATE


def test_a_roll_of_one_shots_steals_one_shots_before_a_held_loop(tmp_path) -> None:
    loop, hit = tmp_path / "pad.wav", tmp_path / "snare.wav"
    sf.write(loop, np.full(300, 0.25, np.float32), RATE, subtype="FLOAT")
    sf.write(hit, np.full(RATE, 0.01, np.float32), RATE, subtype="FLOAT")           # 1 s rings on
    s = SamplerSource(RATE, max_voices=4)
    s.map_note(48, loop, loop=True)
    s.map_note(38, hit)
    s.handle({"op": "note_on", "note": 48, "velocity": 127})                        # held
    render_sampler(s, 64, 64)
    for _ in range(10):                                                            # a roll: more than the voices
        s.handle({"op": "note_on", "note": 38, "velocity": 127})
        render_sampler(s, 64, 64)
    y = render_sampler(s, 64, 64)
    assert 0.26 < y.min() and y.max() < 0.30                  # the loop and the hits (was: hits alone, about 0.04)
    s.handle({"op": "note_off", "note": 48})
    assert render_sampler(s, 2000, 64)[-1] < 0.05                  # let go of, the loop stops as before
