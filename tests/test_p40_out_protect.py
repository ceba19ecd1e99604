"""Fortieth stop (synth QA): `hatbox play --out notes/flute/C4.wav` wrote over a training note without a word.  A file
at --out that hatbox did not write is refused unless --force; hatbox's own renders are replaced as before."""
from __future__ import annotations

from pathlib import Path

import numpy as np

from device.audio import audiofile
from hatbox.cli import main
from tests.test_p39_render_progress import commands


def test_a_file_hatbox_did_not_write_is_not_written_over(tmp_path: Path, capsys) -> None:
    import soundfile as sf
    mine = tmp_path / "out.wav"
    for what in ("render", "play"):
        sf.write(mine, np.full(4800, 0.1, np.float32), 48000)               # a recording of the producer's
        before = mine.read_bytes()
        assert main(commands(tmp_path)[what]) == 2
        err = capsys.readouterr().err
        assert f"{mine} is there and hatbox did not write it" in err and "--force" in err
        assert mine.read_bytes() == before
        assert main(commands(tmp_path)[what] + ["--force"]) == 0 and audiofile.written_by_hatbox(mine)
        assert main(commands(tmp_path)[what]) == 0                          # its own render: replaced as before


def test_what_write_writes_is_known_as_hatbox_s(tmp_path: Path) -> None:
    for name in ("a.wav", "a.flac", "a.aiff", "a.ogg"):
        audiofile.write(tmp_path / name, np.zeros(4800, np.float32), 48000)
        assert audiofile.written_by_hatbox(tmp_path / name)
    (tmp_path / "b.wav").write_bytes(b"not audio")
    assert not audiofile.written_by_hatbox(tmp_path / "b.wav")
