"""p58 (trim TE's handover): the engine warms onnxruntime with a 68-byte Identity model written out in
device/audio/swap.py, not built with onnx at each start (importing onnx took 0.6-2 s of every engine start)."""
from __future__ import annotations

import numpy as np
import onnx
from onnx import TensorProto, helper

from device.audio import swap
from device.audio.runtime import make_session


def test_the_warm_model_is_what_onnx_helper_makes() -> None:
    io = [helper.make_tensor_value_info(n, TensorProto.FLOAT, [1]) for n in ("x", "y")]
    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "warm", io[:1], io[1:])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    assert swap.WARM_MODEL == model.SerializeToString()


def test_the_warm_model_runs_as_an_identity() -> None:
    session = make_session(swap.WARM_MODEL)
    x = np.array([0.25], np.float32)
    (y,) = session.run(["y"], {"x": x})
    np.testing.assert_array_equal(y, x)
    swap.warm_runtime()
