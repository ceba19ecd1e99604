"""A live bar on a narrow terminal drops whole ``key=value`` fields from its end, never part of a number (p44
regression QA: at 40 columns "train gru: 100% 60 of 60 s, val_esr=0.0" while the held-out error was 0.0583)."""
from __future__ import annotations

import io
import re

import pytest

from hatbox.progress import fitting_postfix, progress_bar


def _last_line(cols: int, monkeypatch: pytest.MonkeyPatch) -> str:
    import tqdm.std
    monkeypatch.setenv("HATBOX_PROGRESS", "bar")
    monkeypatch.setenv("COLUMNS", str(cols))
    monkeypatch.setattr(tqdm.std, "_screen_shape_wrapper", lambda: (lambda fp: (cols, 24)))
    out = io.StringIO()
    with progress_bar(total=60, desc="train gru", kind="seconds", stream=out) as bar:
        bar.update(60)
        bar.set_postfix({"val_esr": "0.0583", "loss": "0.0123"})
    return out.getvalue().split("\r")[-1].strip()


@pytest.mark.parametrize("cols", [40, 46, 50, 60, 100])
def test_narrow_bar_keeps_whole_fields(cols: int, monkeypatch: pytest.MonkeyPatch) -> None:
    line = _last_line(cols, monkeypatch)
    assert line.startswith("train gru: 100% 60 of 60 s")
    assert len(line) <= cols
    for value in re.findall(r"=([0-9.]+)", line):
        assert value in ("0.0583", "0.0123"), line


def test_forty_columns_drops_the_fields_that_do_not_fit(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _last_line(40, monkeypatch).split("|")[0].strip() == "train gru: 100% 60 of 60 s"
    assert "val_esr=0.0583" in _last_line(46, monkeypatch)
    assert "loss=0.0123" not in _last_line(46, monkeypatch)


def test_fitting_postfix_drops_from_the_end() -> None:
    assert fitting_postfix("a=1, b=2, c=3", lambda p: len(p) <= 9) == "a=1, b=2"
    assert fitting_postfix("a=1, b=2", lambda p: False) == ""
    assert fitting_postfix("a=1", lambda p: True) == "a=1"
