"""Forty-eighth stop's review of the external-data refusal: a Constant node's ``sparse_value`` whose values name
external data passed device.validate.refuse_external_data and check_self_contained, and onnxruntime then READ
``secret.bin`` from the working folder.  Now every TensorProto a model holds is looked at (device/onnx_external.py)."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper

from device.audio.runtime import make_session
from device.onnx_external import model_tensors
from device.validate import check_self_contained, refuse_external_data
from hatbox.errors import PackError


def external_values(name: str = "v") -> TensorProto:
    """Four floats whose data is said to be in ``secret.bin`` (the reviewer's construction)."""
    vals = helper.make_tensor(name, TensorProto.FLOAT, [4], [0.0] * 4)
    vals.ClearField("float_data")
    vals.data_location = TensorProto.EXTERNAL
    for key, value in (("location", "secret.bin"), ("offset", "0"), ("length", "16")):
        entry = vals.external_data.add()
        entry.key, entry.value = key, value
    return vals


def sparse_external() -> onnx.SparseTensorProto:
    return helper.make_sparse_tensor(external_values(), helper.make_tensor("i", TensorProto.INT64, [4], [0, 1, 2, 3]),
                                     [4])


def model_of(nodes: list[onnx.NodeProto], **graph_extra: object) -> onnx.ModelProto:
    """A model y = x + c over four floats, with ``nodes`` making c."""
    graph = helper.make_graph([*nodes, helper.make_node("Add", ["x", "c"], ["y"])], "g",
                              [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4])], **graph_extra)
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


def sparse_constant() -> onnx.ModelProto:
    return model_of([helper.make_node("Constant", [], ["c"], sparse_value=sparse_external())])


def test_a_constants_sparse_value_naming_external_data_is_refused_before_onnxruntime_reads_it(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "secret.bin").write_bytes(np.arange(4, dtype=np.float32).tobytes())
    monkeypatch.chdir(tmp_path)
    data = sparse_constant().SerializeToString()
    with pytest.raises(PackError, match=r"refers to external data \(v\); packs must be self-contained"):
        refuse_external_data(data)
    with pytest.raises(PackError, match="external data") as caught:
        make_session(data)
    assert caught.value.check == "onnx"


def _sparse_initializer() -> onnx.ModelProto:
    model = model_of([helper.make_node("Identity", ["s"], ["c"])])
    model.graph.sparse_initializer.append(sparse_external())
    return model


def _sparse_indices() -> onnx.ModelProto:
    indices = external_values("idx")
    indices.data_type = TensorProto.INT64
    sparse = helper.make_sparse_tensor(helper.make_tensor("v", TensorProto.FLOAT, [1], [1.0]), indices, [4])
    return model_of([helper.make_node("Constant", [], ["c"], sparse_value=sparse)])


def _sparse_tensors_attribute() -> onnx.ModelProto:
    node = helper.make_node("Constant", [], ["c"], value_float=0.0)
    node.attribute.append(helper.make_attribute("odd", [sparse_external()]))
    return model_of([node])


def _in_a_subgraph() -> onnx.ModelProto:
    body = helper.make_graph([helper.make_node("Constant", [], ["z"], sparse_value=sparse_external())], "body", [],
                             [helper.make_tensor_value_info("z", TensorProto.FLOAT, [4])])
    cond = helper.make_node("Constant", [], ["b"], value=helper.make_tensor("b", TensorProto.BOOL, [], [True]))
    return model_of([cond, helper.make_node("If", ["b"], ["c"], then_branch=body, else_branch=body)])


def _a_functions_default() -> onnx.ModelProto:
    model = model_of([helper.make_node("Constant", [], ["c"], value_floats=[0.0] * 4)])
    function = helper.make_function("local", "f", [], ["o"], [helper.make_node("Constant", [], ["o"], value_float=0.0)],
                                    [helper.make_opsetid("", 17)])
    function.attribute_proto.append(helper.make_attribute("w", external_values()))
    model.functions.append(function)
    return model


def _a_training_graph() -> onnx.ModelProto:
    model = model_of([helper.make_node("Constant", [], ["c"], value_floats=[0.0] * 4)])
    training = model.training_info.add()
    training.initialization.CopyFrom(helper.make_graph([], "init", [], [], [external_values()]))
    return model


@pytest.mark.parametrize("make", [sparse_constant, _sparse_initializer, _sparse_indices, _sparse_tensors_attribute,
                                  _in_a_subgraph, _a_functions_default, _a_training_graph])
def test_external_data_is_found_wherever_a_tensor_lies(make: Callable[[], onnx.ModelProto]) -> None:
    model = make()
    assert any(t.external_data for t in model_tensors(model))
    with pytest.raises(PackError, match="refers to external data"):
        check_self_contained(model)
    with pytest.raises(PackError, match="refers to external data"):
        refuse_external_data(model.SerializeToString())


def test_a_self_contained_sparse_constant_passes_and_runs() -> None:
    sparse = helper.make_sparse_tensor(helper.make_tensor("v", TensorProto.FLOAT, [2], [1.0, 2.0]),
                                       helper.make_tensor("i", TensorProto.INT64, [2], [1, 3]), [4])
    data = model_of([helper.make_node("Constant", [], ["c"], sparse_value=sparse)]).SerializeToString()
    refuse_external_data(data)
    out = make_session(data).run(None, {"x": np.zeros(4, np.float32)})[0]
    assert out.tolist() == [0.0, 1.0, 0.0, 2.0]
