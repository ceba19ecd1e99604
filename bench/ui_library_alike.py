"""The panel's "more like this" at 20,000 files (p51 review of B1): what the Library page's reader spends on one asking
(device/ui/pages/library_alike.py ``alike_samples``: the 8 files shown and the middle of the sample's own library
they are read against), the middle alone (device.library.closeness.middle_in), the p51 B first reading
(``similar(path, k=None)``: a Sample of every file, its library's middle among them) and a sample asked about again.

    .venv/bin/python bench/ui_library_alike.py [--before COMMIT] [--after HEAD] [--runs 5] [--rounds 3]
        [--files 20000]

Writes bench/results/ui_library_alike.json. The store is one box library of ``--files`` rows (device.library.db rows,
64-float embeddings, no audio: the reading reads none), written under a temporary folder. Each tree is measured in
its own process; ``--before COMMIT`` (default 343e42a5, the code B1 left, commit f9a4d4be's reading) measures that
commit's tree (``git archive``) on the same store in the same run, and ``--after`` (default HEAD: the committed
code, not the working tree, where other helpers' edits sit; p51 MF3) in the same way, the two trees in turn
``--rounds`` times; both commits are recorded, as hashes. Times
are medians over every run of every round (a different sample each run); ``stall_ms`` is the longest a thread asking
to wake every 2 ms (the panel's drawing, as it waits on the GIL) was held past its time during one asking, median
over the runs. The machine's load average is recorded: figures taken on a shared 2-core machine under load."""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable

REPO = Path(__file__).resolve().parents[1]
LID = "lib-kit-000001"
TAGS = ["cymbal", "hihat", "kick", "percussion", "snare", "tom"]   # as bench/ui_library_scale.py writes them


def write_store(root: Path, files: int) -> Path:
    """A box store of one tagged library of ``files`` rows (a few found silent), as the box writes them."""
    import numpy as np

    from ui_library_scale import write_tags_db       # bench/ is this script's own folder on sys.path
    folder = root / "libraries" / LID / "files"
    folder.mkdir(parents=True)
    write_tags_db(folder, files, np.random.default_rng(7), dims=64)
    (folder.parent / "library.json").write_text(json.dumps({"id": LID, "name": "Kit", "state": "done",
                                                            "accepted": files, "rejected": 0, "seq": 1}))
    return root


class Stalls:
    """A thread that asks to wake every 2 ms while :meth:`during` runs a call, and keeps how late it woke."""

    def __init__(self) -> None:
        self.late_ms, self.on = 0.0, False
        self.stop = False
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def _loop(self) -> None:
        while not self.stop:
            t = time.perf_counter()
            time.sleep(0.002)
            if self.on:
                self.late_ms = max(self.late_ms, 1000 * (time.perf_counter() - t - 0.002))

    def during(self, fn: Callable[[], Any]) -> tuple[float, float]:
        """(ms ``fn`` took, the longest the thread was held past its wake-up meanwhile, ms)."""
        self.late_ms, self.on = 0.0, True
        t = time.perf_counter()
        fn()
        took = 1000 * (time.perf_counter() - t)
        self.on = False
        return took, self.late_ms


