"""The panel's Library page at scale (p46 QA "big"): its open, one tag step of encoder 1, the 2 s re-read of the
tag counts and libraries, and a whole tag's listing, over a box of 8 libraries holding ~1,000 and ~20,000 files.

    .venv/bin/python bench/ui_library_scale.py [--before COMMIT] [--runs 7]

Writes bench/results/ui_library_scale.json.  The stores are written the way the box writes them (device.library.db
rows and a library.json record per library, under a temporary folder; no audio: the page reads none).  Each tree is
measured in its own process; ``--before COMMIT`` also measures that commit's tree (``git archive`` into a temporary
folder) on the same stores, in the same run.  Times are medians of ``--runs`` (the page's reader run inline, as in
the QA's script: a tag step's read is what a tag step waits for).  The machine's load average is recorded."""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
TAGS = ["cymbal", "hihat", "kick", "percussion", "snare", "tom"]
LIBRARIES = 8


def write_tags_db(files: Path, count: int, rng: Any, dims: int) -> None:
    """``files``' library's tags.db (beside it) as the box writes it: ``count`` rows kit/TAG_NNNNN.wav over :data:`TAGS`
    (every 997th, from the 6th, found silent), random scores and ``dims``-number embeddings drawn from ``rng``
    (a numpy Generator)."""
    import numpy as np

    from device.library import db as libdb
    con = libdb.connect(files.parent / "tags.db")
    libdb.set_meta(con, root=str(files.resolve()), inside=0, tags=",".join(TAGS), model="tagger", exclusive=1,
                   run="done", run_total=count)
    for i in range(count):
        rel = f"kit/{TAGS[i % len(TAGS)]}_{i:05d}.wav"
        if i % 997 == 5:
            libdb.put_skipped(con, rel, (100, i), "tagger", "silent (all zeros)")
            continue
        p = rng.dirichlet(np.ones(len(TAGS))).astype(np.float32)
        libdb.put_result(con, rel, (100, i), f"{i:064x}", "tagger", TAGS, p, p >= p.max(),
                         rng.standard_normal(dims).astype(np.float32))
    con.commit()
    con.close()


def write_store(root: Path, files_per_library: int) -> Path:
    """A box store of :data:`LIBRARIES` tagged libraries of ``files_per_library`` files each (a few found silent)."""
    import numpy as np

    rng = np.random.default_rng(7)
    for n in range(LIBRARIES):
        lid = f"lib-kit{n}-{n:06x}"
        files = root / "libraries" / lid / "files"
        files.mkdir(parents=True)
        write_tags_db(files, files_per_library, rng, dims=16)
        record = {"id": lid, "name": f"Kit {n}", "state": "done", "accepted": files_per_library, "rejected": n % 2,
                  "seq": n + 1, "uploaded": 1.0 + n,
                  "progress": {"done": files_per_library, "total": files_per_library},
                  "files": [{"path": f"kit/{TAGS[i % len(TAGS)]}_{i:05d}.wav", "size": 48000, "sha256": "0" * 64}
                            for i in range(files_per_library)]}
        (files.parent / "library.json").write_text(json.dumps(record))
    old = time.time() - 60                      # written a minute ago, as a box's libraries stand between uploads
    for f in root.rglob("*"):
        os.utime(f, (old, old))
    return root


def measure(store: str, runs: int) -> dict[str, float]:
    """Median ms of the page's open, a tag step, the re-read and a whole tag's listing over ``store`` (this tree)."""
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    from device.ui.data import StoreData
    from device.ui.events import EncoderTurn
    from device.ui.pages.library_words import tag_counts
    from device.ui.shots import headless_surface, scripted_panel
    surface = headless_surface((800, 480))

    def timed(fn: Any) -> float:
        t = time.perf_counter()
        fn()
        return 1000 * (time.perf_counter() - t)

    opens, panel, data = [], None, None
    for _ in range(3):
        data = StoreData(store)
        panel = scripted_panel(data, {})
        opens.append(timed(lambda: (panel.show_title("Library"), panel.draw(surface))))
    steps = [timed(lambda: (panel.handle(EncoderTurn(0, 1, 1)), panel.draw(surface))) for _ in range(runs)]
    rereads = [timed(lambda: tag_counts(data)) for _ in range(runs)]
    listing = [timed(lambda: data.samples("hihat")) for _ in range(3)]
    return {"open_first_ms": opens[0], "open_ms": statistics.median(opens), "tag_step_ms": statistics.median(steps),
            "tag_step_max_ms": max(steps), "reread_ms": statistics.median(rereads),
            "samples_hihat_all_ms": statistics.median(listing)}


def run_tree(tree: Path, store: Path, runs: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--measure", str(store), "--runs", str(runs)],
                         cwd=tree, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", help="a commit to measure too (git archive into a temporary folder)")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--measure", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.runs)))
        return
    results: dict[str, Any] = {"load_before": os.getloadavg(), "cpus": os.cpu_count(), "libraries": LIBRARIES,
                               "runs": args.runs, "sizes": {}}
    with tempfile.TemporaryDirectory() as tmp:
        trees = {"after": REPO}
        if args.before:
            base = Path(tmp) / "before"
            base.mkdir()
            archive = subprocess.run(["git", "-C", str(REPO), "archive", args.before], capture_output=True, check=True)
            subprocess.run(["tar", "-x", "-C", str(base)], input=archive.stdout, check=True)
            trees = {"before": base, **trees}
            results["before_commit"] = args.before
        for per in (125, 2500):
            store = write_store(Path(tmp) / f"store{per}", per)
            row = results["sizes"][str(per * LIBRARIES)] = {}
            for name, tree in trees.items():
                row[name] = {k: round(v, 1) for k, v in run_tree(tree, store, args.runs).items()}
                print(f"{per * LIBRARIES:>6} files  {name:6s}  " + "  ".join(f"{k} {v}" for k, v in row[name].items()))
    results["load_after"] = os.getloadavg()
    out = REPO / "bench" / "results" / "ui_library_scale.json"
    out.write_text(json.dumps(results, indent=1) + "\n")
    print(f"load average {results['load_before']} -> {results['load_after']}; wrote {out}")


if __name__ == "__main__":
    main()
