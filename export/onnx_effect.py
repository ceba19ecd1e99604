"""Export a trained effect model to ONNX and a ``.hatpack``, with a parity check.

ONNX contract ("effect-v1", see device/audio/effect.py): inputs ``audio_in`` [1, T],
``knobs`` [1, T, K] (only when K > 0), then ``state_in_<i>``; outputs ``audio_out`` [1, T] then
``state_out_<i>``.  T is dynamic (1 works).  The golden snapshot is the model's response to a
stretch of real input from zero state; onnxruntime must match torch on it within
(atol, rtol) both in one call and streamed in odd-sized blocks, or export fails.
"""
from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from device.audio.effect import AUDIO_IN, AUDIO_OUT, CONTRACT, KNOBS_IN
from device.audio.runtime import make_session
from device.audio.smoothing import DEFAULT_TIME_S
from export.manifest import Knob, Manifest, StateSpec, TensorSpec
from export.onnx_quiet import quiet_onnx_export
from export.pack import GOLDEN, MODEL, golden_bytes, write_pack
from hatbox.errors import PackError

OPSET = 17
ATOL, RTOL = 1e-4, 1e-3
PARITY_BLOCK = 37      # odd block size for the streamed parity check


class _Flat(nn.Module):
    """(audio_in, [knobs], *state) -> (audio_out, *state'): the ONNX signature."""

    def __init__(self, model: nn.Module, knobs: int) -> None:
        super().__init__()
        self.model = model
        self.k = knobs

    def forward(self, audio_in: torch.Tensor, *rest: torch.Tensor) -> tuple[torch.Tensor, ...]:
        knobs, state = (rest[0], list(rest[1:])) if self.k else (None, list(rest))
        y, new = self.model(audio_in, knobs, state)
        return (y, *new)


def state_names(n: int) -> tuple[list[str], list[str]]:
    return [f"state_in_{i}" for i in range(n)], [f"state_out_{i}" for i in range(n)]


def to_onnx(model: nn.Module, knobs: int) -> bytes:
    """Serialise ``model`` (an EffectModel, eval mode, on CPU) to ONNX bytes."""
    model = model.cpu().eval()
    shapes = model.state_shapes()
    ins, outs = state_names(len(shapes))
    t = 8
    args: list[torch.Tensor] = [torch.zeros(1, t)]
    names = [AUDIO_IN]
    dynamic = {AUDIO_IN: {1: "T"}, AUDIO_OUT: {1: "T"}}
    if knobs:
        args.append(torch.zeros(1, t, knobs))
        names.append(KNOBS_IN)
        dynamic[KNOBS_IN] = {1: "T"}
    args += [torch.zeros(s) for s in shapes]
    buf = io.BytesIO()
    with quiet_onnx_export():
        torch.onnx.export(_Flat(model, knobs), tuple(args), buf, input_names=names + ins,
                          output_names=[AUDIO_OUT, *outs], dynamic_axes=dynamic,
                          opset_version=OPSET, dynamo=False)
    return buf.getvalue()


def torch_response(model: nn.Module, x: np.ndarray, k: np.ndarray | None) -> np.ndarray:
    """Model output [1, T] for x [1, T] and knobs [1, T, K] from zero state (float32)."""
    model = model.cpu().eval()
    with torch.no_grad():
        kt = None if k is None else torch.from_numpy(k)
        y, _ = model(torch.from_numpy(x), kt, model.initial_state(1))
    return y.numpy().astype(np.float32)


def _streamed(session: Any, feeds: dict[str, np.ndarray], shapes: list[tuple[int, ...]],
              block: int) -> np.ndarray:
    ins, outs = state_names(len(shapes))
    state = {n: np.zeros(s, np.float32) for n, s in zip(ins, shapes)}
    total = feeds[AUDIO_IN].shape[1]
    pieces = []
    for a in range(0, total, block):
        f = {name: v[:, a:a + block] for name, v in feeds.items()}
        got = session.run([AUDIO_OUT, *outs], {**f, **state})
        pieces.append(got[0])
        state = dict(zip(ins, got[1:]))
    return np.concatenate(pieces, axis=1)


