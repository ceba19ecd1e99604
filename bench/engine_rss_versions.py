"""The engine process's resident set as new pack versions are loaded one after the other (forty-fifth stop, soak QA:
it grew 0.8-1 MiB per new version activated and never came back; device/audio/heap.py says why and what changed).

The real engine path: device.audio.server.EngineProcess (its own process, memory locked and SCHED_FIFO where this
user may, the file backend paced to the wall clock, 48 kHz, 128-sample blocks, silence in), each pack sent as the
box sends it (``{"op": "load", ...}`` on its pack channel: read, verify, golden, warm, gain limit on the loader's
thread, crossfaded in, the unit let go of kept by the loader's cache or dropped).  The packs: the factory drive and
synth, each ``--effects`` / ``--synths`` times as a new version (manifest.json's version changed, as the soak's
makever.py does: new file bytes, a new pack to the cache).  First ``--switches`` switches between two versions
already played (cached: no new unit).  The engine's VmRSS after each step.

Two engines, one after the other in this run: ``fixed`` (as the box runs now) and ``before`` (``HATBOX_HEAP_PIN=0``:
glibc's dynamic mmap threshold, the engine's allocator before the fix).  The figure to read: the growth per new
version once the cache is full (from the ``--full``-th new version of a kind to its last).

    .venv/bin/python bench/engine_rss_versions.py    # prints the figures, writes bench/results/engine_rss_versions.json
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from device.audio.engine import EngineConfig  # noqa: E402
from device.audio.heap import PIN_ENV  # noqa: E402
from device.audio.server import EngineProcess, ServerConfig  # noqa: E402

MIB = 1 << 20
PACKS = {"effect": ROOT / "factory" / "effect-drive.hatpack", "synth": ROOT / "factory" / "synth-gm4.hatpack"}
SETTLE_S = 0.3               # after a load: the crossfade ends and the loader collects the unit let go of


def new_version(src: Path, out: Path, version: str) -> Path:
    """``src`` with manifest.json's version set to ``version`` (the checksums cover the other members only)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "manifest.json":
                manifest = json.loads(data)
                manifest["version"] = version
                data = json.dumps(manifest, indent=2).encode()
            zout.writestr(info.filename, data)
    return out


def rss_mib(pid: int) -> float:
    """VmRSS of process ``pid`` (MiB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024.0
    raise RuntimeError(f"no VmRSS for process {pid}")


def load(engine: EngineProcess, slot: str, path: Path) -> float:
    """Load ``path`` into ``slot`` as the box does; the engine's RSS (MiB) once the unit let go of is collected."""
    engine.send({"op": "load", "slot": slot, "path": str(path)})
    time.sleep(SETTLE_S)
    return rss_mib(engine.process.pid)


def run_engine(tmp: Path, mode: str, args: argparse.Namespace) -> dict[str, Any]:
    """One engine (``mode`` "fixed" or "before"): the steps of the module docstring, RSS (MiB) after each."""
    saved = os.environ.get(PIN_ENV)
    os.environ[PIN_ENV] = "0" if mode == "before" else "1"       # the spawned engine process reads it
    cfg = ServerConfig(engine=EngineConfig(rate=48000, block=128), backend="file", pace=True)
    engine = EngineProcess(cfg).start()
    try:
        steps: list[dict[str, Any]] = []
        pid = engine.process.pid
        a, b = PACKS["effect"], new_version(PACKS["effect"], tmp / f"{mode}-e-ab.hatpack", "1.0.1")
        load(engine, "synth", PACKS["synth"])
        steps.append({"step": "start", "rss_mib": load(engine, "effect", a)})
        for i in range(args.switches):
            load(engine, "effect", b if i % 2 == 0 else a)
        steps.append({"step": f"{args.switches} switches between 2 versions", "rss_mib": rss_mib(pid)})
        for slot, count in (("effect", args.effects), ("synth", args.synths)):
            for i in range(count):
                path = new_version(PACKS[slot], tmp / f"{mode}-{slot}-{i}.hatpack", f"2.{i}.0")
                steps.append({"step": f"new {slot} version {i + 1}", "slot": slot, "n": i + 1,
                              "rss_mib": load(engine, slot, path)})
                print(f"  {mode:6s} {steps[-1]['step']:26s} {steps[-1]['rss_mib']:7.1f} MiB", flush=True)
        status = engine.status()
    finally:
        engine.stop()
        os.environ.pop(PIN_ENV) if saved is None else os.environ.__setitem__(PIN_ENV, saved)
    return {"steps": steps, "per_version_mib": growth(steps, args.full), "warnings": status.get("warnings", []),
            "scheduler": status.get("scheduler")}


def growth(steps: list[dict[str, Any]], full: int) -> dict[str, float | None]:
    """Per slot: the RSS growth per new version (MiB) from the ``full``-th new version to the last."""
    out: dict[str, float | None] = {}
    for slot in ("effect", "synth"):
        mine = [s for s in steps if s.get("slot") == slot]
        first = next((s for s in mine if s["n"] == full), None)
        out[slot] = None if first is None or mine[-1] is first else \
            round((mine[-1]["rss_mib"] - first["rss_mib"]) / (mine[-1]["n"] - first["n"]), 3)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--effects", type=int, default=24, help="new effect versions loaded")
    parser.add_argument("--synths", type=int, default=12, help="new synth versions loaded")
    parser.add_argument("--switches", type=int, default=20, help="switches between 2 versions played before")
    parser.add_argument("--full", type=int, default=6, help="growth counted from this new version on")
    parser.add_argument("--name", default="engine_rss_versions")
    args = parser.parse_args()
    rows: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for mode in ("before", "fixed"):
            rows[mode] = run_engine(Path(tmp), mode, args)
    for mode in ("before", "fixed"):
        s = rows[mode]["steps"]
        print(f"{mode:6s}: start {s[0]['rss_mib']:.1f} MiB, after switches {s[1]['rss_mib']:.1f}, "
              f"end {s[-1]['rss_mib']:.1f}; per new version once the cache is full: {rows[mode]['per_version_mib']}")
    rows["note"] = (f"EngineProcess, file backend paced, 48 kHz / 128; a 2-core VM shared with other jobs "
                    f"(load {os.getloadavg()[0]:.1f}); run as uid {os.getuid()}")
    out = ROOT / "bench" / "results" / f"{args.name}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(rows, indent=1) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
