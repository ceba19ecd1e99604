"""p49 regression QA "loops2": `push-library Big --wait; box-library LIB --fix F kick; <a file added>;
push-library Big --wait` noted "--replace makes the new library the one (... nothing sent again)"; the `push-library
Big --replace` after it said of the corrected file "not known whether changed since library LIB was sent (same size;
this laptop did not remember that packing)": the plain re-push had remembered its own packing over the older one's
(hatbox.library_memory kept one packing a folder).  It keeps the newest few now, each by its archive's digest.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from hatbox import library_memory
from hatbox.cli import main
from tests.api.conftest import paired_server  # noqa: F401 - the fixture
from tests.api.packs import tagger_pack


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    rc = main(list(argv))
    got = capsys.readouterr()
    return rc, got.out, got.err


def _write(folder: Path, rel: str, n: int) -> None:
    """A ramp of ``n`` frames at ``folder/rel``, its times 10 s back (older than library_memory.RACY_S)."""
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, np.linspace(-0.5, 0.5, n, dtype=np.float32), 48000)
    back = path.stat().st_mtime_ns - 10**10
    os.utime(path, ns=(back, back))


def _ids(server: Any) -> list[str]:
    return [lib["id"] for lib in sorted(server.app.state.box.libraries.list(), key=lambda x: x["uploaded"])]


@pytest.fixture
def repushed(paired_server: Any, tmp_path: Path,  # noqa: F811 - the fixture's name
             capsys: pytest.CaptureFixture[str]) -> tuple[Any, Path, str, str]:
    """The QA's sequence: folder Big pushed and tagged, one file corrected on the box, a file added, a plain
    re-push (--wait); (server, folder, the older library's id, the newer's)."""
    assert main(["push", str(tagger_pack(tmp_path / "t.hatpack")), "--activate", "--quiet"]) == 0
    folder = tmp_path / "Big"
    for i in range(4):
        _write(folder, f"oneshots/synth_hit_{i}.wav", 2400 + 480 * i)
    assert _run(capsys, "push-library", str(folder), "--wait", "--quiet")[0] == 0
    first = _ids(paired_server)[0]
    assert _run(capsys, "box-library", first, "--fix", "oneshots/synth_hit_0.wav", "kick")[0] == 0
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
    assert library_memory.packed_files(src) == (f"sha{library_memory.KEEP_PACKINGS}", marks[-1])
