"""Walk a library folder for audio files (WAV, FLAC, AIFF, OGG), sorted, skipping hidden files."""
from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Iterator

from device.audio.audiofile import READABLE_SUFFIXES, hidden_name
from device.library.member_checks import OTHER_AUDIO_SUFFIXES

LOST_FOUND = "lost+found"        # fsck's root-only folder at the top of every ext4 drive: skipped when closed to us
LINKS_LIST = ".hatbox-links"     # device.library.links.MADE: a folder holding it is a --links folder, not samples


class LibraryWalk:
    """The audio files under a library folder, in a stable order (iterate it once: :func:`audio_files`).
    Iterating fills ``unreadable``: (folder relative to the root, POSIX, "." for the root itself; why) of every
    folder that could not be listed (no permission, a drive gone), whose files are then not listed, and ``dangling``:
    the links to nothing not named as audio files (a folder on a drive not plugged in, or a stray link to a file;
    device.library.tag keeps the files it knows under one), and ``other_formats``: the files in an audio format
    hatbox does not read (device.library.member_checks.OTHER_AUDIO_SUFFIXES: .m4a, .opus...), left out."""

    def __init__(self, root: Path, exclude: Path | None = None) -> None:
        self.root, self.exclude = Path(root), exclude
        self.unreadable: list[tuple[str, str]] = []
        self.dangling: list[str] = []        # links to nothing, not named as audio files ("Splice Vol. 2" too)
        self.other_formats: list[str] = []   # audio in formats hatbox does not read (relative, POSIX), left out

    def _blocked(self, exc: OSError, folder: Path | None = None) -> None:
        """Record the folder ``folder`` (default: the one ``exc`` names) as one that could not be listed."""
        where = folder if folder is not None else exc.filename
        try:
            rel = Path(where).relative_to(self.root).as_posix()
        except (TypeError, ValueError):
            rel = str(where)
        self.unreadable.append((rel, exc.strerror or str(exc)))

    def __iter__(self) -> Iterator[Path]:
        skip = self.exclude.resolve() if self.exclude is not None else None
        top = self.root.resolve()
        seen = {top}                      # real folders walked: a folder reached twice (a link loop) is walked once
        self._holds_links_list(self.root)        # notes a library folder that can be listed but not looked into
        if self.unreadable:
            return
        for folder, dirs, files in os.walk(self.root, onerror=self._blocked, followlinks=True):
            here = Path(folder)
            dirs[:] = [d for d in sorted(dirs) if not hidden_name(d) and self._walks(here / d, top, skip, seen)]
            for name in sorted(files):
                if not hidden_name(name) and self._listed(here / name, top):
                    yield here / name

    def _listed(self, path: Path, top: Path) -> bool:
        """Whether to list ``path`` (a name, not hidden, that the walk found in a folder, not a folder itself): an
        audio file's name, not a link into the library.  Notes a link to nothing not named as audio in
        ``dangling`` (maybe a folder on a drive not plugged in) and audio in a format hatbox does not read in
        ``other_formats``.  A name whose links cannot be looked at is listed: tagging it says why it fails."""
        suffix = path.suffix.lower()
        try:
            link = path.is_symlink()
            if link and suffix not in READABLE_SUFFIXES and not path.exists():
                self.dangling.append(path.relative_to(self.root).as_posix())
                return False
        except OSError:
            link = False
        if suffix in OTHER_AUDIO_SUFFIXES:
            self.other_formats.append(path.relative_to(self.root).as_posix())
        if suffix not in READABLE_SUFFIXES:
            return False
        return not (link and _inside(path, top) and not _broken(path))   # a link to nothing is listed: it fails

    def _walks(self, sub: Path, top: Path, skip: Path | None, seen: set[Path]) -> bool:
        """Whether to go into folder ``sub``: not the excluded one, not a folder of links `hatbox tag --links` made
        (one holding :data:`LINKS_LIST`: a library copied with it has links into the old one), not a link to a
        folder inside the library
        (walked anyway), not one already walked, not a link to a folder that holds the library (``~/Samples/home
        -> ~``, ``root -> /``: it would walk the whole disk); a link to a folder elsewhere is followed.  A folder
        whose insides cannot be looked at (no permission: a drive's root-only ``lost+found``) is noted in
        ``unreadable`` and not gone into."""
        real = _real(sub)
        if real is None or real == skip or real in seen or self._holds_links_list(sub):
            return False
        if sub.is_symlink() and (_inside(sub, top) or real in top.parents):
            return False
        seen.add(real)
        return True

    def _holds_links_list(self, sub: Path) -> bool:
        """Whether folder ``sub`` holds :data:`LINKS_LIST` (a --links folder); True as well, the folder noted in
        ``unreadable``, when that cannot be told (no permission to look inside it: mode 700 of another user, or
        a folder that may be listed but not entered, mode 644), so that it is not walked."""
        try:
            return stat.S_ISREG((sub / LINKS_LIST).stat().st_mode)
        except (FileNotFoundError, NotADirectoryError):
            return False
        except OSError as exc:
            if sub.name != LOST_FOUND:          # fsck's folder on every ext4 drive, root's: never samples, not said
                self._blocked(exc, sub)
            return True


