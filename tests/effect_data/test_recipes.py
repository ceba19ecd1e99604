"""Recipes on tiny inputs: guitar MIDI, gear, noise, and whole folders the trainer can read."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from device.audio import audiofile
from trainer.data import gear, noise, recipes
from trainer.data.guitar import compose, guitar_take
from trainer.data.metrics import rms_db, silent_mask
from trainer.data.pairs import read_pairs

needs_fluidsynth = pytest.mark.skipif(shutil.which("fluidsynth") is None, reason="fluidsynth not installed")


def test_composition_uses_guitar_programs_and_is_seeded():
    a, b, c = compose(4.0, 7), compose(4.0, 7), compose(4.0, 8)
    programs = {m.program for m in a.tracks[0] if m.type == "program_change"}
    assert programs and programs <= set(range(24, 29))
    assert list(a.tracks[0]) == list(b.tracks[0]) != list(c.tracks[0])
    assert 3.0 < a.length < 7.0


@needs_fluidsynth
def test_guitar_take_has_requested_length_and_peak():
    x = guitar_take(1.5, 3, peak=0.4)
    assert x.shape == (72_000,) and x.dtype == np.float32
    assert np.max(np.abs(x)) == pytest.approx(0.4, rel=1e-5)


def test_compressor_ratio_knob_reduces_loud_signal_more():
    x = (0.8 * np.sin(2 * np.pi * 200 * np.arange(24_000) / 48_000)).astype(np.float32)
    gentle = gear.process(gear.compressor(-30.0, 2.0), x)
    hard = gear.process(gear.compressor(-30.0, 8.0), x)
    assert rms_db(hard[12_000:]) < rms_db(gentle[12_000:]) - 3.0 < rms_db(x) - 3.0


def test_noise_levels_and_gated_passages():
    rng = np.random.default_rng(0)
    assert rms_db(noise.hiss(48_000, -50.0, rng)) == pytest.approx(-50.0, abs=0.01)
    assert rms_db(noise.hum(48_000, -45.0, 60.0, rng)) == pytest.approx(-45.0, abs=0.01)
    gated = noise.gate_passages(np.ones(5 * 48_000, np.float32), every_s=2.0, gap_s=0.5)
    mask = silent_mask(gated, 48_000)
    assert 0.15 < mask.mean() < 0.2 and gated[48_000] == 1.0


@needs_fluidsynth
def test_compressor_folder_is_readable_pairs(tmp_path):
    recipes.build_compressor(tmp_path, recipes.Sizes(1.0, 0.5))
    rows = read_pairs(tmp_path)
    assert len(rows) == 9 and set(rows[0].knobs) == {"threshold_db", "ratio"}
    held = read_pairs(tmp_path, "heldout.csv")
    assert {(r.knobs["threshold_db"], r.knobs["ratio"]) for r in held} >= {(-35.0, 3.0), (-25.0, 6.0)}
    x, rate = audiofile.read(tmp_path / rows[0].input)
    y, _ = audiofile.read(tmp_path / rows[0].output)
    assert rate == 48_000 and x.shape == y.shape == (1, 48_000)


@needs_fluidsynth
def test_denoise_pairs_share_clean_silences(tmp_path):
    recipes.build_denoise(tmp_path, recipes.Sizes(5.0, 5.0), takes=2)
    row = read_pairs(tmp_path)[0]
    noisy = audiofile.read(tmp_path / row.input)[0][0]
    clean = audiofile.read(tmp_path / row.output)[0][0]
    mask = silent_mask(clean, 48_000)
    assert mask.any() and rms_db(noisy[mask]) > -70.0
