"""The box's validation runs an effect at every corner of its knobs (check "knobs"): a model that gives NaN/inf,
or peaks over the engine's runaway level, at one end of a knob is refused naming that setting in the knob's units,
instead of installing and being bypassed on stage the moment the knob is turned there."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from onnx import helper, numpy_helper

from device.validate import validate_pack
from export.manifest import Knob
from export.pack import write_pack
from hatbox.errors import PackError
from tests.api.packs import _graph_base, gain_golden, gain_manifest, gain_pack

ROOT = Path(__file__).resolve().parents[1]


def _broken_at_full(path: Path, how: str) -> Path:
    """The tests' gain effect (audio_out = 2 * knob * audio_in) changed at the knob's top only: "nan" multiplies by
    (1 - k) / (1 - k) (0/0 at k = 1), "loud" adds audio * 40000 * max(k - 0.999, 0) (x40, +32 dB, at k = 1). Its
    golden snapshot (knob values drawn in 0..1, never 1) still passes."""
    inputs, outputs, inits, nodes = _graph_base()            # y0 = 2 * knob * audio_in, and the state
    inits += [numpy_helper.from_array(np.array(1.0, np.float32), "one"),
              numpy_helper.from_array(np.array(0.999, np.float32), "edge"),
              numpy_helper.from_array(np.array(0.0, np.float32), "zero"),
              numpy_helper.from_array(np.array(40000.0, np.float32), "boost")]
    if how == "nan":
        nodes += [helper.make_node("Sub", ["one", "k"], ["d"]), helper.make_node("Div", ["d", "d"], ["r"]),
                  helper.make_node("Mul", ["y0", "r"], ["audio_out"])]
    else:
        nodes += [helper.make_node("Sub", ["k", "edge"], ["over"]), helper.make_node("Max", ["over", "zero"], ["pos"]),
                  helper.make_node("Mul", ["pos", "boost"], ["extra"]), helper.make_node("Mul", ["audio_in", "extra"],
                                                                                        ["y1"]),
                  helper.make_node("Add", ["y0", "y1"], ["audio_out"])]
    graph = helper.make_graph(nodes, "gain", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="hatbox-tests")
    model.ir_version = 8
    manifest = gain_manifest("edgy")
    manifest.knobs[0] = Knob("gain", 0.0, 12.0, 6.0, unit="dB")
    return write_pack(path, manifest, {"model.onnx": model.SerializeToString(), "golden.npz": gain_golden()})


@pytest.mark.parametrize(("how", "said"), [("nan", "the model outputs NaN/inf in 'audio_out' with gain 12 dB"),
                                           ("loud", "the effect's output peaks at +")])
def test_an_effect_that_breaks_at_one_end_of_a_knob_is_refused_naming_the_setting(tmp_path: Path, how: str,
                                                                                  said: str) -> None:
    with pytest.raises(PackError) as err:
        validate_pack(_broken_at_full(tmp_path / f"{how}.hatpack", how))
    assert err.value.check == "knobs" and said in str(err.value)
    assert err.value.hint.startswith("the model breaks at that setting: record the gear there too")
    assert str(err.value).count("hint:") == 1
    if how == "loud":
        assert "dBFS with gain 12 dB: over the +12 dBFS the engine bypasses as a runaway" in str(err.value)


def test_a_sound_effect_passes_and_says_how_loud_it_got(tmp_path: Path) -> None:
    report = validate_pack(gain_pack(tmp_path / "gain.hatpack"))
    knobs = next(c for c in report.checks if c["check"] == "knobs")
    assert knobs["ok"] and knobs["detail"].startswith("3 knob settings on a test signal: finite, loudest peak ")
    assert [c["check"] for c in report.checks][-3:] == ["golden", "knobs", "realtime"]


def test_the_factory_effect_passes_every_corner() -> None:
    report = validate_pack(ROOT / "factory" / "effect-drive.hatpack")
    detail = next(c["detail"] for c in report.checks if c["check"] == "knobs")
    assert detail.startswith("5 knob settings")


def test_other_kinds_skip_it() -> None:
    report = validate_pack(ROOT / "factory" / "tagger-drums.hatpack")
    assert next(c["detail"] for c in report.checks if c["check"] == "knobs").startswith("skipped: tagger packs")


def test_the_effect_trainer_warns_of_a_pack_the_box_will_refuse(tmp_path: Path) -> None:
    from trainer.effect.train import knob_warnings
    [said] = knob_warnings(_broken_at_full(tmp_path / "nan.hatpack", "nan"))
    assert said.startswith("the box will refuse this pack: the model outputs NaN/inf in 'audio_out' with gain 12 dB")
    assert "the model breaks at that setting" not in said and said.count("hint") == 0
    assert knob_warnings(ROOT / "factory" / "effect-drive.hatpack") == []


def test_an_effect_whose_output_sits_off_zero_is_refused_before_it_thumps(tmp_path: Path) -> None:
    """Before (twenty-seventh stop's QA): an effect putting out x + 0.3 installed, and each time it played the box's
    DC guard cut it to dry with a -10 dBFS step."""
    from device.validate import EngineSpec, dc_fault
    from tests.engine.packs import effect_pack
    with pytest.raises(PackError, match=r"drifts off zero \(a DC offset of \+0\.[23]\d\)") as err:
        validate_pack(effect_pack(tmp_path / "dc.hatpack", kind="offset", value=0.3), EngineSpec(trial_seconds=0.05))
    assert err.value.check == "knobs" and "highpass" in err.value.hint
    validate_pack(effect_pack(tmp_path / "small.hatpack", kind="offset", value=0.05), EngineSpec(trial_seconds=0.05))
    assert dc_fault(np.full(48000, 0.25, np.float32), 48000, 128) is not None
    assert dc_fault(np.sin(np.arange(48000, dtype=np.float32) * 0.05), 48000, 128) is None
