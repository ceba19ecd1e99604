"""p52 review R3 finding 5: PATCH /kit/notes/NOTE wrote "kit note C4 options set: ..." to the changes log even when
nothing changed (a PATCH of {} said "options set: none"), and named the note as typed ("kit note 60" or "kit note
C4"), so a grep for one form missed the other.  Now only a change is logged, and always as "kit note 60 (C4)"."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from device.logs import box_logging
from tests.api.kit_helpers import kit_with_a_hand_loop


def _changes(box: Any) -> list[str]:
    lines = box.client.get("/logs", params={"file": "changes"}, headers=box.auth).json()["lines"]
    return [line.split(": ", 1)[1] for line in lines if "options set" in line]


def test_p52_M3_only_a_change_is_logged_and_by_number_and_name(tmp_path: Path) -> None:
    box, _, _ = kit_with_a_hand_loop(tmp_path)
    with box_logging(box.store_dir, terminal=False):
        for note, body in [("C4", {}), ("60", {"latch": True}), ("C4", {"latch": True}), ("60", {"choke": 4}),
                           ("C4", {"choke": 4}), ("70", {"loop": True})]:
            r = box.client.patch(f"/kit/notes/{note}", json=body, headers=box.auth)
            assert r.status_code == 200, r.text
        said = _changes(box)
    assert [s.split(" by ", 1)[0] for s in said] == ["kit note 60 (C4) options set: latch on",
                                                     "kit note 60 (C4) options set: choke group 4"], said
    assert box.client.patch("/kit/notes/61", json={"latch": True}, headers=box.auth).status_code == 404
    assert box.client.delete("/kit/notes/61", headers=box.auth).status_code == 404
    assert box.client.delete("/kit/notes/C4", headers=box.auth).status_code == 200
