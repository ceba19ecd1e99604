"""One walk of a library folder, and one read of ``pushed.json``, per `hatbox push-library FOLDER` (fiftieth stop).

Before, a push walked its folder four times (the size check's census, the fingerprint's walk that --replace's Carry
shares, the packing and the check of samples over full scale; Path.rglob lists each folder twice: seven listings of
each) and read pushed.json three or four times.  Now :func:`walk_folder` lists each directory once, by the packing's
own rules (device.library.folder_tar: hidden names never looked into, links not followed, siblings in sorted order,
depth first), and keeps what each user of it needs: the census and the fingerprint read the files' stats, the packing
(:func:`pack_walked`, the same tar, byte for byte, as folder_tar.pack_directory writes) and the check of samples over
full scale (:func:`hot_in_walk`) read the entries.

Inside :func:`one_reading` (hatbox.library_push.json_answer holds it around each push) the walk of a folder and the
contents of pushed.json (hatbox.library_memory) are taken on first use and handed to every later user in the push
(the walk until :func:`done_walking`, once the packing's checks have read it); outside one, each call reads afresh,
as before.  Held per thread and task (a ContextVar): two pushes at once in two
threads each keep their own.
"""
from __future__ import annotations

import os
import tarfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FILE, DIR, LINK, OTHER, ERROR, UNREADABLE = "file", "dir", "link", "other", "error", "unreadable"


@dataclass(frozen=True)
class Entry:
    """One thing in a walked folder: ``rel``, its path inside the folder ("/"-separated; "" for the folder itself,
    UNREADABLE only), ``kind`` (FILE a regular file, DIR, LINK any symbolic link, OTHER a FIFO, socket or device,
    ERROR one whose kind or stat could not be read, UNREADABLE a folder whose listing could not be read), ``stat``
    (a FILE's) and ``error`` (ERROR's and UNREADABLE's)."""

    rel: str
    kind: str
    stat: os.stat_result | None = None
    error: BaseException | None = None


@dataclass
class FolderWalk:
    """A folder's :class:`Entry` list, depth first with each folder's entries in sorted order, hidden names left
    out; ``started_ns``: when the walk began (time.time_ns); ``junk``: how many of the hidden names left out were
    leftovers beside the samples, by kind (device.audio.junk_names.junk_kind: DAW sidecars, NAS metadata, recycle
    bins, ``Icon\\r``; dot names are not counted)."""

    folder: Path
    started_ns: int
    entries: list[Entry] = field(default_factory=list)
    junk: dict[str, int] = field(default_factory=dict)
    _files: list[tuple[str, os.stat_result]] | None = field(default=None, repr=False)

    def files(self) -> list[tuple[str, os.stat_result]]:
        """(path inside, stat) of each regular file, in path order: hatbox.library_memory.walk's list (the same list
        each call: not to be changed)."""
        if self._files is None:
            self._files = [(e.rel, e.stat) for e in self.entries if e.kind == FILE and e.stat is not None]
        return self._files


def push_walk_of(files: list[tuple[str, Any]] | None) -> FolderWalk | None:
    """The push's walk whose :meth:`FolderWalk.files` list ``files`` is (None: another list, or no push)."""
    now = reading()
    return now.walk if now is not None and now.walk is not None and now.walk._files is files else None


def walk_folder(folder: Path) -> FolderWalk:
    """Walk ``folder`` now: each directory listed once (os.scandir)."""
    walked = FolderWalk(Path(folder), time.time_ns())
    _walk_into(os.fspath(folder), "", walked.entries, walked.junk)
    return walked


def _walk_into(path: str, rel: str, entries: list[Entry], junk: dict[str, int]) -> None:
    """Append the entries of directory ``path`` (``rel`` inside the folder) and, depth first, of its folders; count
    the leftovers left out into ``junk`` (by kind)."""
    from device.audio.junk_names import hidden_name, junk_kind
    try:
        with os.scandir(path) as listing:
            children = sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        entries.append(Entry(rel, UNREADABLE, error=exc))
        return
    for child in children:
        if hidden_name(child.name):
            leftover = junk_kind(child.name)
            if leftover:
                junk[leftover] = junk.get(leftover, 0) + 1
            continue
        name = f"{rel}/{child.name}" if rel else child.name
        try:
            kind = LINK if child.is_symlink() else DIR if child.is_dir() else FILE if child.is_file() else OTHER
            entries.append(Entry(name, kind, child.stat() if kind == FILE else None))
        except OSError as exc:
            entries.append(Entry(name, ERROR, error=exc))
            continue
        if kind == DIR:
            _walk_into(child.path, name, entries, junk)


class PushReading:
    """What one push has read: its folder's walk (``walk``) and pushed.json's contents (``memory``, with the file's
    ``memory_sig``: (inode, size, modification time in ns), None where there was none), None until first used."""

    def __init__(self) -> None:
        self.walk: FolderWalk | None = None
        self.twins: dict[Path, dict[str, str]] = {}      # a walked folder -> its :func:`twin_files` (p50 FG)
        self.memory: dict[str, dict[str, Any]] | None = None
        self.memory_sig: tuple[int, int, int] | None = None


