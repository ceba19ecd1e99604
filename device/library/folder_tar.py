"""A library folder packed into a tar on the laptop (what ``hatbox push-library FOLDER`` uploads), and the size that
tar will have, both by the same rules and from one walk of the folder (:func:`walk_folder`, p50: push-library lists
each directory once and hands the walk to the census, its fingerprint, the packing and the check of samples over
full scale): only what lies inside the folder, no links followed, hidden files left behind.  The box's side,
unpacking what arrives, is :mod:`device.library.archive`."""
from __future__ import annotations

import errno
import os
import stat
import tarfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from device.library.archive_errors import ArchiveError, why_words
from hatbox.text import count_words

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
    _twins: dict[str, str] | None = field(default=None, repr=False)

    def files(self) -> list[tuple[str, os.stat_result]]:
        """(path inside, stat) of each regular file, in path order: hatbox.library_memory.walk's list (the same list
        each call: not to be changed)."""
        if self._files is None:
            self._files = [(e.rel, e.stat) for e in self.entries if e.kind == FILE and e.stat is not None]
        return self._files

    def twins(self) -> dict[str, str]:
        """The files whose path is an earlier file's in another Unicode form (p50 QA: "café.wav" composed and
        "café.wav" decomposed, as a Mac writes it, in one folder): path inside -> that earlier file's.  The box keeps
        every path composed (device.library.member_checks.safe_relpath), so of two such files it keeps the first in
        the archive (the walk's order) and refuses the other; push-library leaves the other out
        (hatbox.push_walk.twin_words).  The same dict each call: not to be changed."""
        if self._twins is None:
            self._twins = twins_of(self.files())
        return self._twins


def twins_of(files: list[tuple[str, os.stat_result | None]]) -> dict[str, str]:
    """:meth:`FolderWalk.twins` of the walked ``files``."""
    from device.library.paths import has_two_forms, nfc
    first: dict[str, str] = {}
    twins: dict[str, str] = {}
    for rel, _ in files:
        if not has_two_forms(rel):
            continue
        kept = first.setdefault(nfc(rel), rel)
        if kept != rel:
            twins[rel] = kept
    return twins


def walk_folder(folder: Path) -> FolderWalk:
    """Walk ``folder`` now: each directory listed once (os.scandir), links not followed."""
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


@dataclass
class Census:
    """What :func:`pack_directory` will pack of a folder, counted from its files before a byte is copied (what the
    box's limits are checked against: forty-sixth stop's QA, 21,042 files packed into a 1.9 GiB tar for 33 s with
    nothing said, uploaded, then refused for holding more than 20,000).  Sizes in bytes."""

    files: int = 0                 # regular files that will be packed (the tar's members: it holds no folder's)
    file_bytes: int = 0            # their sizes together (what the box unpacks)
    packed: int = 1024             # about the tar's own size: a 512-byte header and padding to 512 a file, a header
    #                                a folder, two closing blocks, whole 10 KiB records
    biggest: list[tuple[str, int]] = field(default_factory=list)   # (path inside, bytes) of files over ``big``
    by_top: dict[str, int] = field(default_factory=dict)           # files under each top folder ("" for the top's)
    bytes_by_top: dict[str, int] = field(default_factory=dict)     # their bytes, by the same keys


