"""Schemathesis against the device API's own OpenAPI, over HTTP to a real uvicorn server on 127.0.0.1.

Every operation gets ``--examples`` schema-valid and ``--examples`` schema-invalid requests
(with the paired token), and every response goes through schemathesis' checks: no 5xx, status
codes, content types, headers and bodies as documented, auth enforced.  Bounded in examples
and in time (``--max-seconds`` per operation and mode).

    .venv/bin/python bench/api_schemathesis.py [--examples 50]

Writes bench/results/api_schemathesis.json (calls, failures by check, status-code histogram).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import schemathesis  # noqa: E402
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import positive_data_acceptance  # noqa: E402

from device.api.app import ApiConfig, create_app  # noqa: E402
from device.api.server import start_in_thread  # noqa: E402
from device.api.sim import RecordingControl  # noqa: E402
from device.validate import EngineSpec  # noqa: E402
from tests.api.packs import gain_pack  # noqa: E402

RESULTS = ROOT / "bench" / "results"
UPLOADS = ("/packs", "/libraries")


def run(op, url: str, headers: dict, mode: GenerationMode, examples: int, stats: dict) -> None:
    excluded = [positive_data_acceptance] if op.method.upper() == "POST" and op.path in UPLOADS else []

    @given(case=op.as_strategy(generation_mode=mode))
    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case) -> None:
        stats["calls"] += 1
        try:
            resp = case.call_and_validate(base_url=url, headers=headers, excluded_checks=excluded)
            stats["status"][str(resp.status_code)] += 1
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - recorded, re-raised for shrinking
            stats["failures"].append(f"{op.method.upper()} {op.path} [{mode.value}]: {str(exc)[:300]}")
            raise
    try:
        check()
    except Unsatisfiable:
        pass                      # no inputs to make invalid (e.g. GET /health)
    except (Exception, BaseExceptionGroup):  # noqa: BLE001 - already recorded
        pass


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--examples", type=int, default=50)
    args = p.parse_args()
    codes: list[str] = []
    stats = {"calls": 0, "status": Counter(), "failures": []}
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(Path(tmp) / "box", RecordingControl(),
                         ApiConfig(engine=EngineSpec(trial_seconds=0.05), on_code=codes.append))
        server = start_in_thread(app)
        try:
            token = httpx.post(f"{server.url}/pair", json={"code": codes[-1]}).json()["token"]
            headers = {"Authorization": f"Bearer {token}"}
            httpx.post(f"{server.url}/packs?activate=true", headers=headers,
                       content=gain_pack(Path(tmp) / "g.hatpack").read_bytes()).raise_for_status()
            schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
            ops = [r.ok() for r in schema.get_all_operations()]
            t = time.perf_counter()
            for op in ops:
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                    run(op, server.url, headers, mode, args.examples, stats)
            seconds = time.perf_counter() - t
        finally:
            server.stop()
    server_errors = sum(n for code, n in stats["status"].items() if code.startswith("5"))
    result = {"command": "bench/api_schemathesis.py " + " ".join(sys.argv[1:]), "operations": len(ops),
              "examples_per_operation_and_mode": args.examples, "calls": stats["calls"],
              "status_codes": dict(sorted(stats["status"].items())), "server_errors": server_errors,
              "failures": stats["failures"], "seconds": seconds, "load": os.getloadavg()}
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "api_schemathesis.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result, indent=1))
    return 1 if stats["failures"] or server_errors else 0


if __name__ == "__main__":
    sys.exit(main())