_READING: ContextVar[PushReading | None] = ContextVar("hatbox_push_reading", default=None)


@contextmanager
def one_reading() -> Iterator[PushReading]:
    """Within it, :func:`walked` and hatbox.library_memory's reads of pushed.json are taken once and kept."""
    token = _READING.set(PushReading())
    try:
        yield _READING.get()       # type: ignore[misc]
    finally:
        _READING.reset(token)


def reading() -> PushReading | None:
    """The push's :class:`PushReading` (None outside :func:`one_reading`)."""
    return _READING.get()


def walked(folder: Path) -> FolderWalk:
    """The push's walk of ``folder`` (taken now on first use); outside a push a fresh one each call."""
    now = reading()
    if now is None:
        return walk_folder(folder)
    if now.walk is None or now.walk.folder != Path(folder):
        now.walk = walk_folder(folder)
        now.twins[Path(folder)] = twin_files(now.walk)    # kept past done_walking: the corrections sent read it
    return now.walk


def twin_files(walk: FolderWalk) -> dict[str, str]:
    """The files of ``walk`` whose path is an earlier file's in another Unicode form (p50 QA: "café.wav" composed
    and "café.wav" decomposed, as a Mac writes it, in one folder): path inside -> that earlier file's.  The box keeps
    every path composed (device.library.member_checks.safe_relpath), so of two such files it keeps the first in the
    archive (the walk's order) and refuses the other; the push leaves the other out (:func:`twin_words`)."""
    from device.library.paths import has_two_forms, nfc
    first: dict[str, str] = {}
    twins: dict[str, str] = {}
    for rel, _ in walk.files():
        if not has_two_forms(rel):
            continue
        kept = first.setdefault(nfc(rel), rel)
        if kept != rel:
            twins[rel] = kept
    return twins


def twins_left_out(folder: Path) -> dict[str, str]:
    """:func:`twin_files` of ``folder`` (a folder push-library packs): the push's, taken with its walk; outside a
    push, walked now.  {} for what is not a folder."""
    now, key = reading(), Path(folder)
    if now is not None and key in now.twins:
        return now.twins[key]
    return twin_files(walked(key)) if key.is_dir() else {}


def twin_words(twins: dict[str, str]) -> dict[str, str]:
    """Why each file of ``twins`` (:func:`twin_files`) is not sent, in one line naming both (the two names look
    alike: each form is said)."""
    from device.library.paths import nfc
    return {rel: (f"the same name as {kept} (sent) in another Unicode form: its accents are written "
                  f"{_form_words(rel, nfc)}, that one's {_form_words(kept, nfc)}; the box keeps one name for both, "
                  "so only the first is sent, with its corrections (rename one of them to send both)")
            for rel, kept in twins.items()}


def _form_words(name: str, nfc: Callable[[str], str]) -> str:
    """How ``name``'s accents are written, in words."""
    import unicodedata
    return ("composed" if name == nfc(name) else "decomposed (as macOS writes them)"
            if unicodedata.is_normalized("NFD", name) else "partly decomposed")


def done_walking() -> None:
    """The push's walk has had its last reader (the packing's checks, or the box holds the files already): let it
    go, so that it is not held through the upload and a followed tagging (p49 review: 7.6 MB per 10,000 files; a
    --replace keeps the list it needs itself).  A later :func:`walked` in the push walks again."""
    now = reading()
    if now is not None:
        now.walk = None


