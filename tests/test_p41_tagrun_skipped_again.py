"""A silent file is said by every `hatbox tag` run, as a failed one is (QA, p41: "1 skipped (silent...)" on the
first run, then "0 tagged, 492 unchanged" with no word of it, while the failed files were listed each time)."""
from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from hatbox.cli import main

from tests.tagger.conftest import library_dir, small_pack  # noqa: F401 (fixtures)


def test_a_silent_file_is_counted_and_named_by_every_run(library_dir, small_pack, tmp_path, capsys):
    pytest.importorskip("torch")
    sf.write(library_dir / "kicks" / "silent.wav", np.zeros(20000, np.float32), 44100)
    args = ["tag", str(library_dir), "--pack", str(small_pack), "--out", str(tmp_path / "lib.db")]
    assert main(args) == 0
    first = capsys.readouterr().out
    assert main(args) == 0
    again = capsys.readouterr().out
    for out in (first, again):
        assert "1 failed, 1 skipped (silent, too short or empty)" in out, out
        assert "  skipped kicks/silent.wav: silent" in out and "  failed hats/broken.wav: " in out
    assert "7 files: 0 tagged, 5 unchanged, 1 failed, 1 skipped" in again      # each file counted once
