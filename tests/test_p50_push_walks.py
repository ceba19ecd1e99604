"""p50 L2: one `hatbox push-library FOLDER` lists each of the folder's directories once (before: the size check's
census, the fingerprint's walk, the packing and the check of samples over full scale each walked it, and Path.rglob
lists each directory twice: 7 listings of the top folder) and opens pushed.json once (before: the earlier push's
marks, the held shortcut's lookup, --replace's Carry, its left-out lines and the remembering each read it again:
3 or 4 opens).  Counted by wrapping os.scandir / os.listdir / open against a box served on loopback."""
from __future__ import annotations

import builtins
import io
import os
from collections import Counter
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


class Reads:
    """Listings of each directory (realpath -> count) and read-opens of pushed.json, counted while installed."""

    def __init__(self) -> None:
        self.listed: Counter[str] = Counter()
        self.memory_opens = 0

    def install(self, monkeypatch: pytest.MonkeyPatch) -> Reads:
        real_scandir, real_listdir, real_open = os.scandir, os.listdir, builtins.open

        def scandir(path: Any = ".") -> Any:
            self._listed(path)
            return real_scandir(path)

        def listdir(path: Any = ".") -> Any:
            self._listed(path)
            return real_listdir(path)

        def opened(file: Any, mode: str = "r", *a: Any, **k: Any) -> Any:
            if isinstance(file, (str, os.PathLike)) and Path(file).name == "pushed.json" and "r" in mode:
                self.memory_opens += 1
            return real_open(file, mode, *a, **k)
        monkeypatch.setattr(os, "scandir", scandir)
        monkeypatch.setattr(os, "listdir", listdir)
        monkeypatch.setattr(builtins, "open", opened)
        monkeypatch.setattr(io, "open", opened)
        return self

    def _listed(self, path: Any) -> None:
        if isinstance(path, (str, os.PathLike)):
            self.listed[os.path.realpath(path)] += 1

    def of(self, folder: Path) -> dict[str, int]:
        """Listings of ``folder`` and the directories under it (path inside: count)."""
        top = os.path.realpath(folder)
        return {os.path.relpath(p, top): n for p, n in self.listed.items() if p == top or p.startswith(top + os.sep)}

    def reset(self) -> None:
        self.listed.clear()
        self.memory_opens = 0


