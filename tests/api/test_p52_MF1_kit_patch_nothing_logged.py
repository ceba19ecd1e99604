"""p52 final read FR1 findings 1 and 3: a PATCH /kit/notes/NOTE that changed nothing skipped its own words, and
the change log then wrote its generic "PATCH /kit/notes/C4 by 'x' (200)" line - a no-op still in `box-logs
--changes`, the note named as typed.  Now the route says "nothing to log" and no line is written at all.  A choke
of 0 (`--no-choke`) is logged as "choke none", as the docs and the CLI word it, not "choke group 0"."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from device.logs import box_logging
from tests.api.kit_helpers import kit_with_a_hand_loop


def _change_lines(box: Any) -> list[str]:
    """The lines of the box's changes log (device names and times left on)."""
    return box.client.get("/logs", params={"file": "changes"}, headers=box.auth).json()["lines"]


def _patch(box: Any, note: str, body: dict[str, Any]) -> None:
    r = box.client.patch(f"/kit/notes/{note}", json=body, headers=box.auth)
    assert r.status_code == 200, r.text


def test_p52_MF1_a_patch_that_changes_nothing_leaves_no_line(tmp_path: Path) -> None:
    box, _, _ = kit_with_a_hand_loop(tmp_path)
    with box_logging(box.store_dir, terminal=False):
        for note, body in [("C4", {}), ("36", {"loop": False}), ("70", {"loop": True}), ("36", {"latch": False})]:
            _patch(box, note, body)
        lines = _change_lines(box)
    assert not [line for line in lines if "PATCH /kit/notes" in line or "options set" in line], lines


def test_p52_MF1_a_choke_of_nothing_is_logged_as_none(tmp_path: Path) -> None:
    box, _, _ = kit_with_a_hand_loop(tmp_path)
    with box_logging(box.store_dir, terminal=False):
        _patch(box, "C2", {"choke": 4})
        _patch(box, "C2", {"choke": 0})
        _patch(box, "C2", {"choke": 0})
        lines = _change_lines(box)
    said = [line.split(": ", 1)[1].split(" by ", 1)[0] for line in lines if "kit note" in line]
    assert said == ["kit note 36 (C2) options set: choke group 4", "kit note 36 (C2) options set: choke none"], lines
    assert not [line for line in lines if "PATCH /kit/notes" in line], lines
