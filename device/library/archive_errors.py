"""Why the box refuses a sample-library archive whole (device.library.archive imports these):
:class:`ArchiveError`, the box's disk filling up (:class:`NoSpace`: ENOSPC, EDQUOT) or its storage failing
(:class:`StorageFailed`: EIO, a read-only or vanished card), what each answer says to do, and an exception in a few
words for a reason (:func:`why_words`)."""
from __future__ import annotations

import errno

from hatbox.errors import HatboxError, first_line

DISK_FULL = (errno.ENOSPC, errno.EDQUOT)   # the box's disk (or the store's quota) is full
# what a full disk's answer says to do: the laptop commands that list and delete libraries and packs
NO_ROOM_HINT = ("make room: hatbox box-library lists the libraries, hatbox box-library ID --delete removes one "
                "(or hatbox box-pack lists the packs, hatbox box-pack ID --delete removes an old one); "
                "then send it again")
# the box's storage failing, not the member: an I/O error, a card gone read-only, vanished or corrupt
STORAGE_FAILED = (errno.EIO, errno.EROFS, errno.ENODEV, errno.ENXIO, getattr(errno, "EUCLEAN", errno.EIO))
# what a failing storage's answer says to do
STORAGE_HINT = ("check the box's storage (its SD card or drive): reseat it or check its file system, and "
                "replace it if this keeps happening; then try again")
# an archive refused whole as damaged: what to do, in plain words (the technical reason goes to the box's log)
REMAKE = "make it again, or send it again if the upload was cut short"


class ArchiveError(HatboxError):
    """The archive as a whole is refused (nothing from it is kept)."""


class NoSpace(ArchiveError):
    """The box's disk filled up while unpacking: the archive is refused whole, nothing of it is kept."""


class StorageFailed(ArchiveError):
    """The box's storage failed (:data:`STORAGE_FAILED`) while unpacking: the archive is refused whole,
    nothing of it is kept."""


def is_storage_failure(exc: BaseException) -> bool:
    """Whether ``exc`` is the box's storage failing (:data:`STORAGE_FAILED`), not a member's fault."""
    return isinstance(exc, OSError) and exc.errno in STORAGE_FAILED


def _refused_whole(what: str, exc: BaseException, member: str, default: str) -> str:
    """The message of a library refused whole because ``what`` happened ("the box's disk filled up") on error
    ``exc`` (met writing ``member``, a path inside the archive; ``default``: the reason when ``exc`` has none)."""
    where = f" while writing {member}" if member else " while unpacking the library"
    return f"{what}{where} ({getattr(exc, 'strerror', None) or default}); nothing of the library was kept"


def _storage_failed(exc: BaseException, member: str = "") -> StorageFailed:
    """The StorageFailed for the storage error ``exc`` (met writing ``member``, a path inside the archive)."""
    return StorageFailed(_refused_whole("the box's storage failed", exc, member, "I/O error"), hint=STORAGE_HINT)


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` is the disk (or the quota) being full."""
    return isinstance(exc, OSError) and exc.errno in DISK_FULL


def _no_space(exc: BaseException, member: str = "") -> NoSpace:
    """The NoSpace for the disk error ``exc`` (met writing ``member``, a path inside the archive)."""
    return NoSpace(_refused_whole("the box's disk filled up", exc, member, "no space left"), hint=NO_ROOM_HINT)
def why_words(exc: BaseException) -> str:
    """An exception in a few words, without file names (an OSError gives its strerror only)."""
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    text = first_line(exc).rstrip(":").strip() if str(exc).strip() else ""   # no text: the type's name alone
    kind = type(exc).__name__
    if kind == "error":                                       # zlib.error, struct.error
        kind = f"{type(exc).__module__}.error"
    return f"{kind}: {text}" if text else kind
