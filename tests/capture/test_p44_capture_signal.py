"""The capture signal (device/audio/capture_signal.py): reproducible, within level, laid out as documented; and the
guitar-like part shared with the trainer (one implementation)."""
from __future__ import annotations

import numpy as np
import pytest

from device.audio.capture_signal import (PEAK_DBFS, SECONDS_RANGE, blip_span, capture_signal, layout,
                                         signal_sha256)
from device.control import ControlError, validate


def test_same_signal_every_time_and_another_for_another_seed() -> None:
    a, b = capture_signal(8.0), capture_signal(8.0)
    assert a.dtype == np.float32 and a.shape == (8 * 48000,)
    assert signal_sha256(a) == signal_sha256(b)
    assert signal_sha256(capture_signal(8.0, seed=1)) != signal_sha256(a)
    assert capture_signal(8.0, rate=44100).shape == (8 * 44100,)


def test_peak_is_minus_6_dbfs_with_fades_and_silent_gaps() -> None:
    x = capture_signal(10.0)
    assert 20 * np.log10(np.max(np.abs(x))) == pytest.approx(PEAK_DBFS, abs=0.01)
    assert np.all(x[:int(0.25 * 48000)] == 0.0) and np.all(x[-int(0.1 * 48000):] == 0.0)   # lead-in, last gap
    parts = layout(10.0)
    assert parts[0].start == 0 and parts[-1].end == x.shape[0]
    assert all(p.end == q.start for p, q in zip(parts, parts[1:]))
    kinds = [p.kind for p in parts]
    assert kinds.count("sweep") == 3 and kinds.count("noise") == 4 and kinds[-2] == "guitar"
    for p in parts:
        seg = np.abs(x[p.start:p.end])
        if p.kind in ("gap", "silence"):
            assert np.all(seg == 0.0), p
        else:
            assert seg.max() > 0.005, p
    a, b = blip_span(10.0)
    assert 0 < np.max(np.abs(x[a:b])) < 0.5


def test_sweeps_and_noise_bursts_at_their_levels() -> None:
    x = capture_signal(20.0)
    peaks = {p.level_dbfs: 20 * np.log10(np.max(np.abs(x[p.start:p.end])))
             for p in layout(20.0) if p.kind in ("sweep", "noise")}
    for level, got in peaks.items():
        assert got == pytest.approx(level, abs=0.5)


def test_length_outside_its_range_is_refused_by_the_signal_and_the_control_message() -> None:
    lo, hi = SECONDS_RANGE
    for bad in (lo - 1, hi + 1):
        with pytest.raises(ValueError, match="capture signal"):
            capture_signal(bad)
        with pytest.raises(ControlError, match="seconds"):
            validate({"op": "capture", "name": "c", "path": "/tmp/x", "seconds": bad})
    validate({"op": "capture", "name": "c", "path": "/tmp/x", "seconds": lo})
    validate({"op": "capture_cancel"})


def test_the_trainer_uses_the_box_s_guitar_like_signal() -> None:
    from device.audio.guitar_like import plucks
    from trainer.effect import synthdata
    assert synthdata.plucks is plucks
    x = plucks(1.0, seed=3)
    assert x.shape == (48000,) and np.max(np.abs(x)) == pytest.approx(0.5, abs=1e-6)


def test_the_laptops_seconds_range_is_the_boxs() -> None:
    """hatbox/cmd_capture.py keeps its own copy (the CLI starts without device.control): it must not drift."""
    from device.control import CAPTURE_SECONDS_RANGE
    from hatbox.cmd_capture import SECONDS_RANGE as LAPTOP
    assert LAPTOP == CAPTURE_SECONDS_RANGE == SECONDS_RANGE
