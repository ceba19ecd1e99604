"""Forty-first stop, QA with the power cut: a `--retag` the producer starts after the box gave up carrying a tagging
on counts the restarts afresh (before: it kept the old record's count, and one cut later the log said "cut off by a
restart 3 times running; it stays failed")."""
from __future__ import annotations

import json

from device.api.libraries import MAX_RESUMES, Libraries, default_tagger
from tests.test_p41_power_retag_cut_off import cut_off_retag


def test_a_retag_the_producer_starts_counts_the_restarts_afresh(tmp_path) -> None:
    root, lid, new = cut_off_retag(tmp_path, MAX_RESUMES)
    again = Libraries(root, default_tagger)
    assert again.resume(lambda pid: new if pid == "tagger-new" else None) == []      # the box gave up
    again.retag(lid, new, "tagger-new")                                              # the producer did not
    record = json.loads((root / lid / "library.json").read_bytes())
    assert record["state"] == "tagging" and record["resumes"] == 0, record
    again.wait(lid, 20)
    (root / lid / "library.json").write_text(json.dumps(record))                      # the power goes once more
    third = Libraries(root, default_tagger)
    assert third.resume(lambda pid: new if pid == "tagger-new" else None) == [lid]   # carried on, not given up
    assert third.wait(lid, 20)["tagger"] == "tagger-new"
