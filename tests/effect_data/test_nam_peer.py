"""The NAM peer's input layout and configs (pure parts of bench/nam_peer.py; no training here)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np

from trainer.data.recipes import COMP_HELDOUT_NEW, COMP_TRAIN, DS1_HELDOUT, DS1_TRAIN

_SPEC = importlib.util.spec_from_file_location("nam_peer", Path(__file__).parents[2] / "bench" / "nam_peer.py")
nam_peer = importlib.util.module_from_spec(_SPEC)
sys.modules.setdefault("nam_peer", nam_peer)
_SPEC.loader.exec_module(nam_peer)


def test_validation_segment_follows_enough_silence():
    x = np.ones(48_000 * 3, np.float32)
    y = 2 * x
    xs, ys, val_start = nam_peer.nam_pair(x, y, val_s=1.0)
    gap = xs[x.shape[0]:val_start]
    assert gap.shape[0] >= 0.4 * 48_000 and not gap.any() and not ys[x.shape[0]:val_start].any()
    assert xs.shape[0] - val_start == 48_000 and np.all(ys[val_start:] == 2.0)


def test_configs_split_at_the_silence_and_cap_wall_time(tmp_path):
    cfg = nam_peer.configs(tmp_path / "x.wav", tmp_path / "y.wav", val_start=100_000, minutes=2.5)
    assert cfg["data"]["train"]["stop_samples"] == 100_000 - 24_000
    assert cfg["data"]["validation"]["start_samples"] == 100_000
    assert cfg["learning"]["trainer"]["max_time"] == "00:00:02:30"
    assert cfg["model"]["net"]["name"] == "WaveNet"


def test_heldout_knob_settings_are_never_trained_on():
    assert not [s for s in DS1_HELDOUT if s in DS1_TRAIN] and len(DS1_TRAIN) >= 6
    assert not [s for s in COMP_HELDOUT_NEW if s in COMP_TRAIN]