def _ramp(path: Path, frames: int) -> None:
    """A float ramp (checked for peaks over full scale), dated 10 s back (a folder push-library remembers)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sf.write(path, np.linspace(-0.5, 0.5, frames, dtype=np.float32), 48000, subtype="FLOAT")
    os.utime(path, ns=(path.stat().st_mtime_ns - 10**10,) * 2)


def _folder(tmp_path: Path) -> Path:
    """tmp_path/Samples: two folders of ramps and one at its top."""
    src = tmp_path / "Samples"
    for i, rel in enumerate(("kick/k0.wav", "kick/k1.wav", "loops/fills/l0.wav", "top.wav")):
        _ramp(src / rel, 2400 + 480 * i)
    return src


def _each_once(reads: Reads, src: Path) -> None:
    listed = reads.of(src)
    assert listed == {".": 1, "kick": 1, "loops": 1, os.path.join("loops", "fills"): 1}, listed
    assert reads.memory_opens == 1, f"pushed.json was opened {reads.memory_opens} times"


def test_a_first_push_lists_each_folder_once_and_opens_pushed_json_once(
        box: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    src = _folder(tmp_path)
    reads = Reads().install(monkeypatch)
    assert main(["push-library", str(src), "--quiet"]) == 0, capsys.readouterr().err
    _each_once(reads, src)
    assert len(box.state.box.libraries.list()) == 1


def test_an_unchanged_push_and_a_replace_each_list_once_and_open_pushed_json_once(
        box: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    src = _folder(tmp_path)
    assert main(["push-library", str(src), "--quiet"]) == 0
    [old] = [lib["id"] for lib in box.state.box.libraries.list()]
    reads = Reads().install(monkeypatch)
    capsys.readouterr()
    assert main(["push-library", str(src), "--quiet"]) == 0          # unchanged: the held shortcut, nothing packed
    _each_once(reads, src)
    assert "is already on the box as library" in capsys.readouterr().out
    _ramp(src / "kick" / "k2.wav", 7000)
    reads.reset()
    assert main(["push-library", str(src), "--replace", "--quiet"]) == 0, capsys.readouterr().err
    _each_once(reads, src)
    assert f"--replace: deleted your older library {old}" in capsys.readouterr().out
    assert [lib["id"] for lib in box.state.box.libraries.list()] != [old]


def _tricky(tmp_path: Path) -> Path:
    """A folder with what packing treats apart: hidden files and folders, links inside and outside, a FIFO, names
    with spaces and a non-UTF-8 byte, folders whose names sort around a space, a file left out by name."""
    src = tmp_path / "Tricky Kit"
    for rel in ("a/x.wav", "a b/y.wav", "a-b/z.wav", "Z.wav", "kick/k 1.wav", "kick/deep/d.wav", ".git/cfg",
                "kick/.DS_Store", "._a.wav", "notes.txt", "left.csv"):
        path = src / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(rel.encode() * 40)
    (src / os.fsdecode(b"caf\xe9.wav")).write_bytes(b"RIFF" * 9)
    outside = tmp_path / "outside.wav"
    outside.write_bytes(b"secret")
    (src / "out.wav").symlink_to(outside)
    (src / "again.wav").symlink_to(src / "Z.wav")
    (src / "loop").symlink_to(src)
    (src / "broken.wav").symlink_to(tmp_path / "nowhere.wav")
    os.mkfifo(src / "kick" / "pipe.wav")
    return src


PACKED = ["Z.wav", "a/x.wav", "a b/y.wav", "a-b/z.wav", os.fsdecode(b"caf\xe9.wav"), "kick/deep/d.wav", "kick/k 1.wav"]


def _expected_tar(src: Path, out: Path) -> bytes:
    """The tar of :data:`PACKED` (the files of :func:`_tricky` that are sent, in the order they always were: each
    folder's names sorted, depth first), written member by member by tarfile itself."""
    import tarfile
    with tarfile.open(out, "w", dereference=True) as tf:
        for rel in PACKED:
            with open(src / rel, "rb") as fh:
                tf.addfile(tf.gettarinfo(str(src / rel), arcname=rel), fh)
    return out.read_bytes()


def test_the_one_walk_packs_counts_and_marks_the_folder(tmp_path: Path) -> None:
    """device.library.folder_tar packs and counts from one walk (walked now, or the push's, handed in): the tar holds
    exactly the files sent, in the same order and headers, byte for byte (the box's upload digest of a folder pushed
    before stays the same); the left-out lines are as they were; the census and the files' list agree."""
    from device.audio.audiofile import hidden_name
    from device.library import folder_tar
    src = _tricky(tmp_path)
    leave = {"left.csv": "", "notes.txt": "left out on purpose"}
    walk = folder_tar.walk_folder(src)
    expected = _expected_tar(src, tmp_path / "expected.tar")
    sizes: list[int] = []
    for name, given in (("now", None), ("walked", walk)):
        skips: list[tuple[str, str]] = []
        packed = folder_tar.pack_directory(src, tmp_path / f"{name}.tar", skips, leave, sizes.append, walk=given)
        assert packed.read_bytes() == expected, name
        assert skips == [("broken.wav", "broken link (what it points at does not exist)"),
                         ("kick/pipe.wav", "not a regular file (a FIFO, socket or device)"),
                         ("loop", "folder link loops back to a folder that holds it (not followed)"),
                         ("notes.txt", "left out on purpose"),
                         ("out.wav", f"link to {(tmp_path / 'outside.wav').resolve()}, outside the folder: not sent "
                          "(only what lies inside the folder leaves this computer; copy it in to send it)"),
                         ("", "1 link to a file already in the folder or to a folder in it (sent once, under its "
                          "own path)")], skips
    assert sizes == [(src / rel).stat().st_size for rel in PACKED] * 2
    seen = folder_tar.census(src, 30, frozenset(leave), walk=walk)
    assert seen == folder_tar.census(src, 30, frozenset(leave))
    assert (seen.files, seen.file_bytes) == (len(PACKED), sum((src / p).stat().st_size for p in PACKED))
    assert seen.by_top == {"": 2, "a": 1, "a b": 1, "a-b": 1, "kick": 2}
    assert [rel for rel, _ in seen.biggest] == [p for p in PACKED if (src / p).stat().st_size > 30]
    assert folder_tar.census(src, walk=walk).files == len(PACKED) + 2          # notes.txt, left.csv: counted
    rglob = [("/".join(p.relative_to(src).parts), p.stat()) for p in sorted(src.rglob("*"))
             if not p.is_symlink() and not any(hidden_name(x) for x in p.relative_to(src).parts) and p.is_file()]
    assert [(rel, st.st_size, st.st_mtime_ns, st.st_ino) for rel, st in walk.files()] == \
        [(rel, st.st_size, st.st_mtime_ns, st.st_ino) for rel, st in rglob]


def test_hot_samples_from_the_walk_are_the_files_sent_that_peak_over_full_scale(tmp_path: Path) -> None:
    """p50 M1 (review): links were named too ("link.wav", "outside.wav"), though a link is never sent (one to a file
    inside goes once under that file's path, one to outside not at all)."""
    from device.library.folder_tar import walk_folder
    from hatbox.hot_samples import hot_in_walk, over_full_scale
    src = tmp_path / "hot"
    for rel, peak in (("a/loud.wav", 2.0), ("a/ok.wav", 0.5), ("b/louder.wav", 3.0), (".h/hid.wav", 4.0),
                      ("../elsewhere.wav", 3.0)):
        (src / rel).parent.mkdir(parents=True, exist_ok=True)
        sf.write(src / rel, np.linspace(-peak, peak, 480, dtype=np.float32), 48000, subtype="FLOAT")
    (src / "link.wav").symlink_to(src / "b" / "louder.wav")
    (src / "outside.wav").symlink_to(tmp_path / "elsewhere.wav")
    found = hot_in_walk(walk_folder(src))
    assert found == over_full_scale(src) and [rel for rel, _ in found] == ["a/loud.wav", "b/louder.wav"]


def test_outside_a_push_each_walk_and_read_is_fresh_and_inside_one_another_writer_is_kept(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The push's reading lasts the push only: after it, a walk sees the folder as it is now; and a pushed.json
    written by another push in the meantime (another thread: a push of its own, outside this push's reading, as
    another process's would be) is read again before this push writes its own folder over it."""
    import threading

    from hatbox import library_memory
    from hatbox.push_walk import one_reading
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "cfg" / "remote.json"))
    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        _ramp(folder / "s.wav", 480)
    with one_reading():
        assert [rel for rel, _ in library_memory.walk(a)] == ["s.wav"]
        assert library_memory.packings(a) == {}                       # pushed.json read (none yet)
        _ramp(a / "t.wav", 480)
        assert [rel for rel, _ in library_memory.walk(a)] == ["s.wav"]     # the push's one walk
        other = threading.Thread(target=library_memory.remember, args=(b, "fp-b", "d" * 64))
        other.start()                                                 # another push, meanwhile (a fresh context)
        other.join()
        library_memory.remember(a, "fp-a", "e" * 64)
        assert library_memory.archive_digest(a, "fp-a") == "e" * 64
    assert [rel for rel, _ in library_memory.walk(a)] == ["s.wav", "t.wav"]
    assert library_memory.archive_digest(b, "fp-b") == "d" * 64, "the other push's folder was lost"
    assert library_memory.archive_digest(a, "fp-a") == "e" * 64


def test_a_folder_over_the_boxs_limit_is_still_refused_before_it_is_packed(
        box: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The packing reads the push's walk (device.library.folder_tar.pack_directory's walk=, the one packer the p46
    and p47 tests watch too): the size check still comes before it."""
    from dataclasses import replace

    from device.library import folder_tar
    box.state.box.config = replace(box.state.box.config, max_library_bytes=10_000)
    src = _folder(tmp_path)

    def packed(*a: Any, **k: Any) -> None:
        raise AssertionError("the folder was packed before its size was checked")
    monkeypatch.setattr(folder_tar, "pack_directory", packed)
    assert main(["push-library", str(src), "--quiet"]) == 2
    assert "the box takes at most 10 KiB a library; nothing was sent" in capsys.readouterr().err
    assert box.state.box.libraries.list() == []


def test_the_walk_is_let_go_before_the_upload(box: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """p49 review: a push holds no walk past its use (7.6 MB per 10,000 files); the one walk goes once packed."""
    from hatbox import cmd_box_library, push_walk
    held: list[Any] = []
    real = cmd_box_library.upload

    def upload(*a: Any, **k: Any) -> Any:
        now = push_walk.reading()
        held.append(now.walk if now is not None else "no push")
        return real(*a, **k)
    monkeypatch.setattr(cmd_box_library, "upload", upload)
    assert main(["push-library", str(_folder(tmp_path)), "--quiet"]) == 0
    assert held == [None]


def test_a_fresh_folder_settles_from_when_the_push_walked_it(
        box: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """p50 M1 (review): push-library took its clock after the walk and Settle looked the walk up to correct it; now
    the push hands Settle its one walk's own start, and Settle takes what it is given."""
    from hatbox import cmd_box_library, library_memory, push_walk
    given: list[tuple[int, int | None]] = []

    class Seen(library_memory.Settle):
        def __init__(self, walked: Any, started_ns: int) -> None:
            now = push_walk.reading()
            given.append((started_ns, now.walk.started_ns if now is not None and now.walk is not None else None))
            super().__init__(walked, started_ns)
    monkeypatch.setattr(cmd_box_library, "Settle", Seen)
    src = _folder(tmp_path)
    sf.write(src / "new.wav", np.zeros(480, np.float32), 48000)        # modified now: no fingerprint, settled later
    assert main(["push-library", str(src), "--quiet"]) == 0, capsys.readouterr().err
    assert len(given) == 1 and given[0][0] == given[0][1], given
    assert library_memory.Settle([], 123).started_ns == 123
