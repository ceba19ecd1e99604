"""p49 loops QA: "more like this" on the laptop reads as the box's does now, closeness 0-100 against the library's
middle file (device.library.closeness), not cosines bunched near 1 (0.958-0.999 across a library of breaks)."""
from __future__ import annotations

from pathlib import Path

import pytest

from device import library
from device.library.closeness import closeness_of
from hatbox.cli import main
from hatbox.listing import CLOSENESS_WORDS, LIKE_HEADING
from tests.api.packs import tagger_pack
from tests.library.test_p49_long_files import CLIP, _library


def test_library_query_like_prints_the_closeness_the_box_prints(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    lib = _library(tmp_path / "Samples", long=3, short=4)
    db = tmp_path / "tags.db"
    assert main(["tag", str(lib), "--pack", str(tagger_pack(tmp_path / "t.hatpack", clip=CLIP)), "--out", str(db)]) == 0
    asked = lib / "hits" / "f3.wav"
    every = library.similar(str(db), str(asked), k=None)
    want = closeness_of([h.score for h in every])[:3]
    capsys.readouterr()
    assert main(["library", "query", str(db), "--like", str(asked), "-k", "3"]) == 0
    out = capsys.readouterr().out
    assert CLOSENESS_WORDS in LIKE_HEADING                            # the heading (a terminal's only) says the scale
    rows = [line.split() for line in out.splitlines() if line.startswith("  ") and line.split()[0].isdigit()]
    assert [int(r[0]) for r in rows] == want, out               # the middle is the whole library's, not the 3 shown
    assert want == sorted(want, reverse=True) and min(closeness_of([h.score for h in every])) == 0
