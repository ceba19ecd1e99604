"""Forty-second stop's regression QA: an effect warning naming four rows said "and 1 more (the report's table)" on a
run with no --report, so there was no table to look in.  Without a report the rows left out are now said to be
listed by --report DIR; with one, the report's table is named as before."""
from __future__ import annotations

import numpy as np

from export.manifest import Knob
from trainer.effect import evaluate
from trainer.effect.data import EffectData, Pair

NAMES = [f"line {i + 2}" for i in range(11)]


def _data(knobs: bool = True) -> EffectData:
    z = np.zeros(8, np.float32)
    knob = [Knob("drive", 0.0, 16.0, 8.0, "dB")] if knobs else []
    return EffectData(48_000, knob, [Pair(n, z, z, {"drive": float(i)} if knobs else {}, 0)
                                     for i, n in enumerate(NAMES)])


# five pairs far worse than the median (0.01) and worse than bypass: each warning names four of them
SCORES = {n: (0.01, 0.02) if i < 6 else (0.1 * i, 0.01) for i, n in enumerate(NAMES)}
METRICS = {"val_esr": 0.3, "val_bypass_esr": 0.02, "val_esr_per_pair": {n: m for n, (m, _b) in SCORES.items()},
           "val_bypass_esr_per_pair": {n: b for n, (_m, b) in SCORES.items()}}


def _leaving_rows_out(said: list[str]) -> list[str]:
    return [w for w in said if "; and 1 more (" in w]


def test_without_a_report_the_rows_left_out_point_at_report_dir() -> None:
    for knobs in (True, False):
        said = _leaving_rows_out(evaluate.quality_warnings(METRICS, _data(knobs)))
        assert len(said) == 2, said                       # the outlier warning and the worse-than-bypass one
        for w in said:
            assert "and 1 more (--report DIR lists them)" in w and "the report's table" not in w, w


def test_with_a_report_its_table_is_named() -> None:
    said = _leaving_rows_out(evaluate.quality_warnings(METRICS, _data(False), report=True))
    assert len(said) == 2 and all("and 1 more (the report's table)" in w for w in said), said
    assert evaluate.more_rows(0, False) == "" and evaluate.more_rows(-3, True) == ""


def test_a_sigterm_stop_is_named_in_the_bypass_warning() -> None:
    from trainer.effect.evaluate import bypass_warning
    said = bypass_warning({"val_esr": 0.9, "val_bypass_esr": 0.5, "steps": 12,
                           "stopped_early": "SIGTERM after 3 s of the 60 s budget, 12 steps"})
    assert said is not None and "a SIGTERM stopped it" in said and "Ctrl-C" not in said, said
