"""Fortieth stop (effect and audio QA): the laptop's commands refuse what the box refuses.  `render` played an
effect the box's knobs check refuses (its output over the runaway level on the box's test signal), `pack inspect`
passed one that puts out a steady level on silence (a DC offset of 0.1: installed, then bypassed at every pause as
"far too loud"), and a pack without knobs was refused "with none" and told its model breaks at that setting."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from onnx import helper, numpy_helper

from device.validate import EngineSpec, validate_pack
from hatbox.cli import main
from hatbox.errors import PackError
from tests.test_p22_pack_validate import _effect

ENGINE = EngineSpec(trial_seconds=0.05)
QUIET = np.random.default_rng(0).uniform(-0.02, 0.02, (1, 256)).astype(np.float32)


def gain_pack(tmp: Path, gain: float) -> Path:
    """audio_out = gain * audio_in: its golden input is quiet enough to pass, the box's test signal is not."""
    return _effect(tmp, [helper.make_node("Mul", ["audio_in", "g"], ["audio_out"])],
                   [numpy_helper.from_array(np.array(gain, np.float32), "g")], QUIET, QUIET * np.float32(gain))


def offset_pack(tmp: Path, offset: float) -> Path:
    x = QUIET
    return _effect(tmp, [helper.make_node("Add", ["audio_in", "c"], ["audio_out"])],
                   [numpy_helper.from_array(np.array(offset, np.float32), "c")], x, x + np.float32(offset))


def test_render_refuses_an_effect_the_box_s_knobs_check_refuses(tmp_path: Path, capsys) -> None:
    pack = gain_pack(tmp_path, 20.0)
    with pytest.raises(PackError) as err:
        validate_pack(pack, ENGINE)
    assert err.value.check == "knobs" and "on the box's test signal" in str(err.value) and "none" not in str(err.value)
    assert "the recordings of the gear are about that loud" in err.value.hint           # not "breaks at that setting"
    from device.audio import audiofile
    audiofile.write(tmp_path / "in.wav", np.zeros(4800, np.float32) + 0.01, 48000)
    assert main(["render", str(pack), "--input", str(tmp_path / "in.wav"), "--out", str(tmp_path / "out.wav")]) == 2
    said = capsys.readouterr().err
    assert "the box refuses pack" in said and "knobs check" in said and not (tmp_path / "out.wav").exists()


def test_an_effect_that_sounds_on_silence_is_refused_by_inspect_as_by_the_box(tmp_path: Path, capsys) -> None:
    pack = offset_pack(tmp_path, 0.1)
    with pytest.raises(PackError, match=r"puts out -20 dBFS on silence \(a DC offset of \+0.10\)") as err:
        validate_pack(pack, ENGINE)
    assert err.value.check == "realtime" and "DC offset" in err.value.hint
    assert main(["pack", "inspect", str(pack)]) == 0
    out = capsys.readouterr().out
    assert "warning: the box would refuse it: realtime check: the effect puts out -20 dBFS on silence" in out
    validate_pack(offset_pack(tmp_path / "small", 0.01), ENGINE)                          # -40 dBFS: under the floor