def parity(onnx_bytes: bytes, feeds: dict[str, np.ndarray], want: np.ndarray,
           shapes: list[tuple[int, ...]]) -> float:
    """Max |onnxruntime - torch| over one call and a streamed run; PackError past tolerance."""
    session = make_session(onnx_bytes, providers=["CPUExecutionProvider"])
    zero = dict(zip(state_names(len(shapes))[0], (np.zeros(s, np.float32) for s in shapes)))
    whole = session.run([AUDIO_OUT], {**feeds, **zero})[0]
    streamed = _streamed(session, feeds, shapes, PARITY_BLOCK)
    worst = 0.0
    for got, how in ((whole, "in one call"), (streamed, f"in blocks of {PARITY_BLOCK}")):
        err = float(np.max(np.abs(got - want)))
        worst = max(worst, err)
        if not np.allclose(got, want, atol=ATOL, rtol=RTOL):
            raise PackError(f"ONNX parity failed {how}: onnxruntime differs from torch by {err:.3g}",
                            check="parity")
    return worst


def effect_manifest(*, name: str, rate: int, knobs: list[Knob], shapes: list[tuple[int, ...]],
                    metrics: dict[str, Any], config: dict[str, Any], description: str = "",
                    version: str = "0.1.0") -> Manifest:
    """The manifest of an effect pack (contract "effect-v1")."""
    ins, outs = state_names(len(shapes))
    inputs = [TensorSpec(AUDIO_IN, (1, "T"))]
    if knobs:
        inputs.append(TensorSpec(KNOBS_IN, (1, "T", len(knobs))))
    return Manifest(
        kind="effect", name=name, version=version, sample_rate=int(rate),
        inputs=inputs + [TensorSpec(n, s) for n, s in zip(ins, shapes)],
        outputs=[TensorSpec(AUDIO_OUT, (1, "T"))] + [TensorSpec(n, s) for n, s in zip(outs, shapes)],
        state=[StateSpec(i, o, s) for i, o, s in zip(ins, outs, shapes)],
        knobs=list(knobs), latency_samples=0, block_multiple=1, metrics=metrics,
        golden={"file": GOLDEN, "atol": ATOL, "rtol": RTOL},
        extras={"contract": CONTRACT, "model": config, "knob_smoothing_s": DEFAULT_TIME_S},
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"), description=description)


def export_effect(model: nn.Module, out: str | Path, *, name: str, rate: int, knobs: list[Knob],
                  golden_audio: np.ndarray, golden_knobs: np.ndarray | None,
                  metrics: dict[str, Any] | None = None, description: str = "") -> Path:
    """Write ``out`` (.hatpack): ONNX + golden snapshot + manifest, after the parity check.

    ``golden_audio`` [T] is a stretch of real input; ``golden_knobs`` [K] (normalised) its setting.
    """
    model = model.cpu().eval()
    shapes = [tuple(int(d) for d in s) for s in model.state_shapes()]
    x = np.asarray(golden_audio, np.float32).reshape(1, -1)
    feeds = {AUDIO_IN: x}
    k = None
    if knobs:
        k = np.broadcast_to(np.asarray(golden_knobs, np.float32), (1, x.shape[1], len(knobs))).copy()
        feeds[KNOBS_IN] = k
    want = torch_response(model, x, k)
    onnx_bytes = to_onnx(model, len(knobs))
    err = parity(onnx_bytes, feeds, want, shapes)
    zero = dict(zip(state_names(len(shapes))[0], (np.zeros(s, np.float32) for s in shapes)))
    metrics = {**(metrics or {}), "onnx_parity_max_abs": err}
    manifest = effect_manifest(name=name, rate=rate, knobs=knobs, shapes=shapes, metrics=metrics,
                               config=model.config(), description=description)
    members = {MODEL: onnx_bytes, GOLDEN: golden_bytes({**feeds, **zero}, {AUDIO_OUT: want})}
    return write_pack(out, manifest, members)