def census_of(walk: FolderWalk, big: int | None = None, leave: frozenset[str] = frozenset()) -> Any:
    """device.library.folder_tar.census of the walked folder (the same counts: its files and folders but those in
    ``leave``; ``big``: the files over this many bytes listed in ``biggest``), from the walk's stats."""
    from device.library.folder_tar import Census, _count_file
    seen = Census()
    for e in walk.entries:
        if e.rel in leave:
            continue
        if e.kind == DIR:
            seen.packed += 512                        # a folder's own header (an overestimate, as census)
        elif e.kind == FILE and e.stat is not None:
            _count_file(seen, e.rel, e.stat.st_size, big)
    seen.packed = -(-seen.packed // 10240) * 10240     # tar writes whole records of 20 blocks
    return seen


def hot_in_walk(walk: FolderWalk) -> list[tuple[str, float]]:
    """hatbox.hot_samples.over_full_scale of the walked folder: (path inside, peak dBFS) of its float-capable audio
    files (and links to files, as that reads them) that peak over full scale, in path order."""
    from pathlib import PurePosixPath

    from device.library.hot import hot_peak
    from device.library.member_checks import is_metadata
    from hatbox.hot_samples import FLOAT_SUFFIXES
    found, twins = [], twin_files(walk)          # a twin is not sent (:func:`twin_files`)
    for e in walk.entries:
        path = walk.folder / e.rel
        if e.kind not in (FILE, LINK) or path.suffix.lower() not in FLOAT_SUFFIXES or is_metadata(PurePosixPath(e.rel)):
            continue
        if e.rel in twins:
            continue
        if e.kind == LINK and not path.is_file():
            continue
        peak = hot_peak(path)
        if peak is not None:
            found.append((e.rel, peak))
    return found


def pack_walked(walk: FolderWalk, out: Path, skipped: list[tuple[str, str]] | None = None,
                leave: dict[str, str] | None = None, on_file: Callable[[int], None] | None = None) -> Path:
    """device.library.folder_tar.pack_directory of the walked folder, from its walk: the same tar (members, order,
    headers), the same ``skipped`` (path inside, why) and ``leave``/``on_file``.  Each folder is resolved again as
    it is packed (one swapped for a link since the walk is not followed) and each file opened without following a
    link (folder_tar's own ``_add_regular``)."""
    skips = skipped if skipped is not None else []
    packer = _Packer(walk, skips, leave or {}, on_file)
    with tarfile.open(out, "w", dereference=True) as tf:
        for e in walk.entries:
            packer.add(tf, e)
    packer.end()
    return out


LOOP_WORDS = "a link that points back into itself (a loop): left out"


def link_skip(path: Path, here: Path, top: Path) -> tuple[str, bool]:
    """device.library.folder_tar._link_skip of the link ``path`` (why it is not followed, whether it is one to what
    is inside), a link that loops (``loopA -> loopB -> loopA``: Path.resolve raises) said in words (p50 QA: "cannot
    be read (RuntimeError: Symlink loop from '/tmp/...')")."""
    import errno

    from device.library.folder_tar import _link_skip
    try:
        return _link_skip(path, here, top)
    except RuntimeError:                 # Python before 3.13: "Symlink loop from ..."
        return LOOP_WORDS, False
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return LOOP_WORDS, False
        raise


class _Packer:
    """:func:`pack_walked`'s state: the folders resolved so far (path inside -> real path), those cut (not packed,
    nor what is in them), the links to what is inside counted."""

    def __init__(self, walk: FolderWalk, skips: list[tuple[str, str]], leave: dict[str, str],
                 on_file: Callable[[int], None] | None) -> None:
        self.folder, self.skips, self.leave, self.on_file = walk.folder, skips, leave, on_file
        self.top = walk.folder.resolve()
        self.heres: dict[str, Path] = {"": self.top}
        self.cut: set[str] = set()
        self.inner_links = 0

    def add(self, tf: tarfile.TarFile, e: Entry) -> None:
        """Pack entry ``e`` (or say why not, in pack_directory's words)."""
        from device.library.archive_errors import why_words
        parent = e.rel.rpartition("/")[0]
        if parent in self.cut or e.rel in self.cut:
            self.cut.update([e.rel] if e.kind == DIR else [])
            return
        if e.kind == UNREADABLE:
            self.skips.append((e.rel or ".", f"cannot be read ({why_words(e.error)})"))
            return
        if e.rel in self.leave:
            self.skips.extend([(e.rel, self.leave[e.rel])] if self.leave[e.rel] else [])
            self.cut.update([e.rel] if e.kind == DIR else [])
            return
        try:
            self._add(tf, e, self.heres[parent])
        except (OSError, RuntimeError) as exc:
            self.skips.append((e.rel, f"cannot be read ({why_words(exc)})"))
            self.cut.update([e.rel] if e.kind == DIR else [])

    def _add(self, tf: tarfile.TarFile, e: Entry, here: Path) -> None:
        from device.library.folder_tar import _add_regular
        path = self.folder / e.rel
        if e.kind == ERROR and e.error is not None:
            raise e.error
        if e.kind == LINK:
            why, inner = link_skip(path, here, self.top)
            self.inner_links += inner
            self.skips.extend([] if inner else [(e.rel, why)])
        elif e.kind == DIR:
            self._enter(path, e.rel)
        elif not (e.kind == FILE and _add_regular(tf, path, e.rel)):
            self.skips.append((e.rel, "not a regular file (a FIFO, socket or device)"))
        elif self.on_file is not None and e.stat is not None:
            self.on_file(e.stat.st_size)

    def _enter(self, path: Path, rel: str) -> None:
        """Folder ``rel`` is packed next: where it really is, cut when no longer inside the folder."""
        here = path.resolve()
        if here != self.top and self.top not in here.parents:       # swapped for a link since the walk
            self.skips.append((rel, "no longer inside the folder (not followed)"))
            self.cut.add(rel)
            return
        self.heres[rel] = here

    def end(self) -> None:
        """The count of links to what is inside, said as pack_directory says it."""
        from hatbox.text import count_words
        if self.inner_links:
            self.skips.append(("", count_words(self.inner_links, "link to a file already in the folder or to a "
                                               "folder in it (sent once, under its own path)", "links to files "
                                               "already in the folder or to folders in it (sent once, under their "
                                               "own path)")))
