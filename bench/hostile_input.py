"""The figures of docs/hostile-input.md: how long the box and the laptop take to refuse a stranger's pack or archive.

- ``json_depth`` of the largest manifest the reader takes (4 MB) nested 2,000,000 deep;
- ``json_depth`` of the review's worst case (forty-eighth stop): 40 brackets, then a string never closed full of
  escaped quotes, 4 MB; and, for comparison, the pattern before the review on 4, 8 and 16 KB of it (quadratic: it
  took 6 s for 32 KB, hours for 4 MB);
- ``read_pack`` of a small deflated pack whose 60 KB manifest is that string (15 s before the review);
- ``unpack_archive`` of a zip whose 96 KB member holds 1 GiB of zeros after its declared size;
- ``hatbox pack inspect`` of a pack whose manifest is nested 100,000 deep (wall time of the command).

Run: ``.venv/bin/python bench/hostile_input.py`` (about half a minute on a loaded 2-core machine).  Prints the
figures and writes bench/results/hostile_input.json."""
from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any, Callable

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from device.library.archive import unpack_archive  # noqa: E402
from export.pack import _NOT_BRACKET, json_depth, read_pack  # noqa: E402
from hatbox.errors import PackError  # noqa: E402
from tests.api.packs import gain_pack  # noqa: E402
from tests.test_p48_hostile_archives import liar_zip  # noqa: E402

OUT = ROOT / "bench" / "results" / "hostile_input.json"
_BEFORE = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.S)     # json_depth's string pattern before the review


def never_closed(size: int) -> bytes:
    """About ``size`` bytes: 40 brackets, then a string of escaped quotes never closed (the review's input)."""
    return b"[" * 40 + b'"' + b'\\"' * (size // 2)


def depth_before(data: bytes) -> int:
    """json_depth as it was before the review (its string pattern backtracks on a string never closed)."""
    marks = np.frombuffer(_BEFORE.sub(b"", data).translate(None, _NOT_BRACKET), np.uint8)
    steps = np.where((marks == ord("[")) | (marks == ord("{")), 1, -1).astype(np.int32)
    return int(np.cumsum(steps).max(initial=0))


def timed(step: Callable[[], Any], runs: int) -> dict[str, float]:
    """Median and worst of ``runs`` calls of ``step``, in seconds."""
    took = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        took.append(time.perf_counter() - start)
    return {"median_s": round(statistics.median(took), 4), "worst_s": round(max(took), 4), "runs": runs}


def refused(path: Path) -> None:
    try:
        read_pack(path)
    except PackError:
        return
    raise AssertionError(f"{path} was not refused")


def pack_with_manifest(folder: Path, name: str, manifest: bytes) -> Path:
    """A good pack (the repo's writer) whose manifest.json is then swapped for ``manifest``, deflated."""
    good = gain_pack(folder / "good.hatpack", "fuzz", "1.0.0")
    with zipfile.ZipFile(good) as zf:
        members = {n: zf.read(n) for n in zf.namelist()} | {"manifest.json": manifest}
    out = folder / name
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, data in members.items():
            zf.writestr(member, data)
    return out


def depth_figures(runs: int) -> dict[str, Any]:
    deep = b"[" * 2_000_000 + b"]" * 2_000_000
    worst = never_closed(4_000_000)
    out: dict[str, Any] = {"nested_2e6_4MB": timed(lambda: json_depth(deep), runs),
                           "never_closed_4MB": timed(lambda: json_depth(worst), runs)}
    assert json_depth(worst) == 40
    out["never_closed_before_review"] = {f"{size // 1000}KB": timed(lambda d=never_closed(size): depth_before(d), 1)
                                         for size in (4_000, 8_000, 16_000)}
    out["never_closed_now"] = {f"{size // 1000}KB": timed(lambda d=never_closed(size): json_depth(d), 1)
                               for size in (4_000, 8_000, 16_000)}
    return out


def pack_figures(folder: Path, runs: int) -> dict[str, Any]:
    hostile = pack_with_manifest(folder, "never-closed.hatpack", never_closed(60_000))
    deep = pack_with_manifest(folder, "deep.hatpack", b'{"name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")
    inspect = [sys.executable, "-m", "hatbox.cli", "pack", "inspect", str(deep)]
    if (ROOT / ".venv" / "bin" / "hatbox").exists():
        inspect = [str(ROOT / ".venv" / "bin" / "hatbox"), "pack", "inspect", str(deep)]
    codes: list[int] = []
    out = {"never_closed_pack_bytes": hostile.stat().st_size,
           "read_pack_never_closed_60KB": timed(lambda: refused(hostile), runs),
           "pack_inspect_deep_wall": timed(lambda: codes.append(subprocess.run(inspect, capture_output=True)
                                                                .returncode), 1)}
    out["pack_inspect_deep_exit"] = codes[0]
    return out


def archive_figures(folder: Path, runs: int, extra: int) -> dict[str, Any]:
    liar = folder / "liar.zip"
    liar_zip(liar, extra)
    reports: list[Any] = []

    def unpack() -> None:
        target = Path(tempfile.mkdtemp(dir=folder))
        reports.append(unpack_archive(liar, target / "lib"))

    out = {"liar_zip_bytes": liar.stat().st_size, "extra_bytes": extra, "unpack": timed(unpack, runs)}
    out["member_refused"] = [r.path for r in reports[-1].rejected] == ["kit/Kick.wav"]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="runs of each json_depth figure (3 of the others)")
    ap.add_argument("--extra-mib", type=int, default=1024, help="zeros after the liar zip's declared member, MiB")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        result = {"cpus": os.cpu_count(), "depth": depth_figures(args.runs),
                  "packs": pack_figures(folder, 3), "archive": archive_figures(folder, 3, args.extra_mib << 20)}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
