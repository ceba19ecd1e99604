"""The pack validator's words: a synth's real-time trial names what one call of its network is (a control
frame for every voice at once, not "blocks of 1"); a checker error with no message still reads as one line."""
from __future__ import annotations

from pathlib import Path

import onnx
import pytest

from device.validate import EngineSpec, Report, check_onnx, check_realtime, validate_pack
from export.pack import read_pack
from hatbox.errors import PackError

FACTORY = Path(__file__).resolve().parents[1] / "factory"
SYNTH, EFFECT = FACTORY / "synth-gm4.hatpack", FACTORY / "effect-drive.hatpack"
QUICK = EngineSpec(trial_seconds=0.05)


def test_a_synth_s_realtime_check_names_its_control_frame_and_voices() -> None:
    detail = validate_pack(SYNTH, QUICK).checks[-1]
    assert detail["check"] == "realtime"
    assert "blocks of 1" not in detail["detail"]
    assert "runs of the network, one per 5 ms control frame (16 voices at once): mean CPU load" in detail["detail"]


def test_an_effect_s_realtime_check_says_samples_and_milliseconds() -> None:
    detail = validate_pack(EFFECT, QUICK).checks[-1]["detail"]
    assert " blocks of 128 samples (2.67 ms): mean CPU load " in detail


def test_a_synth_too_slow_for_this_box_says_what_took_too_long() -> None:
    report = Report(pack=read_pack(SYNTH))
    with pytest.raises(PackError) as info:
        check_realtime(report, EngineSpec(trial_seconds=0.05, budget=1e-9))
    text = str(info.value)
    assert text.startswith("too slow for real time: the synth's network takes ")
    assert "ms for one 5 ms control frame (16 voices at once; " in text and "block" not in text
    assert "use a synth pack with a smaller network" in text and info.value.check == "realtime"


def test_an_onnx_checker_error_without_a_message_is_still_one_line(monkeypatch) -> None:
    """onnx.checker raising an empty ValidationError made ``str(exc).strip().splitlines()[0]`` an IndexError."""
    def refuse(_model) -> None:
        raise onnx.checker.ValidationError("")
    monkeypatch.setattr(onnx.checker, "check_model", refuse)
    with pytest.raises(PackError) as info:
        check_onnx(Report(pack=read_pack(EFFECT)))
    assert str(info.value) == "the ONNX checker refuses model.onnx: ValidationError" and info.value.check == "onnx"


def test_a_synth_pack_that_names_no_frame_is_timed_and_said_per_engine_block() -> None:
    """Without ``frame_seconds`` the network runs once per engine block: said so, not "control frame"."""
    pack = read_pack(SYNTH)
    pack.manifest.extras.pop("frame_seconds")
    detail = check_realtime(Report(pack=pack), QUICK)
    assert "runs of the network, one per block of 128 samples (2.67 ms) (16 voices at once)" in detail
    assert "control frame" not in detail