def measure(store: str, runs: int) -> dict[str, list[list[float]]]:
    """Each reading over ``store`` in this tree, ``runs`` times: [ms it took, the longest stall meanwhile (ms)]."""
    from device.library.closeness import middle, middle_in
    from device.ui.data import StoreData
    from device.ui.pages import library_alike
    data, stalls = StoreData(store), Stalls()
    db = Path(store) / "libraries" / LID / "tags.db"
    refs = [data._sample(Path(store) / "libraries" / LID / "files" / f"kit/{TAGS[i % 6]}_{i:05d}.wav", 0.0)
            for i in range(100, 100 + 131 * runs, 131)]

    def first_reading(ref: Any) -> None:         # p51 B (b0de3d48): every file a Sample, its library's middle
        every = data.similar(ref.path, k=None)
        own = library_alike.library_key(ref)
        middle(s.score for s in every if library_alike.library_key(s) == own)

    def fresh(ref: Any) -> None:
        getattr(library_alike, "_kept", {}).clear()
        library_alike.alike_samples(data, ref)
    rows: dict[str, list[tuple[float, float]]] = {"alike_samples": [], "alike_again": [], "middle_in": [],
                                                  "similar_k8": [], "first_reading_b0de3d48": []}
    library_alike.alike_samples(data, data._sample(refs[0].path.replace("00100", "00099"), 0.0))   # imports
    for ref in refs:
        rows["alike_samples"].append(stalls.during(lambda: fresh(ref)))
        rows["alike_again"].append(stalls.during(lambda: library_alike.alike_samples(data, ref)))
        rows["middle_in"].append(stalls.during(lambda: middle_in(db, ref.path)))
        rows["similar_k8"].append(stalls.during(lambda: data.similar(ref.path, k=8)))
        rows["first_reading_b0de3d48"].append(stalls.during(lambda: first_reading(ref)))
    stalls.stop = True
    return {name: [[round(t, 2), round(stall, 2)] for t, stall in got] for name, got in rows.items()}


def medians(rows: dict[str, list[list[float]]]) -> dict[str, float]:
    """Each reading's median ms and median longest stall (ms) over the runs ``rows`` of every round."""
    out: dict[str, float] = {}
    for name, got in rows.items():
        out[f"{name}_ms"] = round(statistics.median(t for t, _ in got), 1)
        out[f"{name}_stall_ms"] = round(statistics.median(s for _, s in got), 1)
    return out


def run_tree(tree: Path, store: Path, runs: int) -> dict[str, list[list[float]]]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    out = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--measure", str(store), "--runs", str(runs)],
                         cwd=tree, env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def tree_of(commit: str, into: Path) -> Path:
    """The files of ``commit`` in folder ``into`` (git archive)."""
    into.mkdir()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", commit], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)
    return into


def commit_of(rev: str) -> str:
    """``rev``'s commit, its short hash."""
    out = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short=8", rev], capture_output=True, text=True,
                         check=True)
    return out.stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", default="343e42a5",
                    help="a commit to measure too (git archive into a temporary folder)")
    ap.add_argument("--after", default="HEAD", help="the commit measured as 'after' (git archive, as --before)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--files", type=int, default=20000)
    ap.add_argument("--rounds", type=int, default=3, help="times each tree is run, in turn")
    ap.add_argument("--measure", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure, args.runs)))
        return
    results: dict[str, Any] = {"load_before": os.getloadavg(), "cpus": os.cpu_count(), "files": args.files,
                               "runs": args.runs, "rounds": args.rounds, "before_commit": commit_of(args.before),
                               "after_commit": commit_of(args.after), "trees": {}}
    with tempfile.TemporaryDirectory() as tmp:
        store = write_store(Path(tmp) / "store", args.files)
        trees = {"before": tree_of(args.before, Path(tmp) / "before"),
                 "after": tree_of(args.after, Path(tmp) / "after")}
        got: dict[str, dict[str, list[list[float]]]] = {name: {} for name in trees}
        for _ in range(args.rounds):                 # the trees in turn: the machine's load falls on both alike
            for name, tree in trees.items():
                for reading, runs in run_tree(tree, store, args.runs).items():
                    got[name].setdefault(reading, []).extend(runs)
        for name in trees:
            row = results["trees"][name] = medians(got[name])
            print(f"{name:6s}  " + "  ".join(f"{k} {v}" for k, v in row.items()))
    results["load_after"] = os.getloadavg()
    out = REPO / "bench" / "results" / "ui_library_alike.json"
    out.write_text(json.dumps(results, indent=1) + "\n")
    print(f"load average {results['load_before']} -> {results['load_after']}; wrote {out}")


if __name__ == "__main__":
    main()
