"""p51 QA B2, the laptop's half: `hatbox library query DB --like FILE --json` rows are the box's `box-library LIB
--like FILE --json` rows, {path, score, closeness, yours}, ``closeness`` the figure the text listing prints (needs
hatbox/cmd_tag.py to pass the closeness to listing_json.like_row: B's patch cmd_tag_for_L.patch)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from hatbox.cli import main
from tests.api.packs import tagger_pack
from tests.library.test_p49_long_files import CLIP, _library


def test_library_query_like_json_rows_carry_the_closeness(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lib = _library(tmp_path / "Samples", long=3, short=4)
    db = tmp_path / "tags.db"
    assert main(["tag", str(lib), "--pack", str(tagger_pack(tmp_path / "t.hatpack", clip=CLIP)), "--out", str(db)]) == 0
    asked = lib / "hits" / "f3.wav"
    capsys.readouterr()
    assert main(["library", "query", str(db), "--like", str(asked), "-k", "3"]) == 0
    text = [line.split() for line in capsys.readouterr().out.splitlines() if line.startswith("  ")]
    assert main(["library", "query", str(db), "--like", str(asked), "-k", "3", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [list(r) for r in rows] == [["path", "score", "closeness", "yours"]] * 3, rows
    assert [r["closeness"] for r in rows] == [int(t[0]) for t in text if t[0].isdigit()]
