"""Forty-second stop's denoiser QA: a weak match (one impulse-response tap 9x above the median, which a different
phrase on the same note grid gives) was called "a recording of the input of pairs.csv line N: are the rows' outputs
swapped?", and a different take trained (bypass ESR 1.69); a clean take leading the noisy one was refused with no
fix.  Each takes 2 s of small synthetic audio."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from hatbox.errors import DataError
from trainer.effect import takes
from trainer.effect.data import load_folder, load_single

RATE = 48_000
N = 2 * RATE


def _noise(seed: int) -> np.ndarray:
    return (0.1 * np.random.default_rng(seed).standard_normal(N)).astype(np.float32)


def _write(folder: Path, **files: np.ndarray) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, x in files.items():
        sf.write(folder / f"{name}.wav", x, RATE, subtype="FLOAT")


def _leak(x: np.ndarray, seed: int, delay: int = 48) -> np.ndarray:
    """Another take (loud independent audio) with a faint delayed copy of ``x`` in it: a delay is found, weakly."""
    return (0.08 * np.concatenate([np.zeros(delay, np.float32), x[:-delay]]) + 1.5 * _noise(seed)).astype(np.float32)


def test_a_faint_copy_of_another_rows_input_is_not_called_a_swap(tmp_path: Path) -> None:
    a, b = _noise(1), _noise(2)
    _write(tmp_path, a=a, b=b, a_out=_leak(b, 3), b_out=(0.5 * b).astype(np.float32))
    (tmp_path / "pairs.csv").write_text("input,output\na.wav,a_out.wav\nb.wav,b_out.wav\n")
    with pytest.raises(DataError) as err:
        load_folder(tmp_path)
    said = str(err.value)
    assert "pairs.csv line 2" in said and "swapped" not in said and "pairs.csv line 3" not in said


def test_a_real_swap_is_still_named(tmp_path: Path) -> None:
    a, b = _noise(1), _noise(2)
    _write(tmp_path, a=a, b=b, a_out=(0.5 * b).astype(np.float32), b_out=(0.5 * a).astype(np.float32))
    (tmp_path / "pairs.csv").write_text("input,output\na.wav,a_out.wav\nb.wav,b_out.wav\n")
    with pytest.raises(DataError, match=r"a recording of the input of pairs.csv line 3 \(b.wav\): are the rows"):
        load_folder(tmp_path)


def test_a_different_take_is_refused_before_training_naming_the_row(tmp_path: Path) -> None:
    a = _noise(1)
    y = _leak(a, 4)
    assert takes.bypass_esr(a[:-47], y[47:]) > 1 and takes.linear_share(a[:-47], y[47:], RATE) < 0.05
    _write(tmp_path, a=a, a_out=y, c=_noise(5), c_out=(0.7 * _noise(5)).astype(np.float32))
    (tmp_path / "pairs.csv").write_text("input,output\na.wav,a_out.wav\nc.wav,c_out.wav\n")
    with pytest.raises(DataError) as err:
        load_folder(tmp_path)
    said = str(err.value)
    assert said.startswith("pairs.csv line 2: the output a_out.wav is not a recording of the input a.wav")
    assert "bypass ESR" in said and "another take" in said and "line 3" not in said


def test_gear_far_from_its_input_is_not_refused(tmp_path: Path) -> None:
    """Make-up gain, reverse polarity and a noisy input (a denoiser whose noise is louder than the playing): bypass
    ESR above 1, but the output follows the input."""
    a, z = _noise(1), _noise(6)
    _write(tmp_path, a=a, loud=(4 * a).astype(np.float32), inv=(-a).astype(np.float32),
           noisy=(a + 2 * z).astype(np.float32))
    assert len(load_single(tmp_path / "a.wav", tmp_path / "loud.wav").pairs) == 1
    assert len(load_single(tmp_path / "a.wav", tmp_path / "inv.wav").pairs) == 1
    assert len(load_single(tmp_path / "noisy.wav", tmp_path / "a.wav").pairs) == 1


def test_an_output_leading_its_input_gets_a_sox_line_delaying_it(tmp_path: Path) -> None:
    clean = _noise(1)
    lead = int(0.040 * RATE)
    noisy = (np.concatenate([np.zeros(lead, np.float32), clean[:-lead]]) + 0.1 * _noise(7)).astype(np.float32)
    _write(tmp_path, noisy=noisy, clean=clean)
    with pytest.raises(DataError) as err:
        load_single(tmp_path / "noisy.wav", tmp_path / "clean.wav")
    assert "the output leads the input by 1920 samples (40.0 ms)" in err.value.args[0]
    assert f"sox {tmp_path / 'clean.wav'} {tmp_path / 'clean_late.wav'} pad 0.040 trim 0 2," in err.value.hint
    assert f"use {tmp_path / 'clean_late.wav'} as the output" in err.value.hint      # --target takes a path