def census(folder: Path, big: int | None = None, leave: frozenset[str] = frozenset(),
           walk: FolderWalk | None = None) -> Census:
    """:class:`Census` of ``folder``, by :func:`pack_directory`'s rules (hidden files and folders, links and
    ``leave``, paths inside the folder, are not packed, so not counted); ``big``: the files over this many bytes are
    listed in ``biggest``, in path order (None: none).  Files that cannot be read count as nothing here.  ``walk``:
    the folder's :func:`walk_folder` taken already (None: walked now)."""
    seen = Census()
    for e in (walk or walk_folder(folder)).entries:
        if e.rel in leave:
            continue
        if e.kind == DIR:
            seen.packed += 512                        # a folder's own header (an overestimate: none is written)
        elif e.kind == FILE and e.stat is not None:
            _count_file(seen, e.rel, e.stat.st_size, big)
    seen.packed = -(-seen.packed // 10240) * 10240     # tar writes whole records of 20 blocks
    return seen


def _count_file(seen: Census, rel: str, size: int, big: int | None) -> None:
    """Count the file ``rel`` (``size`` bytes) into ``seen``."""
    seen.files += 1
    seen.file_bytes += size
    seen.packed += 512 + -(-size // 512) * 512
    top = rel.split("/", 1)[0] if "/" in rel else ""
    seen.by_top[top] = seen.by_top.get(top, 0) + 1
    seen.bytes_by_top[top] = seen.bytes_by_top.get(top, 0) + size
    if big is not None and size > big:
        seen.biggest.append((rel, size))


def _add_regular(tf: tarfile.TarFile, path: Path, arcname: str) -> bool:
    """Add the regular file at ``path`` as ``arcname``, opened without following a link (a file swapped for
    a link after it was looked at is not read); False if it is not a regular file any more."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return False
        tf.addfile(tf.gettarinfo(arcname=arcname, fileobj=fh), fh)
    return True


LOOP_WORDS = "a link that points back into itself (a loop): left out"


def _link_skip(link: Path, here: Path, top: Path) -> tuple[str, bool]:
    """Why the link ``link`` (in the real folder ``here``, under the real library folder ``top``) is not
    followed, and whether that is a link to something already in the folder (counted, not listed); a link that loops
    (``loopA -> loopB -> loopA``: Path.resolve raises) said in words (p50 QA: "cannot be read (RuntimeError: Symlink
    loop from '/tmp/...')")."""
    try:
        real = link.resolve()
    except RuntimeError:                 # Python before 3.13: "Symlink loop from ..."
        return LOOP_WORDS, False
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return LOOP_WORDS, False
        raise
    if not real.exists():
        return "broken link (what it points at does not exist)", False
    if real != top and top not in real.parents:
        return (f"link to {real}, outside the folder: not sent (only what lies inside the folder leaves "
                "this computer; copy it in to send it)"), False
    if real.is_dir() and (real == here or real in here.parents):
        return "folder link loops back to a folder that holds it (not followed)", False
    return "", True


def pack_directory(directory: str | Path, out: str | Path, skipped: list[tuple[str, str]] | None = None,
                   leave: dict[str, str] | None = None, on_file: Callable[[int], None] | None = None,
                   walk: FolderWalk | None = None) -> Path:
    """Write ``directory`` as an uncompressed tar (what ``hatbox push-library DIR`` uploads): its files in the order
    of its walk (:func:`walk_folder`; ``walk``: taken already, None: walked now), each folder resolved again as it is
    packed (one swapped for a link since the walk is not followed) and each file opened without following a link.

    Only what lies inside ``directory`` is packed: a link (to a file or a folder) is never followed.  A
    link whose target is outside the folder is left out and reported (a ``passwd.wav -> /etc/passwd``
    never leaves the laptop); a link whose target is inside is left out quietly, counted, as the target
    goes once under its own path (a ``hatbox tag --links`` folder inside the library must not send every
    sample twice; the library scan skips such links too); a folder link that loops back is reported.
    Hidden files and folders (``.*``) stay behind, as ``hatbox tag`` ignores them.  What is left out
    otherwise (broken links, special files, unreadable entries) is appended to ``skipped`` as (path inside
    the folder, reason).  ``leave``: files not to pack (path inside the folder -> why, said in ``skipped``; "": left
    out without a word, e.g. the corrections CSV sent as corrections); ``on_file``: called with each packed file's
    size in bytes (a progress bar)."""
    directory, out = Path(directory), Path(out)
    if not directory.is_dir():
        raise ArchiveError(f"{directory} is not a folder")
    walk = walk or walk_folder(directory)
    packer = _Packer(directory, skipped if skipped is not None else [], leave or {}, on_file)
    with tarfile.open(out, "w", dereference=True) as tf:
        for e in walk.entries:
            packer.add(tf, e)
    packer.end()
    return out


class _Packer:
    """:func:`pack_directory`'s state: the folders resolved so far (path inside -> real path), those cut (not packed,
    nor what is in them), the links to what is inside counted."""

    def __init__(self, folder: Path, skips: list[tuple[str, str]], leave: dict[str, str],
                 on_file: Callable[[int], None] | None) -> None:
        self.folder, self.skips, self.leave, self.on_file = folder, skips, leave, on_file
        self.top = folder.resolve()
        self.heres: dict[str, Path] = {"": self.top}
        self.cut: set[str] = set()
        self.inner_links = 0

    def add(self, tf: tarfile.TarFile, e: Entry) -> None:
        """Pack entry ``e``, or say why not in ``skips``."""
        parent = e.rel.rpartition("/")[0]
        if parent in self.cut:
            self._cut(e)
            return
        if e.kind == UNREADABLE:
            self.skips.append((e.rel or ".", f"cannot be read ({why_words(e.error)})"))
            return
        if e.rel in self.leave:
            self.skips.extend([(e.rel, self.leave[e.rel])] if self.leave[e.rel] else [])
            self._cut(e)
            return
        try:
            self._add(tf, e, self.heres[parent])
        except (OSError, RuntimeError) as exc:
            self.skips.append((e.rel, f"cannot be read ({why_words(exc)})"))
            self._cut(e)

    def _cut(self, e: Entry) -> None:
        """Entry ``e`` is not packed: when a folder, nor is anything in it."""
        if e.kind == DIR:
            self.cut.add(e.rel)

    def _add(self, tf: tarfile.TarFile, e: Entry, here: Path) -> None:
        path = self.folder / e.rel
        if e.kind == ERROR and e.error is not None:
            raise e.error
        if e.kind == LINK:
            why, inner = _link_skip(path, here, self.top)
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
        """The count of links to what is inside, in one line."""
        if self.inner_links:
            self.skips.append(("", count_words(self.inner_links, "link to a file already in the folder or to a "
                                               "folder in it (sent once, under its own path)", "links to files "
                                               "already in the folder or to folders in it (sent once, under their "
                                               "own path)")))
