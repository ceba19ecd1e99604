"""What the tests of the box's work children share (device/library/child_process.py: the tagging process,
device/library/tag_worker.py, and the unpacking one, device/library/unpack_worker.py): which of this process's
children run one of them (read from /proc), a process's state and whether it has ended, the fixture that runs the work
in a child (the suite runs it on the calling thread: tests/conftest.py), code run at the start of the child's Python
(a sitecustomize), and the unpacking tests' small archive and what is left of it."""
from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from device.library.child_process import IN_THREAD_ENV
from tests.api.conftest import wav_bytes, zip_bytes


@pytest.fixture(autouse=True)
def in_a_child(monkeypatch: pytest.MonkeyPatch) -> None:
    """The suite's in-thread setting off: the work runs in a child.  Autouse in each test module that imports it."""
    monkeypatch.delenv(IN_THREAD_ENV, raising=False)


def _stat(pid: int | str) -> list[str]:
    """The fields of /proc/PID/stat after the command's name (state first, then the parent's pid)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def children_of(module: str) -> list[int]:
    """The pids of this process's children whose command line names ``module`` ("tag_worker", "unpack_worker")."""
    found = []
    for p in filter(str.isdigit, os.listdir("/proc")):
        try:
            if int(_stat(p)[1]) == os.getpid() and module.encode() in Path(f"/proc/{p}/cmdline").read_bytes():
                found.append(int(p))
        except (OSError, IndexError):
            continue
    return found


def tag_children() -> list[int]:
    """This process's tagging children (python -m device.library.tag_worker)."""
    return children_of("tag_worker")


def unpack_children() -> list[int]:
    """This process's unpacking children (python -m device.library.unpack_worker)."""
    return children_of("unpack_worker")


def state(pid: int) -> str:
    """Process ``pid``'s state letter ("T": stopped, "Z": a zombie); "" when it is gone."""
    try:
        return _stat(pid)[0]
    except (OSError, IndexError):
        return ""


def gone(pid: int, within_s: float) -> bool:
    """Whether process ``pid`` has ended (and been reaped, or is a zombie) within ``within_s`` seconds."""
    end = time.monotonic() + within_s
    while time.monotonic() < end:
        if state(pid) in ("", "Z"):
            return True
        time.sleep(0.02)
    return False


def site(tmp_path: Path, code: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """``code`` run at the start of each Python the test starts (a sitecustomize on PYTHONPATH): the child's."""
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(code)
    monkeypatch.setenv("PYTHONPATH", str(folder))


def slow_members(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seconds: float = 0.3) -> None:
    """The child's check of each member of an archive takes ``seconds`` longer (:func:`site`)."""
    site(tmp_path, "import time\nimport device.library.archive as a\nreal = a.audio_problem\n\n\n"
         f"def slow(p):\n    time.sleep({seconds})\n    return real(p)\n\n\na.audio_problem = slow\n", monkeypatch)


def archive(tmp_path: Path, n: int = 3, **extra: bytes) -> Path:
    """``tmp_path``/lib.zip: ``n`` short WAVs under kit/, a text file, a macOS resource fork and a member outside
    the folder (``../out.wav``), and ``extra`` (member name -> bytes)."""
    members = {f"kit/hit{i}.wav": wav_bytes(2400) for i in range(n)}
    members.update({"readme.txt": b"notes", "__MACOSX/._hit0.wav": b"x", "../out.wav": wav_bytes(), **extra})
    path = tmp_path / "lib.zip"
    path.write_bytes(zip_bytes(members))
    return path


def left(root: Path) -> list[str]:
    """What is under ``root`` (the :func:`site` folder left out)."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.relative_to(root).parts[0] != "site")
