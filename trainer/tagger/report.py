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


PER_TAG_COLUMNS = ("found", "missed", "given wrongly")     # the picture of a tagger of several tags per file


def per_tag_counts(pred: np.ndarray, y_true: np.ndarray) -> np.ndarray:
    """[n_tags, 3] counts per tag of the held-out files: carrying it and given it (found), carrying it and not given
    it (missed), given it without carrying it (given wrongly): :data:`PER_TAG_COLUMNS`."""
    tp = (pred * y_true).sum(axis=0)
    return np.stack([tp, y_true.sum(axis=0) - tp, pred.sum(axis=0) - tp], axis=1).astype(np.int64)


def evaluate(probs: np.ndarray, y_true: np.ndarray, tags: list[str],
             thresholds: np.ndarray | None = None) -> dict[str, Any]:
    """Per-tag figures, macro-F1, exact-match accuracy and the confusion matrix (rows: the first true tag, columns:
    the top guess).  Where a held-out file carries several tags, ``per_tag_counts`` too (:func:`per_tag_counts`):
    what the picture of such a tagger shows (a file tagged pluck and guitar guessed right read as a mistake in a
    confusion matrix)."""
    pred = decisions(probs, y_true, thresholds)
    tags_report = per_tag(pred, y_true, tags)
    present = [v["f1"] for v in tags_report.values() if v["support"] > 0]
    out = {"macro_f1": float(np.mean(present)) if present else 0.0,
           "accuracy": float(np.mean(np.all(pred == y_true, axis=1))),
           "per_tag": tags_report, "confusion": confusion(probs, y_true).tolist(), "tags": tags}
    if not np.all(y_true.sum(axis=1) == 1):
        out["per_tag_counts"] = per_tag_counts(pred, y_true).tolist()
    return out


# fonts tried after matplotlib's own for glyphs it lacks (a tag in Japanese, Korean, Chinese): Debian's fonts-droid-
# fallback and Noto CJK, where installed; without them such a glyph is a box, and no warning reaches the terminal
FALLBACK_FONTS = ("Droid Sans Fallback", "Noto Sans CJK JP", "Noto Sans CJK SC", "WenQuanYi Zen Hei")


def _font_families() -> list[str]:
    """matplotlib's sans-serif font, then those of :data:`FALLBACK_FONTS` installed here."""
    from matplotlib import font_manager
    have = {f.name for f in font_manager.fontManager.ttflist}
    return ["DejaVu Sans", *(f for f in FALLBACK_FONTS if f in have)]


def confusion_png(cm: np.ndarray, tags: list[str], path: Any, title: str = "",
                  columns: tuple[str, ...] | None = None) -> Any:
    """The confusion matrix ``cm`` [T, T] (rows: true tag, columns: predicted) as a PNG at ``path`` (a path or a
    binary file); with ``columns``, ``cm`` is [T, len(columns)] counts per tag under those headings
    (:data:`PER_TAG_COLUMNS`: a tagger of several tags per file)."""
    import warnings

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    width = len(columns) if columns else len(tags)
    shown = [display_name(t) for t in tags]         # a folder name that was not UTF-8: matplotlib refuses it
    with warnings.catch_warnings(), plt.rc_context({"font.family": _font_families()}):
        warnings.simplefilter("ignore", UserWarning)    # "Glyph ... missing from font(s)": drawn as a box, said here
        fig, ax = plt.subplots(figsize=(1.6 + 0.8 * width, 0.8 + 0.8 * len(tags)), dpi=100)
        ax.imshow(cm, cmap="Blues", aspect="auto" if columns else "equal")
        ax.set_xticks(range(width), list(columns) if columns else shown, rotation=0 if columns else 45,
                      ha="center" if columns else "right")
        ax.set_yticks(range(len(tags)), shown)
        ax.set_xlabel("held-out files per tag" if columns else "predicted")
        ax.set_ylabel("tag" if columns else "true")
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
    width = max([12, *(_columns(t) for t in rep["per_tag"])])
    lines = [f"{_padded('tag', width)} {'prec':>6} {'recall':>6} {'f1':>6} {'n':>5}"]
    for tag, v in rep["per_tag"].items():
        if v["support"]:
            lines.append(f"{_padded(tag, width)} {v['precision']:6.3f} {v['recall']:6.3f} {v['f1']:6.3f} "
                         f"{v['support']:5d}")
            continue
        called = v.get("predicted", 0)
        prec = f"{v['precision']:6.3f}" if called else f"{'-':>6}"
        wrongly = f" (it called {count_words(called, 'held-out file')} {tag}, wrongly)" if called else ""
        lines.append(f"{_padded(tag, width)} {prec} {'-':>6} {'-':>6} {0:5d}  none held out{wrongly}")
    lines.append(f"macro-F1 {rep['macro_f1']:.3f}   exact-match accuracy {rep['accuracy']:.3f}")
    return "\n".join(lines)


def _columns(text: str) -> int:
    """How many terminal columns ``text`` takes: a wide character (CJK, fullwidth) two, a combining mark none."""
    import unicodedata
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _padded(text: str, width: int) -> str:
    """``text`` with spaces after it to ``width`` terminal columns (:func:`_columns`)."""
    return text + " " * max(0, width - _columns(text))
