"""Forks real uvicorn API servers for the crash test, so each restart skips the imports.

Run as ``python tests/api/crash_host.py STORE PORT CONTROL_LOG``; on each ``start`` line on
stdin it forks a child that recovers the store and serves the API on 127.0.0.1:PORT, and
prints ``pid N``.  The test SIGKILLs that child itself: a real server process dying at a
random point.  Children print ``code XXXXXX`` when they show a pairing code.
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


def main() -> None:
    store, port, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
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
