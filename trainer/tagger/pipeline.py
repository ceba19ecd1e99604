"""From tagged files to a tagger pack: split, train, report (text, JSON, confusion PNG), export."""
from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np

from trainer.tagger.data import (Item, decode_clips, few_shot, load_sources, reorder_rows, tag_counts, tag_list,
                                 targets)
from trainer.tagger.model import TaggerConfig
from trainer.tagger.report import confusion_png, evaluate, format_report
from trainer.tagger.train import LOAD_MARGIN, TrainOptions, predict, train
from hatbox.errors import DataError


def holdout_split(items: list[Item], fraction: float, seed: int = 0) -> tuple[list[Item], list[Item]]:
    """Keep ``fraction`` of each tag's items (by first tag, at least one, only if a tag has >= 4) aside."""
    rng = random.Random(seed)
    by_tag: dict[str, list[Item]] = {}
    for it in items:
        by_tag.setdefault(it.tags[0], []).append(it)
    train_items, held = [], []
    for group in by_tag.values():
        rng.shuffle(group)
        k = max(1, round(fraction * len(group))) if fraction > 0 and len(group) >= 4 else 0
        held += group[:k]
        train_items += group[k:]
    return train_items, held


def readable(items: list[Item], rate: int, n: int) -> tuple[list[Item], np.ndarray, list[tuple[Path, str]]]:
    """(the items whose file decodes as audio, their clips [K, n] at ``rate`` Hz, [(path, why)] for the
    others).  Every file is decoded in full here, so a file whose header reads but whose audio does not
    (NaN or infinite samples, say) is skipped and named like one that does not open, and training never
    stops half-way over it.  A tag left with no readable file is a DataError: training without it
    would drop the user's tag silently."""
    kept, clips, skipped = decode_clips(items, rate, n, progress=True)
    lost = sorted(set(tag_counts(items)) - set(tag_counts(kept)))
    if lost:
        raise DataError(f"no readable audio for tag(s) {', '.join(lost)}: " +
                        "; ".join(why for _, why in skipped[:3]))
    return kept, clips, skipped


def check_items(items: list[Item]) -> None:
    counts = tag_counts(items)
    if len(counts) < 2:
        raise DataError(f"need at least two tags to train a tagger, found {sorted(counts) or 'none'}")


def train_and_export(source: Path | list[Path], out: Path, *, minutes: float = 4.5, steps: int = 900, shots: int | None = None,
                     holdout: float = 0.15, name: str = "tagger", threads: int = 2, seed: int = 0) -> str:
    """Train on ``source`` (a folder or CSV, or several: a file listed again takes the later one's tags)
    and write ``out`` (+ ``out``.report.json / .confusion.png); returns a summary."""
    from export.onnx_tagger import export_tagger
    cfg = TaggerConfig()
    items = load_sources(source if isinstance(source, list) else [source])
    check_items(items)
    items, clips, skipped = readable(items, cfg.spec.rate, int(cfg.clip_samples * LOAD_MARGIN))
    row = {it.path: i for i, it in enumerate(items)}
    tags = tag_list(items)
    train_items, held = holdout_split(items, holdout, seed)
    if shots:
        train_items = few_shot(train_items, shots, seed)
    # training rows first, then the held-out ones, rearranged in place: train() and the report get views,
    # not copies, so a large library is held in memory once
    reorder_rows(clips, [row[it.path] for it in train_items + held])
    k = len(train_items)
    res = train(train_items, cfg, TrainOptions(steps=steps, minutes=minutes, seed=seed, threads=threads),
                tags=tags, clips=clips[:k])
    metrics = {"train_items": len(train_items), "train_seconds": round(res.seconds, 1), "steps": res.steps}
    text = f"trained on {len(train_items)} samples, {res.steps} steps in {res.seconds:.0f} s"
    if skipped:
        metrics["skipped_files"] = len(skipped)
        text = (f"skipped {len(skipped)} unreadable file(s):\n" +
                "".join(f"  {why}\n" for _, why in skipped[:10]) +
                (f"  ... and {len(skipped) - 10} more\n" if len(skipped) > 10 else "") + text)
    if res.steps < steps:
        text += (f"\nwarning: the {minutes:g}-minute budget ran out after {res.steps} of {steps} steps (a busy or "
                 f"slow machine); the tagger is likely less accurate - give it more --minutes")
    if held:
        rep = _report(res.net, held, clips[k:k + len(held)], tags, out)
        metrics.update(holdout_items=len(held), holdout_macro_f1=round(rep["macro_f1"], 4))
        text += f"\nheld-out report ({len(held)} samples):\n{format_report(rep)}"
    export_tagger(res.net, tags, out, name=name, metrics=metrics)
    return text + f"\nwrote {out}"


def _report(net, held: list[Item], clips: np.ndarray, tags: list[str], out: Path) -> dict:
    """Score ``net`` on the held-out items (their decoded clips [H, >= N]); writes the report JSON and PNG."""
    probs, _ = predict(net, clips)
    rep = evaluate(probs, targets(held, tags), tags)
    out.parent.mkdir(parents=True, exist_ok=True)
    Path(f"{out}.report.json").write_text(json.dumps(rep, indent=2))
    confusion_png(np.array(rep["confusion"]), tags, Path(f"{out}.confusion.png"),
                  f"held-out, macro-F1 {rep['macro_f1']:.2f}")
    return rep
