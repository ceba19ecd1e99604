"""External programs and the lv2apply wrapper: clear errors when something is missing."""
from __future__ import annotations

import shutil

import numpy as np
import pytest

from hatbox.errors import DataError
from trainer.data import lv2
from trainer.data.tools import require_tool, run_tool

needs_lv2 = pytest.mark.skipif(shutil.which("lv2apply") is None, reason="lilv-utils not installed")


def test_missing_program_names_its_debian_package(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(DataError, match="lv2apply") as info:
        require_tool("lv2apply")
    assert "lilv-utils" in str(info.value)


def test_failing_program_becomes_a_data_error():
    with pytest.raises(DataError, match="exit 1"):
        run_tool(["false"], "false")


def test_apply_without_lv2apply_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(DataError, match="not installed"):
        lv2.apply(lv2.DS1_URI, np.zeros(480, np.float32), {})


@needs_lv2
def test_missing_plugin_names_the_package():
    with pytest.raises(DataError, match="not installed") as info:
        lv2.apply("http://example.org/no-such-plugin", np.zeros(480, np.float32), {}, package="swh-lv2")
    assert "swh-lv2" in str(info.value)


@needs_lv2
def test_ds1_knobs_change_the_sound_and_unknown_controls_are_refused():
    if lv2.DS1_URI not in lv2.installed_plugins():
        pytest.skip("guitarix-lv2 not installed")
    x = (0.3 * np.sin(2 * np.pi * 220 * np.arange(4800) / 48_000)).astype(np.float32)
    soft = lv2.apply(lv2.DS1_URI, x, {"DRIVE": 0.0, "TONE": 0.5})
    hard = lv2.apply(lv2.DS1_URI, x, {"DRIVE": 1.0, "TONE": 0.5})
    assert soft.shape == x.shape and np.max(np.abs(soft - hard)) > 1e-3
    with pytest.raises(DataError, match="no control GAIN"):
        lv2.apply(lv2.DS1_URI, x, {"GAIN": 1.0})
