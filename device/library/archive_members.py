"""Listing a sample-library archive's members (zip or tar, optionally gz/bz2/xz) within the box's limits
(device.library.archive re-exports these): :class:`Limits`, :class:`Entry` (one member, format-independent),
:func:`each_member`, and the whole-archive checks (too many files, past the total size or ratio: an archive bomb)
that refuse it with :class:`ArchiveError` before a byte is unpacked.  Sizes are bytes."""
from __future__ import annotations

import logging
import stat
import tarfile
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath
from typing import IO, Callable, Iterator

from device.library.archive_errors import REMAKE, ArchiveError, _storage_failed, is_storage_failure, why_words
from device.library.archive_kind import is_zip
from device.library.member_checks import AUDIO_EXTENSIONS, is_metadata, open_zip_member
from device.library.zip_names import zip_names

log = logging.getLogger("hatbox.library")


# The box's limits on one library archive by default (a box may be built with others: device.api.box.ApiConfig's
# library_limits, which its GET /status publishes: Limits.published), public for `hatbox push-library`'s checks
# before it packs or sends a byte (hatbox.library_limits: the box's own limits, these where it does not say them).
MAX_FILES = 20000                  # members but folders (a tar's folders count too)
MAX_TOTAL_BYTES = 4 << 30          # the members' sizes together, unpacked
MAX_FILE_BYTES = 1 << 30           # one member, unpacked (a member over it is refused, the rest kept)
MAX_RATIO = 100.0                  # unpacked / packed, per member and overall


@dataclass(frozen=True)
class Limits:
    max_files: int = MAX_FILES
    max_total_bytes: int = MAX_TOTAL_BYTES
    max_file_bytes: int = MAX_FILE_BYTES
    max_ratio: float = MAX_RATIO          # uncompressed / compressed, per file and overall
    ratio_floor_bytes: int = 1 << 20      # ratios only matter past this size
    extensions: tuple[str, ...] = AUDIO_EXTENSIONS

    def published(self) -> dict[str, int | float]:
        """These limits as the box's ``GET /status`` publishes them (its ``library_limits``: :data:`PUBLISHED`)."""
        return {key: getattr(self, key) for key in PUBLISHED}

    def with_published(self, given: object) -> Limits:
        """These limits with those a box publishes (``given``: its status's ``library_limits``) in their place, each
        one a positive number; what it leaves out, or gives in another form (a box of another version), stays."""
        if not isinstance(given, dict):
            return self
        kept = {key: given[key] for key in PUBLISHED if _positive(given.get(key), float if key == "max_ratio" else int)}
        return replace(self, **kept)


PUBLISHED = ("max_files", "max_total_bytes", "max_file_bytes", "max_ratio", "ratio_floor_bytes")


def _positive(value: object, kind: type) -> bool:
    """Whether ``value`` is a positive number of ``kind`` (int; float takes an int too), never a bool."""
    kinds = (int, float) if kind is float else (int,)
    return isinstance(value, kinds) and not isinstance(value, bool) and value > 0


@dataclass
class Entry:
    """One archive member, format-independent."""

    name: str
    kind: str                 # "file", "dir", "link", "device", "other"
    size: int                 # declared uncompressed size
    packed: int               # compressed size (tar: same as size)
    open: Callable[[], IO[bytes]]
    encrypted: bool = False
    problem: str = ""         # set when the listing already shows the member cannot be taken
    archive: str = "archive"  # what holds it, as a reason names it: "zip" or "tar"
    shift_jis: bool = False   # a zip whose names were read as Shift-JIS (device.library.zip_names)
def _zip_kind(info: zipfile.ZipInfo) -> str:
    mode = info.external_attr >> 16
    if info.is_dir():
        return "dir"
    if stat.S_ISLNK(mode):
        return "link"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode):
        return "device"
    return "file"


