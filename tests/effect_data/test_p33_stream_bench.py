"""bench/effect_stream.py with no packs to measure says so and writes nothing (thirty-third stop's QA: on a checkout
without runs/effect_bench/ it wrote a result listing no packs, its block-size invariance target "met" by nothing,
over the result the README cites)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

_BENCH = Path(__file__).parents[2] / "bench"


def test_no_packs_is_an_error_and_no_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.syspath_prepend(str(_BENCH))
    spec = importlib.util.spec_from_file_location("effect_stream_p33", _BENCH / "effect_stream.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    written: list[str] = []
    monkeypatch.setattr(bench, "RUNS", tmp_path / "runs" / "effect_bench")
    monkeypatch.setattr(bench, "write_result", lambda name, result: written.append(name))
    monkeypatch.setattr(bench, "ensure_data", lambda *a: pytest.fail("no packs: nothing to render"))
    monkeypatch.setattr(sys, "argv", ["effect_stream.py"])
    assert bench.main() == 2
    assert written == [] and "no packs under" in capsys.readouterr().err
