"""Walk a library folder for audio files (WAV, FLAC, AIFF, OGG), sorted, skipping hidden files."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

from device.audio.audiofile import READABLE_SUFFIXES, hidden_name


def audio_files(root: Path, exclude: Path | None = None) -> Iterator[Path]:
    """Every audio file under ``root`` in a stable order (``exclude``: a folder to skip, e.g. links).
    A symlink to a file inside ``root`` is left out (the file itself is listed: a links folder made by
    ``hatbox tag --links`` inside the library must not tag every sample twice); links to files
    elsewhere are followed."""
    skip = exclude.resolve() if exclude is not None else None
    top = root.resolve()
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not hidden_name(d) and (here / d).resolve() != skip)
        for name in sorted(files):
            path = here / name
            if hidden_name(name) or path.suffix.lower() not in READABLE_SUFFIXES:
                continue
            if path.is_symlink() and top in path.resolve().parents:
                continue
            yield path


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
