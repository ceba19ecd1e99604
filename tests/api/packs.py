"""Small ONNX effect packs built with onnx.helper (no torch), for API tests and benchmarks.

The gain effect follows the effect contract (device/audio/effect.py): ``audio_in`` [1, T],
``knobs`` [1, T, 1] in [0, 1], a state ``state_in`` [1, 1] -> ``state_out`` (the last input
sample), ``audio_out`` [1, T] = 2 * knob * audio_in.  Variants add a padding weight (to make a
pack of a given size), a disallowed random operator, or a slow MatMul chain.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from export.manifest import Knob, Manifest, StateSpec, TensorSpec
from export.pack import golden_bytes, write_pack

RATE = 48000


def _graph_base() -> tuple[list, list, list, list]:
    f = TensorProto.FLOAT
    inputs = [helper.make_tensor_value_info("audio_in", f, [1, "T"]),
              helper.make_tensor_value_info("knobs", f, [1, "T", 1]),
              helper.make_tensor_value_info("state_in", f, [1, 1])]
    outputs = [helper.make_tensor_value_info("audio_out", f, [1, "T"]),
               helper.make_tensor_value_info("state_out", f, [1, 1])]
    inits = [numpy_helper.from_array(np.array([2], np.int64), "axis2"),
             numpy_helper.from_array(np.array(2.0, np.float32), "two"),
             numpy_helper.from_array(np.array([-1], np.int64), "last"),
             numpy_helper.from_array(np.array([1 << 30], np.int64), "end"),
             numpy_helper.from_array(np.array([1], np.int64), "axis1")]
    nodes = [helper.make_node("Squeeze", ["knobs", "axis2"], ["k"]),
             helper.make_node("Mul", ["k", "two"], ["g"]),
             helper.make_node("Mul", ["audio_in", "g"], ["y0"]),
             helper.make_node("Slice", ["audio_in", "last", "end", "axis1"], ["state_out"])]
    return inputs, outputs, inits, nodes


def _pad(nodes: list, inits: list, pad_bytes: int, seed: int) -> str:
    """A float32 weight of ``pad_bytes`` whose mean (times zero) is added to the output."""
    w = np.random.default_rng(seed).standard_normal(max(pad_bytes // 4, 1)).astype(np.float32)
    inits += [numpy_helper.from_array(w, "pad_w"), numpy_helper.from_array(np.array(0.0, np.float32), "zero")]
    nodes += [helper.make_node("ReduceMean", ["pad_w"], ["pad_m"], keepdims=0),
              helper.make_node("Mul", ["pad_m", "zero"], ["pad_0"])]
    return "pad_0"


def _random_op(nodes: list, inits: list) -> str:
    """RandomUniformLike (a valid ONNX op, refused by the allow-list), times zero."""
    inits.append(numpy_helper.from_array(np.array(0.0, np.float32), "zero_r"))
    nodes += [helper.make_node("RandomUniformLike", ["audio_in"], ["noise"]),
              helper.make_node("Mul", ["noise", "zero_r"], ["rnd_0"])]
    return "rnd_0"


def _slow_chain(nodes: list, inits: list, n: int, depth: int) -> str:
    """``depth`` [n, n] MatMuls that depend on the input (no constant folding), times zero."""
    b = (np.random.default_rng(1).standard_normal((n, n)) / np.sqrt(n)).astype(np.float32)
    inits += [numpy_helper.from_array(b, "slow_b"), numpy_helper.from_array(np.array(0.0, np.float32), "zero_s")]
    nodes += [helper.make_node("ReduceMean", ["audio_in"], ["s"], keepdims=1),
              helper.make_node("Mul", ["slow_b", "s"], ["m0"])]
    for i in range(depth):
        nodes.append(helper.make_node("MatMul", [f"m{i}", "slow_b"], [f"m{i + 1}"]))
    nodes += [helper.make_node("ReduceMean", [f"m{depth}"], ["sm"], keepdims=0),
              helper.make_node("Mul", ["sm", "zero_s"], ["slow_0"])]
    return "slow_0"


def gain_model(pad_bytes: int = 0, random_op: bool = False, slow: tuple[int, int] | None = None,
               seed: int = 0) -> bytes:
    inputs, outputs, inits, nodes = _graph_base()
    extras = []
    if pad_bytes:
        extras.append(_pad(nodes, inits, pad_bytes, seed))
    if random_op:
        extras.append(_random_op(nodes, inits))
    if slow:
        extras.append(_slow_chain(nodes, inits, *slow))
    last = "y0"
    for i, e in enumerate(extras):
        nodes.append(helper.make_node("Add", [last, e], [f"y{i + 1}"]))
        last = f"y{i + 1}"
    nodes.append(helper.make_node("Identity", [last], ["audio_out"]))
    graph = helper.make_graph(nodes, "gain", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="hatbox-tests")
    model.ir_version = 8
    return model.SerializeToString()


def gain_manifest(name: str = "gain", version: str = "1.0.0", rate: int = RATE) -> Manifest:
    return Manifest(kind="effect", name=name, version=version, sample_rate=rate,
                    inputs=[TensorSpec("audio_in", (1, "T")), TensorSpec("knobs", (1, "T", 1)),
                            TensorSpec("state_in", (1, 1))],
                    outputs=[TensorSpec("audio_out", (1, "T")), TensorSpec("state_out", (1, 1))],
                    state=[StateSpec("state_in", "state_out", (1, 1))],
                    knobs=[Knob("gain", 0.0, 1.0, 0.5)], extras={"contract": "effect-v1"},
                    golden={"file": "golden.npz", "atol": 1e-5, "rtol": 1e-4})


def gain_golden(n: int = 256, seed: int = 0) -> bytes:
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (1, n)).astype(np.float32)
    k = rng.uniform(0, 1, (1, n, 1)).astype(np.float32)
    ins = {"audio_in": x, "knobs": k, "state_in": np.zeros((1, 1), np.float32)}
    outs = {"audio_out": (x * (k[..., 0] * np.float32(2.0))).astype(np.float32), "state_out": x[:, -1:]}
    return golden_bytes(ins, outs)


def gain_pack(path: str | Path, name: str = "gain", version: str = "1.0.0", *, pad_bytes: int = 0,
              random_op: bool = False, slow: tuple[int, int] | None = None, rate: int = RATE,
              seed: int = 0) -> Path:
    """Write a gain effect pack (see the module doc for the variants)."""
    model = gain_model(pad_bytes, random_op, slow, seed)
    return write_pack(path, gain_manifest(name, version, rate), {"model.onnx": model, "golden.npz": gain_golden()})


def check_model(model: bytes) -> None:
    onnx.checker.check_model(onnx.load_model_from_string(model))


def tagger_pack(path: str | Path, name: str = "tags", version: str = "1.0.0", *, clip: int = 4,
                tags: tuple[str, ...] = ("kick", "snare")) -> Path:
    """A minimal tagger pack that follows the tagger contract (device/library/runner.py): ``audio``
    [B, clip] -> ``logits`` / ``probs`` [B, n_tags] (a linear layer and its softmax) and ``embedding`` [B, 3]."""
    rng = np.random.default_rng(0)
    w = rng.standard_normal((clip, len(tags))).astype(np.float32)
    e = rng.standard_normal((clip, 3)).astype(np.float32)
    nodes = [helper.make_node("MatMul", ["audio", "w"], ["logits"]),
             helper.make_node("Softmax", ["logits"], ["probs"], axis=1),
             helper.make_node("MatMul", ["audio", "e"], ["embedding"])]
    inits = [numpy_helper.from_array(w, "w"), numpy_helper.from_array(e, "e")]
    return _tagger_written(path, name, version, tags, (nodes, inits), (w, e), rng)


def nan_tagger_pack(path: str | Path, clip: int = 4, version: str = "2.0.0", nan_for_one: bool = False) -> Path:
    """A tagger pack ("broken", tags kick and snare) whose golden check passes (2 rows) but whose every output is NaN
    for a batch of 4 or more: ``+ 0 * Sqrt(3.5 - batch size)`` added to each output (the p51 QA tester's broken
    pack); ``nan_for_one``: NaN for a batch of 1 alone instead (``Sqrt(batch size - 1.5)``: a library's last file,
    alone in its batch)."""
    tags = ("kick", "snare")
    rng = np.random.default_rng(0)
    w = rng.standard_normal((clip, len(tags))).astype(np.float32)
    e = rng.standard_normal((clip, 3)).astype(np.float32)
    nodes = [helper.make_node("Shape", ["audio"], ["shape"]),
             helper.make_node("Gather", ["shape", "zero"], ["b_i"], axis=0),
             helper.make_node("Cast", ["b_i"], ["b"], to=TensorProto.FLOAT),
             helper.make_node("Sub", ["b", "three_half"] if nan_for_one else ["three_half", "b"], ["left"]),
             helper.make_node("Sqrt", ["left"], ["root"]),
             helper.make_node("Mul", ["root", "nought"], ["bad"]),
             helper.make_node("MatMul", ["audio", "w"], ["l0"]),
             helper.make_node("Add", ["l0", "bad"], ["logits"]),
             helper.make_node("Softmax", ["l0"], ["p0"], axis=1),
             helper.make_node("Add", ["p0", "bad"], ["probs"]),
             helper.make_node("MatMul", ["audio", "e"], ["e0"]),
             helper.make_node("Add", ["e0", "bad"], ["embedding"])]
    inits = [numpy_helper.from_array(w, "w"), numpy_helper.from_array(e, "e"),
             numpy_helper.from_array(np.array(0, np.int64), "zero"),
             numpy_helper.from_array(np.array(1.5 if nan_for_one else 3.5, np.float32), "three_half"),
             numpy_helper.from_array(np.array(0.0, np.float32), "nought")]
    return _tagger_written(path, "broken", version, tags, (nodes, inits), (w, e), rng)


def _tagger_written(path: str | Path, name: str, version: str, tags: tuple[str, ...], graph: tuple[list, list],
                    weights: tuple[np.ndarray, np.ndarray], rng: np.random.Generator) -> Path:
    """A tagger pack of ``graph`` (its nodes and initialisers: ``audio`` [B, clip] in; ``logits``, ``probs``
    [B, n_tags] and ``embedding`` [B, 3] out), its golden the linear layer ``weights`` (w [clip, n_tags], e [clip, 3])
    give for 2 rows of ``rng``'s noise."""
    f, (w, e) = TensorProto.FLOAT, weights
    clip = w.shape[0]
    model = helper.make_model(
        helper.make_graph(graph[0], "tagger", [helper.make_tensor_value_info("audio", f, ["B", clip])],
                          [helper.make_tensor_value_info("logits", f, ["B", len(tags)]),
                           helper.make_tensor_value_info("probs", f, ["B", len(tags)]),
                           helper.make_tensor_value_info("embedding", f, ["B", 3])], graph[1]),
        opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    audio = rng.uniform(-1, 1, (2, clip)).astype(np.float32)
    logits = audio @ w
    probs = np.exp(logits - logits.max(1, keepdims=True))
    probs /= probs.sum(1, keepdims=True)
    golden = golden_bytes({"audio": audio}, {"logits": logits, "probs": probs.astype(np.float32),
                                             "embedding": audio @ e})
    m = Manifest(kind="tagger", name=name, version=version, sample_rate=16000,
                 inputs=[TensorSpec("audio", ("B", clip))],
                 outputs=[TensorSpec("logits", ("B", len(tags))), TensorSpec("probs", ("B", len(tags))),
                          TensorSpec("embedding", ("B", 3))],
                 tags=list(tags), golden={"file": "golden.npz", "atol": 1e-4, "rtol": 1e-4},
                 extras={"tags": list(tags), "exclusive": True, "clip_samples": clip})
    return write_pack(path, m, {"model.onnx": model.SerializeToString(), "golden.npz": golden})
