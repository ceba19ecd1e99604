"""Stereo whose channels nearly cancel (a polarity error: R = -0.9 L, R = -L a little late, R = -L plus a
little noise) was mixed to a near-silent mono (26, 15 and 32 dB down) by the one rule the tagger (training
and `hatbox tag`) and the sampler share: device.library.decode.mix.  Cancelling is now judged against the
loudest channel (their sum more than 6 dB under it: the stereo mix more than 12 dB under the louder
channel), and then that channel is what they hear."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.library.decode import mix

from .conftest import thump

RATE = 48000


def _tone(seconds: float = 1.0, freq: float = 110.0) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def _db(x: np.ndarray, ref: np.ndarray) -> float:
    """The RMS of ``x`` against that of ``ref``, dB."""
    return 10.0 * float(np.log10(np.mean(np.square(x, dtype=np.float64)) / np.mean(np.square(ref, dtype=np.float64))))


def _nearly_opposite() -> dict[str, np.ndarray]:
    """The QA's cases, channels [2, n]: the left channel the tone, the right nearly its inverse."""
    x = _tone()
    noise = 0.005 * np.random.default_rng(0).standard_normal(x.size).astype(np.float32)
    return {"R = -0.9 L": np.stack([x, -0.9 * x]),
            "R = -L, 0.5 ms late": np.stack([x, -np.roll(x, 24)]),
            "R = -L + 1 % noise": np.stack([x, -x + noise])}


@pytest.mark.parametrize("case", ["R = -0.9 L", "R = -L, 0.5 ms late", "R = -L + 1 % noise"])
def test_nearly_opposite_channels_are_heard_at_the_louder_channels_level(case: str) -> None:
    channels = _nearly_opposite()[case]
    assert _db(channels.mean(axis=0), channels[0]) < -12.0           # what the mean made of it: 15..32 dB down
    mono = mix(channels)
    assert mono.dtype == np.float32 and any(np.array_equal(mono, c) for c in channels)
    assert _db(mono, channels[0]) > -0.01 and _db(mono, channels[1]) > -0.01     # the louder one (a tie: either)


@pytest.mark.parametrize("case", ["same", "unrelated", "one silent", "wide (correlation -0.5)",
                                  "R = -0.4 L", "five channels, one loud"])
def test_channels_that_do_not_cancel_are_still_their_mean(case: str) -> None:
    x = _tone()
    rng = np.random.default_rng(1)
    other = (0.5 * rng.standard_normal(x.size)).astype(np.float32)
    y = (-0.5 * x + np.sqrt(0.75) * (x.std() / other.std()) * other).astype(np.float32)   # correlation -0.5
    channels = {"same": np.stack([x, x]), "unrelated": np.stack([x, other]), "one silent": np.stack([x, 0 * x]),
                "wide (correlation -0.5)": np.stack([x, y]), "R = -0.4 L": np.stack([x, -0.4 * x]),
                "five channels, one loud": np.stack([x] + [0 * x] * 4)}[case]
    assert np.allclose(mix(channels), channels.mean(axis=0), atol=1e-7)


def test_the_threshold_is_6_db_of_the_sum_under_the_loudest_channel() -> None:
    """For stereo: the mix 12 dB under the louder channel.  R = -g L cancels for g in (0.5, 2)."""
    from device.library.decode import CANCEL_DB, cancels

    assert CANCEL_DB == 6.0
    assert cancels(0.24, 1.0) and not cancels(0.26, 1.0)
    x = _tone()
    assert np.array_equal(mix(np.stack([x, -0.55 * x])), x)
    assert np.allclose(mix(np.stack([x, -0.45 * x])), 0.275 * x, atol=1e-7)
    assert np.array_equal(mix(np.stack([-1.9 * x, x])), -1.9 * x)   # the louder channel, whichever it is


def test_a_silent_file_stays_silent() -> None:
    quiet = np.stack([np.full(100, 1e-6, np.float32), np.full(100, -0.9e-6, np.float32)])
    assert np.allclose(mix(quiet), 0.05e-6)                          # under -90 dBFS: the mean, as before
    assert mix(np.zeros((2, 0), np.float32)).shape == (0,)


def test_the_sampler_and_both_taggers_hear_the_louder_channel(tmp_path: Path, small_pack: Path) -> None:
    from device.audio.sampler import SamplerSource
    from device.library.runner import PackTagger
    from trainer.tagger.data import _fit, _read_head

    drum = thump(RATE, seed=3)
    anti, same = tmp_path / "anti.wav", tmp_path / "same.wav"
    sf.write(anti, np.stack([drum, -0.9 * drum], 1), RATE, subtype="FLOAT")
    sf.write(same, drum, RATE, subtype="FLOAT")
    played = SamplerSource(RATE).load(anti)
    assert np.array_equal(played, SamplerSource(RATE).load(same))            # it was 26 dB down
    tagger = PackTagger(small_pack)
    assert np.array_equal(tagger.prepare(anti), tagger.prepare(same))         # `hatbox tag`
    rate, n = tagger.rate, tagger.n
    assert np.array_equal(_fit(*_read_head(anti, rate, n), rate, n), _fit(*_read_head(same, rate, n), rate, n))
