"""p50 MF1 (final read): hatbox.library_memory.fingerprint counts "now" from the ``since_ns`` it is given (the push
hands it its one walk's start: before, it looked the walk up by the identity of its file list); a walk's twins in
another Unicode form are found once (device.library.folder_tar.FolderWalk.twins) and read by the push's walk and
by the check over full scale alike."""
from __future__ import annotations

import os
import time
import unicodedata
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest
import soundfile as sf

from hatbox.cli import main
from tests.api.push_steps import paired_box


@pytest.fixture
def box(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A served box, this laptop paired with it (its own config, so its own pushed.json)."""
    yield from paired_box(tmp_path, monkeypatch)


def _dated(path: Path, seconds_back: float) -> None:
    """A short ramp at ``path``, modified ``seconds_back`` seconds ago."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, np.linspace(-0.5, 0.5, 480, dtype=np.float32), 48000)
    back = time.time_ns() - int(seconds_back * 1e9)
    os.utime(path, ns=(back, back))


def test_fingerprint_counts_from_the_walks_start_when_given(tmp_path: Path) -> None:
    from hatbox import library_memory
    _dated(tmp_path / "lib" / "s.wav", 3.0)               # 3 s old now: past RACY_S (2 s)
    walked = library_memory.walk(tmp_path / "lib")
    assert library_memory.fingerprint(tmp_path / "lib", walked=walked) is not None
    since = time.time_ns() - int(1.5e9)                   # a walk begun 1.5 s ago saw it 1.5 s old: too fresh
    assert library_memory.fingerprint(tmp_path / "lib", walked=walked, since_ns=since) is None
    later = time.time_ns() + int(60e9)                    # a start after now is now
    assert library_memory.fingerprint(tmp_path / "lib", walked=walked, since_ns=later) is not None


def test_the_push_hands_the_fingerprint_its_walks_start(
        box: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from hatbox import cmd_box_library, library_memory, push_walk
    seen: list[tuple[int | None, int | None]] = []

    def fingerprint(folder: Path, leave: Any = frozenset(), walked: Any = None, since_ns: int | None = None) -> Any:
        now = push_walk.reading()
        seen.append((since_ns, now.walk.started_ns if now is not None and now.walk is not None else None))
        return library_memory.fingerprint(folder, leave, walked, since_ns)
    monkeypatch.setattr(cmd_box_library, "fingerprint", fingerprint)
    _dated(tmp_path / "lib" / "s.wav", 10.0)
    assert main(["push-library", str(tmp_path / "lib"), "--quiet"]) == 0, capsys.readouterr().err
    assert len(seen) == 1 and seen[0][0] is not None and seen[0][0] == seen[0][1], seen


def test_a_walks_twins_are_found_once_and_read_by_the_push_and_the_hot_check(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from device.library import folder_tar
    from hatbox import push_walk
    from hatbox.hot_samples import hot_in_walk
    name = "caf\u00e9.wav"
    _dated(tmp_path / "lib" / name, 10.0)
    _dated(tmp_path / "lib" / unicodedata.normalize("NFD", name), 10.0)
    if len(os.listdir(tmp_path / "lib")) != 2:
        pytest.skip("this file system keeps one name for both forms")
    calls = []
    real = folder_tar.twins_of
    monkeypatch.setattr(folder_tar, "twins_of", lambda files: calls.append(1) or real(files))
    with push_walk.one_reading():
        walk = push_walk.walked(tmp_path / "lib")
        assert hot_in_walk(walk) == [] and push_walk.twins_left_out(tmp_path / "lib") == walk.twins()
    assert walk.twins() == {name: unicodedata.normalize("NFD", name)} and calls == [1]   # NFD sorts first
