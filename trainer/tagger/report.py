"""Evaluation report: per-tag precision / recall / F1, macro-F1, confusion matrix (PNG).

Single-label data (every item has one tag) is scored by argmax; multi-label data by each tag's
threshold.  ``y_true`` and ``probs`` are [I, n_tags]; ``thresholds`` [n_tags].
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from hatbox.text import count_words, display_name


def decisions(probs: np.ndarray, y_true: np.ndarray, thresholds: np.ndarray | None = None) -> np.ndarray:
    """Predicted multi-hot [I, n_tags]: argmax when the truth is single-label, else thresholds."""
    if np.all(y_true.sum(axis=1) == 1):
        out = np.zeros_like(y_true)
        out[np.arange(len(probs)), probs.argmax(axis=1)] = 1
        return out
    th = np.full(probs.shape[1], 0.5) if thresholds is None else thresholds
    return (probs >= th).astype(y_true.dtype)


def per_tag(pred: np.ndarray, y_true: np.ndarray, tags: list[str]) -> dict[str, dict[str, float]]:
    """Per tag: precision, recall, F1, ``support`` (held-out items that carry it) and ``predicted`` (items given
    it); with no support (a tag too small to hold any out) recall and F1 mean nothing (0 here)."""
    out = {}
    for j, tag in enumerate(tags):
        tp = float(np.sum(pred[:, j] * y_true[:, j]))
        p = tp / max(float(pred[:, j].sum()), 1e-9)
        r = tp / max(float(y_true[:, j].sum()), 1e-9)
        out[tag] = {"precision": p, "recall": r, "f1": 2 * p * r / max(p + r, 1e-9),
                    "support": int(y_true[:, j].sum()), "predicted": int(pred[:, j].sum())}
    return out


def confusion(probs: np.ndarray, y_true: np.ndarray) -> np.ndarray:
    """[n_tags, n_tags] counts, rows = true (first tag), columns = argmax prediction."""
    n = y_true.shape[1]
    cm = np.zeros((n, n), np.int64)
    np.add.at(cm, (y_true.argmax(axis=1), probs.argmax(axis=1)), 1)
    return cm


def evaluate(probs: np.ndarray, y_true: np.ndarray, tags: list[str],
             thresholds: np.ndarray | None = None) -> dict[str, Any]:
    pred = decisions(probs, y_true, thresholds)
    tags_report = per_tag(pred, y_true, tags)
    present = [v["f1"] for v in tags_report.values() if v["support"] > 0]
    return {"macro_f1": float(np.mean(present)) if present else 0.0,
            "accuracy": float(np.mean(np.all(pred == y_true, axis=1))),
            "per_tag": tags_report, "confusion": confusion(probs, y_true).tolist(), "tags": tags}


def confusion_png(cm: np.ndarray, tags: list[str], path: Any, title: str = "") -> Any:
    """The confusion matrix ``cm`` [T, T] (rows: true tag) as a PNG at ``path`` (a path or a binary file)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(1.0 + 0.8 * len(tags), 0.8 + 0.8 * len(tags)), dpi=100)
    ax.imshow(cm, cmap="Blues")
    shown = [display_name(t) for t in tags]         # a folder name that was not UTF-8: matplotlib refuses it
    ax.set_xticks(range(len(tags)), shown, rotation=45, ha="right")
    ax.set_yticks(range(len(tags)), shown)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    for (i, j), v in np.ndenumerate(cm):
        ax.text(j, i, str(v), ha="center", va="center", color="white" if v > cm.max() / 2 else "black")
    ax.set_title(display_name(title))
    fig.tight_layout()
    if isinstance(path, (str, Path)):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, format="png")
    plt.close(fig)
    return path


def format_report(rep: dict[str, Any]) -> str:
    """The table of :func:`evaluate`'s report: a tag with nothing held out shows "-" for recall and F1 (and for
    precision when nothing was given it: a 0 there would read as a tag the tagger gets wrong)."""
    lines = [f"{'tag':<12} {'prec':>6} {'recall':>6} {'f1':>6} {'n':>5}"]
    for tag, v in rep["per_tag"].items():
        if v["support"]:
            lines.append(f"{tag:<12} {v['precision']:6.3f} {v['recall']:6.3f} {v['f1']:6.3f} {v['support']:5d}")
            continue
        called = v.get("predicted", 0)
        prec = f"{v['precision']:6.3f}" if called else f"{'-':>6}"
        wrongly = f" (it called {count_words(called, 'held-out file')} {tag}, wrongly)" if called else ""
        lines.append(f"{tag:<12} {prec} {'-':>6} {'-':>6} {0:5d}  none held out{wrongly}")
    lines.append(f"macro-F1 {rep['macro_f1']:.3f}   exact-match accuracy {rep['accuracy']:.3f}")
    return "\n".join(lines)
