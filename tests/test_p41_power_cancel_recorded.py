"""Forty-first stop, QA with the power cut: a re-tag cancelled just before the power went is written as stopped at the
next start (before: put right in memory at each start, while library.json kept "state: tagging, cancel_asked")."""
from __future__ import annotations

import json

from device.api.libraries import Libraries, default_tagger
from tests.test_p41_power_retag_cut_off import cut_off_retag


def test_a_cancel_a_power_cut_caught_is_written_at_the_next_start(tmp_path) -> None:
    root, lid, _new = cut_off_retag(tmp_path, 0)
    path = root / lid / "library.json"
    path.write_text(json.dumps({**json.loads(path.read_bytes()), "cancel_asked": True}))     # --cancel, then the cut
    again = Libraries(root, default_tagger)
    assert again.interrupted == []
    on_disk = json.loads(path.read_bytes())
    assert on_disk["state"] == "done" and not on_disk["cancel_asked"] and on_disk["tagger"] == "tagger-old", on_disk
    assert on_disk["stopped_retag"]["tagger"] == "tagger-new" and on_disk["before"] is None
    assert on_disk == again.get(lid)
