"""The tagger benchmarks draw the held-out picture of data with several words a file (fifty-first stop's final
reading, MF4 5): evaluate() gives no ``confusion`` there, and bench/tagger_accuracy.py and tagger_kit_cv.py indexed it
(a KeyError after the whole run); report.report_png draws ``per_tag_counts`` then."""
from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from trainer.tagger.report import evaluate, report_png

ROOT = Path(__file__).resolve().parents[1]


def test_a_report_of_several_words_a_file_is_drawn(tmp_path: Path) -> None:
    tags = ["bright", "long", "mine"]
    y = np.array([[1, 1, 1], [0, 1, 1], [1, 0, 1]], np.float32)
    rep = evaluate(y * 0.9, y, tags, exclusive=False)
    assert "confusion" not in rep
    report_png(rep, tags, tmp_path / "m.png", "several words a file")
    one = np.eye(3, dtype=np.float32)
    report_png(evaluate(one * 0.9, one, tags), tags, tmp_path / "c.png", "one word a file")
    assert (tmp_path / "m.png").stat().st_size > 1000 and (tmp_path / "c.png").stat().st_size > 1000


@pytest.mark.parametrize("bench", ["tagger_accuracy.py", "tagger_kit_cv.py"])
def test_the_benchmarks_do_not_index_the_confusion_matrix(bench: str) -> None:
    tree = ast.parse((ROOT / "bench" / bench).read_text())
    indexed = [n.lineno for n in ast.walk(tree) if isinstance(n, ast.Subscript)
               and isinstance(n.slice, ast.Constant) and n.slice.value == "confusion"]
    assert indexed == [], f"bench/{bench} lines {indexed} index ['confusion']: use report_png"
    assert "report_png" in {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
