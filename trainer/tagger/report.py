"""Evaluation report: per-tag precision / recall / F1, macro-F1, confusion matrix (PNG).

Single-label data (every item has one tag) is scored by argmax; multi-label data by each tag's
threshold.  ``y_true`` and ``probs`` are [I, n_tags]; ``thresholds`` [n_tags].
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from hatbox.text import count_words, display_name


def decisions(probs: np.ndarray, y_true: np.ndarray, thresholds: np.ndarray | None = None,
              exclusive: bool | None = None) -> np.ndarray:
    """Predicted multi-hot [I, n_tags]: argmax for a one-tag-per-file tagger (``exclusive``; None: when the truth
    is single-label), else thresholds."""
    if np.all(y_true.sum(axis=1) == 1) if exclusive is None else exclusive:
        out = np.zeros_like(y_true)
        out[np.arange(len(probs)), probs.argmax(axis=1)] = 1
        return out
    th = np.full(probs.shape[1], 0.5) if thresholds is None else thresholds
    return (probs >= th).astype(y_true.dtype)


def per_tag(pred: np.ndarray, y_true: np.ndarray, tags: list[str]) -> dict[str, dict[str, float | None]]:
    """Per tag: precision, recall, F1, ``support`` (held-out items that carry it) and ``predicted`` (items given
    it).  With no support (a tag too small to hold any out) recall and F1 mean nothing: None (null in report.json,
    never a 0 that reads as a tag always missed); precision too unless the tagger gave the tag to some file."""
    out: dict[str, dict[str, float | None]] = {}
    for j, tag in enumerate(tags):
        tp, given, held = (float(np.sum(pred[:, j] * y_true[:, j])), float(pred[:, j].sum()),
                           float(y_true[:, j].sum()))
        p, r = tp / max(given, 1e-9), tp / max(held, 1e-9)
        out[tag] = {"precision": p if held or given else None, "recall": r if held else None,
                    "f1": 2 * p * r / max(p + r, 1e-9) if held else None,
                    "support": int(held), "predicted": int(given)}
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
             thresholds: np.ndarray | None = None, exclusive: bool | None = None,
             left_out: tuple[str, ...] = ()) -> dict[str, Any]:
    """Per-tag figures, macro-F1, exact-match accuracy and the confusion matrix (rows: the first true tag, columns:
    the top guess).  Where a held-out file carries several tags, ``per_tag_counts`` (:func:`per_tag_counts`, its
    columns named in ``per_tag_columns``) in its place: what the picture of such a tagger shows (a file tagged
    pluck and guitar guessed right read as a mistake in a confusion matrix; fifty-first stop's QA: every row of a
    tagger whose files all carried "mine" read "heard as mine"); both where held-out files carry one word or none.
    ``exclusive``: the tagger's kind (:func:`decisions`).  ``left_out``: words the macro-F1 is not taken over (on
    every training file: they tell nothing apart; fifty-first stop's QA), listed in ``macro_f1_left_out``."""
    pred = decisions(probs, y_true, thresholds, exclusive)
    tags_report = per_tag(pred, y_true, tags)
    present = [v["f1"] for t, v in tags_report.items() if v["support"] > 0 and t not in left_out]
    out = {"macro_f1": float(np.mean(present)) if present else 0.0,
           "accuracy": float(np.mean(np.all(pred == y_true, axis=1))),
           "per_tag": tags_report, "tags": tags}
    worded = y_true.sum(axis=1) > 0             # a file with none of the words has no row in the confusion matrix
    if np.all(y_true.sum(axis=1) <= 1):
        out["confusion"] = confusion(probs[worded], y_true[worded]).tolist()
    if not np.all(y_true.sum(axis=1) == 1):
        out["per_tag_counts"] = per_tag_counts(pred, y_true).tolist()
        out["per_tag_columns"] = list(PER_TAG_COLUMNS)
    if not np.all(worded):
        out["held_out_none"] = int(np.sum(~worded))      # held-out files with none of the words ("given wrongly")
    out.update(unscored(pred, y_true, tags, left_out))
    return out


