"""A library folder packed into a tar on the laptop (what ``hatbox push-library FOLDER`` uploads), and the size that
tar will have, both by the same rules: only what lies inside the folder, no links followed, hidden files left
behind.  The box's side, unpacking what arrives, is :mod:`device.library.archive`."""
from __future__ import annotations

import os
import stat
import tarfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from device.audio.audiofile import hidden_name
from device.library.archive_errors import ArchiveError, why_words
from hatbox.text import count_words


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


def census(folder: Path, big: int | None = None, leave: frozenset[str] = frozenset()) -> Census:
    """:class:`Census` of ``folder``, by :func:`pack_directory`'s rules (hidden files and folders, links and
    ``leave``, paths inside the folder, are not packed, so not counted); ``big``: the files over this many bytes are
    listed in ``biggest`` (None: none).  Files that cannot be read count as nothing here."""
    seen = Census()
    for path in folder.rglob("*"):
        rel = path.relative_to(folder).parts
        try:       # hidden files and folders (.git/) and links (a --links folder inside) are not packed: not counted
            if path.is_symlink() or any(hidden_name(p) for p in rel) or "/".join(rel) in leave:
                continue
            if path.is_dir():
                seen.packed += 512                    # a folder's own header (an overestimate: none is written)
            elif path.is_file():
                _count_file(seen, "/".join(rel), path.stat().st_size, big)
        except OSError:
            continue
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


def _link_skip(link: Path, here: Path, top: Path) -> tuple[str, bool]:
    """Why the link ``link`` (in the real folder ``here``, under the real library folder ``top``) is not
    followed, and whether that is a link to something already in the folder (counted, not listed)."""
    real = link.resolve()
    if not real.exists():
        return "broken link (what it points at does not exist)", False
    if real != top and top not in real.parents:
        return (f"link to {real}, outside the folder: not sent (only what lies inside the folder leaves "
                "this computer; copy it in to send it)"), False
    if real.is_dir() and (real == here or real in here.parents):
        return "folder link loops back to a folder that holds it (not followed)", False
    return "", True


def pack_directory(directory: str | Path, out: str | Path, skipped: list[tuple[str, str]] | None = None,
                   leave: dict[str, str] | None = None, on_file: Callable[[int], None] | None = None) -> Path:
    """Write ``directory`` as an uncompressed tar (what ``hatbox push-library DIR`` uploads).

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
    leave = leave or {}
    if not directory.is_dir():
        raise ArchiveError(f"{directory} is not a folder")
    skips = skipped if skipped is not None else []
    top = directory.resolve()
    inner_links = 0

    def walk(folder: Path, rel: str) -> None:
        nonlocal inner_links
        try:
            here = folder.resolve()
            children = sorted(folder.iterdir())
        except (OSError, RuntimeError) as exc:
            skips.append((rel or ".", f"cannot be read ({why_words(exc)})"))
            return
        if here != top and top not in here.parents:       # swapped for a link while packing
            skips.append((rel, "no longer inside the folder (not followed)"))
            return
        for child in children:
            name = f"{rel}/{child.name}" if rel else child.name
            if hidden_name(child.name):
                continue
            if name in leave:
                skips.extend([(name, leave[name])] if leave[name] else [])
                continue
            try:
                if child.is_symlink():
                    why, inner = _link_skip(child, here, top)
                    if inner:
                        inner_links += 1
                    else:
                        skips.append((name, why))
                elif child.is_dir():
                    walk(child, name)
                elif not (child.is_file() and _add_regular(tf, child, name)):
                    skips.append((name, "not a regular file (a FIFO, socket or device)"))
                elif on_file is not None:
                    on_file(child.stat().st_size)
            except (OSError, RuntimeError) as exc:
                skips.append((name, f"cannot be read ({why_words(exc)})"))

    with tarfile.open(out, "w", dereference=True) as tf:
        walk(directory, "")
    if inner_links:
        skips.append(("", count_words(inner_links, "link to a file already in the folder or to a folder in it (sent "
                                      "once, under its own path)", "links to files already in the folder or to "
                                      "folders in it (sent once, under their own path)")))
    return out
