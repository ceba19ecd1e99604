"""GET /kit's work on a kit of 128 notes of one tagged library (forty-seventh stop, F4): the time of the route's body
(device/api/kit_routes.py ``_kit``: each note's file looked up and the tag it shows read from its library's tags.db)
and how many times the database is opened for one listing.

Run it on this tree, and on a copy of the tree before the change to compare (the same script):

    .venv/bin/python bench/kit_tags_once.py --label after
    (cd /tmp/old-tree && /work/main/.venv/bin/python bench/kit_tags_once.py --label before \\
        --json /work/main/bench/results/kit_tags_once.json)

Each label's figures are kept in bench/results/kit_tags_once.json (median and quartiles over ``--runs`` listings).
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULT = ROOT / "bench" / "results" / "kit_tags_once.json"


def measure(notes: int, runs: int) -> dict[str, Any]:
    """{"notes", "opens" per listing, "median_ms", "q1_ms", "q3_ms"} of ``runs`` listings of a ``notes``-note kit."""
    import device
    from device.api.kit_routes import _kit
    assert Path(device.__file__).resolve().is_relative_to(ROOT), device.__file__
    from device.library import db as libdb
    from tests.api.test_p47_kit_tags_once import kit_box
    with tempfile.TemporaryDirectory() as tmp:
        box = kit_box(Path(tmp), notes, second=False)
        opened = []
        real = libdb.connect
        libdb.connect = lambda path, *a, **k: opened.append(path) or real(path, *a, **k)
        try:
            listed = _kit(box)
            opens = len(opened)
            times = []
            for _ in range(runs):
                t0 = time.perf_counter()
                _kit(box)
                times.append((time.perf_counter() - t0) * 1e3)
        finally:
            libdb.connect = real
    assert len(listed.notes) == notes and all(n.tag == "kick" and not n.missing for n in listed.notes)
    q1, med, q3 = statistics.quantiles(times, n=4)
    return {"notes": notes, "opens": opens, "runs": runs, "median_ms": round(med, 2), "q1_ms": round(q1, 2),
            "q3_ms": round(q3, 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--label", default="after", help="the name these figures are kept under (before, after)")
    ap.add_argument("--notes", type=int, default=128)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--json", type=Path, default=RESULT)
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))              # this tree's device/ and tests/ (also a copy of an older tree)
    got = measure(args.notes, args.runs)
    print(f"{args.label}: GET /kit body, {got['notes']} notes: {got['opens']} tags.db opens, median "
          f"{got['median_ms']} ms (q1 {got['q1_ms']}, q3 {got['q3_ms']}) over {got['runs']} listings")
    kept = json.loads(args.json.read_text()) if args.json.is_file() else {}
    kept[args.label] = got
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(kept, indent=1, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
