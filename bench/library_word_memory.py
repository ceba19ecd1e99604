"""How long the box looks up a library's word memory (device.library.word_memory.memory_for) on a push of
corrections, with 50 libraries on the box (fiftieth stop, L1): the lookup ran under the corrections lock.

Three cases, each library's record (library.json) listing FILES files as an upload's does:
  none    no library has a memory of renamed words (the usual box): its own record read, the others only listed;
  others  each of the 49 others has one (words renamed on each), under other names: each of their records read;
  mine    the 49 others are older libraries of its name from the same laptop (what --replace leaves; first push).
Prints the median milliseconds of REPEAT lookups per case, and of how long a push of one correction
(device.api.library_fixes.put_fixes_sides, a library not tagged yet) holds the corrections lock in each case, and
writes bench/results/library_word_memory.json.
Run: .venv/bin/python bench/library_word_memory.py
"""
from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from device.library.word_memory import MEMORY, memory_for  # noqa: E402

LIBRARIES = 50
FILES = 1000
REPEAT = 20


def _record(name: str, when: float) -> dict:
    files = [{"path": f"kit/{name}-{i:05d}.wav", "ok": True, "reason": "", "bytes": 88244, "frames": 22050,
              "rate": 44100, "channels": 1} for i in range(FILES)]
    return {"id": f"lib-{name}", "name": name, "uploaded": when, "uploaded_by_token": "tok1", "files": files,
            "state": "done", "accepted": FILES}


def _box(root: Path, case: str) -> Path:
    """LIBRARIES library folders under ``root``; the last one is pushed to."""
    for i in range(LIBRARIES):
        name = "Samples" if case == "mine" or i == LIBRARIES - 1 else f"lib{i}"
        folder = root / f"lib-{i:03d}"
        folder.mkdir(parents=True)
        (folder / "library.json").write_text(json.dumps(_record(name, 1000.0 + i)))
        if case != "none" and i < LIBRARIES - 1:
            (folder / MEMORY).write_text(json.dumps({"renamed": {f"w{i}": f"v{i}"}, "dropped": []}))
    return root / f"lib-{LIBRARIES - 1:03d}"


def _median_ms(case: str) -> float:
    times = []
    for _ in range(REPEAT):
        with tempfile.TemporaryDirectory() as tmp:
            folder = _box(Path(tmp), case)
            start = time.perf_counter()
            memory_for(folder)
            times.append((time.perf_counter() - start) * 1000.0)
    return statistics.median(times)


class _Timed:
    """The corrections lock, timing how long each holder keeps it."""

    def __init__(self, lock: Any) -> None:
        self.lock, self.held, self._since = lock, [], 0.0

    def __enter__(self) -> None:
        self.lock.acquire()
        self._since = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.held.append((time.perf_counter() - self._since) * 1000.0)
        self.lock.release()


def _lock_held_ms(case: str) -> float:
    import device.api.library_fixes as fixes
    timed = _Timed(fixes._lock)
    real, fixes._lock = fixes._lock, timed         # type: ignore[assignment]
    try:
        for _ in range(REPEAT):
            with tempfile.TemporaryDirectory() as tmp:
                fixes.put_fixes_sides(_box(Path(tmp), case), [("kit/a.wav", ["w1"])], False)
    finally:
        fixes._lock = real
    return statistics.median(timed.held)


def main() -> None:
    out = {case: round(_median_ms(case), 3) for case in ("none", "others", "mine")}
    held = {case: round(_lock_held_ms(case), 3) for case in ("none", "others", "mine")}
    for case, ms in out.items():
        print(f"{LIBRARIES} libraries of {FILES} files, case {case}: memory_for {ms:.2f} ms, a push holds the "
              f"corrections lock {held[case]:.2f} ms (medians of {REPEAT})")
    result = Path(__file__).resolve().parent / "results" / "library_word_memory.json"
    result.write_text(json.dumps({"libraries": LIBRARIES, "files": FILES, "repeat": REPEAT, "memory_for_ms": out,
                                  "lock_held_ms": held}, indent=1) + "\n")


if __name__ == "__main__":
    main()
