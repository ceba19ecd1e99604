"""Forty-seventh stop, review of the box side (K2): one rule for "the box holds these bytes", and a typed unsure().

The box's ``once`` answer (device/api/library_once.py ``held_copy``) and `hatbox push-library`'s look before sending
(hatbox/library_push.py ``held_libraries`` + ``newest_of``) each carried the rule "the newest library of this digest,
failed ones left out".  Now it is device.library.held.held_copy (no fastapi: the laptop imports it), used by both.
GET /libraries/{id}/unsure asked review.unsure(db, None) against its type (``k: int``); now ``k: int | None``."""
from __future__ import annotations

import inspect
import subprocess
import sys
from typing import Any

from device.api import library_once, library_routes
from device.library import held, review
from hatbox import library_push


def _lib(lid: str, seq: int, sha: str = "d1", state: str = "done") -> dict[str, Any]:
    return {"id": lid, "seq": seq, "sha256": sha, "state": state, "uploaded": 0.0}


def test_the_box_and_the_laptop_use_one_rule() -> None:
    assert library_push.held_copy is held.held_copy and not hasattr(library_once, "held_copy")   # box.py: held
    assert not hasattr(library_push, "newest_of")


def test_the_newest_library_of_the_digest_not_failed_is_held() -> None:
    libs = [_lib("a", 1), _lib("b", 3), _lib("c", 4, state="failed"), _lib("d", 5, sha="other")]
    assert held.held_copy(libs, "d1")["id"] == "b"
    assert held.held_copy(libs, None) is None and held.held_copy(libs, "") is None
    assert held.held_copy([_lib("c", 4, state="failed")], "d1") is None


def test_the_rule_loads_no_fastapi() -> None:
    code = "import sys, device.library.held; sys.exit('fastapi' in sys.modules or 'pydantic' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0


def test_unsure_takes_none_for_all_files_and_the_route_needs_no_ignore() -> None:
    assert "None" in str(inspect.signature(review.unsure).parameters["k"].annotation)
    assert "type: ignore" not in inspect.getsource(library_routes)