def unscored(pred: np.ndarray, y_true: np.ndarray, tags: list[str], left_out: tuple[str, ...] = ()) -> dict[str, Any]:
    """What macro-F1 leaves out (fiftieth stop's QA: "macro-F1 0.940" read as the tagger's score while it called
    held-out files by three words it could not be scored on): ``macro_f1_words``, the words it is the mean over
    (some held-out file carries them, not among ``left_out``), ``unscored_given_wrongly``: {``words``: the words no
    held-out file carries that it gave some held-out file anyway, ``files``: how many held-out files got one or more
    of them}, and ``macro_f1_left_out``: those of ``left_out`` some held-out file carries (left out of the mean
    though they could be scored).  ``pred`` and ``y_true``: [I, T] multi-hot."""
    none_held = y_true.sum(axis=0) == 0
    given = none_held & (pred.sum(axis=0) > 0)
    aside = [t for t, none in zip(tags, none_held) if t in left_out and not none]
    out = {"macro_f1_words": int(np.sum(~none_held)) - len(aside),
           "unscored_given_wrongly": {"words": [t for t, g in zip(tags, given) if g],
                                      "files": int(np.sum(np.any(pred[:, given] > 0, axis=1)))}}
    return {**out, "macro_f1_left_out": aside} if aside else out


def scored_words(rep: dict[str, Any]) -> dict[str, float]:
    """Each word ``rep``'s macro-F1 is the mean over -> its held-out F1 (a word some held-out file carries, not left
    out: :func:`unscored`)."""
    aside = set(rep.get("macro_f1_left_out", ()))
    return {t: float(v["f1"]) for t, v in rep["per_tag"].items() if v["support"] and t not in aside}


LABEL_CHARS = 28        # a tag name longer than this is shortened in the picture (the middle: "closed hi-h…ent 1979")


def short_label(name: str, limit: int = LABEL_CHARS) -> str:
    """``name`` as the picture shows it: whole when it has ``limit`` characters or fewer, else its start and its end
    around an ellipsis (tags of one kit differ at the end: "ForzeeStereo Snare…OffRim"); report.json has it whole."""
    if len(name) <= limit:
        return name
    head = (limit - 1) // 2
    return name[:head].rstrip() + "\u2026" + name[len(name) - (limit - 1 - head):].lstrip()


def _text_inches(text: str, size: float) -> float:
    """About how wide ``text`` is drawn at ``size`` points (DejaVu Sans: some 0.62 em a character)."""
    return 0.62 * size / 72 * max(1, _columns(text))


def _grid_inches(rows: int, columns: tuple[str, ...] | None, n: int) -> tuple[float, float]:
    """(width, height) of the grid in inches: cells of 0.3 to 0.6 inch, as many tags as there are; a heading's
    column as wide as the heading."""
    cell = min(0.6, max(0.3, 8.0 / max(rows, 1)))
    width = len(columns) * max(0.9, *(_text_inches(c, 9) + 0.2 for c in columns)) if columns else cell * n
    return width, cell * rows


def report_png(rep: dict[str, Any], tags: list[str], path: Any, title: str = "") -> Any:
    """The picture of :func:`evaluate`'s report ``rep`` at ``path`` (:func:`confusion_png`): its counts per tag
    (``per_tag_counts``) where held-out files carry several words (no ``confusion`` then: fifty-first stop's final
    reading, the benchmarks indexed it and failed on such data), else its confusion matrix."""
    if "per_tag_counts" in rep:
        return confusion_png(np.array(rep["per_tag_counts"]), tags, path, title, columns=PER_TAG_COLUMNS)
    return confusion_png(np.array(rep["confusion"]), tags, path, title)


