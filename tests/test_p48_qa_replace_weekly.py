"""Forty-eighth stop, regression QA of `push-library --replace` week after week, against a served box with two
paired laptops (A and B).

#1: a correction of the old library made by this laptop (`box-library --fix`, or sent from the CSV the hint had it
export) refused the replacement every week: now carried to the new library (POST .../fixes, as this laptop's), by
path, but to a file changed since (the folder's memory of its last packing; else the box's file size; else carried
and said); another laptop's still refuses, and the hint says they become yours.  #2: `--name rock --replace` of files
held as '808' answered "already on the box" and "no older library called '808'", exit 0; a --name the box refuses
was taken by the held shortcut.  #3: the refusal came after the folder was packed."""
from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from hatbox import library_archive, library_memory
from hatbox.box_client import _call, _client
from hatbox.box_config import target
from hatbox.cli import main
from tests.api.packs import tagger_pack
from tests.test_p48_replace_push import Duo, duo, folder, run  # noqa: F401 - the fixture


def _add(src: Path, rel: str, n: int, level: float = 0.5) -> None:
    """Write a ramp of ``n`` samples at ``rel``, dated 10 s back (the push remembers the folder then)."""
    path = src / rel
    sf.write(path, np.linspace(-level, level, n, dtype=np.float32), 48000)
    os.utime(path, ns=(path.stat().st_mtime_ns - 10**10,) * 2)


def _fixes(lid: str) -> list[tuple[str, list[str], Any]]:
    """Library ``lid``'s corrections on the box as the current laptop reads them: (path, tags, by_you)."""
    with _client(*target(argparse.Namespace())) as c:
        got = _call(c, "GET", f"/libraries/{lid}/fixes", expect=list)
    return [(f["path"], f["tags"], f.get("by_you")) for f in got]


def _week1(duo: Duo, tmp_path: Path, fixer: str = "laptopA") -> tuple[Path, str]:
    """laptopA's library 'drums' (3 files, tagged), kit/s0.wav corrected to "snare" on the box by ``fixer``."""
    duo.be("laptopA")
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0
    src = folder(tmp_path, "drums")
    assert main(["push-library", str(src), "--wait", "--quiet"]) == 0
    [old] = duo.ids()
    duo.be(fixer)
    assert main(["box-library", old, "--fix", "kit/s0.wav", "snare"]) == 0
    duo.be("laptopA")
    return src, old


def _replace(duo: Duo, capsys: pytest.CaptureFixture[str], src: Path, *more: str) -> tuple[int, str, str, str]:
    """`push-library SRC --replace --wait --quiet MORE`: (exit, stdout, stderr, the one library left)."""
    rc, out, err = run(capsys, "push-library", str(src), "--replace", "--wait", "--quiet", *more)
    return rc, out, err, duo.ids()[-1] if len(duo.ids()) == 1 else ""