def _zip_entries(zf: zipfile.ZipFile) -> list[Entry]:
    infos = zf.infolist()
    names, shift_jis = zip_names(infos)
    return [Entry(n, _zip_kind(i), i.file_size, i.compress_size, (lambda i=i: open_zip_member(zf, i)),
                  bool(i.flag_bits & 0x1), archive="zip", shift_jis=shift_jis) for n, i in zip(names, infos)]


def _tar_kind(m: tarfile.TarInfo) -> str:
    if m.isdir():
        return "dir"
    if m.issym() or m.islnk():
        return "link"
    if m.ischr() or m.isblk() or m.isfifo():
        return "device"
    return "file" if m.isfile() else "other"


def _tar_entry(tf: tarfile.TarFile, m: tarfile.TarInfo) -> Entry:
    return Entry(m.name, _tar_kind(m), m.size, m.size, (lambda m=m: tf.extractfile(m)), archive="tar")


def others_if_no_audio(archive: Path) -> int | None:
    """How many files the zip or tar ``archive`` holds when none of them is audio the box takes (`hatbox
    push-library`'s check before sending: an archive of documents, or of macOS's ``._*`` copies only); None when it
    holds audio, or cannot tell (unreadable, or past the box's limits: the box says what is wrong).  A tar's members
    are read up to the first audio file (:func:`each_member`; QA: a 6 KB tar of 8 GiB of zeros was read through for
    40 s).  A zip's links count as files, a tar's do not."""
    count = 0
    try:
        for e in each_member(archive):
            counted = e.kind == "file" or e.archive == "zip"
            if counted and takes_audio(PurePosixPath(e.name)):
                return None
            count += counted
    except (OSError, ArchiveError):
        return None
    return count


def takes_audio(n: PurePosixPath) -> bool:
    """Whether a member named ``n`` is audio the box takes (a member outside the library: the box names it)."""
    return n.suffix.lower() in AUDIO_EXTENSIONS and (not is_metadata(n) or ".." in n.parts)


def bytes_words(size: int) -> str:
    """``size`` (bytes) as a musician reads it: "4 GiB", "500 MiB", "12 KiB" (QA: "more than 4294967296 bytes")."""
    for unit, power in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if size >= 2 ** power:
            return f"{size / 2 ** power:.3g} {unit}"
    return f"{size} bytes"


def _check_totals(count: int, total: int, limits: Limits) -> None:
    if count > limits.max_files:
        raise ArchiveError(f"the archive holds more than {limits.max_files} files",
                           hint="split the library into several uploads")
    if total > limits.max_total_bytes:
        raise ArchiveError(f"the archive expands to more than {bytes_words(limits.max_total_bytes)}: "
                           "refusing a possible archive bomb")


def _check_ratio(total: int, archive_bytes: int, limits: Limits) -> None:
    if total > limits.ratio_floor_bytes and total / max(archive_bytes, 1) > limits.max_ratio:
        raise ArchiveError(f"the archive expands {total / max(archive_bytes, 1):.0f}-fold "
                           f"(limit {limits.max_ratio:.0f}): refusing a possible archive bomb")
def _open(archive: Path) -> tuple[object, Callable[[Limits], list[Entry]]]:
    try:
        if is_zip(archive):                   # by its start: a tar whose last member is a zip is a tar
            try:
                zf = zipfile.ZipFile(archive)
            except UnicodeDecodeError:          # zipfile refuses the whole listing over one such name
                raise ArchiveError("the zip says its file names are UTF-8 but one is not; zip the folder "
                                   "again (or send it as a .tar)") from None
            return zf, lambda _limits: _zip_entries(zf)
        tf = tarfile.open(archive, mode="r:*")        # its listing stops as soon as a limit is passed
        return tf, lambda limits: list(_tar_stream(tf, archive, limits))
    except tarfile.ReadError as exc:
        if "could not be opened successfully" in str(exc):     # tarfile lists what it tried, line by line
            raise ArchiveError("not a zip or tar archive (a tar may be gzip, bzip2 or xz compressed); "
                               "was the upload cut short?") from None
        raise _damaged(exc) from None
    except ArchiveError:                  # already in plain words
        raise
    except Exception as exc:  # noqa: BLE001 - whatever the listing's parsers raise, the archive is refused cleanly
        if is_storage_failure(exc):       # the box cannot read its own copy of the upload
            raise _storage_failed(exc) from None
        raise _damaged(exc) from None