def confusion_png(cm: np.ndarray, tags: list[str], path: Any, title: str = "",
                  columns: tuple[str, ...] | None = None) -> Any:
    """The confusion matrix ``cm`` [T, T] (rows: true tag, columns: predicted) as a PNG at ``path`` (a path or a
    binary file); with ``columns``, ``cm`` is [T, len(columns)] counts per tag under those headings
    (:data:`PER_TAG_COLUMNS`: a tagger of several tags per file).  The grid keeps its size whatever the tags' names
    (long ones shortened: :func:`short_label`); the picture grows to hold the names, headings and title."""
    import warnings

    from trainer.plot_fonts import font_families, pyplot
    plt = pyplot()
    width = len(columns) if columns else len(tags)
    shown = [short_label(display_name(t)) for t in tags]    # a folder name that was not UTF-8: matplotlib refuses it
    gw, gh = _grid_inches(len(tags), columns, width)
    label = max([_text_inches(t, 9) for t in shown] + [0.5])
    with warnings.catch_warnings(), plt.rc_context({"font.family": font_families()}):
        warnings.simplefilter("ignore", UserWarning)    # "Glyph ... missing from font(s)": drawn as a box, said here
        fig_w, fig_h = gw + label + 1.0, gh + (0.8 if columns else label * 0.75 + 0.8) + 0.6
        fig = plt.figure(figsize=(fig_w, fig_h), dpi=100)
        ax = fig.add_axes(((label + 0.7) / fig_w, (fig_h - gh - 0.5) / fig_h if columns else
                           (label * 0.75 + 0.7) / fig_h, gw / fig_w, gh / fig_h))
        ax.imshow(_cell_colours(cm, columns), aspect="auto")
        if columns:                                 # headings above the grid, each over its own column
            ax.xaxis.tick_top()
            ax.xaxis.set_label_position("top")
        ax.set_xticks(range(width), list(columns) if columns else shown, rotation=0 if columns else 45,
                      ha="center" if columns else "right", rotation_mode="anchor", fontsize=9)
        ax.set_yticks(range(len(tags)), shown, fontsize=9)
        ax.set_xlabel("held-out files per tag" if columns else "predicted")
        ax.set_ylabel("tag" if columns else "true")
        share, size = row_shares(cm, columns), float(np.clip(gh / len(tags) * 72 * 0.4, 6, 10))
        for (i, j), v in np.ndenumerate(cm):
            if v == 0 or none_held_out(cm, columns)[i] and (not columns or j < 2):
                continue                            # a blank is none; _mark_none_held_out says the rest
            ax.text(j, i, str(v), ha="center", va="center", fontsize=size,
                    color="white" if share[i, j] > 0.6 else "black")
        _mark_none_held_out(ax, cm, columns)
        fig.suptitle(display_name(title), y=1.0, va="bottom") if columns else ax.set_title(display_name(title))
        if isinstance(path, (str, Path)):
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, format="png", bbox_inches="tight", pad_inches=0.15)  # the whole of every name and heading
        plt.close(fig)
    return path


def row_shares(cm: np.ndarray, columns: tuple[str, ...] | None = None) -> np.ndarray:
    """[T, C] each cell's share of what it is a part of: of its row (the files carrying the tag) in the matrix; of a
    tagger of several tags per file, found and missed of the files carrying the tag, given wrongly of those given it
    (1 of 1 right is as right as 2 of 2: colours by raw counts drew it pale)."""
    cm = cm.astype(np.float64)
    if not columns:
        return cm / np.maximum(cm.sum(axis=1, keepdims=True), 1)
    held, given = cm[:, 0] + cm[:, 1], cm[:, 0] + cm[:, 2]
    return np.stack([cm[:, 0] / np.maximum(held, 1), cm[:, 1] / np.maximum(held, 1),
                     cm[:, 2] / np.maximum(given, 1)], axis=1)


def _cell_colours(cm: np.ndarray, columns: tuple[str, ...] | None) -> np.ndarray:
    """[T, C, 4] colours: the right answers (the diagonal; found) in blues, the mistakes in oranges, darker for a
    larger share (:func:`row_shares`); an empty cell white."""
    from matplotlib import colormaps
    share = row_shares(cm, columns)
    right = np.zeros(cm.shape, bool)
    if columns:
        right[:, 0] = True
    else:
        np.fill_diagonal(right, True)
    out = np.where(right[..., None], colormaps["Blues"](0.15 + 0.85 * share), colormaps["Oranges"](0.15 + 0.7 * share))
    out[cm == 0] = (1.0, 1.0, 1.0, 1.0)
    return out


