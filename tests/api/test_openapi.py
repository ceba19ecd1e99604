"""Schemathesis against the app's own OpenAPI, with auth: no 5xx, no schema violations.

Every operation gets a bounded number of generated requests (schema-valid and invalid), sent
in-process to the ASGI app over a store that already has an installed, active pack, and
every response goes through schemathesis' checks (status codes, content types, response
schemas, no server errors, auth actually enforced).
"""
from __future__ import annotations

from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import positive_data_acceptance

from tests.api.conftest import make_box
from tests.api.packs import gain_pack

EXAMPLES = 4         # per operation and mode (derandomized: the same cases every run); 8 took twice as long
UPLOADS = ("/packs", "/libraries")


def run_operation(operation, headers: dict[str, str], mode: GenerationMode, examples: int) -> int:
    count = [0]
    # an upload body is "a .hatpack" / "an archive": schema-valid random bytes are rightly refused
    excluded = [positive_data_acceptance] if operation.method.upper() == "POST" and operation.path in UPLOADS else []

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck),
              derandomize=True, database=None)
    def check(case) -> None:
        count[0] += 1
        case.call_and_validate(headers=headers, excluded_checks=excluded)
    try:
        check()
    except Unsatisfiable:          # nothing to make invalid (e.g. GET /health has no inputs)
        assert mode == GenerationMode.NEGATIVE
    return count[0]


def test_openapi_contract(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    assert box.push(gain_pack(tmp_path / "g.hatpack")).status_code == 201
    schema = schemathesis.openapi.from_asgi("/openapi.json", box.app)
    operations = [r.ok() for r in schema.get_all_operations()]
    assert len(operations) >= 15
    calls = 0
    for op in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            calls += run_operation(op, box.auth, mode, EXAMPLES)
    assert calls > len(operations) * 4
