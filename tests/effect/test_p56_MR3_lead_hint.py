"""p56 read RD3 finding 1: takes.lead_hint wrote the trim length with :g (an input of 1234.565 s as 1234.57, a
copy a few milliseconds short); now checks.sox_seconds, to the millisecond, as trim_hint and cut_input_hint do."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from trainer.effect import takes
from trainer.effect.align import OutputLeads


def test_the_lead_hint_writes_a_long_input_s_length_to_the_millisecond() -> None:
    rate, lead = 200, 40
    x = np.random.default_rng(0).standard_normal(246_913).astype(np.float32)    # 1234.565 s at 200 Hz
    y = x[lead:].copy()                                                           # the output leads by 40 samples
    hint = takes.lead_hint(OutputLeads("leads", lead), x, y, rate, Path("set/out.wav"), ("di.wav", "out.wav"))
    assert hint is not None and "trim 0 1234.565," in hint, hint
    assert "1234.56," not in hint, hint


def test_the_lead_hint_under_1000_s_is_as_before() -> None:
    rate, lead = 200, 40
    x = np.random.default_rng(1).standard_normal(20_100).astype(np.float32)     # 100.5 s
    hint = takes.lead_hint(OutputLeads("leads", lead), x, x[lead:].copy(), rate, Path("set/out.wav"))
    assert hint is not None and "pad 0.200 trim 0 100.5, then use set/out_late.wav as the output" in hint, hint
