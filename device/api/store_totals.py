"""How much the box's store holds, for ``GET /status``'s ``totals`` (`hatbox status`, `hatbox box-pack`): packs and
their bytes (the pack records' sizes), libraries and their bytes.

A library's files never change once uploaded (a re-tag writes its tags.db and record only), so the bytes under its
``files/`` are counted once per library and kept; its own top-level files (library.json, tags.db) are stat'ed at
each call.  A status poll of a box with a year of libraries then walks no tree.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Iterable

FILES = "files"


def tree_bytes(path: Path) -> int:
    """The bytes of the regular files under ``path`` (links not followed; 0 for what cannot be read)."""
    total = 0
    stack = [path]
    while stack:
        try:
            with os.scandir(stack.pop()) as found:
                for e in found:
                    if e.is_dir(follow_symlinks=False):
                        stack.append(Path(e.path))
                    elif e.is_file(follow_symlinks=False):
                        total += e.stat(follow_symlinks=False).st_size
        except OSError:
            continue
    return total


class LibrarySizes:
    """Bytes of each library folder under ``root`` (``<store>/libraries``), its ``files/`` counted once."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._files: dict[tuple[str, int], int] = {}     # (library id, its files/ folder's inode) -> bytes
        self._lock = threading.Lock()

    def of(self, lid: str) -> int:
        """Library ``lid``'s bytes (0 when its folder is gone)."""
        folder = self.root / lid
        top = 0
        try:
            with os.scandir(folder) as found:
                top = sum(e.stat(follow_symlinks=False).st_size for e in found if e.is_file(follow_symlinks=False))
            key = (lid, (folder / FILES).stat().st_ino)
        except OSError:
            return top
        with self._lock:
            if key not in self._files:
                self._files[key] = tree_bytes(folder / FILES)
            return top + self._files[key]

    def total(self, ids: Iterable[str]) -> int:
        """The bytes of the libraries ``ids`` (the box's list), summed; forgets the libraries no longer there."""
        ids = [str(i) for i in ids]
        with self._lock:
            self._files = {k: v for k, v in self._files.items() if k[0] in ids}
        return sum(self.of(lid) for lid in ids)
