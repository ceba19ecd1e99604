"""Folder of notes -> trained model -> synth pack + report (what `hatbox train synth` runs)."""
from __future__ import annotations

import os
from pathlib import Path

from export.onnx_synth import export_synth
from trainer.synth.data import load_folder
from trainer.synth.model import SynthConfig
from trainer.synth.report import write_report
from trainer.synth.train import TrainResult, save_checkpoint, train


def pack_from_result(result: TrainResult, out: str | Path, name: str, metrics: dict) -> Path:
    emb = result.model.embed.weight.detach().cpu().numpy()
    return export_synth(result.model.net.cpu().eval(), emb, result.names, out, name=name,
                        extras={"velocity_map": result.velocity_map}, metrics=metrics)


def train_to_pack(folder: str | Path, out: str | Path, *, minutes: float, name: str, seconds: float = 1.5,
                  threads: int = 1, device: str | None = None, report: str | Path | None = None,
                  seed: int = 0) -> dict:
    """Train on ``folder`` for ``minutes``; write the pack, checkpoint and report. Returns the metrics."""
    cfg = SynthConfig()
    notes = load_folder(folder, cfg.rate, seconds)
    result, _tr, ho = train(notes, minutes, cfg, threads=threads, device=device, seed=seed)
    result.model.cpu().eval()
    if int(os.environ.get("RANK", "0")) != 0:          # under torchrun only the first process writes
        return {}
    report = Path(report) if report else Path(out).with_name(Path(out).stem + "_report")
    metrics = write_report(result, ho, report)
    save_checkpoint(result, report / "checkpoint.pt")
    pack_from_result(result, out, name, metrics)
    return metrics
