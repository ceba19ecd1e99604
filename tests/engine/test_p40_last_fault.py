"""Fortieth stop (audio QA): a fault in the last second of a `device run --input` run was never said (the status
watch reads once a second and the run had ended); the engine's last words carry its faults, and the run says the
ones the watch missed."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from onnx import helper, numpy_helper

from device.audio import audiofile
from tests.engine.box_run import device_run  # noqa: F401 - fixture (in this process since the p58 trim)
from tests.test_p22_pack_validate import _effect


def test_a_fault_in_the_run_s_last_block_is_said(tmp_path: Path, device_run: Any) -> None:
    """audio_out = x + 0 * sqrt(0.7 - |x|): the input itself while under 0.7, NaN over it (its last 20 ms)."""
    nodes = [helper.make_node("Abs", ["audio_in"], ["a"]), helper.make_node("Sub", ["lim", "a"], ["d"]),
             helper.make_node("Sqrt", ["d"], ["r"]), helper.make_node("Mul", ["r", "zero"], ["z"]),
             helper.make_node("Add", ["audio_in", "z"], ["audio_out"])]
    inits = [numpy_helper.from_array(np.array(0.7, np.float32), "lim"),
             numpy_helper.from_array(np.array(0.0, np.float32), "zero")]
    x = np.random.default_rng(0).uniform(-0.4, 0.4, (1, 256)).astype(np.float32)
    pack = _effect(tmp_path, nodes, inits, x, x)
    t = np.arange(int(0.8 * 48000)) / 48000          # 0.8 s: past the start, under the watch's second (1.5 s before)
    signal = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    signal[-960:] = 0.9                                                    # the last 20 ms: over the model's 0.7
    audiofile.write(tmp_path / "in.wav", signal, 48000)
    done = device_run(["--sim", "--no-api", "--no-panel", "--no-midi", "--osc-port", "0",
                       "--store", str(tmp_path / "store"), "--effect", str(pack), "--input", str(tmp_path / "in.wav"),
                       "--output", str(tmp_path / "out.wav")])
    assert done.returncode == 0, done.stderr
    assert "effect 'fx' bypassed: " in done.stderr and done.stderr.count("bypassed: ") == 1, done.stderr
