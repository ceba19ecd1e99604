"""A stranger's connection flood against the box's API, before and after device/api/conn_guard.py, side by side.

Each server runs in its own process under ``ulimit -n 1024`` (systemd's default soft limit for a service), serving
the real app on loopback: "plain" with uvicorn's Config as the box had it before the forty-eighth stop, "guarded"
with device/api/server.py's uvicorn_config.  Measured for each:

- lockout: idle connections (connect, send nothing) are opened 100 at a time; after each step a fresh connection
  asks GET /health (2 s to answer).  The figure is how many idle connections it took until /health went unanswered.
- /health with 500 idle connections open: median and worst of 20 requests, each on a new connection, against the
  same with none open.
- box.log after the flood: its size and how many lines the accept errors took (box.log's collapse is on in both).

    .venv/bin/python bench/api_flood.py [--most 10000]    # prints the figures, writes bench/results/api_flood.json
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULT = ROOT / "bench" / "results" / "api_flood.json"
FILE_LIMIT = 1024
STEP = 100                 # idle connections opened between two /health probes


def serve(kind: str, store: str, port: int) -> None:
    """The child: the app on 127.0.0.1:``port`` under the 1024-file limit, logging to ``store``/logs/box.log."""
    import uvicorn

    from device.api.app import ApiConfig, create_app
    from device.api.server import uvicorn_config
    from device.api.sim import RecordingControl
    from device.logs import box_logging

    resource.setrlimit(resource.RLIMIT_NOFILE, (FILE_LIMIT, resource.getrlimit(resource.RLIMIT_NOFILE)[1]))
    with box_logging(store, terminal=False):
        app = create_app(store, RecordingControl(), ApiConfig(on_code=lambda code: None))
        if kind == "plain":         # the box's Config before the forty-eighth stop
            config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False,
                                    log_config=None, timeout_graceful_shutdown=2)
        else:
            config = uvicorn_config(app, "127.0.0.1", port)
        uvicorn.Server(config).run()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def health(port: int, timeout: float = 2.0) -> float | None:
    """Seconds for GET /health on a new connection; None when it is not answered 200 within ``timeout``."""
    start = time.perf_counter()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.settimeout(timeout)
            s.sendall(b"GET /health HTTP/1.1\r\nhost: box\r\nconnection: close\r\n\r\n")
            got = s.recv(64)
    except OSError:
        return None
    return time.perf_counter() - start if got.startswith(b"HTTP/1.1 200") else None


def open_idle(port: int, n: int, held: list[socket.socket]) -> int:
    """Open ``n`` idle connections (kept in ``held``); how many connected."""
    made = 0
    for _ in range(n):
        try:
            held.append(socket.create_connection(("127.0.0.1", port), timeout=1.0))
            made += 1
        except OSError:
            break
    return made


def lockout(port: int, most: int) -> dict[str, Any]:
    """Idle connections opened 100 at a time until /health goes unanswered (or ``most`` are open)."""
    held: list[socket.socket] = []
    try:
        while len(held) < most:
            open_idle(port, STEP, held)
            if health(port) is None:
                return {"denied_at_idle": len(held)}
        return {"denied_at_idle": None, "idle_opened": len(held)}
    finally:
        for s in held:
            s.close()


def latency(port: int, idle: int) -> dict[str, Any]:
    """/health 20 times on new connections with ``idle`` idle connections open (ms: median, worst; failures)."""
    held: list[socket.socket] = []
    try:
        open_idle(port, idle, held)
        times = [health(port) for _ in range(20)]
    finally:
        for s in held:
            s.close()
    ok = [t * 1000 for t in times if t is not None]
    return {"idle": idle, "median_ms": round(statistics.median(ok), 2) if ok else None,
            "worst_ms": round(max(ok), 2) if ok else None, "unanswered": times.count(None)}


def log_figures(store: Path) -> dict[str, Any]:
    files = sorted((store / "logs").glob("box.log*"))
    text = "".join(p.read_text(errors="replace") for p in files)
    return {"log_files": len(files), "log_bytes": sum(p.stat().st_size for p in files),
            "accept_error_lines": text.count("socket.accept() out of system resource"),
            "collapsed_counts": [ln.split("(and ", 1)[1].split(" more")[0] for ln in text.splitlines()
                                 if "out of system resource (and " in ln]}


def run_one(kind: str, most: int) -> dict[str, Any]:
    """A ``kind`` server measured, with its store in a temporary folder (removed after)."""
    with tempfile.TemporaryDirectory(prefix=f"hatbox-flood-{kind}-") as store:
        return measure(kind, Path(store), most)


def measure(kind: str, store: Path, most: int) -> dict[str, Any]:
    """Start a ``kind`` server on ``store``, measure it, stop it (SIGINT: box.log's counts are written), read its
    log."""
    port = free_port()
    child = subprocess.Popen([sys.executable, __file__, "--serve", kind, "--store", str(store), "--port", str(port)],
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        end = time.monotonic() + 30
        while health(port, 0.5) is None:
            assert time.monotonic() < end and child.poll() is None, "the server did not start"
            time.sleep(0.1)
        figures = {"kind": kind, "health_idle_0": latency(port, 0), "health_idle_500": latency(port, 500)}
        time.sleep(6)                        # the guarded one closes the 500 (a 5 s deadline); the plain one did
        figures.update(lockout(port, most))
        time.sleep(2)
        figures["answers_after_flood"] = health(port, 5.0) is not None
    finally:
        child.send_signal(signal.SIGINT)
        try:
            child.wait(15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    return {**figures, **log_figures(store)}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--serve", choices=("plain", "guarded"))
    p.add_argument("--store")
    p.add_argument("--port", type=int)
    p.add_argument("--most", type=int, default=2000, help="idle connections to open at most (default 2000)")
    args = p.parse_args(argv)
    if args.serve:
        serve(args.serve, args.store, args.port)
        return 0
    results = {"file_limit": FILE_LIMIT, "cpus": os.cpu_count(), "most": args.most,
               "runs": [run_one("plain", args.most), run_one("guarded", args.most)]}
    for run in results["runs"]:
        print(json.dumps(run))
    RESULT.parent.mkdir(exist_ok=True)
    RESULT.write_text(json.dumps(results, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
