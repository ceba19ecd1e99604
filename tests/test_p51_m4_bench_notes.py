"""p51 M4: bench/box_note_latency.py numbers each note one way (note_key: sent, heard, matched), and pools a
comparison's runs in one place (pooled_stats; before, the key was written out three times and compare() pooled
inline)."""
from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parents[1] / "bench" / "box_note_latency.py"


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location("box_note_latency_under_test", BENCH)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_a_note_is_keyed_by_its_number_in_note_and_velocity() -> None:
    bench = _bench()
    assert bench.note_key(0) == (0, 1) and bench.note_key(300) == (44, 3)
    assert len({bench.note_key(s) for s in range(128 * 127)}) == 128 * 127     # every key of a run apart


def test_notes_heard_are_matched_to_those_sent_and_pooled_over_runs() -> None:
    bench = _bench()
    sent = [(s, "idle", 10.0 + s) for s in range(4)] + [(4, "tagging", 20.0)]
    got = [[*bench.note_key(s), 10.0 + s + 0.002, 10.0 + s + 0.003] for s in (0, 1, 3)]
    got.append([*bench.note_key(4), 20.01, 20.02])
    ms = bench.latencies(sent, got)
    assert [round(x, 3) for x in ms["idle"]["handoff"]] == [2.0, 2.0, 2.0] and ms["idle"]["lost"] == 1
    assert [round(x, 3) for x in ms["tagging"]["handoff"]] == [10.0]
    notes = bench.summarise(sent, got)["notes"]
    assert [n[2] for n in notes] == [2.0, 2.0, 2.0, 10.0]
    pooled = bench.pooled_stats([{"sent": sent, "got": got}, {"sent": sent, "got": got}])
    assert pooled["idle"]["handoff_ms"] == bench.stats(ms["idle"]["handoff"] * 2)
