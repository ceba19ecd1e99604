"""A Control for running the API without the engine (``--sim``, tests, benchmarks).

It records every message (optionally appending them to a JSON-lines file, so a test can
read what a server subprocess sent) and reports a status shaped like the engine's.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from device.control import validate


class RecordingControl:
    """Validates and records messages; ``refuse`` makes ``load`` fail (engine refusal tests)."""

    def __init__(self, log_path: str | Path | None = None) -> None:
        self.sent: list[dict[str, Any]] = []
        self.log_path = Path(log_path) if log_path else None
        self.active: dict[str, Any] = {"effect": None, "synth": None, "sampler": None}
        self.refuse = False
        self._lock = threading.Lock()

    def send(self, message: dict[str, Any]) -> None:
        validate(message)
        if self.refuse and message["op"] == "load":
            raise RuntimeError("simulated engine refused the pack")
        with self._lock:
            self.sent.append(message)
            if message["op"] == "load":
                self.active[message["slot"]] = {"path": message["path"]}
            elif message["op"] == "unload":
                self.active[message["slot"]] = None
            if self.log_path:
                with open(self.log_path, "a") as fh:
                    fh.write(json.dumps(message) + "\n")

    def status(self) -> dict[str, Any]:
        return {"simulated": True, "load_mean": 0.0, "load_p999": 0.0, "xruns": 0, "latency_ms": 0.0,
                "blocks": 0, "active": dict(self.active), "peak_db": -120.0, "faults": [], "knobs": {}}
