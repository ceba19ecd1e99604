"""Fortieth stop (synth QA): notes named PITCH_TAKE (``60_1.wav``, ``60_2.wav``) had their take numbers read as
velocities 1 and 2; the two takes 15 dB apart made a velocity map of +1882 dB at velocity 127, a pack `play` and the
box refuse, and `train synth` said nothing."""
from __future__ import annotations

import numpy as np
import pytest

from tests.synth.conftest import harmonic_tone
from trainer.synth.data import Note
from trainer.synth.train import MAX_DB_PER_VELOCITY, fit_velocity_map, to_noteset


def notes(velocities_and_amps: list[tuple[int, float]]) -> list[Note]:
    return [Note("cello", 60.0, v, harmonic_tone(60.0, 24000, 1.0, amp=a), f"{i}.wav", 60.0, 24000)
            for i, (v, a) in enumerate(velocities_and_amps)]


def test_take_numbers_are_not_taken_for_velocities() -> None:
    said: list[str] = []
    ds = to_noteset(notes([(1, 0.05), (2, 0.3), (1, 0.05), (2, 0.3)]), ["cello"], 240)
    vmap = fit_velocity_map(ds, warn=said.append)
    assert vmap["db_per_velocity"] == 0.25 and -60 < vmap["db_at_127"] < 0      # as for notes of one velocity
    assert len(said) == 1 and "velocities 1-2 from the file names" in said[0] and "take numbers" in said[0]


def test_real_velocities_keep_their_slope() -> None:
    said: list[str] = []
    ds = to_noteset(notes([(60, 0.05), (120, 0.3)]), ["cello"], 240)        # 15.6 dB over 60 steps
    vmap = fit_velocity_map(ds, warn=said.append)
    assert vmap["db_per_velocity"] == pytest.approx(15.56 / 60, abs=0.02) and not said
    assert vmap["db_per_velocity"] < MAX_DB_PER_VELOCITY
    loud = float(np.quantile(ds.loud[1].numpy(), 0.9))
    assert vmap["db_at_127"] == pytest.approx(loud + 7 * vmap["db_per_velocity"], abs=0.3)