def test_your_own_box_correction_is_carried_week_after_week(duo: Duo, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    src, w1 = _week1(duo, tmp_path)
    for week, old in ((2, w1), (3, None)):
        _add(src, f"kit/n{week}.wav", 6000 + 100 * week)
        old = old or duo.ids()[0]
        rc, out, err, new = _replace(duo, capsys, src)
        assert rc == 0 and new and new != old, out + err
        assert f"--replace: carried your corrections of 1 file from library {old} to {new}" in out
        assert f"--replace: deleted your older library {old}" in out and "not known whether" not in out
        assert _fixes(new) == [("kit/s0.wav", ["snare"], True)]


def test_week_three_after_the_csv_of_week_two_is_not_refused_again(duo: Duo, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    src, w1 = _week1(duo, tmp_path)
    csv = tmp_path / "fixes.csv"
    assert main(["box-library", w1, "--export-fixes", str(csv), "--folder", str(src)]) == 0
    _add(src, "kit/n2.wav", 6200)
    rc, out, err, w2 = _replace(duo, capsys, src, "--fixes", str(csv))
    assert rc == 0 and w2 and "carried your corrections" not in out, out + err      # the CSV sent them
    _add(src, "kit/n3.wav", 6300)
    rc, out, err, w3 = _replace(duo, capsys, src)
    assert rc == 0 and w3 and w3 != w2, out + err
    assert f"--replace: carried your corrections of 1 file from library {w2} to {w3}" in out
    assert _fixes(w3) == [("kit/s0.wav", ["snare"], True)]


def test_another_laptops_correction_refuses_before_packing_and_the_hint_says_whose_they_become(
        duo: Duo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    src, old = _week1(duo, tmp_path, fixer="laptopB")
    _add(src, "kit/n2.wav", 6200)

    def packed(*_a: Any, **_k: Any) -> Any:
        raise AssertionError("packed before the corrections check")
    monkeypatch.setattr(library_archive, "as_archive", packed)
    rc, out, err = run(capsys, "push-library", str(src), "--replace", "--quiet")
    assert rc == 2 and duo.ids() == [old] and "packed before" not in out + err, out + err
    assert f"library {old} ('drums', yours) holds corrections of 1 file made on the box (laptopB's 1)" in err
    assert "--replace --fixes FILE.csv (they will be yours on the new library" in err
    assert "nothing was sent, nothing deleted" in err


def test_a_file_changed_since_keeps_its_correction_off_the_new_library(duo: Duo, tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    src, old = _week1(duo, tmp_path)
    _add(src, "kit/s0.wav", 2400, level=0.25)          # the same size, another sound
    rc, out, err = run(capsys, "push-library", str(src), "--replace", "--quiet")
    assert rc == 2 and duo.ids() == [old], out + err
    assert "(yours 1) that this push does not send again; yours not carried: kit/s0.wav changed since it was sent " \
           "(a correction of the old sound): --replace would delete them" in err
    rc, out, err, new = _replace(duo, capsys, src, "--yes")
    assert rc == 0 and new and new != old, out + err
    assert f"--replace: yours not carried: kit/s0.wav changed since it was sent (a correction of the old sound) " \
           f"(library {old}: deleted with it, --yes)" in out
    assert "carried your corrections" not in out and _fixes(new) == []


def test_without_the_folders_memory_the_box_sizes_tell_and_the_rest_follows_its_path(
        duo: Duo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src, old = _week1(duo, tmp_path)
    assert main(["box-library", old, "--fix", "kit/s1.wav", "kick"]) == 0
    library_memory.memory_path().unlink()                 # the memory gone: only the box's sizes tell
    _add(src, "kit/s1.wav", 4000)                         # another size
    rc, out, err = run(capsys, "push-library", str(src), "--replace", "--quiet")
    assert rc == 2 and "yours not carried: kit/s1.wav changed since it was sent" in err, out + err
    rc, out, err, new = _replace(duo, capsys, src, "--yes")
    assert rc == 0 and new, out + err
    assert f"carried your corrections of 1 file from library {old} to {new}" in out
    assert "kit/s0.wav: not known whether changed since library" in out and "follows its path" in out
    assert _fixes(new) == [("kit/s0.wav", ["snare"], True)]


def test_a_name_other_than_the_held_librarys_is_not_answered_by_it(duo: Duo, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    duo.be("laptopA")
    rock = folder(tmp_path, "r", 2)
    assert main(["push-library", str(rock), "--name", "rock", "--quiet"]) == 0
    [old_rock] = duo.ids()
    src = folder(tmp_path, "d")
    assert main(["push-library", str(src), "--name", "808", "--quiet"]) == 0
    [eight] = [i for i in duo.ids() if i != old_rock]
    rc, out, err = run(capsys, "push-library", str(src), "--name", "rock", "--replace", "--quiet")
    assert rc == 2 and sorted(duo.ids()) == sorted([old_rock, eight]), out + err
    assert f"is already on the box as library {eight} ('808'), not as 'rock'; nothing was sent, nothing deleted" in err
    assert "--name rock --again --replace" in err
    rc, out, err = run(capsys, "push-library", str(src), "--name", "rock", "--quiet")    # answered by '808', said
    assert rc == 0 and sorted(duo.ids()) == sorted([old_rock, eight]), out + err
    assert f"note: these files are on the box as library {eight} ('808'), not as 'rock': a push does not rename " \
           "it" in err and "--name rock --again)" in err
    rc, out, err = run(capsys, "push-library", str(src), "--name", "in\u200bv", "--quiet")
    assert rc == 2 and "--name 'in\\u200bv' holds an invisible character (U+200B ZERO WIDTH SPACE)" in err, err
    assert "already on the box" not in out + err
    rc, out, err = run(capsys, "push-library", str(src), "--name", "rock", "--again", "--replace", "--quiet")
    assert rc == 0 and f"--replace: deleted your older library {old_rock}" in out and old_rock not in duo.ids()


def test_the_memory_keeps_the_files_marks_of_its_newest_folders(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "cfg" / "remote.json"))
    folders = [folder(tmp_path, f"f{i}", 1) for i in range(library_memory.KEEP_FILES + 1)]
    for i, f in enumerate(folders):
        library_memory.remember(f, "print", f"sha{i}")
    packed = library_memory.packings(folders[-1])
    st = (folders[-1] / "kit" / "s0.wav").stat()
    assert packed == {f"sha{len(folders) - 1}": {library_memory.file_mark("kit/s0.wav", st.st_size, st.st_mtime_ns)}}
    older = library_memory._read()[str(folders[0].resolve())]                  # an older folder: its digest only
    assert older.get("sha256") == "sha0" and not isinstance(older.get("files"), list)
    assert library_memory.packings(folders[0]) == {}
