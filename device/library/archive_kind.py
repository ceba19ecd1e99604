"""Whether a sample-library archive is a zip or a tar, by the archive's own start (fiftieth stop).

``zipfile.is_zipfile`` looks for a zip's end record near the end of a file, so a tar whose last member is a zip (a
.hatpack or a .zip kept beside the samples, packed last) passed for that zip: `hatbox push-library FOLDER` read its
own packing as the inner zip ("holds no audio file (only 3 other files)"), and the box would have unpacked the inner
zip's files instead of the library.  Here a zip is what starts as one (a local file header ``PK\\x03\\x04``, or
``PK\\x05\\x06``: an empty zip) and zipfile can read, and a tar what starts with a tar header (``ustar`` at byte 257,
or a header whose checksum holds: an old v7 tar) or as a gzip, bzip2 or xz stream that tarfile can read; the tar
header is asked first, as a tar whose first member's name starts ``PK\\x03\\x04`` starts as a zip does, and a zip
whose start only looks like a tar header is still a zip.  Only a file that starts as neither is asked the old way: a
zip after other bytes (a self-extracting archive) is still a zip.
One answer for every caller: the box's unpacking (device.library.archive_members), push-library's checks (hatbox/)."""
from __future__ import annotations

import os
import tarfile
import zipfile

ZIP, TAR = "zip", "tar"
ZIP_STARTS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")    # a local file header, an empty zip, a spanned zip
COMPRESSED_STARTS = (b"\x1f\x8b", b"BZh", b"\xfd7zXZ\x00")     # gzip, bzip2, xz: a compressed tar's start
_BLOCK = 512                                                   # one tar header


def archive_kind(path: str | os.PathLike[str]) -> str:
    """:data:`ZIP` or :data:`TAR` (maybe gzip, bzip2 or xz compressed) for the archive at ``path``, "" when it is
    neither that zipfile or tarfile can open (a zip cut short, a damaged file, something else).  OSError when the
    file cannot be read."""
    with open(path, "rb") as f:
        head = f.read(_BLOCK)
    as_zip, as_tar = head.startswith(ZIP_STARTS), tar_header(head) or head.startswith(COMPRESSED_STARTS)
    if as_tar and tarfile.is_tarfile(path):    # first: a tar whose first member's name starts "PK\x03\x04" is a tar
        return TAR
    if (as_zip or not as_tar) and zipfile.is_zipfile(path):    # neither start: a self-extracting zip (a stub first)
        return ZIP
    if as_zip or as_tar:
        return ""
    return TAR if tarfile.is_tarfile(path) else ""


def tar_header(head: bytes) -> bool:
    """Whether ``head`` (a file's first 512 bytes) is a tar header: POSIX ``ustar`` (GNU ``ustar  ``) at byte 257, or
    an old v7 header that tarfile reads (its checksum right, not all zeros)."""
    if len(head) < _BLOCK:
        return False
    if head[257:262] == b"ustar":
        return True
    try:
        tarfile.TarInfo.frombuf(head, "utf-8", "surrogateescape")
    except (tarfile.HeaderError, ValueError):
        return False
    return True


def is_zip(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a zip (:func:`archive_kind`), False when it cannot be read (as zipfile.is_zipfile says)."""
    try:
        return archive_kind(path) == ZIP
    except OSError:
        return False
