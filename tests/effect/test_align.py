"""Latency alignment finds a known delay, leaves zero-latency gear alone, refuses a leading output."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hatbox.errors import DataError
from tests.effect.synth import RATE, drive, drive_folder, plucks
from trainer.effect.align import MARGIN, find_latency, shift
from trainer.effect.data import load_folder


@pytest.mark.parametrize("delay", [0, 37, 480])
def test_finds_known_delay_of_a_nonlinear_effect(delay: int) -> None:
    x = np.random.default_rng(1).standard_normal(RATE).astype(np.float32) * 0.3
    y = np.concatenate([np.zeros(delay, np.float32), drive(x, 12)])[: x.size]
    assert find_latency(x, y, RATE) == delay


def test_folder_reports_latency_and_aligns(tmp_path: Path) -> None:
    data = load_folder(drive_folder(tmp_path, delay=100))
    assert set(data.latencies.values()) == {100}
    p = data.pairs[1]
    want = drive(plucks(1.5), 12)
    np.testing.assert_allclose(p.output[MARGIN:2000], want[: 2000 - MARGIN], atol=1e-6)


def test_output_leading_input_is_an_error() -> None:
    x = np.random.default_rng(2).standard_normal(RATE).astype(np.float32)
    with pytest.raises(DataError, match="leads the input"):
        find_latency(x, np.concatenate([x[200:], np.zeros(200, np.float32)]), RATE)


def test_shift_keeps_equal_lengths() -> None:
    x, y = shift(np.arange(10.0), np.arange(12.0), 4)
    assert x.shape == y.shape and y[0] == 4 - MARGIN


def test_pairs_sharing_an_input_use_their_smallest_latency(tmp_path: Path) -> None:
    from tests.effect.synth import write
    x = plucks(1.0)
    write(tmp_path / "in.wav", x)
    for name, d in (("a.wav", 40), ("b.wav", 43)):
        write(tmp_path / name, np.concatenate([np.zeros(d, np.float32), drive(x, 6)])[: x.size])
    (tmp_path / "pairs.csv").write_text("input,output,k\nin.wav,a.wav,0\nin.wav,b.wav,1\n")
    data = load_folder(tmp_path)
    assert list(data.latencies.values()) == [40, 43]
    assert [p.shifted for p in data.pairs] == [40, 40]
    np.testing.assert_allclose(data.pairs[1].output[3 + MARGIN:1000], drive(x, 6)[: 997 - MARGIN], atol=1e-6)
