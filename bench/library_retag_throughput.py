"""`hatbox tag` throughput of a re-tag with a new pack (p54 F3: its rows kept apart until it has gone through every
file, then merged in one transaction), this tree's code against another commit's, interleaved.

Run: .venv/bin/python bench/library_retag_throughput.py --against OLD_TREE [--files 1500] [--rounds 4]
(OLD_TREE: `git archive COMMIT | tar -x -C OLD_TREE`; needs data/tagger-drums/all.csv, as bench/tagger_throughput.py).

Builds one library (bench/tagger_throughput.build_library), tags it once with the factory pack, makes a "new pack"
of the same network with other thresholds (another model id: every file is tagged again), then, alternating ABBA...,
copies the tagged database and re-tags it with the new pack, with this tree's code and OLD_TREE's (each pinned to one
core, one onnxruntime thread: bench/tagger_throughput.tag_run).  Says the medians of wall and CPU seconds, files/s
and their ratios; writes bench/results/library_retag_throughput[_SUFFIX].json.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from run_name import run_suffix  # noqa: E402
from tagger_throughput import arm_figures, build_library, tag_run  # noqa: E402


def new_pack(pack: Path, out: Path) -> Path:
    """``pack`` with every threshold moved (0.45 for all): the same network, another model id."""
    from export.pack import read_pack, write_pack
    old = read_pack(pack)
    extras = dict(old.manifest.extras, thresholds={t: 0.45 for t in old.manifest.extras.get("tags") or []})
    manifest = dataclasses.replace(old.manifest, extras=extras, name=old.manifest.name + "-retag")
    members = {k: v for k, v in old.members.items()}
    return write_pack(out, manifest, members)


def rounds(lib: Path, tmp: Path, base: Path, pack: Path, arms: dict[str, Path | None], n: int) -> dict:
    """Re-tag a copy of ``base`` with ``pack`` ``n`` times with each arm's code, ABBA...; each arm's figures."""
    names, runs = list(arms), {name: [] for name in arms}
    for r in range(n):
        for name in (names if r % 2 == 0 else names[::-1]):
            db = tmp / f"{name}-{r}.db"
            shutil.copyfile(base, db)
            runs[name].append(tag_run(lib, pack, db, code=arms[name]) | {"load": os.getloadavg()[0]})
            for extra in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
                extra.unlink(missing_ok=True)
            print(f"round {r} {name}: {runs[name][-1]['seconds']} s, {runs[name][-1]['cpu_seconds']} CPU s", flush=True)
    return {name: arm_figures(runs[name], runs[names[0]]) for name in names}


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--against", required=True, metavar="TREE", help="another commit's source tree (git archive)")
    p.add_argument("--files", type=int, default=1500)
    p.add_argument("--rounds", type=int, default=4)
    p.add_argument("--pack", default="factory/tagger-drums.hatpack")
    a = p.parse_args()
    here = Path(__file__).resolve().parents[1]
    out: dict = {"load_before": "load average %.1f %.1f %.1f on %d cores" % (*os.getloadavg(), os.cpu_count()),
                 "against": a.against, "files": a.files, "pack": a.pack}
    with tempfile.TemporaryDirectory(prefix="hatbox-retag-") as tmp:
        lib, base = Path(tmp) / "lib", Path(tmp) / "base.db"
        build_library(lib, a.files, seed=2)
        out["first_tag"] = tag_run(lib, Path(a.pack), base)
        retag = new_pack(Path(a.pack), Path(tmp) / "new.hatpack")
        out["arms"] = rounds(lib, Path(tmp), base, retag, {"this": here, "against": Path(a.against)}, a.rounds)
    for arm in out["arms"].values():
        arm["files_per_s"] = round(a.files / arm["median_seconds"], 1)
    out["load_after"] = "load average %.1f %.1f %.1f" % os.getloadavg()
    mine, theirs = out["arms"]["this"], out["arms"]["against"]
    print(json.dumps(out, indent=2))
    print(f"\nre-tag of {a.files} files with a new pack, one core: this tree {mine['files_per_s']} files/s "
          f"({mine['median_seconds']} s, {mine['median_cpu_seconds']} CPU s), {a.against} {theirs['files_per_s']} "
          f"files/s ({theirs['median_seconds']} s, {theirs['median_cpu_seconds']} CPU s): this / against "
          f"{1 / theirs['ratio_seconds']:.3f} wall, {1 / theirs['ratio_cpu_seconds']:.3f} CPU time, medians of "
          f"{a.rounds} interleaved runs ({out['load_before']}; {out['load_after']})")
    named = {"files": "files{}", "rounds": "rounds{}", "pack": lambda pk: Path(pk).stem,
             "against": lambda tree: f"against-{Path(tree).name}"}
    path = here / "bench" / "results" / f"library_retag_throughput{run_suffix(p, a, named)}.json"
    path.write_text(json.dumps(out, indent=2))
    print("wrote", path)


if __name__ == "__main__":
    main()
