"""StreamingModel carries explicit state between calls and resets it."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper

from export.manifest import Manifest, StateSpec, TensorSpec
from export.pack import golden_bytes, read_pack, write_pack
from device.audio.stream import StreamingModel


def running_sum_model() -> bytes:
    """y[t] = s + cumsum(x)[t]; s' = s + sum(x). State s has shape [1, 1]."""
    x = helper.make_tensor_value_info("audio_in", TensorProto.FLOAT, [1, "T"])
    s = helper.make_tensor_value_info("state_in", TensorProto.FLOAT, [1, 1])
    y = helper.make_tensor_value_info("audio_out", TensorProto.FLOAT, [1, "T"])
    s2 = helper.make_tensor_value_info("state_out", TensorProto.FLOAT, [1, 1])
    axis = helper.make_tensor("axis", TensorProto.INT64, [], [1])
    nodes = [
        helper.make_node("CumSum", ["audio_in", "axis"], ["cs"]),
        helper.make_node("Add", ["cs", "state_in"], ["audio_out"]),
        helper.make_node("ReduceSum", ["audio_in"], ["tot"], keepdims=1),
        helper.make_node("Add", ["tot", "state_in"], ["state_out"]),
    ]
    graph = helper.make_graph(nodes, "runsum", [x, s], [y, s2], initializer=[axis])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model.SerializeToString()


def test_state_is_carried_and_reset(tmp_path: Path) -> None:
    m = Manifest(kind="effect", name="runsum", version="0.1.0", sample_rate=48000,
                 inputs=[TensorSpec("audio_in", (1, "T")), TensorSpec("state_in", (1, 1))],
                 outputs=[TensorSpec("audio_out", (1, "T")), TensorSpec("state_out", (1, 1))],
                 state=[StateSpec("state_in", "state_out", (1, 1))])
    g = golden_bytes({"audio_in": np.ones((1, 2), np.float32)}, {"audio_out": np.array([[1, 2]], np.float32)})
    pack = read_pack(write_pack(tmp_path / "r.hatpack", m, {"model.onnx": running_sum_model(), "golden.npz": g}))
    sm = StreamingModel(pack)
    x = np.ones((1, 3), np.float32)
    assert sm.output_names == ["audio_out"]
    np.testing.assert_allclose(sm.run({"audio_in": x})["audio_out"], [[1, 2, 3]])
    np.testing.assert_allclose(sm.run({"audio_in": x})["audio_out"], [[4, 5, 6]])
    snap = sm.snapshot()
    sm.reset()
    np.testing.assert_allclose(sm.run({"audio_in": x})["audio_out"], [[1, 2, 3]])
    sm.restore(snap)
    np.testing.assert_allclose(sm.run({"audio_in": x})["audio_out"], [[7, 8, 9]])


def test_reset_returns_to_the_rest_state_it_was_given(tmp_path: Path) -> None:
    m = Manifest(kind="effect", name="runsum", version="0.1.0", sample_rate=48000,
                 inputs=[TensorSpec("audio_in", (1, "T")), TensorSpec("state_in", (1, 1))],
                 outputs=[TensorSpec("audio_out", (1, "T")), TensorSpec("state_out", (1, 1))],
                 state=[StateSpec("state_in", "state_out", (1, 1))])
    g = golden_bytes({"audio_in": np.ones((1, 2), np.float32)}, {"audio_out": np.array([[1, 2]], np.float32)})
    sm = StreamingModel(read_pack(write_pack(tmp_path / "r.hatpack", m, {"model.onnx": running_sum_model(),
                                                                        "golden.npz": g})))
    x = np.ones((1, 2), np.float32)
    sm.run({"audio_in": x})
    sm.set_rest(sm.snapshot())                       # rests at s = 2
    sm.run({"audio_in": x})
    sm.reset()
    np.testing.assert_allclose(sm.run({"audio_in": x})["audio_out"], [[3, 4]])
    sm.set_rest(None)
    sm.reset()
    np.testing.assert_allclose(sm.run({"audio_in": x})["audio_out"], [[1, 2]])
