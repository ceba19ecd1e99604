"""p56 R1 review, finding 2: device.audio.audiofile's words for a file behind a folder that may not be entered named the
file's own folder ("chmod -R u+rX lib/a/b" when lib/a was closed: that chmod fails in its turn; a link's folder when
the file was a link).  They now name the first folder on the way of the file it names that may not be entered
(device.audio.closed_folder).  Real folders of mode 600 where this process is refused (not root), and twins where the
system's refusal is played by a monkeypatched stat (as root, as CI runs)."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest

from device.audio import audiofile
from device.audio.closed_folder import closed_folder, refusal_hint
from hatbox.errors import AudioFileError
from hatbox.file_access import access_hint
from tests.p54_M3_denied import denied


def wav(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    audiofile.write(path, np.full((1, 480), 0.25, np.float32), 48000)
    return path


@contextmanager
def closed(folder: Path, behind: Path) -> Iterator[None]:
    """``folder`` at mode 600 (read, not entered) for the test's while; pytest.skip where this process can look at
    ``behind`` (inside it) all the same (root)."""
    mode = folder.stat().st_mode & 0o7777
    os.chmod(folder, 0o600)
    try:
        try:
            behind.stat()
        except PermissionError:
            yield
            return
        pytest.skip("this process enters a folder of mode 600 anyway (root): the twin beside this test checks it")
    finally:
        os.chmod(folder, mode)


def refuse_way(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """Make Path.stat refuse (PermissionError) anything that lies in ``folder`` once its links are followed, as the
    system does where ``folder`` may not be entered: a link from elsewhere into it too (links themselves stay
    readable: lstat and readlink are not patched)."""
    inside = str(folder.resolve()) + os.sep
    real_stat = Path.stat

    def stat(self: Path, *a: Any, follow_symlinks: bool = True, **k: Any) -> Any:
        seen = os.path.realpath(self) if follow_symlinks else str(self.parent.resolve() / self.name)
        if seen.startswith(inside):
            raise denied(self)
        return real_stat(self, *a, follow_symlinks=follow_symlinks, **k)
    monkeypatch.setattr(Path, "stat", stat)


def _folder_hint_of(path: Path) -> str:
    with pytest.raises(AudioFileError) as caught:
        audiofile.read(path)
    assert caught.value.message == f"cannot read {path}: permission denied"
    assert caught.value.refused
    return caught.value.hint


def test_a_closed_folder_higher_up_is_the_one_named(tmp_path: Path) -> None:
    hat = wav(tmp_path / "lib" / "a" / "b" / "hat.wav")
    with closed(tmp_path / "lib" / "a", hat):
        assert _folder_hint_of(hat) == access_hint(tmp_path / "lib" / "a", folder=True)


def test_a_closed_folder_higher_up_is_the_one_named_twin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    hat = wav(tmp_path / "lib" / "a" / "b" / "hat.wav")
    refuse_way(monkeypatch, tmp_path / "lib" / "a")
    assert _folder_hint_of(hat) == access_hint(tmp_path / "lib" / "a", folder=True)


def _linked(tmp_path: Path) -> tuple[Path, Path]:
    """(lib/hat.wav, a link to elsewhere/locked/hat.wav; the folder locked)."""
    locked = tmp_path / "elsewhere" / "locked"
    target = wav(locked / "hat.wav")
    (tmp_path / "lib").mkdir()
    os.symlink(target, tmp_path / "lib" / "hat.wav")
    return tmp_path / "lib" / "hat.wav", locked


def test_a_link_into_a_closed_folder_names_that_folder_not_the_link_s(tmp_path: Path) -> None:
    link, locked = _linked(tmp_path)
    with closed(locked, link):
        assert _folder_hint_of(link) == access_hint(locked, folder=True)
        assert closed_folder(link) == locked and refusal_hint(link) == access_hint(locked, folder=True)


def test_a_link_into_a_closed_folder_names_that_folder_not_the_link_s_twin(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    link, locked = _linked(tmp_path)
    refuse_way(monkeypatch, locked)
    assert _folder_hint_of(link) == access_hint(locked, folder=True)
    assert closed_folder(link) == locked and refusal_hint(link) == access_hint(locked, folder=True)


def test_an_open_way_names_the_file_itself(tmp_path: Path) -> None:
    hat = wav(tmp_path / "kit" / "hat.wav")
    assert closed_folder(hat) is None and refusal_hint(hat) == access_hint(hat)
    assert closed_folder(tmp_path / "gone" / "hat.wav") is None        # nothing there: no folder to name
