"""p49 regression QA "loops2": `push-library Big --wait; box-library LIB --fix F kick; <a file added>;
push-library Big --wait` noted "--replace makes the new library the one (... nothing sent again)"; the `push-library
Big --replace` after it said of the corrected file "not known whether changed since library LIB was sent (same size;
this laptop did not remember that packing)": the plain re-push had remembered its own packing over the older one's
(hatbox.library_memory kept one packing a folder).  It keeps the newest few now, each by its archive's digest.
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from hatbox import library_memory
from tests.api.conftest import paired_server  # noqa: F401 - the fixture
from tests.api.push_steps import library_ids as _ids, pushed_fixed, run as _run, write as _write











@pytest.fixture
def repushed(paired_server: Any, tmp_path: Path,  # noqa: F811 - the fixture's name
             capsys: pytest.CaptureFixture[str]) -> tuple[Any, Path, str, str]:
    """The QA's sequence: folder Big pushed and tagged, one file corrected on the box, a file added, a plain
    re-push (--wait); (server, folder, the older library's id, the newer's)."""
    folder = pushed_fixed(paired_server, tmp_path, capsys, "Big", "oneshots/synth_hit_{i}.wav")
    first = _ids(paired_server)[0]
    _write(folder, "loops/new.wav", 5000)
    rc, _, err = _run(capsys, "push-library", str(folder), "--wait", "--quiet")
    assert rc == 0 and "--replace makes the new library the one" in err, err
    return paired_server, folder, first, _ids(paired_server)[1]


def test_replace_after_a_plain_repush_sends_nothing_and_knows_the_older_library_s_files(
        repushed: tuple[Any, Path, str, str], capsys: pytest.CaptureFixture[str]) -> None:
    server, folder, first, second = repushed
    rc, out, err = _run(capsys, "push-library", str(folder), "--replace")
    assert rc == 0, err
    assert "packing Big" not in out + err
    assert f"already on the box as library {second}" in out and "nothing was sent again" in out
    assert "not known whether changed" not in out + err
    assert f"--replace: carried your corrections of 1 file from library {first} to {second}" in out
    assert _ids(server) == [second]


def test_a_file_changed_since_the_older_push_is_told_from_its_own_packing(
        repushed: tuple[Any, Path, str, str], capsys: pytest.CaptureFixture[str]) -> None:
    server, folder, first, second = repushed
    path = folder / "oneshots" / "synth_hit_0.wav"
    sf.write(path, np.linspace(0.5, -0.5, 2400, dtype=np.float32), 48000)       # same size, other sound
    back = path.stat().st_mtime_ns - 5 * 10**9
    os.utime(path, ns=(back, back))
    rc, out, err = _run(capsys, "push-library", str(folder), "--replace", "--quiet")
    assert rc != 0 and "oneshots/synth_hit_0.wav changed since it was sent" in out + err, out + err
    assert "not known whether changed" not in out + err and first in _ids(server)


def test_the_memory_keeps_a_folder_s_newest_packings_by_digest(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "cfg" / "remote.json"))
    src = tmp_path / "kit"
    marks = []
    for i in range(library_memory.KEEP_PACKINGS + 1):
        _write(src, f"s{i}.wav", 2400 + i)
        marks.append(set(library_memory.file_marks(src).values()))
        library_memory.remember(src, f"print{i}", f"sha{i}")
    library_memory.remember(src, "print-again", f"sha{library_memory.KEEP_PACKINGS}")   # the same archive again
    kept = library_memory.packings(src)
    newest = range(library_memory.KEEP_PACKINGS, 0, -1)
    assert list(kept) == [f"sha{i}" for i in newest]
    assert all(kept[f"sha{i}"] == marks[i] for i in newest)
    assert next(iter(kept.items())) == (f"sha{library_memory.KEEP_PACKINGS}", marks[-1])    # the newest first


def _fresh_push(server: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
                then: Any = None) -> tuple[Path, str]:
    """The QA's sequence with the file copied in just before the re-push (its fingerprint None: modified within
    library_memory.RACY_S), the upload and tagging lasting till it is RACY_S old (``then``: done to the folder
    meanwhile); (folder, first id)."""
    folder = pushed_fixed(server, tmp_path, capsys, "Big", "oneshots/synth_hit_{i}.wav")
    first = _ids(server)[0]
    settle, called = library_memory.Settle.remember, []

    def later(self: Any, *args: Any) -> bool:
        called.append(True)                  # the push's own fingerprint was none: it settles after the push
        if then is not None:
            then(folder)
        new = (folder / "loops" / "new.wav").stat().st_mtime_ns / 1e9
        time.sleep(max(0.0, new + library_memory.RACY_S + 0.05 - time.time()))
        return settle(self, *args)

    monkeypatch.setattr(library_memory.Settle, "remember", later)
    (folder / "loops").mkdir()
    sf.write(folder / "loops" / "new.wav", np.zeros(3000), 48000)
    rc, out, err = _run(capsys, "push-library", str(folder), "--wait", "--quiet")
    assert rc == 0 and called == [True], out + err
    return folder, first


def test_a_file_copied_in_just_before_the_repush_is_remembered_once_settled(
        paired_server: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str],  # noqa: F811 - the fixture
        monkeypatch: pytest.MonkeyPatch) -> None:
    folder, first = _fresh_push(paired_server, tmp_path, capsys, monkeypatch)
    rc, out, err = _run(capsys, "push-library", str(folder), "--replace")
    assert rc == 0 and "packing Big" not in out + err and "nothing was sent again" in out, out + err
    assert "not known whether changed" not in out + err and f"library {first} to" in out


def test_a_folder_changed_while_it_was_pushed_is_not_remembered(
        paired_server: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str],  # noqa: F811 - the fixture
        monkeypatch: pytest.MonkeyPatch) -> None:
    def rewrite(folder: Path) -> None:
        sf.write(folder / "loops" / "new.wav", np.ones(3000) * 0.1, 48000)         # same size, other bytes

    folder, _ = _fresh_push(paired_server, tmp_path, capsys, monkeypatch, rewrite)
    rc, out, err = _run(capsys, "push-library", str(folder), "--replace")
    assert "packing Big" in out + err, out + err


def test_settling_compares_a_fresh_file_s_bytes_with_the_archive_s(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    from device.library.folder_tar import pack_directory
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "cfg" / "remote.json"))
    src = tmp_path / "kit"
    _write(src, "a/s0.wav", 2400)                                     # modified 10 s ago
    archive = pack_directory(src, tmp_path / "k.tar")
    assert library_memory._same_in_archive(src, archive, ["a/s0.wav"])
    walked, was = library_memory.walk(src), time.time_ns() - 9 * 10**9     # walked 1 s after it was modified
    assert not library_memory.Settle(walked, was).remember(src, set(), tmp_path / "missing.tar", "sha", [])
    data = bytearray((src / "a" / "s0.wav").read_bytes())
    data[-1] ^= 1                                                     # same size, one bit other
    other = tmp_path / "other"
    _write(other, "a/s0.wav", 2400)
    (other / "a" / "s0.wav").write_bytes(bytes(data))
    assert not library_memory._same_in_archive(src, pack_directory(other, tmp_path / "o.tar"), ["a/s0.wav"])
    assert not library_memory.Settle(walked, was).remember(src, set(), tmp_path / "o.tar", "sha-o", [])
    assert library_memory.Settle(walked, was).remember(src, set(), archive, "sha-k", [])
    assert list(library_memory.packings(src)) == ["sha-k"]
