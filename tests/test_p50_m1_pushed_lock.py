"""p50 M1 (review of L2): two `hatbox push-library` runs in two processes (two terminals) each read pushed.json,
added their folder and wrote it back with no lock: the later write lost the earlier's folder (its next push packed
everything again).  hatbox.library_memory.remember now holds a flock on pushed.json.lock from its read to its write.

Each process here is held, once it has read pushed.json to write over, until the other has read it too (or 1.5 s):
without the lock both read the file before either writes, and one folder is lost every time; with it the second
reads only once the first has written."""
from __future__ import annotations

import multiprocessing
import os
from pathlib import Path
from typing import Any

from hatbox import library_memory


def _remember_when_both_read(folder: str, mine: Any, theirs: Any) -> None:
    """In a child process: remember ``folder``, waiting after the read of pushed.json for the other's read."""
    real = library_memory._to_write

    def to_write() -> dict[str, dict[str, Any]]:
        kept = real()
        mine.set()
        theirs.wait(1.5)
        return kept
    library_memory._to_write = to_write          # type: ignore[assignment]  # (this child process only)
    library_memory.remember(Path(folder), f"fp-{Path(folder).name}", Path(folder).name[0] * 64, marks={})


def test_two_processes_remembering_two_folders_keep_both(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "cfg" / "remote.json"))     # the children inherit it
    (tmp_path / "cfg").mkdir()
    folders = [tmp_path / "a", tmp_path / "b"]
    for folder in folders:
        folder.mkdir()
    spawn = multiprocessing.get_context("spawn")
    read = [spawn.Event(), spawn.Event()]
    children = [spawn.Process(target=_remember_when_both_read, args=(str(f), read[i], read[1 - i]))
                for i, f in enumerate(folders)]
    for child in children:
        child.start()
    for child in children:
        child.join(60)
    assert [child.exitcode for child in children] == [0, 0]
    assert library_memory.archive_digest(folders[0], "fp-a") == "a" * 64, "the first process's folder was lost"
    assert library_memory.archive_digest(folders[1], "fp-b") == "b" * 64, "the second process's folder was lost"
    assert oct(os.stat(library_memory.memory_path()).st_mode & 0o777) == "0o600"


def test_a_push_keeps_the_signature_of_the_file_it_wrote(tmp_path: Path, monkeypatch: Any) -> None:
    """The signature a push keeps of pushed.json is the file it wrote, not a look at the path after the rename: a
    file put in its place right after the rename (before: the stat read that one's, took it as its own and wrote
    over the other's folder later) is read again before the push writes once more."""
    import json

    from export import atomic
    from hatbox.push_walk import one_reading
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "cfg" / "remote.json"))
    a, b = tmp_path / "a", tmp_path / "b"
    real_fsync_dir = atomic.fsync_dir

    def another_writes_right_after(folder: Any) -> None:          # atomic_output calls it after its rename
        real_fsync_dir(folder)
        path = library_memory.memory_path()
        kept = json.loads(path.read_bytes())
        kept[str(b.resolve())] = {"fingerprint": "fp-b", "sha256": "b" * 64, "left_out": []}
        (path.parent / "other.json").write_text(json.dumps(kept))
        os.replace(path.parent / "other.json", path)
        monkeypatch.setattr(atomic, "fsync_dir", real_fsync_dir)   # once
    with one_reading() as push:
        monkeypatch.setattr(atomic, "fsync_dir", another_writes_right_after)
        library_memory.remember(a, "fp-a", "a" * 64, marks={})
        st = os.stat(library_memory.memory_path())
        assert push.memory_sig != (st.st_ino, st.st_size, st.st_mtime_ns)   # the other's file is not taken as its own
        library_memory.remember(a, "fp-a2", "c" * 64, marks={})
    assert library_memory.archive_digest(b, "fp-b") == "b" * 64, "the other push's folder was lost"
    assert library_memory.archive_digest(a, "fp-a2") == "c" * 64
