"""The synth pack: the frame-rate network in ONNX with explicit per-voice GRU state, the timbre
embeddings (``embeddings.npy``, names in ``manifest.extras["names"]``) and a golden snapshot.

ONNX I/O (B = active voices, evaluated together once per frame):
  pitch [B, 1] MIDI (bend included), loudness [B, 1] dB, timbre [B, E], h_in [B, H]
  -> harmonics [B, K] linear amplitudes (zero above the cutoff), noise [B, M] band magnitudes, h_out [B, H].
"""
from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import torch
from torch import nn

from export.manifest import Manifest, StateSpec, TensorSpec
from export.onnx_quiet import quiet_onnx_export
from export.pack import Pack, golden_bytes, npy_bytes, read_pack, write_pack
from trainer.synth.envelope_fit import DEFAULT_ENVELOPE  # noqa: F401 - a pack's envelope when none was fitted
from trainer.synth.model import FrameNet

MAX_VOICES = 16


class FrameStep(nn.Module):
    """FrameNet for one frame, with [B, ...] tensors (no time axis) and state [B, H]."""

    def __init__(self, net: FrameNet) -> None:
        super().__init__()
        self.net = net

    def forward(self, pitch: torch.Tensor, loudness: torch.Tensor, timbre: torch.Tensor,
                h_in: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        harm, noise, h = self.net(pitch[:, None], loudness[:, None], timbre[:, None], h_in[None])
        return harm[:, 0], noise[:, 0], h[0]


def onnx_bytes(net: FrameNet) -> bytes:
    """Export the step network (opset 17, dynamic batch)."""
    cfg = net.cfg
    step = FrameStep(net).eval()
    args = (torch.full((2, 1), 60.0), torch.full((2, 1), -20.0), torch.zeros(2, cfg.embed_dim),
            torch.zeros(2, cfg.hidden))
    names_in, names_out = ["pitch", "loudness", "timbre", "h_in"], ["harmonics", "noise", "h_out"]
    buf = io.BytesIO()
    with quiet_onnx_export():            # the TorchScript exporter's deprecation and GRU tracer notes
        torch.onnx.export(step, args, buf, input_names=names_in, output_names=names_out, opset_version=17,
                          dynamic_axes={n: {0: "B"} for n in names_in + names_out}, dynamo=False)
    return buf.getvalue()


def golden_io(net: FrameNet, seed: int = 0) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Three voices of random but plausible inputs and the torch outputs."""
    g = torch.Generator().manual_seed(seed)
    cfg = net.cfg
    ins = {"pitch": 48 + 36 * torch.rand(3, 1, generator=g), "loudness": -50 + 40 * torch.rand(3, 1, generator=g),
           "timbre": torch.randn(3, cfg.embed_dim, generator=g), "h_in": 0.5 * torch.randn(3, cfg.hidden, generator=g)}
    with torch.no_grad():
        outs = FrameStep(net).eval()(**ins)
    return ({k: v.numpy().astype(np.float32) for k, v in ins.items()},
            {k: v.numpy().astype(np.float32) for k, v in zip(["harmonics", "noise", "h_out"], outs)})


def synth_manifest(net: FrameNet, name: str, names: list[str], extras: dict, metrics: dict,
                   rate: int = 48000) -> Manifest:
    cfg = net.cfg
    e, h, k, m = cfg.embed_dim, cfg.hidden, cfg.n_harmonics, cfg.n_noise
    return Manifest(
        kind="synth", name=name, version="0.1.0", sample_rate=rate,
        inputs=[TensorSpec("pitch", ("B", 1)), TensorSpec("loudness", ("B", 1)), TensorSpec("timbre", ("B", e)),
                TensorSpec("h_in", ("B", h))],
        outputs=[TensorSpec("harmonics", ("B", k)), TensorSpec("noise", ("B", m)), TensorSpec("h_out", ("B", h))],
        state=[StateSpec("h_in", "h_out", (MAX_VOICES, h))],
        tags=["synth", *names], metrics=metrics, golden={"file": "golden.npz", "atol": 1e-4, "rtol": 1e-3},
        extras={"names": names, "embeddings": "embeddings.npy", "frame_seconds": cfg.hop / cfg.rate,
                "train_rate": cfg.rate, "n_harmonics": k, "n_noise": m, "cutoff_hz": cfg.cutoff,
                "embed_dim": e, "hidden": h, "max_voices": MAX_VOICES, "state_rows": "one row of h per voice",
                "envelope": dict(DEFAULT_ENVELOPE), "bend_semitones": 2.0, **extras},   # extras: the fitted envelope
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        description=f"neural harmonic-plus-noise synth of {', '.join(names)}")


def synth_parts(net: FrameNet, embeddings: np.ndarray, names: list[str], *, name: str = "synth",
                extras: dict | None = None, metrics: dict | None = None) -> tuple[Manifest, dict[str, bytes]]:
    """The synth pack's manifest and members (model.onnx, golden.npz, embeddings.npy), not written."""
    if embeddings.shape != (len(names), net.cfg.embed_dim):
        raise ValueError(f"embeddings {embeddings.shape} do not match {len(names)} names x {net.cfg.embed_dim}")
    ins, outs = golden_io(net)
    members = {"model.onnx": onnx_bytes(net), "golden.npz": golden_bytes(ins, outs),
               "embeddings.npy": npy_bytes(embeddings.astype(np.float32))}
    return synth_manifest(net, name, names, extras or {}, metrics or {}), members


def in_memory(path: str | Path, manifest: Manifest, members: dict[str, bytes]) -> Pack:
    """The pack of ``manifest`` and ``members`` as :func:`export.pack.read_pack` would give it, not written (the
    synth plays it: trainer.synth.level measures a new pack before it is written)."""
    return Pack(path=Path(path), manifest=manifest, members=dict(members))


def write_synth(path: str | Path, manifest: Manifest, members: dict[str, bytes]) -> Path:
    """Write the synth pack of :func:`synth_parts`; returns its path (read back and checked)."""
    out = write_pack(path, manifest, members)
    read_pack(out)
    return out


def export_synth(net: FrameNet, embeddings: np.ndarray, names: list[str], path: str | Path, *,
                 name: str = "synth", extras: dict | None = None, metrics: dict | None = None) -> Path:
    """Write the synth pack; returns its path (read back and checked)."""
    return write_synth(path, *synth_parts(net, embeddings, names, name=name, extras=extras, metrics=metrics))
