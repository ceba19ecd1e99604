"""Forty-eighth stop's regression QA (L2): push-library's line for an archive member whose name holds an invisible
character said "...rename the file without it: rename it in the archive, then send it again" (rename twice).  The
box's reason (device.library.member_checks) now says what is wrong only; the command says what to do, once."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.library.member_checks import safe_relpath
from hatbox.library_push import say_refused_names


def _wav() -> bytes:
    buf = io.BytesIO()
    sf.write(buf, (0.3 * np.sin(np.arange(2400) / 8.0)).astype(np.float32), 48000, format="WAV")
    return buf.getvalue()


def test_the_reason_names_the_character_and_says_rename_nowhere() -> None:
    why = safe_relpath("kit/Ki\u200bck.wav")
    assert why == ("unsafe path: holds an invisible character (U+200B ZERO WIDTH SPACE) that makes it look like "
                   "another name")


def test_push_librarys_line_says_rename_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    archive = tmp_path / "stranger.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name in ("kit/Kick.wav", "kit/Ki\u200bck.wav"):
            zf.writestr(name, _wav())
    assert len(say_refused_names(archive, archive)) == 1
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("  refused "))
    assert "U+200B ZERO WIDTH SPACE" in line and line.count("rename") == 1, line
