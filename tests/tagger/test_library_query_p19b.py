"""`hatbox library query DB` lists only the tags some file carries; the library (and so the box's panel,
which offers them when a file is retagged) still knows the pack's unused tags."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from device import library
from device.library import db as libdb
from hatbox.cli import main


def _all_kicks(path: Path) -> Path:
    """A library database as a tagging run with a kick/snare/hat pack leaves it: every file a kick."""
    con = libdb.connect(path)
    tags = ["kick", "snare", "hat"]
    libdb.set_meta(con, root=str(path.parent), tags=",".join(tags), exclusive=1)
    for i, name in enumerate(["k1.wav", "k2.wav"]):
        p = np.asarray([0.9, 0.05, 0.05], np.float32)
        libdb.put_result(con, name, (100, i), f"{i:064x}", "tagger", tags, p, p > 0.5,
                         np.asarray([1.0, 0.0, 0.1 * i], np.float32))
    con.commit()
    con.close()
    return path


def test_query_lists_no_tag_without_files(tmp_path: Path, capsys) -> None:
    db = _all_kicks(tmp_path / "lib.db")
    assert main(["library", "query", str(db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"kick": 2}
    assert library.list_tags(db) == {"hat": 0, "kick": 2, "snare": 0}      # the panel's retag choices
    library.set_tags(db, tmp_path / "k2.wav", ["snare"])                    # a correction gives it a file
    assert main(["library", "query", str(db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"kick": 1, "snare": 1}
