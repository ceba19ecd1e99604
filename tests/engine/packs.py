"""Tiny effect packs built with onnx.helper for the engine's tests and benchmarks (no torch).

Every pack follows the effect contract (device/audio/effect.py): ``audio_in`` [1, T] ->
``audio_out`` [1, T], mono, latency 0, with a golden snapshot the engine must reproduce.

- ``gain``      y = g * x (``gain_db``; +20 dB is the runaway case)
- ``smooth``    y[n] = a x[n] + (1 - a) x[n-1], the previous sample carried as state [1, 1]
- ``nan``       y = x + 0 * log(value - |x|): clean on quiet input (so it passes its golden
                check), NaN as soon as |x| > value (a model that breaks on loud input)
- ``broken``    y = x * NaN everywhere (its golden snapshot cannot be reproduced)
- ``offset``    y = x + c (a model that outputs DC)
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper

from export.manifest import Manifest, StateSpec, TensorSpec
from export.pack import GOLDEN, MODEL, golden_bytes, write_pack

OPSET = 17


def _const(name: str, value: float | list[int]) -> onnx.NodeProto:
    if isinstance(value, list):
        t = helper.make_tensor(name, TensorProto.INT64, [len(value)], value)
    else:
        t = helper.make_tensor(name, TensorProto.FLOAT, [], [float(value)])
    return helper.make_node("Constant", [], [name], value=t)


def _model(nodes: list[onnx.NodeProto], state: bool) -> bytes:
    ins = [helper.make_tensor_value_info("audio_in", TensorProto.FLOAT, [1, "T"])]
    outs = [helper.make_tensor_value_info("audio_out", TensorProto.FLOAT, [1, "T"])]
    if state:
        ins.append(helper.make_tensor_value_info("state_in", TensorProto.FLOAT, [1, 1]))
        outs.append(helper.make_tensor_value_info("state_out", TensorProto.FLOAT, [1, 1]))
    graph = helper.make_graph(nodes, "engine_test", ins, outs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model.SerializeToString()


def _binary(op: str, value: float) -> bytes:
    return _model([_const("c", value), helper.make_node(op, ["audio_in", "c"], ["audio_out"])], False)


def _smooth(a: float) -> bytes:
    nodes = [_const("a", a), _const("b", 1.0 - a), _const("one", [1]), _const("big", [1 << 30]),
             _const("neg1", [-1]), _const("axis", [1]), _const("zero", [0]),
             helper.make_node("Concat", ["state_in", "audio_in"], ["cat"], axis=1),
             helper.make_node("Slice", ["cat", "zero", "neg1", "axis"], ["prev"]),
             helper.make_node("Slice", ["cat", "neg1", "big", "axis"], ["state_out"]),
             helper.make_node("Mul", ["audio_in", "a"], ["ax"]),
             helper.make_node("Mul", ["prev", "b"], ["bp"]),
             helper.make_node("Add", ["ax", "bp"], ["audio_out"])]
    return _model(nodes, True)


def _nan_when_loud(threshold: float) -> bytes:
    nodes = [_const("c", threshold), _const("zero_f", 0.0),
             helper.make_node("Abs", ["audio_in"], ["mag"]),
             helper.make_node("Sub", ["c", "mag"], ["room"]),
             helper.make_node("Log", ["room"], ["lg"]),
             helper.make_node("Mul", ["lg", "zero_f"], ["poison"]),
             helper.make_node("Add", ["audio_in", "poison"], ["audio_out"])]
    return _model(nodes, False)


def _reference(kind: str, x: np.ndarray, value: float) -> np.ndarray:
    if kind == "gain":
        return x * np.float32(10 ** (value / 20))
    if kind == "smooth":
        prev = np.concatenate([np.zeros((1, 1), np.float32), x[:, :-1]], axis=1)
        return (np.float32(value) * x + np.float32(1 - value) * prev).astype(np.float32)
    if kind == "offset":
        return x + np.float32(value)
    return x * np.float32("nan")


def effect_pack(path: str | Path, kind: str = "gain", value: float = 0.0, rate: int = 48000,
                name: str | None = None) -> Path:
    """Write a test effect pack: kind "gain" (value dB), "smooth" (value = a), "nan", "offset"."""
    model = {"gain": lambda: _binary("Mul", 10 ** (value / 20)), "smooth": lambda: _smooth(value),
             "nan": lambda: _nan_when_loud(value), "broken": lambda: _binary("Mul", float("nan")),
             "offset": lambda: _binary("Add", value)}[kind]()
    state = kind == "smooth"
    x = (0.1 * np.sin(np.arange(256, dtype=np.float32) * 0.05)).reshape(1, -1).astype(np.float32)
    ins = {"audio_in": x, **({"state_in": np.zeros((1, 1), np.float32)} if state else {})}
    y = _reference(kind, x, value)
    outs = {"audio_out": y, **({"state_out": x[:, -1:]} if state else {})}
    if kind in ("nan", "broken"):         # the snapshot of a model that was fine when exported
        outs = {"audio_out": x}
    manifest = Manifest(kind="effect", name=name or f"test-{kind}", version="0.1.0", sample_rate=rate,
                        inputs=[TensorSpec("audio_in", (1, "T"))] + ([TensorSpec("state_in", (1, 1))] if state else []),
                        outputs=[TensorSpec("audio_out", (1, "T"))] + ([TensorSpec("state_out", (1, 1))] if state else []),
                        state=[StateSpec("state_in", "state_out", (1, 1))] if state else [],
                        golden={"file": GOLDEN, "atol": 1e-5, "rtol": 1e-4},
                        extras={"contract": "effect-v1"})
    return write_pack(path, manifest, {MODEL: model, GOLDEN: golden_bytes(ins, outs)})
