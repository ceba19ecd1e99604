"""`hatbox render` plays a pack as the box does, so it refuses a pack the box's golden check refuses (thirty-third
stop's QA: a pack whose model had been changed to output NaN rendered 8 s of muted silence with exit 0, and one
changed to play 60 dB louder rendered a blast held at -1 dBFS by the limiter; `push` refused both)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from onnx import helper, numpy_helper

from device.audio import audiofile
from hatbox.cli import main
from tests.test_p22_pack_validate import X, _effect


def _render(pack: Path, tmp: Path, capsys) -> tuple[int, str]:
    wav = audiofile.write(tmp / "in.wav", (0.3 * np.sin(np.arange(4800) * 0.05)).astype(np.float32), 48_000)
    rc = main(["render", str(pack), "--input", str(wav), "--out", str(tmp / "out.wav")])
    return rc, capsys.readouterr().err


def _gain(tmp: Path, gain: float, golden_gain: float) -> Path:
    """A knob-less effect multiplying by ``gain`` whose golden output was made with ``golden_gain``."""
    return _effect(tmp, [helper.make_node("Mul", ["audio_in", "g"], ["audio_out"])],
                   [numpy_helper.from_array(np.array(gain, np.float32), "g")], X * np.float32(0.5),
                   X * np.float32(0.5 * golden_gain))


def test_a_pack_whose_model_no_longer_gives_its_golden_output_is_not_rendered(tmp_path: Path, capsys) -> None:
    rc, err = _render(_gain(tmp_path, 1000.0, 1.0), tmp_path, capsys)
    assert rc == 2 and "the box refuses pack 'fx' (golden check: output 'audio_out' differs by" in err
    assert "so it is not rendered either" in err and not (tmp_path / "out.wav").exists()


def test_a_pack_whose_golden_output_is_a_runaway_is_not_rendered(tmp_path: Path, capsys) -> None:
    rc, err = _render(_gain(tmp_path, 1e4, 1e4), tmp_path, capsys)
    assert rc == 2 and "the effect's output peaks at +73.9 dBFS on its golden input" in err
    assert not (tmp_path / "out.wav").exists()


def test_a_good_pack_still_renders(tmp_path: Path, capsys) -> None:
    rc, err = _render(_gain(tmp_path, 0.5, 0.5), tmp_path, capsys)
    assert rc == 0 and err == ""
    y, _rate = audiofile.read(tmp_path / "out.wav")
    assert abs(float(np.abs(y).max()) - 0.15) < 0.01
