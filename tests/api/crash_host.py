"""Forks real uvicorn API servers for the crash test, so each restart skips the imports.

Run as ``python tests/api/crash_host.py STORE PORT CONTROL_LOG``; it first pairs with and installs a pack on a
throwaway box in this process (STORE-warm, its log CONTROL_LOG-warm), so that the modules an install loads are
loaded once here and not again in every life (each life's first push took 0.35 s instead of 0.05 s, most of it
imports, and the kills landed in them); then on each ``start`` line on stdin it forks a child that recovers the
store and serves the API on 127.0.0.1:PORT, and prints ``pid N``.  The test SIGKILLs that child itself: a real
server process dying at a random point.  Children print ``code XXXXXX`` when they show a pairing code.
"""
from __future__ import annotations

import os
import signal
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")        # as device/audio/runtime.py: nothing under ~/.cache
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

import onnx  # noqa: E402,F401 - imported once here so every forked life starts fast
import onnxruntime  # noqa: E402,F401
import uvicorn  # noqa: E402

from device.api.app import ApiConfig, create_app  # noqa: E402
from device.api.sim import RecordingControl  # noqa: E402
from device.validate import EngineSpec  # noqa: E402


def life(store: str, port: int, log: str) -> None:
    cfg = ApiConfig(engine=EngineSpec(trial_seconds=0.02), on_code=lambda c: print(f"code {c}", flush=True))
    app = create_app(store, RecordingControl(log), cfg)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="error")


def warm(store: str, log: str) -> None:
    """Pair with a box on ``store``-warm and push-and-activate a pack there, in this process (no server; :func:`settle`
    then waits for its threads to end, so the forks that follow are safe).  Only an optimisation: a refusal of the
    push (a loaded machine's CPU check) is said on stderr and the lives start all the same."""
    from fastapi.testclient import TestClient

    from tests.api.packs import gain_pack
    codes: list[str] = []
    app = create_app(f"{store}-warm", RecordingControl(f"{log}-warm"),
                     ApiConfig(engine=EngineSpec(trial_seconds=0.02), on_code=codes.append))
    pack = gain_pack(f"{store}-warm.hatpack", "fx", "0.0.1")
    with TestClient(app) as client:
        token = client.post("/pair", json={"code": codes[-1]}).json()["token"]
        r = client.post("/packs", params={"activate": "true"}, content=pack.read_bytes(),
                        headers={"Authorization": f"Bearer {token}"})
        if r.status_code != 201:
            print(f"crash host: the warm-up push was refused ({r.status_code}): {r.text[:300]}", file=sys.stderr)
        client.get("/status", headers={"Authorization": f"Bearer {token}"})


def settle() -> None:
    """Wait (10 s at most each) for every thread but this one to end; exit, saying so, when one still runs."""
    import threading
    for thread in threading.enumerate():
        if thread is not threading.main_thread():
            thread.join(10)
    if threading.active_count() != 1:
        sys.exit(f"crash host: threads still running after the warm-up, not forking: {threading.enumerate()}")


def main() -> None:
    store, port, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    try:
        warm(store, log)
    except Exception as exc:           # only an optimisation: the lives start all the same
        print(f"crash host: the warm-up failed: {exc!r}", file=sys.stderr)
    settle()
    child = 0
    for line in sys.stdin:
        if child:
            os.waitpid(child, 0)       # the test has killed it
            child = 0
        if line.strip() != "start":
            break
        child = os.fork()
        if child == 0:
            try:
                life(store, port, log)
            finally:
                os._exit(0)
        print(f"pid {child}", flush=True)
    if child:                          # stdin closed while a server runs: stop it
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)


if __name__ == "__main__":
    main()
