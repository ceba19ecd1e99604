"""p56 read RD3 finding 4: latency_problems told the early pairs apart from the rest by Pair's field-by-field ==, which
compares numpy arrays (two pairs of one name raised ValueError); now by identity.  common_latency and latency_problems
say the same as before."""
from __future__ import annotations

import numpy as np
import pytest

from trainer.effect import checks, data


def _pair(name: str, latency: int, dry: bool) -> data.Pair:
    wave = np.zeros(16, np.float32)
    return data.Pair(name, wave.copy(), wave.copy(), {}, latency, ("set/di.wav", f"set/{name}.wav"),
                     latency, dry=checks.DryChannel(1, 0, 0.99, 0.1) if dry else None, cells=("di.wav", "o.wav"))


def test_latency_problems_tells_pairs_apart_by_identity_not_by_their_fields() -> None:
    early, wet = _pair("row", 2, dry=True), _pair("row", 40, dry=False)   # one name: == would compare the arrays
    said = data.latency_problems([early, wet, _pair("row", 41, dry=False)], 48000)
    assert len(said) == 1 and said[0].message.startswith("row: output row.wav: its channel 2 is nearly the input"), said


def test_latency_problems_refuses_early_and_late_dis_and_the_spread() -> None:
    group = [_pair("a", 2, True), _pair("b", 40, False), _pair("c", 41, False), _pair("d", 90, True)]
    said = data.latency_problems(group, 48000)
    assert len(said) == 3, said
    assert said[0].message.startswith("a") and said[1].message.startswith("d"), said
    assert "b" in said[2].message and "d" in said[2].message and "a (" not in said[2].message, said[2]
    assert data.latency_problems([_pair("a", 2, True)], 48000) == []       # no wet take to compare with


def test_common_latency_aligns_only_a_group_without_problems(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(data, "_load_raw", lambda p, cache=None: (np.zeros(64, np.float32), np.zeros(64, np.float32)))
    ok = [_pair("a", 30, False), _pair("b", 32, False)]
    assert data.common_latency(ok, 48000) == [] and [p.shifted for p in ok] == [30, 30]
    bad = [_pair("c", 30, False), _pair("d", 300, False)]
    for p in bad:
        p.files = ("set/di2.wav", p.files[1])
    assert len(data.common_latency(bad, 48000)) == 1 and [p.shifted for p in bad] == [30, 300]
