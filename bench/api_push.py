"""Upload-to-playing time of a ~5 MB effect pack over loopback, and engine xruns during 100 pushes.

A real uvicorn server on 127.0.0.1 serves the device API over a temporary store, driving the
real audio engine process (device/audio/server.py, file backend paced to the wall clock, so
a late block counts as an xrun exactly as on ALSA).  Each push is a distinct pack (new
version, new weights), sent with hatbox's own client code (``hatbox push --activate``'s
upload path) and timed from the first byte sent to the reply, which comes back once the pack
is validated (every check, the 0.3 s real-time trial included), installed, and the engine has
taken it.  Old packs are deleted through the API as it goes.

    .venv/bin/python bench/api_push.py [--pushes 100] [--size-mb 5] [--sim]

Writes bench/results/api_push.json.  Timings are taken on a shared, loaded machine: see "load".
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from device.api.app import ApiConfig, create_app  # noqa: E402
from device.api.server import start_in_thread  # noqa: E402
from hatbox.cmd_remote import _call, _client, upload  # noqa: E402
from tests.api.packs import gain_pack  # noqa: E402

RESULTS = ROOT / "bench" / "results"


def start_engine(sim: bool) -> tuple[object, str]:
    """The real engine process (file backend, paced), or the recording control with --sim."""
    if not sim:
        try:
            from device.audio.alsa_io import AudioConfig
            from device.audio.engine import EngineConfig
            from device.audio.server import EngineProcess, ServerConfig
            cfg = ServerConfig(engine=EngineConfig(), audio=AudioConfig(capture=False), backend="file", pace=True,
                               seconds=4 * 3600.0)   # without input audio, FileIO runs until told
            return EngineProcess(cfg).start(), "device.audio.server.EngineProcess (file backend, paced)"
        except ImportError as exc:
            print(f"engine not available ({exc}); using the simulated control")
    from device.api.sim import RecordingControl
    return RecordingControl(), "simulated (device.api.sim.RecordingControl)"


def pair(app: object, url: str, codes: list[str]) -> str:
    with _client(url, None, True) as c:
        return _call(c, "POST", "/pair", json={"code": codes[-1], "name": "bench"})["token"]


def push_all(url: str, token: str, tmp: Path, n: int, size: int) -> list[dict]:
    rows: list[dict] = []
    with _client(url, token, True) as c:
        for i in range(n):
            path = gain_pack(tmp / f"p{i}.hatpack", "bench fx", f"1.0.{i}", pad_bytes=size, seed=i)
            t = time.perf_counter()
            body = upload(c, "/packs", path, {"activate": "true"}, quiet=True)
            total = time.perf_counter() - t
            rows.append({"i": i, "bytes": path.stat().st_size, "client_seconds": total,
                         "upload_seconds": body["upload_seconds"], "validate_seconds": body["validate_seconds"],
                         "server_seconds": body["total_seconds"]})
            path.unlink()
            if i >= 2:
                old = rows[i - 2].get("id")
                if old:
                    _call(c, "DELETE", f"/packs/{old}")
            rows[-1]["id"] = body["pack"]["id"]
            print(f"push {i + 1}/{n}: {total:.3f} s (validate {body['validate_seconds']:.3f} s)", flush=True)
    return rows


def summary(values: list[float]) -> dict[str, float]:
    a = np.array(values)
    return {"median": float(np.median(a)), "p90": float(np.percentile(a, 90)), "max": float(a.max()),
            "min": float(a.min())}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--pushes", type=int, default=100)
    p.add_argument("--size-mb", type=float, default=5.0)
    p.add_argument("--sim", action="store_true", help="no engine process (API side only)")
    p.add_argument("--baseline", action="store_true", help="then idle as long, counting xruns without pushes")
    args = p.parse_args()
    engine, engine_kind = start_engine(args.sim)
    codes: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Path(tmp) / "box", engine, ApiConfig(on_code=codes.append))
        server = start_in_thread(app)
        try:
            before = engine.status()
            t0 = time.perf_counter()
            rows = push_all(server.url, pair(app, server.url, codes), Path(tmp), args.pushes,
                            int(args.size_mb * 1.08e6))  # pad so the zip is ~size
            wall = time.perf_counter() - t0
            after = engine.status()
            time.sleep(wall if args.baseline else 0.0)     # same length, no pushes: the machine's own xruns
            idle = engine.status()
        finally:
            server.stop()
            if hasattr(engine, "stop"):
                engine.stop()
    result = {
        "what": "push -> validated -> installed -> active in the engine, loopback, one ~5 MB effect pack per push",
        "command": "bench/api_push.py " + " ".join(sys.argv[1:]), "engine": engine_kind,
        "pushes": len(rows), "pack_bytes_median": float(np.median([r["bytes"] for r in rows])),
        "upload_to_active_s": summary([r["client_seconds"] for r in rows]),
        "validate_s": summary([r["validate_seconds"] for r in rows]),
        "upload_s": summary([r["upload_seconds"] for r in rows]),
        "xruns_during_pushes": int(after.get("xruns", 0)) - int(before.get("xruns", 0)),
        "engine_blocks_during_pushes": int(after.get("blocks", 0)) - int(before.get("blocks", 0)),
        "xruns_idle_same_length": (int(idle.get("xruns", 0)) - int(after.get("xruns", 0))) if args.baseline else None,
        "engine_load_p999": after.get("load_p999"), "engine_faults": after.get("fault_count"),
        "engine_active_at_end": after.get("active", {}).get("effect"),
        "wall_seconds": wall, "load": os.getloadavg(), "cpus": os.cpu_count(), "machine": platform.node(),
        "rows": rows,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / ("api_push.json" if not args.sim else "api_push_sim.json")
    out.write_text(json.dumps(result, indent=1))
    print(json.dumps({k: v for k, v in result.items() if k != "rows"}, indent=1))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