def most_confused(rep: dict[str, Any], top: int = 5) -> str:
    """The summary's line of the most frequent mistakes of a tagger of one tag per file ("SnareOffRim heard as
    SnareOff x1, ..."); '' when it made none or files carry several tags (its matrix then holds only first tags)."""
    if "per_tag_counts" in rep or "confusion" not in rep:
        return ""
    cm, tags = np.array(rep["confusion"]), rep["tags"]
    wrong = [(int(cm[i, j]), i, j) for i, j in zip(*np.nonzero(cm)) if i != j]
    wrong.sort(key=lambda w: (-w[0], w[1], w[2]))
    if not wrong:
        return ""
    more = f" and {len(wrong) - top} more" if len(wrong) > top else ""
    return "most frequent confusions: " + ", ".join(f"{tags[i]} heard as {tags[j]} x{n}"
                                                    for n, i, j in wrong[:top]) + more


def none_held_out(cm: np.ndarray, columns: tuple[str, ...] | None = None) -> np.ndarray:
    """[T] bool: the tags of ``cm`` (as :func:`confusion_png` takes it) no held-out file carried."""
    return (cm[:, :2].sum(axis=1) if columns else cm.sum(axis=1)) == 0


def _mark_none_held_out(ax: Any, cm: np.ndarray, columns: tuple[str, ...] | None) -> None:
    """Grey out the cells of each tag with nothing held out (all of its row; found and missed of a tagger of several
    tags per file, where "given wrongly" still counts) and say so in them: a row of zeros read as a tag scored."""
    from matplotlib.patches import Rectangle
    span = 2 if columns else cm.shape[1]
    for i in np.flatnonzero(none_held_out(cm, columns)):
        ax.add_patch(Rectangle((-0.5, i - 0.5), span, 1, facecolor="0.9", edgecolor="0.6", hatch="//", lw=0.5,
                               zorder=2))
        ax.text((span - 1) / 2, i, "none held out", ha="center", va="center", fontsize=8, style="italic",
                color="0.25", zorder=3, bbox={"facecolor": "0.9", "edgecolor": "none", "pad": 1})


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
    lines += [LEGEND, headline(rep)]
    lines += [line for line in (thin_note(rep), f"exact-match accuracy {rep['accuracy']:.3f} ({EXACT_WORDS})",
                                most_confused(rep)) if line]
    return "\n".join(lines)


LEGEND = ("(prec: of the files it called X, how many were X; recall: of the X files, how many it found; f1: both in "
          "one number, 1 is perfect; n: the X files held out)")
EXACT_WORDS = "the share of held-out files given exactly their words, no more, no fewer"
THIN_PER_WORD = 3          # fewer held-out files per word than this (the median): the score is said to rest on them


def headline(rep: dict[str, Any], digits: int = 3) -> str:
    """The held-out score with what it leaves out (:func:`unscored`): "macro-F1 0.940 over the 10 words with
    held-out files; 3 words with none held out (gravel, latch, rain) were given to 3 held-out files wrongly";
    "macro-F1 0.967 over all 10 words" ("over its 1 word"); none scored (:func:`no_score`): "no macro-F1: none of
    the 4 held-out files carries any of your words".  A report of before the fiftieth stop (no ``macro_f1_words``):
    the score."""
    score = f"macro-F1 {rep['macro_f1']:.{digits}f}"
    if "macro_f1_words" not in rep:
        return score
    scored, words = rep["macro_f1_words"], len(rep["tags"])
    if not scored:
        return no_score(rep) + given_unscored(rep, "; it gave {files} of them a word wrongly ({listed})")
    aside = rep.get("macro_f1_left_out", [])
    if aside:
        return score + left_out_words(rep)
    if scored == words:
        return f"{score} over {'its' if words == 1 else 'all'} {count_words(words, 'word')}"
    said = f"{score} over the {count_words(scored, 'word')} with held-out files"
    return said + (given_unscored(rep, "; {words} with none held out ({listed}) {were} given to {held} wrongly") or
                   f" ({words - scored} more with none held out)")


