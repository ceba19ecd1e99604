"""p49 month QA, `push-library` of a folder pushed before:

1. a plain re-push of a grown folder (40 files added) left the older library beside the new one, and the note called
   it "your library of other files: it goes with hatbox box-library ID --delete": it held the same files and 7
   corrections made on the box the new library lacked.  Said now: how many of its files are in this push unchanged,
   how many are new, the corrections this push does not send, `--replace` first and `--delete` after;
2. `push-library FOLDER --replace --wait` of files the box held printed "its tags as the box has them:" over the
   --replace lines, with no tag under it.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from tests.api.conftest import paired_server  # noqa: F401 - the fixture
from tests.api.push_steps import library_ids as _lib_ids, pushed_fixed, run as _run, write as _write











@pytest.fixture
def pushed(paired_server: Any, tmp_path: Path,  # noqa: F811 - the fixture's name
           capsys: pytest.CaptureFixture[str]) -> tuple[Any, Path, str]:
    """A tagger active, folder ``Samples`` (4 files) pushed and tagged, one file corrected on the box."""
    folder = pushed_fixed(paired_server, tmp_path, capsys, "Samples", "kit/s{i}.wav")
    return paired_server, folder, _lib_ids(paired_server)[0]


def test_a_grown_folder_s_note_counts_what_the_older_library_shares_and_points_to_replace(
        pushed: tuple[Any, Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    server, folder, first = pushed
    _write(folder, "new/n0.wav", 5000)
    _write(folder, "new/n1.wav", 5200)
    rc, _, err = _run(capsys, "push-library", str(folder), "--wait", "--quiet")
    assert rc == 0, err
    note = next(line for line in err.splitlines() if line.startswith("note: the box holds 1 other library"))
    assert f"({first}): yours, uploaded " in note and "other files" not in note
    assert "an earlier push of these files: 4 of its 4 files are in this one unchanged, 2 are new" in note
    assert "it holds corrections of 1 file this push does not send" in note
    replace, delete = note.index(" --replace makes the new library the one"), note.index(f"{first} --delete")
    assert replace < delete and f"hatbox push-library {folder} --replace" in note


def test_a_file_changed_since_the_earlier_push_is_not_counted_unchanged(
        pushed: tuple[Any, Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    server, folder, first = pushed
    sf.write(folder / "kit" / "s1.wav", np.linspace(0.5, -0.5, 2880, dtype=np.float32), 48000)   # same size
    back = (folder / "kit" / "s1.wav").stat().st_mtime_ns - 5 * 10**9
    os.utime(folder / "kit" / "s1.wav", ns=(back, back))
    _write(folder, "new/n0.wav", 5000)
    rc, _, err = _run(capsys, "push-library", str(folder), "--quiet")
    assert rc == 0, err
    assert "3 of its 4 files are in this one unchanged, 1 changed or gone since, 1 is new" in err


def test_another_folder_of_the_name_is_still_a_library_of_other_files(
        pushed: tuple[Any, Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    server, _, first = pushed
    other = tmp_path / "elsewhere" / "Samples"
    _write(other, "pads/p0.wav", 9000)
    rc, _, err = _run(capsys, "push-library", str(other), "--quiet")
    assert rc == 0, err
    assert f"your library of other files: it goes with hatbox box-library {first} --delete" in err
    assert "earlier push" not in err


def test_replace_of_held_files_heads_the_tags_with_nothing_between(
        pushed: tuple[Any, Path, str], capsys: pytest.CaptureFixture[str]) -> None:
    server, folder, first = pushed
    _write(folder, "new/n0.wav", 5000)
    assert _run(capsys, "push-library", str(folder), "--wait", "--quiet")[0] == 0
    rc, out, err = _run(capsys, "push-library", str(folder), "--replace", "--wait", "--quiet")
    assert rc == 0, err
    lines = out.splitlines()
    assert "--replace: nothing new was sent" in out and f"--replace: deleted your older library {first}" in out
    header = lines.index("its tags as the box has them:")
    assert lines[header + 1].startswith("tagging done: "), lines
    assert not any(line.startswith("--replace") for line in lines[header:]), lines
    assert _lib_ids(server) != [] and first not in _lib_ids(server)
