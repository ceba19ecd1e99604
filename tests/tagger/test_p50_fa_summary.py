"""Fiftieth stop's QA ("foley", "newcomer") of the tagger's training summary: the headline "macro-F1 0.940" left out
the words with nothing held out that the tagger gave held-out files anyway; words with 3-4 examples got no advice;
a held-out score of 1 file per word read as a real one; "prec recall f1 n" and "exact-match accuracy" meant
nothing to a newcomer.  macro-F1 itself is computed as before (the benchmarks use it)."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import soundfile as sf

from trainer.tagger.data import Item
from trainer.tagger.pipeline import few_examples_line, picture_title
from trainer.tagger.report import LEGEND, evaluate, format_report

TAGS = ["glass", "gravel", "impact", "latch", "metal"]
TRUTH = np.array([[1, 0, 1, 0, 0], [0, 0, 0, 0, 1], [0, 0, 1, 0, 1], [1, 0, 0, 0, 0]], np.float32)
PROBS = np.array([[.9, .6, .9, .1, .1], [.1, .1, .1, .7, .9], [.1, .1, .9, .1, .9], [.9, .6, .1, .1, .1]])


def test_the_headline_says_which_words_the_score_leaves_out_and_what_it_called_by_them() -> None:
    rep = evaluate(PROBS, TRUTH, TAGS, exclusive=False)
    assert rep["macro_f1"] == 1.0                      # over glass, impact, metal: as before
    assert rep["macro_f1_words"] == 3
    assert rep["unscored_given_wrongly"] == {"words": ["gravel", "latch"], "files": 3}   # gravel twice, latch once
    assert json.loads(json.dumps(rep))["unscored_given_wrongly"]["files"] == 3          # report.json holds it
    lines = format_report(rep).splitlines()
    assert ("macro-F1 1.000 over the 3 words with held-out files; 2 words with none held out (gravel, latch) were "
            "given to 3 held-out files wrongly") in lines


def test_every_word_scored_says_so_and_words_none_was_given_are_counted() -> None:
    y = np.eye(3, dtype=np.float32)
    assert "macro-F1 1.000 over all 3 words" in format_report(evaluate(y * 0.9, y, ["a", "b", "c"]))
    rep = evaluate(y[:2] * 0.9, y[:2], ["a", "b", "c"])          # c: nothing held out, nothing called c
    assert rep["unscored_given_wrongly"] == {"words": [], "files": 0}
    assert "macro-F1 1.000 over the 2 words with held-out files (1 more with none held out)" in format_report(rep)


def test_the_picture_title_says_it_too() -> None:
    rep = evaluate(PROBS, TRUTH, TAGS, exclusive=False)
    assert picture_title(rep, 4, None) == \
        "held-out: 4 files, macro-F1 1.00 over 3 of 5 words (2 with none held out given to 3 files wrongly)"
    y = np.eye(2, dtype=np.float32)
    assert picture_title(evaluate(y, y, ["a", "b"]), 2, None) == "held-out: 2 files, macro-F1 1.00"


def test_a_legend_under_the_table_and_words_for_exact_match() -> None:
    rep = evaluate(PROBS, TRUTH, TAGS, exclusive=False)
    lines = format_report(rep).splitlines()
    assert lines[0].split() == ["tag", "prec", "recall", "f1", "n"]
    assert lines[len(TAGS) + 1] == LEGEND and "1 is perfect" in LEGEND and "recall:" in LEGEND
    exact = next(line for line in lines if line.startswith("exact-match accuracy"))
    assert exact.startswith("exact-match accuracy 0.250 (") and "exactly their words" in exact


def test_a_score_on_one_or_two_held_out_files_per_word_says_what_it_rests_on() -> None:
    thin = format_report(evaluate(PROBS, TRUTH, TAGS, exclusive=False))      # 2 files per word held out
    assert "the score rests on 2 held-out files per word (the median)" in thin
    y = np.repeat(np.eye(2, dtype=np.float32), 3, axis=0)                    # 3 per word: no such line
    assert "rests on" not in format_report(evaluate(y * 0.9, y, ["a", "b"]))


def test_words_with_two_to_four_examples_get_one_line_of_advice() -> None:
    items = [Item(Path(f"{t}{i}.wav"), (t,)) for t, n in (("door", 5), ("wood", 4), ("cloth", 3), ("rain", 1))
             for i in range(n)]
    line = few_examples_line(items)
    assert line == ("\nnote: 2 more words have fewer than 5 examples (files listed, held-out ones too): "
                    "cloth 3, wood 4; "
                    "add a few more of each (5 or more per word recommended)")
    assert few_examples_line([it for it in items if it.tags == ("door",)]) == ""


def _noise(path: Path, seed: int, low: bool) -> None:
    rng = np.random.default_rng(seed)
    t = np.arange(8000) / 16000
    x = np.sin(2 * np.pi * 80 * t) * np.exp(-t * 8) if low else rng.uniform(-0.3, 0.3, t.size) * np.exp(-t * 20)
    sf.write(path, x.astype(np.float32), 16000)


def test_train_tagger_reads_hash_rows_and_word_cells_and_says_the_new_lines(tmp_path: Path, capsys) -> None:
    """One short training on a CSV as the QA's spreadsheet saved it: "#" file names, two words in one cell."""
    from hatbox.cli import main
    from trainer.tagger.pipeline import report_paths
    rows = []
    for i in range(6):
        _noise(tmp_path / f"#{i:02d} boom.wav", i, True)
        _noise(tmp_path / f"tss {i}.wav", i, False)
        rows += [f"#{i:02d} boom.wav,boom", f'tss {i}.wav,"tss,air"' if i < 3 else f"tss {i}.wav,tss"]
    csv = tmp_path / "words.csv"
    csv.write_text("File,Tags\n" + "\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "w.hatpack"
    assert main(["train", "tagger", str(csv), "--out", str(out), "--steps", "3", "--minutes", "0.2",
                 "--threads", "1"]) == 0
    said = capsys.readouterr()
    text = said.out + said.err
    assert "3 cells hold several words separated by commas" in text
    assert "examples per word: " in text and "boom 5" in text          # the "#" rows trained (one held out)
    assert "note: 1 word has fewer than 5 examples (files listed, held-out ones too): air 3" in text
    assert LEGEND in text and "macro-F1 " in text
    rep = json.loads(report_paths(out)[0].read_text())
    assert rep["macro_f1_words"] >= 1 and set(rep["unscored_given_wrongly"]) == {"words", "files"}
