"""A training CSV row with a path and no tag (``path,`` or ``path``) is a file with none of the words: a negative
example (all-zero target) for a tagger of any number of tags per file, counted in the summary; refused, naming its
lines, for data of one tag per file (forty-ninth stop's QA: "line 26: row [...] has a path but no tag")."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from hatbox.errors import DataError
from tests.tagger.conftest import hiss, thump
from trainer.csvrows import csv_rows
from trainer.tagger.data import Item, load_items, load_sources

RATE = 16000


def beep(rate: int, seed: int = 0, seconds: float = 0.5) -> np.ndarray:
    """A decaying 900 Hz tone [N]: neither a thump nor a hiss."""
    t = np.arange(int(rate * seconds)) / rate
    f = 900 * (1 + 0.1 * np.random.default_rng(seed).uniform(-1, 1))
    return (0.6 * np.sin(2 * np.pi * f * t) * np.exp(-t * 6)).astype(np.float32)


def _sounds(root: Path, n: int = 6, none: int = 6) -> tuple[list[Item], list[Item]]:
    """(n thumps "low", n hisses "noisy" and two of both "low, noisy"; ``none`` beeps with none of the words)."""
    root.mkdir(parents=True, exist_ok=True)
    items, neg = [], []
    for i in range(n):
        for tag, fn in (("low", thump), ("noisy", hiss)):
            sf.write(root / f"{tag}{i}.wav", fn(RATE, seed=i), RATE)
            items.append(Item(root / f"{tag}{i}.wav", (tag,)))
    for i in range(2):
        sf.write(root / f"both{i}.wav", thump(RATE, seed=10 + i) + hiss(RATE, seed=10 + i), RATE)
        items.append(Item(root / f"both{i}.wav", ("low", "noisy")))
    for i in range(none):
        sf.write(root / f"beep{i}.wav", beep(RATE, seed=i), RATE)
        neg.append(Item(root / f"beep{i}.wav", ()))
    return items, neg


def _csv(path: Path, items: list[Item]) -> Path:
    lines = ["path,tags"] + [",".join([it.path.name, *it.tags]) + ("," if not it.tags else "") for it in items]
    path.write_text("\n".join(lines) + "\n")
    return path


def test_a_row_without_a_tag_is_refused_for_push_fixes_and_read_as_none_for_training(tmp_path: Path) -> None:
    csv = tmp_path / "t.csv"
    csv.write_text("path,tags\na.wav,kick\nb.wav,\nc.wav\n")
    with pytest.raises(DataError, match="line 3: row \\['b.wav'\\] has a path but no tag"):
        csv_rows(csv, [])                              # push-library --fixes reads it as before
    rows, _ = csv_rows(csv, [], none_rows=True)
    assert rows == [("a.wav", ("kick",), 2), ("b.wav", (), 3), ("c.wav", (), 4)]


def test_training_data_takes_them_with_where_they_are(tmp_path: Path) -> None:
    items, neg = _sounds(tmp_path / "s", n=2, none=2)
    got = load_items(_csv(tmp_path / "s" / "t.csv", items + neg))
    assert [it.tags for it in got[-2:]] == [(), ()]
    assert got[-1].where == f"{tmp_path / 's' / 't.csv'}: line {len(items) + 3}"
    fixes = tmp_path / "s" / "fixes.csv"                       # a later source's empty row takes the tags away
    fixes.write_text("low0.wav,\n")
    merged = {it.path.name: it.tags for it in load_sources([tmp_path / "s" / "t.csv", fixes])}
    assert merged["low0.wav"] == () and merged["low1.wav"] == ("low",)


def test_one_tag_per_file_data_takes_them_for_a_yes_or_no_tagger_with_a_note(tmp_path: Path) -> None:
    """Forty-ninth stop's review: such data was refused as training "a tagger of one word per file", untrue
    (is_exclusive is False once a file has no word): it is taken, and a note says what tagger it makes."""
    from trainer.tagger.data import tag_list, targets
    from trainer.tagger.pipeline import check_items, none_for_one_tag_note
    from trainer.tagger.train import is_exclusive
    items, neg = _sounds(tmp_path / "s", n=2, none=1)
    one_tag = load_items(_csv(tmp_path / "s" / "t.csv", [it for it in items if len(it.tags) == 1] + neg))
    check_items(one_tag)
    assert not is_exclusive(targets(one_tag, tag_list(one_tag)))
    assert none_for_one_tag_note(one_tag) == ("note: 1 file with none of your words, every other with exactly one: "
                                              "the tagger says yes or no to each word (it can say none of them), "
                                              "not one word per file")
    assert none_for_one_tag_note(load_items(_csv(tmp_path / "s" / "t.csv", items + neg))) == ""


def test_training_on_them_lowers_the_tagger_for_those_files(tmp_path: Path) -> None:
    from trainer.tagger.model import TaggerConfig
    from trainer.tagger.train import LOAD_MARGIN, TrainOptions, predict, train
    from trainer.tagger.data import load_clips
    items, neg = _sounds(tmp_path / "s")
    cfg = TaggerConfig()
    n = int(cfg.clip_samples * LOAD_MARGIN)
    heard = load_clips(neg, cfg.spec.rate, n)
    top = {}
    for name, its in (("without", items), ("with", items + neg)):     # 20 steps: 0.81 -> 0.05 (30: 0.95 -> 0.01)
        res = train(its, cfg, TrainOptions(steps=20, batch=16, minutes=1, threads=1, progress=False),
                    tags=["low", "noisy"], clips=load_clips(its, cfg.spec.rate, n))
        assert not res.net.cfg.exclusive
        top[name] = predict(res.net, heard)[0].max(axis=1)
    assert top["with"].mean() < top["without"].mean() - 0.3, top


def test_the_summary_counts_them_and_says_the_words_examples(tmp_path: Path, capsys) -> None:
    import json

    from export.pack import read_pack
    from hatbox.cli import main
    from trainer.tagger.pipeline import report_paths
    items, neg = _sounds(tmp_path / "s", n=5, none=5)
    csv = _csv(tmp_path / "s" / "t.csv", items + neg)
    out = tmp_path / "w.hatpack"
    assert main(["train", "tagger", str(csv), "--out", str(out), "--steps", "1", "--minutes", "0.2",
                 "--threads", "1"]) == 0
    text = capsys.readouterr().out
    assert "\nexamples per word: low " in text and "; 4 files with none of your words\n" in text   # 1 held out
    assert "(other files listed with the same words)" in text and "other files of the same folders" not in text
    rep = json.loads(report_paths(out)[0].read_text())
    held = read_pack(out).manifest.metrics["holdout_items"]
    assert rep["held_out_none"] == 1 and sum(map(sum, rep["confusion"])) == held - 1     # no row for none
