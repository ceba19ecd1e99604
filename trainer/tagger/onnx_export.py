"""The tagger pack: the whole tagger (log-mel front-end included) as one ONNX graph.

ONNX I/O: ``audio`` [B, N] float32 at the pack's sample rate (N = ``extras["clip_samples"]``; the
box mixes to mono, resamples, skips leading silence and crops/zero-pads, see
device.audio.mel.fit_clip) -> ``logits`` [B, n_tags], ``probs`` [B, n_tags] (a softmax when
``extras["exclusive"]``: one tag per sample; else a sigmoid per tag),
``embedding`` [B, E] (compare with cosine similarity for "more like this").  For an exclusive
tagger trained by ``hatbox train tagger``, ``probs`` is the mean of the CNN's softmax and the
MFCC-statistics head's (``extras["stats_head"]``; trainer/tagger/model.StatsHead).
The manifest's ``tags`` field lists the tags in output order; ``extras`` holds the per-tag
``thresholds``, the mel front-end parameters and the clip length.
"""
from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from export.manifest import Manifest, TensorSpec
from export.onnx_quiet import quiet_onnx_export
from export.pack import golden_bytes, write_pack
from trainer.tagger.model import TaggerNet, for_export, probabilities

OUTPUTS = ("logits", "probs", "embedding")


class TaggerGraph(nn.Module):
    """audio [B, N] -> logits, probs, embedding."""

    def __init__(self, net: TaggerNet) -> None:
        super().__init__()
        self.net = for_export(net)

    def forward(self, audio: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        logits, emb = self.net(audio)
        return logits, probabilities(self.net, logits), emb


def onnx_bytes(graph: TaggerGraph) -> bytes:
    """Export with a dynamic batch axis (opset 17)."""
    n = graph.net.cfg.clip_samples
    buf = io.BytesIO()
    with quiet_onnx_export():
        torch.onnx.export(graph, (torch.zeros(2, n),), buf, input_names=["audio"], output_names=list(OUTPUTS),
                          opset_version=17, dynamic_axes={k: {0: "B"} for k in ("audio", *OUTPUTS)}, dynamo=False)
    return buf.getvalue()


def golden_audio(n: int, rate: int, seed: int = 0) -> np.ndarray:
    """Three plausible one-shots [3, n]: a decaying sine thump, a noise burst, a quiet click."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / rate
    env = np.exp(-t * 12)
    thump = np.sin(2 * np.pi * 60 * t) * env
    burst = rng.standard_normal(n) * np.exp(-t * 30) * 0.5
    click = np.zeros(n)
    click[100:140] = 0.05
    return np.stack([thump, burst, click]).astype(np.float32)


@torch.no_grad()
def golden_io(graph: TaggerGraph) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    cfg = graph.net.cfg
    audio = golden_audio(cfg.clip_samples, cfg.spec.rate)
    outs = graph(torch.from_numpy(audio))
    return {"audio": audio}, {k: v.numpy().astype(np.float32) for k, v in zip(OUTPUTS, outs)}


def tagger_manifest(net: TaggerNet, tags: list[str], thresholds: list[float], name: str,
                    metrics: dict[str, Any], description: str = "") -> Manifest:
    cfg = net.cfg
    n_tags, n = len(tags), cfg.clip_samples
    return Manifest(
        kind="tagger", name=name, version="0.1.0", sample_rate=cfg.spec.rate,
        inputs=[TensorSpec("audio", ("B", n))],
        outputs=[TensorSpec("logits", ("B", n_tags)), TensorSpec("probs", ("B", n_tags)),
                 TensorSpec("embedding", ("B", cfg.embed_dim))],
        tags=list(tags), metrics=metrics, golden={"file": "golden.npz", "atol": 1e-3, "rtol": 1e-3},
        extras={"tags": list(tags), "exclusive": cfg.exclusive,
                "thresholds": dict(zip(tags, map(float, thresholds))),
                "clip_samples": n, "clip": "mono, onset-aligned (-40 dB), cropped or zero-padded",
                "mel": cfg.spec.to_dict(), "embed_dim": cfg.embed_dim, "config": cfg.to_dict(),
                "stats_head": net.stats is not None},
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        description=description or f"sample tagger: {', '.join(tags)}")


def export_tagger(net: TaggerNet, tags: list[str], path: str | Path, *, name: str = "tagger",
                  thresholds: list[float] | None = None, metrics: dict[str, Any] | None = None,
                  description: str = "") -> Path:
    """Write a tagger ``.hatpack`` (model.onnx + golden.npz + manifest). ``net`` is switched to eval."""
    graph = TaggerGraph(net).eval()
    ins, outs = golden_io(graph)
    members = {"model.onnx": onnx_bytes(graph), "golden.npz": golden_bytes(ins, outs)}
    th = thresholds if thresholds is not None else [0.5] * len(tags)
    manifest = tagger_manifest(net, tags, th, name, metrics or {}, description)
    return write_pack(path, manifest, members)
