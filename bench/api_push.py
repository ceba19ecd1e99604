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


def build_packs(tmp: Path, count: int, size: int) -> list[Path]:
    """``count`` distinct packs of about ``size`` bytes, built before any timing starts."""
    return [gain_pack(tmp / f"p{i}.hatpack", "bench fx", f"1.0.{i}", pad_bytes=int(size * 1.08), seed=i)
            for i in range(count)]


def push_all(url: str, token: str, packs: list[Path], n: int, activate: bool) -> list[dict]:
    """``n`` pushes cycling through ``packs``; each pushed pack was deleted before, so every push
    is a fresh upload + validation + install (+ activation and engine hot-swap)."""
    rows: list[dict] = []
    with _client(url, token, True) as c:
        for i in range(n):
            path = packs[i % len(packs)]
            t = time.perf_counter()
            body = upload(c, "/packs", path, {"activate": str(activate).lower()}, quiet=True)
            total = time.perf_counter() - t
            rows.append({"i": i, "id": body["pack"]["id"], "bytes": path.stat().st_size, "client_seconds": total,
                         "upload_seconds": body["upload_seconds"], "validate_seconds": body["validate_seconds"],
                         "server_seconds": body["total_seconds"]})
            if i >= 2:
                _delete_unless_active(c, rows[i - 2]["id"])
            print(f"push {i + 1}/{n} (activate={activate}): {total:.3f} s "
                  f"(validate {body['validate_seconds']:.3f} s)", flush=True)
        for row in rows[-2:]:
            if not activate:
                _delete_unless_active(c, row["id"])
    return rows


def _delete_unless_active(client: object, pid: str) -> None:
    if not _call(client, "GET", f"/packs/{pid}")["active"]:
        _call(client, "DELETE", f"/packs/{pid}")


def xruns_during(engine: object, action) -> tuple[object, dict]:
    """Run ``action()``; returns (its result, engine xruns/blocks/seconds while it ran)."""
    before, t = engine.status(), time.perf_counter()
    result = action()
    after = engine.status()
    return result, {"xruns": int(after.get("xruns", 0)) - int(before.get("xruns", 0)),
                    "blocks": int(after.get("blocks", 0)) - int(before.get("blocks", 0)),
                    "seconds": time.perf_counter() - t, "load_p999": after.get("load_p999"),
                    "faults": after.get("fault_count")}


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
        packs = build_packs(Path(tmp), 5, int(args.size_mb * 1e6))
        app = create_app(Path(tmp) / "box", engine, ApiConfig(on_code=codes.append))
        server = start_in_thread(app)
        try:
            token = pair(app, server.url, codes)
            rows, during = xruns_during(engine, lambda: push_all(server.url, token, packs, args.pushes, True))
            phases = {"push_and_activate": during}
            if args.baseline:
                _, phases["push_install_only"] = xruns_during(
                    engine, lambda: push_all(server.url, token, packs, args.pushes, False))
                _, phases["idle"] = xruns_during(engine, lambda: time.sleep(during["seconds"]))
            active = engine.status().get("active", {}).get("effect")
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
        "xruns_during_pushes": phases["push_and_activate"]["xruns"], "phases": phases,
        "engine_active_at_end": active, "load": os.getloadavg(), "cpus": os.cpu_count(),
        "machine": platform.node(), "rows": rows,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / ("api_push.json" if not args.sim else "api_push_sim.json")
    out.write_text(json.dumps(result, indent=1))
    print(json.dumps({k: v for k, v in result.items() if k != "rows"}, indent=1))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
