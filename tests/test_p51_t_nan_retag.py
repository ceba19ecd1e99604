"""p51 T1: a tagging whose files all fail as a fault of the pack (a broken tagger: NaN scores) is no "done": it ends
``failed`` with words that name the pack, a re-tag keeps the library's old tags, and `--wait` exits non-zero."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from hatbox.cli import main
from tests.api.conftest import PairedServer, paired_server  # noqa: F401 - the fixture
from tests.api.packs import nan_tagger_pack, tagger_pack
from tests.cli_run import run as _run


def _drums(tmp_path: Path, n: int = 6) -> Path:
    folder = tmp_path / "drums" / "kit"
    folder.mkdir(parents=True)
    for i in range(n):
        sf.write(folder / f"s{i}.wav", np.linspace(-0.5, 0.5, 4800 + 480 * i, dtype=np.float32), 48000)
    return folder.parent


def test_a_retag_by_a_nan_tagger_fails_naming_the_pack_and_keeps_the_old_tags(
        tmp_path: Path, paired_server: PairedServer, capsys: pytest.CaptureFixture[str]) -> None:
    drums = _drums(tmp_path)
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate"]) == 0
    assert main(["push-library", str(drums), "--wait", "--quiet"]) == 0
    rc, out, _ = _run(capsys, "box-library", "drums")
    assert rc == 0 and "kick" in out
    before = out
    assert main(["push", str(nan_tagger_pack(tmp_path / "bad.hatpack")), "--activate"]) == 0
    rc, out, err = _run(capsys, "box-library", "drums", "--retag", "--wait", "--quiet")

    assert rc != 0 and "tagging done" not in out and "of 0 files" not in out
    assert "a re-tag with broken 2.0.0 failed" in err and "gave no usable scores (NaN) for 6 of the 6 files" in err
    assert err.count("--retag") == 1, err
    rc, out, _ = _run(capsys, "box-library", "drums")
    assert out == before


def test_a_fresh_upload_tagged_by_a_nan_tagger_fails_and_wait_exits_non_zero(
        tmp_path: Path, paired_server: PairedServer, capsys: pytest.CaptureFixture[str]) -> None:
    drums = _drums(tmp_path)
    assert main(["push", str(nan_tagger_pack(tmp_path / "bad.hatpack")), "--activate"]) == 0
    rc, out, err = _run(capsys, "push-library", str(drums), "--wait", "--quiet")
    assert rc != 0 and "tagging done" not in out
    assert "the tagger pack tagger-broken-2.0.0-" in err and "a fault of the pack" in err
    assert err.count("--retag") == 1, err
    rc, out, err = _run(capsys, "box-kit", "--from", "drums")
    assert rc != 0 and err.count("hint: tag it first") == 1, err      # its hint was printed twice


def test_pack_faults_fail_a_tagging_from_half_the_files_heard() -> None:
    from device.api.library_tagging import PACK_FAULT, pack_fault
    from device.library.tag import NAN_SCORES
    assert PACK_FAULT in NAN_SCORES                 # the words the box counts pack faults by
    nan = ["kit/a.wav", NAN_SCORES]
    assert pack_fault({"tagged": 3, "failed": [nan, nan]}, "tagger-x", "lib-a", False) == ""
    fresh = pack_fault({"tagged": 2, "failed": [nan, nan]}, "tagger-x", "lib-a", False)
    assert "tagger pack tagger-x gave no usable scores (NaN) for 2 of the 4 files" in fresh and "--retag" in fresh
    staged = pack_fault({"tagged": 0, "failed": [nan]}, "tagger-x", "lib-a", True)
    assert "--retag" not in staged and "tagger-x" not in staged     # the laptop's re-tag line names both
    assert pack_fault({"tagged": 0, "failed": [["kit/b.wav", "cannot be read"]]}, "tagger-x", "lib-a", False) == ""


def test_no_note_of_more_long_files_than_files_tagged() -> None:
    from hatbox.tagging_end_words import long_count_true
    assert not long_count_true({"long_files": 1, "tagged": 0})        # "1 of 0 files tagged are over 2 s"
    assert long_count_true({"long_files": 2, "tagged": 9}) and long_count_true({})
