"""What keeping the corrections of files that left costs a `hatbox tag` run (p47 G3, device/library/kept.py).

Every row a run writes (a file tagged, skipped or failed) asks the kept corrections for its bytes' hash.  This times
that ask for ``--written`` rows against a database keeping the corrections of ``--kept`` files that left (the bound,
device.library.kept.KEEP_LIMIT), none of them matching (the usual run), and the keeping of ``--kept`` files leaving at
once; medians of ``--repeats``.  Prints the figures and writes bench/results/tagger_kept_fixes.json.

    .venv/bin/python bench/tagger_kept_fixes.py [--kept 10000] [--written 2000] [--repeats 5]
"""
from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from device.library import db as libdb
from device.library import kept


def _filled(db: Path, n: int) -> None:
    """A database whose ``n`` files each carry a correction (rows as `hatbox tag` writes them, no embedding)."""
    con = libdb.connect(db)
    with con:
        con.executemany("INSERT INTO files (path, size, mtime_ns, hash, status) VALUES (?, 1, 1, ?, 'skipped')",
                        [(f"gone/{i}.wav", f"h{i:08d}") for i in range(n)])
        con.executemany("INSERT INTO user_tags (path, tag) VALUES (?, 'mine')", [(f"gone/{i}.wav",) for i in range(n)])
    con.close()


def _one(n_kept: int, n_written: int) -> tuple[float, float]:
    """(seconds to keep ``n_kept`` files' corrections, seconds to ask for ``n_written`` new rows) in a fresh db."""
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "lib.db"
        _filled(db, n_kept)
        con = libdb.connect(db)
        try:
            start = time.perf_counter()
            kept.keep(con, [f"gone/{i}.wav" for i in range(n_kept)], time.time_ns())
            con.commit()
            keep_s = time.perf_counter() - start
            written = [(f"new/{i}.wav", f"n{i:08d}") for i in range(n_written)]
            start = time.perf_counter()
            back = kept.give_back(con, written, {})
            con.commit()
            ask_s = time.perf_counter() - start
            assert back == []
        finally:
            con.close()
    return keep_s, ask_s


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--kept", type=int, default=kept.KEEP_LIMIT)
    ap.add_argument("--written", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    runs = [_one(args.kept, args.written) for _ in range(args.repeats)]
    keep_s = statistics.median(r[0] for r in runs)
    ask_s = statistics.median(r[1] for r in runs)
    out = {"kept_files": args.kept, "written_rows": args.written, "repeats": args.repeats,
           "keep_seconds_median": round(keep_s, 4),
           "ask_us_per_written_row_median": round(ask_s / args.written * 1e6, 2)}
    print(f"keeping the corrections of {args.kept} files that left at once: {keep_s:.3f} s (median of {args.repeats})")
    print(f"asking for the kept corrections of a row written, {args.kept} kept: "
          f"{out['ask_us_per_written_row_median']} us a row (median of {args.repeats})")
    path = Path(__file__).parent / "results" / "tagger_kept_fixes.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
