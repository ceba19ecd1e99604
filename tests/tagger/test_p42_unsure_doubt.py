"""p42 QA 3: `hatbox library query DB --unsure` on a tagger of a yes or no per tag listed the two tags nearest their
thresholds, "dark 0.50, bass 0.00", for a file the tagger called "lead (1.00)": a tie picked a tag the file was far
from.  It now shows the tag in doubt and the other tags the file was given; a one-tag tagger's line is as it was."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from device import library
from hatbox.cli import main

TAGS = ["bass", "dark", "lead", "pad"]


def _db(tmp_path: Path, rows: dict[str, list[float]], exclusive: bool) -> Path:
    """A library database of files ``rows`` (name -> scores over :data:`TAGS`), thresholds 0.5 (bass: 0.01)."""
    from device.library import db as libdb
    con = libdb.connect(tmp_path / "lib.db")
    libdb.set_meta(con, root=str(tmp_path), tags=",".join(TAGS), thresholds="0.01,0.5,0.5,0.5", model="m",
                   exclusive=int(exclusive))
    for i, (name, scores) in enumerate(rows.items()):
        p = np.asarray(scores, np.float32)
        libdb.put_result(con, name, (1, i), f"{i:064x}", "m", TAGS, p, p >= 0.5, np.ones(4, np.float32))
        (tmp_path / name).write_bytes(b"")
    con.commit()
    con.close()
    return tmp_path / "lib.db"


def test_the_tag_in_doubt_and_the_tags_given_not_a_far_tag(tmp_path, capsys):
    db = _db(tmp_path, {"lead.wav": [0.0, 0.5, 1.0, 0.1]}, exclusive=False)   # bass 0.00: 0.01 from its threshold
    (u,) = library.unsure(db, k=1)
    assert u.doubt == "dark" and [t for t, _ in u.guesses] == ["dark", "lead"], u
    assert main(["library", "query", str(db), "--unsure"]) == 0
    line = capsys.readouterr().out.strip()
    assert "dark 0.50 (its other tags: lead 1.00)" in line and "bass" not in line, line
    assert main(["library", "query", str(db), "--unsure", "--json"]) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row["in_doubt"] == "dark" and [g["tag"] for g in row["guesses"]] == ["dark", "lead"], row


def test_a_file_given_no_other_tag_says_none(tmp_path, capsys):
    db = _db(tmp_path, {"a.wav": [0.0, 0.1, 0.504, 0.2]}, exclusive=False)
    assert main(["library", "query", str(db), "--unsure"]) == 0
    assert "lead 0.50 (its other tags: none)" in capsys.readouterr().out


def test_a_one_tag_taggers_line_is_as_it_was(tmp_path, capsys):
    db = _db(tmp_path, {"a.wav": [0.05, 0.4, 0.45, 0.1]}, exclusive=True)
    (u,) = library.unsure(db, k=1)
    assert u.doubt == "" and u.guesses == [("lead", pytest.approx(0.45)), ("dark", pytest.approx(0.4))]
    assert main(["library", "query", str(db), "--unsure"]) == 0
    assert "lead 0.45 or dark 0.40" in capsys.readouterr().out