def left_out_words(rep: dict[str, Any]) -> str:
    """What a headline says after the score of a report that leaves words on every file out (``macro_f1_left_out``):
    " over 10 words; 'mine' is on every file: left out (2 more with none held out, ...)"."""
    aside, scored, words = rep["macro_f1_left_out"], rep["macro_f1_words"], len(rep["tags"])
    named = ", ".join(f"'{t}'" for t in aside[:5]) + (f" and {len(aside) - 5} more" if len(aside) > 5 else "")
    one = len(aside) == 1
    said = (f" over {count_words(scored, 'word')}; {named} {'is' if one else 'are'} on every file: left out "
            f"({'it tells' if one else 'they tell'} the sounds nothing apart)")
    rest = words - scored - len(aside)
    if not rest:
        return said
    return said + (given_unscored(rep, "; {words} with none held out ({listed}) {were} given to {held} wrongly") or
                   f"; {rest} more with none held out")


def no_score(rep: dict[str, Any]) -> str:
    """What a report none of whose words a held-out file carries says in place of its macro-F1 (0.000 over no word,
    beside an exact-match accuracy of 1.000: fiftieth stop's review): "no macro-F1: none of the 4 held-out files
    carries any of your words"; where they carry only words on every file (``macro_f1_left_out``): "no held-out
    score: the held-out files carry only 'mine', on every file (it tells the sounds nothing apart)"."""
    aside = rep.get("macro_f1_left_out", [])
    if aside:
        named = ", ".join(f"'{t}'" for t in aside[:5]) + (f" and {len(aside) - 5} more" if len(aside) > 5 else "")
        tells = "it tells" if len(aside) == 1 else "they tell"
        return (f"no held-out score: the held-out files carry only {named}, on every file ({tells} the sounds "
                "nothing apart)")
    held = rep.get("held_out_none", 0)
    return f"no macro-F1: none of the {count_words(held, 'held-out file')} carries any of your words"


def given_unscored(rep: dict[str, Any], form: str) -> str:
    """The words no held-out file carries that the tagger gave held-out files anyway (:func:`unscored`) said by
    ``form`` (its fields: ``listed``, the first 5; ``words``, "3 words"; ``were``; ``files``, how many held-out
    files got one; ``held``, "3 held-out files"): "; 3 words with none held out (gravel, latch, rain) were given to
    3 held-out files wrongly"; "" when none was."""
    wrong = rep["unscored_given_wrongly"]
    if not wrong["words"]:
        return ""
    listed = ", ".join(wrong["words"][:5]) + (f" and {len(wrong['words']) - 5} more" if len(wrong["words"]) > 5 else "")
    return form.format(listed=listed, words=count_words(len(wrong["words"]), "word"), files=wrong["files"],
                       were="was" if len(wrong["words"]) == 1 else "were",
                       held=count_words(wrong["files"], "held-out file"))


def thin_note(rep: dict[str, Any]) -> str:
    """A line when the words scored have fewer than :data:`THIN_PER_WORD` held-out files each (the median): "the
    score rests on 1 held-out file per word: one file more right or wrong moves it a lot"; "" otherwise, and for a
    report with no score (a word on every file is not one it rests on: :func:`scored_words`)."""
    import statistics
    held = [rep["per_tag"][t]["support"] for t in scored_words(rep)]
    if not held or statistics.median_low(held) >= THIN_PER_WORD:
        return ""
    n = statistics.median_low(held)
    return (f"the score rests on {count_words(n, 'held-out file')} per word (the median): one file more right or "
            "wrong moves it a lot")


def _columns(text: str) -> int:
    """How many terminal columns ``text`` takes: a wide character (CJK, fullwidth) two, a combining mark none."""
    import unicodedata
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _padded(text: str, width: int) -> str:
    """``text`` with spaces after it to ``width`` terminal columns (:func:`_columns`)."""
    return text + " " * max(0, width - _columns(text))
