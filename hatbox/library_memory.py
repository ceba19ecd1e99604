"""What `hatbox push-library` remembers of the folders it packed: each folder's files (paths, sizes, modification
and change times, inode numbers), the SHA-256 of the archive they made and the lines that said what was left out
of it, so that a push of a folder unchanged since asks the box about that
digest before packing anything (p47 QA: a repeated `push-library d/lib --wait` packed all of it, progress lines and
all, to hear "nothing was sent").

Kept in ``pushed.json`` beside the box settings (hatbox.box_config: ``~/.config/hatbox/``), the last
:data:`KEEP` folders; a file that cannot be read or written is as none (the folder is packed, as before).  A folder
whose files changed (one added, removed, resized, touched or rewritten: its change time, which no tool sets back)
has another fingerprint: packed again.  A folder with a file modified within :data:`RACY_S` of the fingerprint is
not remembered (p47 review: FAT keeps modification times in 2 s steps, so a same-size rewrite in that window would
look unchanged).  The archive
a folder makes depends on its files and on what is left out of it (``leave``: names the box refuses, the
corrections' database), both in the fingerprint.

Within a push (hatbox.push_walk.one_reading) the folder's walk is the push's one (hatbox.push_walk.walked) and
pushed.json is read once: its contents are kept for the push's later looks, and :func:`remember` writes over them
(reading the file again only when another push wrote it since: its inode, size or time changed), under a lock on
``pushed.json.lock`` from that read to the write (two pushes in two terminals each keep the other's folder).
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

KEEP = 64                   # folders remembered; the oldest is forgotten first
KEEP_FILES = 8              # of those, the newest whose files' marks are kept too (:func:`file_marks`)
KEEP_PACKINGS = 4           # of such a folder, the newest packings whose marks are kept (:func:`packings`)
RACY_S = 2.0                # a file modified this close to the fingerprint may change again unseen (FAT: 2 s steps)
FORMAT = "hatbox-folder-tar-2"      # what the fingerprint is of: a folder packed by device.library.folder_tar


def memory_path() -> Path:
    """``pushed.json`` in the folder of the box settings (HATBOX_CONFIG's, else ~/.config/hatbox/)."""
    from hatbox.box_config import config_path
    return config_path().parent / "pushed.json"


def fingerprint(folder: Path, leave: frozenset[str] | set[str] = frozenset(),
                walked: list[tuple[str, Any]] | None = None, since_ns: int | None = None) -> str | None:
    """A digest of what packing ``folder`` reads: every file's path inside it, size, modification and change times
    (ns) and inode number, with the paths in ``leave``; hidden files and links, which are not packed, are left out as
    the packing does.  None when a file was modified less than :data:`RACY_S` before now (or after it): such a folder
    is neither looked up nor remembered.  Reads no file's bytes (500 files: a few milliseconds).  ``walked``: the
    folder's :func:`walk` taken already (push-library walks it once, p49); ``since_ns``: when that walk began
    (time.time_ns; its files' stats are as old as that, so "now" is then: hatbox.push_walk's FolderWalk.started_ns)."""
    h = hashlib.sha256(FORMAT.encode())
    walked = walk(folder) if walked is None else walked
    now = time.time_ns() if since_ns is None else min(time.time_ns(), since_ns)
    for rel, st in walked:
        if now - st.st_mtime_ns < RACY_S * 1e9:
            return None
        h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}\n"
                 .encode("utf-8", "surrogateescape"))
    h.update("\0".join(sorted(leave)).encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def walk(folder: Path) -> list[tuple[str, Any]]:
    """The files packing ``folder`` reads (path inside it, its stat), in path order, hidden files and links left
    out as the packing does; a file that cannot be read is left out.  Within a push, the push's one walk
    (hatbox.push_walk.walked); else walked now."""
    from hatbox.push_walk import walked
    return walked(folder).files()


def file_mark(rel: str, size: int, mtime_ns: int) -> str:
    """A short mark of one file as packed: its path inside the folder, size (bytes) and modification time (ns)."""
    line = f"{rel}\0{size}\0{mtime_ns}".encode("utf-8", "surrogateescape")
    return hashlib.blake2b(line, digest_size=8).hexdigest()


def file_marks(folder: Path, walked: list[tuple[str, Any]] | None = None) -> dict[str, str]:
    """Each file of ``folder`` that packing reads (path inside it, "/"-separated) and its :func:`file_mark` now
    (``walked``: its :func:`walk` taken already)."""
    return {rel: file_mark(rel, st.st_size, st.st_mtime_ns) for rel, st in (walk(folder) if walked is None else walked)}


def packings(folder: Path) -> dict[str, set[str]]:
    """Each packing of ``folder`` this laptop remembers with its files' marks, newest first: the digest of the
    archive it made (the box's library of that upload digest holds those files as they were) -> the :func:`file_mark`
    of each file then.  The newest :data:`KEEP_PACKINGS` (p49 regression QA: a plain re-push of a grown folder
    remembered its own packing over the older one's, and the `--replace` its note suggested no longer knew the older
    library's files as this laptop packed them: "not known whether changed ... did not remember that packing")."""
    entry = _read().get(str(folder.resolve())) or {}
    found: dict[str, set[str]] = {}
    for packing in [entry, *_earlier(entry)]:
        digest, marks = packing.get("sha256"), packing.get("files")
        if isinstance(digest, str) and isinstance(marks, list):
            found.setdefault(digest, {m for m in marks if isinstance(m, str)})
    return found


def _earlier(entry: dict[str, Any]) -> list[dict[str, Any]]:
    """The older packings kept in a folder's ``entry`` (``earlier``: [{sha256, files}], newest first)."""
    got = entry.get("earlier")
    return [p for p in got if isinstance(p, dict)] if isinstance(got, list) else []


def _kept_packings(old: dict[str, Any] | None, sha256: str) -> list[dict[str, Any]]:
    """The packings of ``old`` (the folder's entry before this one) kept beside a new packing of digest ``sha256``:
    the newest :data:`KEEP_PACKINGS` - 1 of those with marks and another digest."""
    if not old:
        return []
    were = [{"sha256": p.get("sha256"), "files": p.get("files")} for p in [old, *_earlier(old)]]
    kept = [p for p in were if isinstance(p["sha256"], str) and p["sha256"] != sha256 and isinstance(p["files"], list)]
    return kept[:KEEP_PACKINGS - 1]


def _read() -> dict[str, dict[str, Any]]:
    """pushed.json's folders (resolved path -> entry; {} when it cannot be read): within a push, as the push read it
    first (hatbox.push_walk.one_reading: one read a push), else read now.  Not to be changed in place."""
    from hatbox.push_walk import reading
    push = reading()
    if push is not None and push.memory is not None:
        return push.memory
    got, sig = _read_file()
    if push is not None:
        push.memory, push.memory_sig = got, sig
    return got


def _read_file() -> tuple[dict[str, dict[str, Any]], tuple[int, int, int] | None]:
    """pushed.json's folders, read now, and the file's :func:`_file_sig` as read ({}, None: none or unreadable)."""
    try:
        with open(memory_path(), "rb") as fh:
            sig, raw = _file_sig(os.fstat(fh.fileno())), fh.read()
        got = json.loads(raw)
    except (OSError, ValueError):
        return {}, None
    return ({k: v for k, v in got.items() if isinstance(v, dict)} if isinstance(got, dict) else {}), sig


def _file_sig(st: os.stat_result) -> tuple[int, int, int]:
    """(inode, size, modification time in ns) of pushed.json: another write (a new file put in its place) shows."""
    return st.st_ino, st.st_size, st.st_mtime_ns


@contextmanager
def _locked() -> Iterator[None]:
    """Held while pushed.json is read to be written over and written (:func:`remember`): an exclusive flock on
    ``pushed.json.lock`` beside it, so that two pushes in two processes (two terminals) each keep the other's folder
    (p50 review: both read, both wrote, the later write lost the earlier's).  Where flock is not had, no lock."""
    try:
        import fcntl
    except ImportError:                      # not POSIX: as before, unlocked
        yield
        return
    fd = os.open(memory_path().with_name(memory_path().name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)                         # closing it lets the lock go


def _to_write() -> dict[str, dict[str, Any]]:
    """pushed.json's folders to write over (copies: the push's read stays as it was until written): the push's read
    when the file is still the one it read, else read again (another push remembered its folder since).  Taken
    under :func:`_locked`."""
    from hatbox.push_walk import reading
    push = reading()
    if push is not None and push.memory is not None:
        try:
            now: tuple[int, int, int] | None = _file_sig(memory_path().stat())
        except OSError:
            now = None
        if now != push.memory_sig:
            push.memory = None
    return {k: dict(v) for k, v in _read().items()}


def _write(kept: dict[str, dict[str, Any]]) -> tuple[int, int, int]:
    """Write ``kept`` as pushed.json (atomically: a new file renamed over it; this user's only, 0600 from its
    making) and say the written file's :func:`_file_sig`, taken from the file written (not a look at the path after
    the rename, which could be another push's file by then)."""
    from export.atomic import atomic_output
    with atomic_output(memory_path(), mode=0o600) as fh:
        fh.write(json.dumps(kept, sort_keys=False).encode("utf-8", "surrogateescape"))
        fh.flush()
        sig = _file_sig(os.fstat(fh.fileno()))       # the rename and the fsync after keep inode, size and time
    return sig


def _written(kept: dict[str, dict[str, Any]], sig: tuple[int, int, int]) -> None:
    """pushed.json now holds ``kept``, written as the file of :func:`_file_sig` ``sig``: the push's later looks
    read it (no read of the file again)."""
    from hatbox.push_walk import reading
    push = reading()
    if push is not None:
        push.memory, push.memory_sig = kept, sig


def _entry(folder: Path, print_: str) -> dict[str, Any]:
    """What is remembered of ``folder`` packed at fingerprint ``print_`` ({}: nothing)."""
    entry = _read().get(str(folder.resolve()))
    return entry if entry and entry.get("fingerprint") == print_ else {}


def archive_digest(folder: Path, print_: str) -> str | None:
    """The SHA-256 of the archive ``folder`` made when its fingerprint was ``print_`` (None: not remembered)."""
    digest = _entry(folder, print_).get("sha256")
    return digest if isinstance(digest, str) else None


def left_out_said(folder: Path, print_: str) -> list[str]:
    """The lines the push that packed ``folder`` at fingerprint ``print_`` said of the files it left out (names the
    box refuses, links...), to say again when the remembered archive is on the box (p47 review: they never reached
    it, and the shortcut no longer said so)."""
    lines = _entry(folder, print_).get("left_out")
    return [line for line in lines if isinstance(line, str)] if isinstance(lines, list) else []


def remember(folder: Path, print_: str, sha256: str, left_out: list[str] | None = None,
             marks: dict[str, str] | None = None, name: str | None = None) -> None:
    """Keep that ``folder`` of fingerprint ``print_`` packs into an archive of digest ``sha256``, leaving out what
    the lines ``left_out`` say, and its files' marks (``marks``, :func:`file_marks` taken beside the fingerprint,
    before packing: a file saved while it packed then reads as changed, the safe side (p48 review); else taken now;
    the newest :data:`KEEP_FILES` folders only: a mark is 16 characters a file), and the marks of the folder's
    :data:`KEEP_PACKINGS` - 1 packings before it of other digests (:func:`packings`); never raises (a folder not
    remembered is packed again next time).  The file is this user's only (0600 from its making: folder paths are
    this user's business).  Read, changed and written under :func:`_locked` (another process's push between the
    read and the write would be lost).  ``name``: the library's name on the box, kept as ``name`` (p53: `library
    export`'s note gives the command that brings the box's corrections back by it, hatbox.library_words); None: the
    name kept before stays (a push remembers its packing before sending it, and the name once the box holds it,
    :func:`remember_name`: a refused push left a name the box did not hold, p53 review)."""
    files = sorted((file_marks(folder) if marks is None else marks).values())
    try:
        memory_path().parent.mkdir(parents=True, exist_ok=True)
        with _locked():
            kept = _with_folder(_to_write(), folder, {"fingerprint": print_, "sha256": sha256,
                                                      "left_out": list(left_out or []), "files": files,
                                                      **({"name": name} if name else {})})
            sig = _write(kept)
    except (OSError, UnicodeError):
        return
    _written(kept, sig)


def remember_name(folder: Path, name: str) -> None:
    """Keep ``name`` as the name on the box of the library pushed from ``folder`` (the box held its files under it:
    a push under another --name does not rename it, hatbox.library_push.held_named); nothing when the folder is not
    remembered or has that name already; never raises.  Read, changed and written under :func:`_locked`."""
    try:
        with _locked():
            kept = _to_write()
            entry = kept.get(str(folder.resolve()))
            if entry is None or entry.get("name") == name:
                return
            entry["name"] = name
            sig = _write(kept)
    except (OSError, UnicodeError):
        return
    _written(kept, sig)


def _with_folder(kept: dict[str, dict[str, Any]], folder: Path, entry: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``kept`` (pushed.json's folders) with ``folder``'s ``entry`` as its newest (its packings before kept in it,
    :func:`_kept_packings`), the newest :data:`KEEP` folders, the marks of the newest :data:`KEEP_FILES` only."""
    old = kept.pop(str(folder.resolve()), None)
    named = {"name": old["name"]} if isinstance(old, dict) and old.get("name") and "name" not in entry else {}
    kept[str(folder.resolve())] = {**entry, **named, "earlier": _kept_packings(old, entry["sha256"])}
    kept = dict(list(kept.items())[-KEEP:])
    for older in list(kept.values())[:-KEEP_FILES]:
        older.pop("files", None)
        older.pop("earlier", None)
    return kept


class Earlier:
    """The pushes of a folder before this one, as this laptop remembers them, read before this push remembers its own:
    the digest of each archive packed and its files' marks then (``packed``: :func:`packings`); and the folder's
    files' marks now (``now``, :func:`file_marks`).  Says which files of the box's
    library of that push are in this push unchanged (p49 month QA: a re-push of a grown folder called the older
    library "your library of other files").  Made with no folder (an archive pushed): knows nothing."""

    def __init__(self, folder: Path | None = None, now: dict[str, str] | None = None) -> None:
        self.packed = packings(folder) if folder is not None else {}
        self.now = now or {}

    def changed(self, rel: str, lib: dict[str, Any]) -> bool | None:
        """Whether file ``rel`` changed since it went to library ``lib`` (a GET /libraries record); None when not
        known (``lib`` is none of the pushes remembered with marks, or the marks were not taken now)."""
        marks = self.packed.get(str(lib.get("sha256") or ""))
        if marks is None or not self.now:
            return None
        return self.now.get(rel) not in marks


class Settle:
    """A folder whose fingerprint was None before packing (a file modified within :data:`RACY_S`: p49 regression QA
    "loops2", a file copied in and pushed at once was not remembered, and the `--replace` the push's note suggested
    packed all 115 MiB again to hear "already on the box"): its walk then (``walked``) and when it was taken
    (``started_ns``).  :meth:`remember` remembers the archive after the push when that is safe."""

    def __init__(self, walked: list[tuple[str, Any]], started_ns: int) -> None:
        self.walked, self.started_ns = walked, started_ns

    def remember(self, folder: Path, leave: set[str], archive: Path, sha256: str, left_out: list[str],
                 name: str | None = None) -> bool:
        """Remember ``archive`` (digest ``sha256``) as ``folder``'s packing when, now: no file is within RACY_S any
        more (a later rewrite moves its modification time on), every file is as walked before packing (same paths
        and stats) and each file that was within RACY_S of the walk holds the very bytes the archive holds of it
        (a rewrite between the walk and now that kept its size and times is caught).  Reads those files and their
        members only (a file just copied in: its bytes).  Whether it did; never raises."""
        import tarfile

        from hatbox.push_walk import walk_folder
        try:
            now = walk_folder(folder).files()         # walked again: after the push, not the push's walk
            print_ = fingerprint(folder, leave, now)
            if print_ is None or _stats(now) != _stats(self.walked):
                return False
            fresh = [rel for rel, st in now if st.st_mtime_ns > self.started_ns - RACY_S * 1e9]
            if not _same_in_archive(folder, archive, fresh):
                return False
        except (OSError, ValueError, KeyError, tarfile.TarError):
            return False
        remember(folder, print_, sha256, left_out, file_marks(folder, now), name)
        return True


def _stats(walked: list[tuple[str, Any]]) -> list[tuple[Any, ...]]:
    """What :func:`fingerprint` reads of each walked file (path, size, times in ns, inode)."""
    return [(rel, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino) for rel, st in walked]


def _same_in_archive(folder: Path, archive: Path, rels: list[str]) -> bool:
    """Whether each of ``rels`` (paths inside ``folder``) holds the same bytes as its member of tar ``archive``
    (a member missing: False); read in 1 MiB pieces."""
    import tarfile
    with tarfile.open(archive) as tf:
        for rel in rels:
            member = tf.extractfile(tf.getmember(rel))
            if member is None:
                return False
            with member, (folder / rel).open("rb") as fh:
                while True:
                    a, b = member.read(1 << 20), fh.read(1 << 20)
                    if a != b:
                        return False
                    if not a:
                        break
    return True