def _real(path: Path) -> Path | None:
    """``path`` with every link followed, or None for a link that loops (``a.wav -> a.wav``)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return None


def _broken(link: Path) -> bool:
    """Whether symlink ``link`` points at nothing (not a loop): listed wherever it points, so that tagging names it
    "broken link" (p50 QA: ``Favourites/kick2.wav -> ../Drums/kick2.wav``, kick2 deleted, went without a word where
    one pointing outside the library was named)."""
    real = _real(link)
    return real is not None and not os.path.lexists(real)


def _inside(link: Path, top: Path) -> bool:
    """Whether symlink ``link`` leads to ``top`` or under it (a loop counts as inside: it leads nowhere else)."""
    real = _real(link)
    return real is None or real == top or top in real.parents


def audio_files(root: Path, exclude: Path | None = None) -> LibraryWalk:
    """Every audio file under ``root`` in a stable order (``exclude``: a folder to skip, e.g. links).
    A symlink to a file or folder inside ``root`` is left out (the file itself is listed: a links folder made
    by ``hatbox tag --links`` inside the library must not tag every sample twice); links to files and
    folders elsewhere are followed (a sample drive linked into the library), each real folder once, but not a
    link to a folder above the library (to ``/`` or the home folder), which would walk the whole disk.  Folders
    that cannot be listed are named in the result's ``unreadable`` once it has been iterated."""
    return LibraryWalk(root, exclude)


def stat_key(path: Path) -> tuple[int, int]:
    """(size bytes, mtime ns): what decides whether a file changed."""
    return key_of(path.stat())


def key_of(st: os.stat_result) -> tuple[int, int]:
    """:func:`stat_key` of a stat already taken."""
    return int(st.st_size), int(st.st_mtime_ns)


def not_regular(mode: int) -> str:
    """What a file of ``mode`` (os.stat's st_mode, links followed) is when it is no regular file, which nothing
    can be read from as audio (reading a named pipe waits for a writer forever): "a named pipe" (FIFO), "a
    socket", "a device", "a folder"; "" for a regular file."""
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a folder"
    return "a device"


def content_hash(path: Path, chunk: int = 1 << 20) -> str:
    """blake2b-128 of the file's bytes, read in chunks of ``chunk`` bytes.  OSError for anything that is no
    regular file (:func:`not_regular`), without waiting on it: a named pipe is opened without blocking."""
    import hashlib
    h = hashlib.blake2b(digest_size=16)
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        kind = not_regular(os.fstat(fd).st_mode)
        if kind:
            raise OSError(f"{path} is {kind}, not a file")
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def readable_hash(path: Path) -> str:
    """:func:`content_hash` of ``path``, or "" when its bytes cannot be read."""
    try:
        return content_hash(path)
    except OSError:
        return ""
