"""Forty-first stop, QA of a producer's library workflow: `push-library` leaves out, before sending, a file whose name
the box refuses (a Latin-1 "caf\\xe9 kick.wav", not valid UTF-8), saying so by the box's own rule, and says what it
left out and why with counts that agree (before: "note: left out of small: 1", then a line of 5 links)."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import soundfile as sf

from hatbox.cli import main
from tests.api.conftest import paired_server  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack


def test_a_name_the_box_refuses_is_left_out_first_and_the_notes_count_what_they_say(tmp_path: Path, paired_server,
                                                                                    capsys) -> None:
    small = tmp_path / "small"
    (small / "kit").mkdir(parents=True)
    for name in ("kick.wav", "snare.wav"):
        sf.write(small / "kit" / name, np.linspace(-0.5, 0.5, 2400, dtype=np.float32), 48000)
    latin1 = os.fsdecode(b"caf\xe9 kick.wav")
    (small / "kit" / latin1).write_bytes((small / "kit" / "snare.wav").read_bytes())
    (small / "links").mkdir()
    for i in range(5):
        (small / "links" / f"k{i}.wav").symlink_to(small / "kit" / "kick.wav")
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0
    capsys.readouterr()
    assert main(["push-library", str(small), "--wait", "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "note: left out of small: 5 links to files already in the folder" in out, out
    assert "note: left out of small: 1 file, not sent:\n  skipped kit/caf" in out, out
    assert "the box refuses its name (unsafe path: the name is not valid UTF-8): rename it" in out, out
    assert "left out of small: 1\n" not in out and "0 rejected" in out, out
    lib = paired_server.app.state.box.libraries.list()[0]
    assert lib["accepted"] == 2 and lib["rejected"] == 0, lib
