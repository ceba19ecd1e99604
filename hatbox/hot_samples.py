"""Samples of a library that peak over full scale, said by `hatbox push-library` before it sends them (p43 formats QA;
an archive's too since the p43 leftovers: a zip's were never said).

A 32-bit float WAV (a hot bus print) can hold peaks over 0 dBFS (+6 dBFS in QA's library); the box's sampler plays it
as it is and its output limiter squashes it (distortion 10 dB under the source).  Which files, and the words, are
device.library.hot's, as the box's own upload check says them (a ``warning`` of the file in its answer): a folder's
files are read from the folder, a zip's or tar's from the archive by the box's own reader (device.library.archive:
its names, as the box lists them), each member's header first, and only a float one read whole.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from device.audio.audiofile import COMPRESSED_SUFFIXES, READABLE_SUFFIXES
from hatbox.box_client import safe_text

if TYPE_CHECKING:
    from device.library.folder_tar import FolderWalk

FLOAT_SUFFIXES = tuple(s for s in READABLE_SUFFIXES if s not in COMPRESSED_SUFFIXES)    # formats that hold floats
NAMED = 10                   # files named, then "and N more"


def over_full_scale(src: Path) -> list[tuple[str, float]]:
    """(path inside the folder or archive ``src``, POSIX, as the box lists it; peak dBFS) of its audio files that peak
    over full scale, in path order (a folder: the files push-library sends, :func:`hot_in_walk`) or the archive's;
    hidden and system files left out, as push-library and the box leave them out."""
    from device.library.folder_tar import walk_folder
    return hot_in_walk(walk_folder(src)) if src.is_dir() else _archive(src)


def hot_in_walk(walk: FolderWalk) -> list[tuple[str, float]]:
    """(path inside, peak dBFS) of the float-capable audio files of the walked folder ``walk`` that peak over full
    scale, in path order: only regular files that are sent (p50 review: a link was named, though links are never
    sent: one to a file inside is sent once, under that file's path; one to outside not at all), hidden and system
    files and a name's twin in another Unicode form (device.library.folder_tar.FolderWalk.twins) left out."""
    from device.library.folder_tar import FILE
    from device.library.hot import hot_peak
    from device.library.member_checks import is_metadata
    found, twins = [], walk.twins()
    for e in walk.entries:
        rel = PurePosixPath(e.rel)
        if e.kind != FILE or e.rel in twins or rel.suffix.lower() not in FLOAT_SUFFIXES or is_metadata(rel):
            continue
        peak = hot_peak(walk.folder / e.rel)
        if peak is not None:
            found.append((e.rel, peak))
    return found


def _archive(archive: Path) -> list[tuple[str, float]]:
    """:func:`over_full_scale` of the zip or tar ``archive``, read once (device.library.archive.each_member): [] when
    it cannot be read (the box says why)."""
    from device.library.archive import ArchiveError, each_member
    found = []
    try:
        with tempfile.TemporaryDirectory(prefix="hatbox-hot-") as tmp:
            for e in each_member(archive):
                hot = member_hot(e, Path(tmp))
                if hot is not None:
                    found.append(hot)
    except (ArchiveError, OSError):
        return []
    return found


def member_hot(entry: Any, tmp: Path) -> tuple[str, float] | None:
    """(its path as the box lists it, peak dBFS) of archive member ``entry`` (device.library.archive.Entry) when it is
    a float audio file (by its suffix, then its header) that peaks over full scale; read into the folder ``tmp`` for
    that; None for any other (hidden and system files too, as the box leaves them out)."""
    from device.library.member_checks import is_metadata, safe_relpath
    rel = safe_relpath(entry.name)
    if entry.kind != "file" or isinstance(rel, str) or is_metadata(rel) or rel.suffix.lower() not in FLOAT_SUFFIXES:
        return None
    peak = _member_peak(entry, tmp / f"member{rel.suffix.lower()}")
    return None if peak is None else (str(rel), peak)


def _member_peak(entry: Any, scratch: Path) -> float | None:
    """The peak over full scale of archive member ``entry`` (device.library.hot.hot_peak), read whole into
    ``scratch`` only when its header says float samples (or does not read alone: a CAF's), in one reading of the
    member (a second opening read a gzip'd tar again from its start); None otherwise, and for a member that cannot be
    read (the box says why)."""
    from device.library.hot import float_subtype, head_bytes, hot_peak
    try:
        with entry.open() as member:
            head = head_bytes(member)
            if float_subtype(head) is False:
                return None
            with open(scratch, "wb") as out:
                out.write(head.getvalue())
                shutil.copyfileobj(member, out)
    except Exception:  # noqa: BLE001 - zipfile, tarfile, zlib...: a member that does not read is the box's to say
        return None
    return hot_peak(scratch)


def hot_lines(hot: list[tuple[str, float]]) -> list[str]:
    """`push-library`'s ``  warning PATH: ...`` lines for the files ``hot`` (:func:`over_full_scale`), in the words
    the box's own check says them (device.library.hot.hot_words)."""
    from device.library.hot import hot_words
    lines = [f"  warning {safe_text(rel)}: {hot_words(peak, rel)}" for rel, peak in hot[:NAMED]]
    if len(hot) > NAMED:
        lines.append(f"  warning: {len(hot) - NAMED} more files peak over 0 dBFS")
    return lines
