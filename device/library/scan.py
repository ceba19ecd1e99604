"""Walk a library folder for audio files (WAV, FLAC, AIFF, OGG), sorted, skipping hidden files."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

from device.audio.audiofile import READABLE_SUFFIXES, hidden_name

LINKS_LIST = ".hatbox-links"     # device.library.links.MADE: a folder holding it is a --links folder, not samples


class LibraryWalk:
    """The audio files under a library folder, in a stable order (iterate it once: :func:`audio_files`).
    Iterating fills ``unreadable``: (folder relative to the root, POSIX, "." for the root itself; why) of every
    folder that could not be listed (no permission, a drive gone), whose files are then not listed, and ``dangling``:
    the links to nothing not named as audio files (a folder on a drive not plugged in, or a stray link to a file;
    device.library.tag keeps the files it knows under one)."""

    def __init__(self, root: Path, exclude: Path | None = None) -> None:
        self.root, self.exclude = Path(root), exclude
        self.unreadable: list[tuple[str, str]] = []
        self.dangling: list[str] = []        # links to nothing, not named as audio files ("Splice Vol. 2" too)

    def _blocked(self, exc: OSError) -> None:
        try:
            rel = Path(exc.filename).relative_to(self.root).as_posix()
        except (TypeError, ValueError):
            rel = str(exc.filename)
        self.unreadable.append((rel, exc.strerror or str(exc)))

    def __iter__(self) -> Iterator[Path]:
        skip = self.exclude.resolve() if self.exclude is not None else None
        top = self.root.resolve()
        seen = {top}                      # real folders walked: a folder reached twice (a link loop) is walked once
        for folder, dirs, files in os.walk(self.root, onerror=self._blocked, followlinks=True):
            here = Path(folder)
            dirs[:] = [d for d in sorted(dirs) if not hidden_name(d) and self._walks(here / d, top, skip, seen)]
            for name in sorted(files):
                path = here / name
                if path.is_symlink() and not path.exists() and path.suffix.lower() not in READABLE_SUFFIXES \
                        and not hidden_name(name):       # maybe a link to a folder on a drive not plugged in
                    self.dangling.append(path.relative_to(self.root).as_posix())
                    continue
                if hidden_name(name) or path.suffix.lower() not in READABLE_SUFFIXES:
                    continue
                if path.is_symlink() and _inside(path, top):
                    continue
                yield path

    @staticmethod
    def _walks(sub: Path, top: Path, skip: Path | None, seen: set[Path]) -> bool:
        """Whether to go into folder ``sub``: not the excluded one, not a folder of links `hatbox tag --links` made
        (one holding :data:`LINKS_LIST`: a library copied with it has links into the old one), not a link to a
        folder inside the library
        (walked anyway), not one already walked, not a link to a folder that holds the library (``~/Samples/home
        -> ~``, ``root -> /``: it would walk the whole disk); a link to a folder elsewhere is followed."""
        real = _real(sub)
        if real is None or real == skip or real in seen or (sub / LINKS_LIST).is_file():
            return False
        if sub.is_symlink() and (_inside(sub, top) or real in top.parents):
            return False
        seen.add(real)
        return True


def _real(path: Path) -> Path | None:
    """``path`` with every link followed, or None for a link that loops (``a.wav -> a.wav``)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return None


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
    st = path.stat()
    return int(st.st_size), int(st.st_mtime_ns)


def content_hash(path: Path, chunk: int = 1 << 20) -> str:
    """blake2b-128 of the file's bytes, read in chunks."""
    import hashlib
    h = hashlib.blake2b(digest_size=16)
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            h.update(block)
    return h.hexdigest()


def readable_hash(path: Path) -> str:
    """:func:`content_hash` of ``path``, or "" when its bytes cannot be read."""
    try:
        return content_hash(path)
    except OSError:
        return ""