def _damaged(exc: BaseException) -> ArchiveError:
    """The ArchiveError refusing a damaged or incomplete archive, in plain words; the technical reason (``exc``)
    goes to the box's log."""
    log.warning("library upload refused, the archive is damaged or incomplete: %s", why_words(exc))
    return ArchiveError(f"the archive is damaged or incomplete: {REMAKE}")


def _listing_failed(exc: Exception) -> ArchiveError:
    """The ArchiveError for a listing that failed on ``exc`` (tarfile, zlib, bz2, lzma...: the archive is refused)."""
    if isinstance(exc, ArchiveError):
        return exc
    return _storage_failed(exc) if is_storage_failure(exc) else _damaged(exc)


def _listed(handle: object, lister: Callable[[Limits], list[Entry]], archive: Path, limits: Limits) -> list[Entry]:
    """The members of ``archive`` but its folders, listed by ``lister``, within ``limits`` as a whole."""
    try:
        entries = lister(limits)
    except Exception as exc:  # noqa: BLE001 - a listing that fails refuses the archive
        raise _listing_failed(exc) from None
    files = [e for e in entries if e.kind != "dir"]
    total = sum(max(e.size, 0) for e in files)
    _check_totals(len(files), total, limits)
    _check_ratio(total, archive.stat().st_size, limits)
    return files


def _entries(archive: Path, limits: Limits) -> tuple[object, list[Entry]]:
    handle, lister = _open(archive)
    try:
        return handle, _listed(handle, lister, archive, limits)
    except BaseException:
        handle.close()  # type: ignore[attr-defined]
        raise


def each_member(archive: str | Path, limits: Limits = Limits()) -> Iterator[Entry]:
    """Each member of the zip or tar ``archive`` but its folders, in the archive's order, as the box's unpacking lists
    them (a zip's names read as it reads them, its limits checked): the archive opened and listed once.  A member's
    data (``Entry.open()``) may be read while it is the one at hand: a tar, maybe compressed, is then read once from
    front to back, its data with its headers (reading an earlier member's would read a compressed tar again from
    its start).  ArchiveError when it cannot be listed or passes a limit (a tar: when the listing gets there, so a
    caller keeps nothing of a walk cut short); the archive is closed when the walk ends or is dropped.  For the
    laptop's checks before an upload (`hatbox push-library`: hatbox/archive_look.py), one reading for them all."""
    archive = Path(archive)
    handle, lister = _open(archive)
    try:
        if isinstance(handle, tarfile.TarFile):
            yield from _tar_stream(handle, archive, limits)
        else:
            yield from _listed(handle, lister, archive, limits)
    finally:
        handle.close()  # type: ignore[attr-defined]


def _tar_stream(tf: tarfile.TarFile, archive: Path, limits: Limits) -> Iterator[Entry]:
    """:func:`each_member` of an open tar: each member as its header is read, the limits checked as the listing goes
    (the whole-archive ratio at its end)."""
    count = total = 0
    members = iter(tf)
    while True:
        try:
            m = next(members)
        except StopIteration:
            break
        except Exception as exc:  # noqa: BLE001 - a listing that fails refuses the archive
            raise _listing_failed(exc) from None
        count, total = count + 1, total + max(m.size, 0)
        _check_totals(count, total, limits)
        if not m.isdir():
            yield _tar_entry(tf, m)
    _check_ratio(total, archive.stat().st_size, limits)
