"""SamplerSource: one-shots, loops, note mapping, polyphony, block-size independence, panic."""
from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from device.audio.sampler import SamplerSource
from hatbox.errors import AudioFileError
from tests.tagger.conftest import SAMPLER_RATE, render_sampler

RATE = SAMPLER_RATE


@pytest.fixture
def clicks(tmp_path):
    a = np.linspace(1.0, 0.0, 1000).astype(np.float32)
    b = np.full(300, 0.25, np.float32)
    sf.write(tmp_path / "a.wav", a, RATE, subtype="FLOAT")
    sf.write(tmp_path / "b.wav", np.stack([b, b], 1), RATE, subtype="FLOAT")
    return tmp_path / "a.wav", tmp_path / "b.wav", a, b


def test_one_shot_plays_the_file_at_velocity_gain(clicks):
    pa, _, a, _ = clicks
    s = SamplerSource(RATE)
    s.handle({"op": "sample", "path": str(pa), "velocity": 127})
    y = render_sampler(s, 2000, 256)
    np.testing.assert_allclose(y[:1000], a, atol=1e-6)
    assert np.all(y[1000:] == 0) and s.active_voices == 0
    s.handle({"op": "sample", "path": str(pa), "velocity": 64})
    assert render_sampler(s, 1, 1)[0] == pytest.approx((64 / 127) ** 2, rel=1e-5)


@pytest.mark.parametrize("block", [1, 65, 4096])
def test_output_does_not_depend_on_block_size(clicks, block):
    pa, pb, a, b = clicks
    s = SamplerSource(RATE)
    s.map_note(36, pa)
    s.map_note(38, pb)
    s.handle({"op": "note_on", "note": 36, "velocity": 127})
    s.handle({"op": "note_on", "note": 38, "velocity": 127})
    y = render_sampler(s, 1200, block)
    want = np.zeros(1200, np.float32)
    want[:1000] += a
    want[:300] += b
    np.testing.assert_allclose(y, want, atol=1e-6)


def test_loop_repeats_until_note_off_then_fades(clicks):
    _, pb, _, b = clicks
    s = SamplerSource(RATE)
    s.handle({"op": "sample", "path": str(pb), "velocity": 127, "loop": True, "note": 40})
    y = render_sampler(s, 3000, 512)
    np.testing.assert_allclose(y, 0.25, atol=1e-6)                  # 10 repeats, no gap
    s.handle({"op": "note_off", "note": 40})
    tail = render_sampler(s, 2000, 512)
    assert tail[0] == pytest.approx(0.25, rel=1e-3) and np.all(np.diff(tail[:400]) <= 1e-7)
    assert np.all(tail[600:] == 0) and s.active_voices == 0


def test_voice_stealing_and_panic(clicks):
    _, pb, _, _ = clicks
    s = SamplerSource(RATE, max_voices=2)
    for note in (40, 41, 42):                                       # pad hits (auditions replace each other)
        s.handle({"op": "sample", "path": str(pb), "velocity": 127, "loop": True, "note": note})
    y = render_sampler(s, 10, 10)
    np.testing.assert_allclose(y, 0.5, atol=1e-6)                   # two voices, the oldest stolen
    s.handle({"op": "panic"})
    after = render_sampler(s, 480, 32)                              # 10 ms: the panic fades in 4 ms, no click
    assert np.all(np.diff(np.abs(after)) <= 1e-7)                   # never louder
    assert after[0] > 0 and np.all(after[240:] == 0)                # a fade, then silence well within 5 ms


def test_resamples_to_the_engine_rate_and_rejects_bad_files(clicks, tmp_path):
    pa, _, _, _ = clicks
    s = SamplerSource(24000)
    assert s.load(pa).shape == (500,)
    (tmp_path / "bad.wav").write_bytes(b"nope")
    with pytest.raises(AudioFileError):
        s.handle({"op": "sample", "path": str(tmp_path / "bad.wav"), "velocity": 100})
    s.handle({"op": "note_on", "note": 99, "velocity": 100})        # unmapped note: nothing plays
    assert np.all(render_sampler(s, 64, 64) == 0)
