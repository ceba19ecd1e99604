"""p49 loops QA: `hatbox tag Samples --pack factory/tagger-drums.hatpack` on a library of loops tagged pads as tom and
breaks as kick and said nothing.  The library tagging's report (device.library.tag, the laptop's and the box's) counts
the files much longer than the clip the tagger hears; device.library.long_files.long_files_line says it, and
`push-library --wait` prints it."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from device.library.long_files import long_files_line, much_longer
from device.library.tag import tag_library
from hatbox.cli import main
from tests.api.conftest import paired_server  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack

CLIP = 8000         # the pack's clip: 0.5 s at 16 kHz; a file over 1 s is "much longer"


def _library(root: Path, long: int, short: int) -> Path:
    """``long`` loops of 1.5 s and ``short`` hits of 0.3 s (noise, 48 kHz) under ``root``."""
    rng = np.random.default_rng(1)
    for i, seconds in enumerate([1.5] * long + [0.3] * short):
        path = root / ("loops" if seconds > 1 else "hits") / f"f{i}.wav"
        path.parent.mkdir(parents=True, exist_ok=True)
        sf.write(path, (0.3 * rng.standard_normal(int(48000 * seconds))).astype(np.float32), 48000)
    return root


def test_the_report_counts_files_much_longer_than_the_clip(tmp_path: Path) -> None:
    lib = _library(tmp_path / "Samples", long=3, short=1)
    report = tag_library(lib, tagger_pack(tmp_path / "t.hatpack", clip=CLIP), tmp_path / "tags.db")
    assert (report.tagged, report.long_files, report.clip_seconds) == (4, 3, 0.5)
    assert long_files_line(report) == ("3 of 4 files tagged are over 1 s, longer than the 0.5 s this tagger hears "
                                       "(loops?): their tags come from their first 0.5 s (from their first sound)")


def test_a_few_long_files_among_one_shots_are_not_said() -> None:
    report = {"tagged": 90, "long_files": 4, "clip_seconds": 1.0, "long_takes": 0}    # long_takes: p50 FF
    assert long_files_line(report) == ""
    assert long_files_line({**report, "long_files": 62}).startswith("62 of 90 files tagged are over 2 s, longer "
                                                                    "than the 1 s this tagger hears (loops?): their "
                                                                    "tags come from their first second")
    assert long_files_line({"tagged": 3}) == ""          # a report from before the count


def test_much_longer_is_over_two_clips() -> None:
    # the length is the decode's own header read (tests/test_p49_push_review.py: no second read)
    assert not much_longer(14400, 48000, 0.5) and not much_longer(48000, 48000, 0.5) and much_longer(48001, 48000, 0.5)


def test_push_library_wait_says_it(paired_server: Any, tmp_path: Path,  # noqa: F811 - the fixture
                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack", clip=CLIP)), "--activate", "--quiet"]) == 0
    lib = _library(tmp_path / "Loops", long=2, short=2)
    capsys.readouterr()
    assert main(["push-library", str(lib), "--wait", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "  note: 2 of 4 files tagged are over 1 s, longer than the 0.5 s this tagger hears (loops?)" in out, out
