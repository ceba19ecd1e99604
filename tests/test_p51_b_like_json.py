"""p51 QA B2: `hatbox box-library LIB --like FILE --json` left out the ``closeness`` the box sent (listing_json's
box_like_row dropped it on purpose) and kept ``yours``: a script saw another number than the text listing.  The rows
now carry it, {path, score, closeness, yours}: the text listing's figure, ``score`` the cosine as before."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from hatbox.cli import main
from hatbox.listing_json import box_like_row, like_row
from tests.api.conftest import paired_server  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack
from tests.test_p51_b_like_paths import _noise


def test_the_json_rows_carry_the_closeness_the_lines_print(paired_server: Any, tmp_path: Path,  # noqa: F811
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack", clip=64)), "--activate", "--quiet"]) == 0
    folder = tmp_path / "Breaks"
    folder.mkdir()
    for i in range(6):
        (folder / f"b{i}.wav").write_bytes(_noise(i))
    assert main(["push-library", str(folder), "--wait", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["box-library", "Breaks", "--like", "b0.wav"]) == 0
    lines = {line.split()[1]: int(line.split()[0]) for line in capsys.readouterr().out.splitlines()}
    assert main(["box-library", "Breaks", "--like", "b0.wav", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [list(r) for r in rows] == [["path", "score", "closeness", "yours"]] * 5, rows
    assert {r["path"]: r["closeness"] for r in rows} == lines and len(lines) == 5      # the text's figures
    assert all(isinstance(r["score"], float) and r["yours"] is False for r in rows)


def test_a_row_says_no_closeness_as_the_box_did() -> None:
    assert like_row("a.wav", 0.98765432, 71) == {"path": "a.wav", "score": 0.9877, "closeness": 71, "yours": False}
    assert like_row("a.wav", 0.5, None)["closeness"] is None                   # too few files: null, as the box
    assert "closeness" not in like_row("a.wav", 0.5)                             # not known: left out
    assert box_like_row({"path": "a.wav", "score": 0.9, "closeness": None})["closeness"] is None
    assert "closeness" not in box_like_row({"path": "a.wav", "score": 0.9})     # a box from before closeness
