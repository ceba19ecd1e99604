"""`push-library --replace --fixes CSV` whose CSV re-tags a file this laptop had corrected on the box: this push's
tags replace that correction (the forty-eighth stop's last review: it was refused as "not sent again", and the hint
sent the producer to export the box's tags over the new ones)."""
from __future__ import annotations

from pathlib import Path

import pytest

from hatbox.cli import main
from tests.test_p48_qa_replace_weekly import _add, _fixes, _replace, _week1
from tests.test_p48_replace_push import Duo, duo  # noqa: F401


def test_the_push_own_tags_replace_your_earlier_box_correction(duo: Duo, tmp_path: Path,  # noqa: F811
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    src, w1 = _week1(duo, tmp_path)
    csv = tmp_path / "fixes.csv"
    assert main(["box-library", w1, "--export-fixes", str(csv), "--folder", str(src)]) == 0
    csv.write_text(csv.read_text().replace("snare", "rim"))
    _add(src, "kit/n2.wav", 6200)
    capsys.readouterr()
    rc, out, err, new = _replace(duo, capsys, src, "--fixes", str(csv))
    assert rc == 0, err
    assert "kit/s0.wav: this push's own tags replace your earlier correction on the box" in out
    assert new and new != w1 and w1 not in duo.ids()
    assert [(path, tags) for path, tags, _ in _fixes(new)] == [("kit/s0.wav", ["rim"])]
