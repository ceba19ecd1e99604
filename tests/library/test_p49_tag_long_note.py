"""p49 loops QA: `hatbox tag` on the laptop says when many files are much longer than the clip the tagger hears (the
box's tagging and push-library --wait already did: tests/library/test_p49_long_files.py); a one-shot library does not
get the line."""
from __future__ import annotations

from pathlib import Path

import pytest

from hatbox.cli import main
from tests.api.packs import tagger_pack
from tests.library.test_p49_long_files import CLIP, _library


@pytest.mark.parametrize("long, said", [(3, True), (0, False)])
def test_hatbox_tag_says_the_long_files(tmp_path: Path, capsys: pytest.CaptureFixture[str], long: int,
                                        said: bool) -> None:
    lib = _library(tmp_path / "Samples", long=long, short=2)
    pack = tagger_pack(tmp_path / "t.hatpack", clip=CLIP)
    assert main(["tag", str(lib), "--pack", str(pack), "--out", str(tmp_path / "tags.db")]) == 0
    out = capsys.readouterr().out
    line = (f"note: {long} of {long + 2} files tagged are over 1 s, longer than the 0.5 s this tagger hears (loops?): "
            "their tags come from their first 0.5 s (from their first sound)")
    assert (line in out) is said, out
    assert ("this tagger hears" in out) is said        # no other wording of it either
