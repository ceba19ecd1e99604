"""A stereo target (or input) whose channels are different signals is said before training (p43 formats QA: a widener,
right = left 10 ms later, was averaged to mono with no word and the pack did worse than bypass)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from trainer.effect.channel_checks import channels_warning, relation
from trainer.effect.data import load_single

RATE = 48000


def guitar(seconds: float = 1.0, seed: int = 0) -> np.ndarray:
    """Decaying harmonic plucks, 0.25 s each -> [N] float64."""
    rng = np.random.default_rng(seed)
    t = np.arange(RATE // 4) / RATE
    notes = []
    for _ in range(int(seconds * 4)):
        f = rng.uniform(80, 330)
        notes.append(sum(0.3 / k * np.sin(2 * np.pi * k * f * t) for k in range(1, 6)) * np.exp(-6 * t))
    return 0.5 * np.concatenate(notes)


def delay(x: np.ndarray, n: int) -> np.ndarray:
    return np.concatenate([np.zeros(n), x[:-n]])


def swept(x: np.ndarray, base: float, depth: float, rate_hz: float, phase: float) -> np.ndarray:
    t = np.arange(x.shape[0])
    return np.interp(t - (base + depth * np.sin(2 * np.pi * rate_hz * t / RATE + phase)), t, x, left=0.0)


def warn(left: np.ndarray, right: np.ndarray, name: str = "amp.wav") -> str | None:
    audio = np.stack([left, right]).astype(np.float32)
    return channels_warning(name, audio, np.array([True, True]), RATE)


X = guitar()
T = int(0.1 * RATE)
CASES = {
    "widener": (X, delay(X, 480)),
    "ping-pong": (X + 0.5 * delay(X, 2 * T), 0.7 * delay(X, T) + 0.35 * delay(X, 3 * T)),
    "stereo chorus": (X + swept(X, 480, 240, 0.8, 0.0), X + swept(X, 480, 240, 0.8, np.pi)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_stereo_effect_is_said(case: str) -> None:
    said = warn(*CASES[case])
    assert said is not None and said.startswith("amp.wav's left and right differ (")
    assert ("a stereo effect cannot become a mono pack; the mix of both was used; train on one channel: sox amp.wav"
            in said)


def test_a_widener_is_said_as_a_delay_with_the_earlier_channel_kept() -> None:
    said = warn(X, delay(X, 480), "amp_wide.wav")
    assert said == ("amp_wide.wav's left and right differ (right is the left 10 ms later): a stereo effect cannot "
                    "become a mono pack; the mix of both was used; train on one channel: "
                    "sox amp_wide.wav amp_wide_left.wav remix 1")
    assert "(left is the right 10 ms later)" in warn(delay(X, 480), X) and warn(delay(X, 480), X).endswith("remix 2")


def test_one_signal_on_both_channels_is_not_said() -> None:
    from scipy import signal
    b, a = signal.butter(1, 8000 / (RATE / 2))
    noise = 1e-3 * np.random.default_rng(1).standard_normal(X.shape[0])
    assert warn(X, X) is None
    assert warn(X, 0.9 * X) is None                                      # the QA's amp_st: right at 0.9
    assert warn(X, 0.9 * signal.lfilter(b, a, X) + noise) is None          # two slightly different paths
    assert relation(X, X, RATE).r0 == pytest.approx(1.0)


def test_one_signal_far_apart_in_level_is_said_with_the_louder_kept() -> None:
    said = warn(0.05 * X, X)
    assert said is not None and "(the left is 26 dB under the right)" in said and said.endswith("remix 2")


def write(path: Path, audio: np.ndarray) -> Path:
    sf.write(path, np.asarray(audio, np.float32).T if audio.ndim == 2 else audio.astype(np.float32), RATE)
    return path


def test_a_widener_target_is_warned_before_training_and_one_channel_is_not(tmp_path: Path) -> None:
    di = write(tmp_path / "di.wav", X)
    y = np.tanh(3 * X)
    wide = write(tmp_path / "amp_wide.wav", np.stack([y, delay(y, 480)]))
    left = write(tmp_path / "amp_l.wav", np.stack([y, np.zeros_like(y)]))
    same = write(tmp_path / "amp_st.wav", np.stack([y, 0.9 * y]))
    said = load_single(di, wide).warnings
    assert [w for w in said if "left and right differ (right is the left 10 ms later)" in w]
    assert not [w for w in load_single(di, left).warnings + load_single(di, same).warnings if "differ" in w]


def test_a_stereo_input_is_warned_too(tmp_path: Path) -> None:
    di = write(tmp_path / "di_st.wav", np.stack([X, delay(X, 480)]))
    out = write(tmp_path / "amp.wav", np.tanh(3 * (X + delay(X, 480)) / 2))
    assert [w for w in load_single(di, out).warnings if w.startswith("di_st.wav's left and right differ")]


def test_a_di_beside_the_gear_is_said_once_as_a_di(tmp_path: Path) -> None:
    di = write(tmp_path / "di.wav", X)
    out = write(tmp_path / "amp.wav", np.stack([X, np.sign(X) * 0.3]))        # channel 1 the DI, 2 a hard fuzz
    said = load_single(di, out).warnings
    assert len([w for w in said if "channel" in w]) == 1 and "nearly the input itself" in said[0]
