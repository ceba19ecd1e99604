"""Safe unpacking of sample-library archives (zip or tar, optionally gz/bz2/xz).

Nothing in an uploaded archive is trusted.  Archive-wide problems (not an archive, damaged
beyond listing its members, too many files, expands past the total limit or ratio: an archive
bomb) raise :class:`ArchiveError` and nothing is kept, not even the folder it was unpacking
into; so does the box's disk filling up (:class:`NoSpace`, ENOSPC or EDQUOT anywhere while
unpacking; also NoSpace, before a byte is written, when the members' declared sizes are over the room the caller
gives) or its storage failing (:class:`StorageFailed`, EIO, a read-only or vanished card): a library
is taken whole or not at all.  Hidden files and operating-system metadata
(``__MACOSX/``, ``._*``, ``.DS_Store``, ``Thumbs.db``...: what a Finder or Explorer zip adds and the
library scan never tags) are skipped quietly and only counted.  Member paths are kept in Unicode's
composed form (NFC: a Mac's decomposed accents composed; a second member spelled so in the other form is
refused, saying so).  Per-file problems reject only that
file, with a reason in the report: unsafe paths
(absolute, ``..``, drive letters, backslashes, control or other non-printable characters, names
that are not UTF-8), a path that clashes with another member (a file where a folder is needed),
links, device files and FIFOs, non-audio files (an archive inside the archive is not unpacked: the
reason says so), files over the size or compression-ratio limit,
members whose compressed data is damaged or whose bytes differ from what the archive declares,
WAVs, AIFFs and Wave64s whose header claims more audio than the file holds, audio that does not decode to the
end (an MP3 that decodes short of its Xing/Info header's length too), and audio the sampler would
not play (NaN samples, float samples at integer scale).  An MP3 whose length libsndfile misjudges (a
VBR stream without a Xing/Info header) or cannot check (free format) is kept with a warning.
Anything unforeseen while unpacking one member rejects that member; anywhere else it refuses the
archive (ArchiveError): never a traceback, never a half-made folder.  Reasons name a file by its path
inside the archive, never by where the box keeps it.  The per-file rules (names, paths, audio) live in
:mod:`device.library.member_checks`; what a member is refused for before a byte of it is
read, in :mod:`device.library.member_names` (`hatbox push-library` checks an archive's names by it before sending).
A file kept is also checked for float audio over full scale (:mod:`device.library.hot`): kept, with a warning.

Sizes are bytes; ``frames`` are sample frames; ``rate`` Hz.
"""
from __future__ import annotations

import logging
import os
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Iterator

from device.library.zip_names import SHIFT_JIS_NOTE
from device.library.member_names import precheck as _precheck, verdict
# ARCHIVE_SUFFIXES, AUDIO_EXTENSIONS, LIBRARY_NAME_MAX_CHARS, STORAGE_HINT, each_member, library_name_problem and
# others_if_no_audio stay readable here for device/api/ and hatbox's library commands (other helpers' files)
from device.library.member_checks import (ARCHIVE_SUFFIXES, AUDIO_EXTENSIONS, LIBRARY_NAME_MAX_CHARS,  # noqa: F401
                                          audio_problem, audio_warning, is_metadata, is_metadata_member, is_other_file,
                                          library_name_problem, safe_relpath)
from device.library.archive_errors import (NO_ROOM_HINT, STORAGE_HINT, ArchiveError, NoSpace,  # noqa: F401
                                           StorageFailed, _no_space, _storage_failed, is_disk_full,
                                           is_storage_failure, why_words)
from device.library.archive_members import Entry, Limits, _entries, each_member, others_if_no_audio  # noqa: F401
from hatbox.text import display_name

_CHUNK = 1 << 16                          # bytes copied at a time

log = logging.getLogger("hatbox.library")


@dataclass
class FileReport:
    path: str
    ok: bool
    reason: str = ""
    bytes: int = 0
    frames: int = 0
    rate: int = 0
    channels: int = 0
    warning: str = ""          # a file kept that the box may not play as its maker meant (an MP3 cut, a float +6 dB)
    not_audio: bool = False    # left out only for not being audio (a kit's .xml, a readme): not a problem to fix


@dataclass
class ArchiveReport:
    files: list[FileReport] = field(default_factory=list)
    skipped: int = 0           # hidden files and operating-system metadata, left out quietly
    notes: list[str] = field(default_factory=list)   # about the archive as a whole: how its names were read

    @property
    def accepted(self) -> list[FileReport]:
        return [f for f in self.files if f.ok]

    @property
    def rejected(self) -> list[FileReport]:
        """Files refused for a problem (a damaged or unsafe member, audio the box cannot play or read)."""
        return [f for f in self.files if not f.ok and not f.not_audio]

    @property
    def not_audio(self) -> list[FileReport]:
        """Files left out for not being audio: a Hydrogen kit's drumkit.xml, a vendor's readme or cover art."""
        return [f for f in self.files if f.not_audio]

    @property
    def left_out(self) -> list[FileReport]:
        """Every file not kept: the rejected ones, then those that are not audio."""
        return self.rejected + self.not_audio

    def to_dict(self) -> dict:
        return {"accepted": len(self.accepted), "rejected": len(self.rejected), "not_audio": len(self.not_audio),
                "skipped": self.skipped, "notes": list(self.notes), "files": [asdict(f) for f in self.files]}


# prechecks (what a member is refused for before a byte of it is read): device.library.member_names


# ------------------------------------------------------------------------- copying
def _scrub(reason: str, target: Path, root: Path, rel: str) -> str:
    """``reason`` with the box's own paths (the extracted file, the library folder) replaced by ``rel``."""
    for path, name in ((target.resolve(), rel), (target, rel), (root.resolve(), "."), (root, ".")):
        for form in (repr(str(path)), str(path)):
            reason = reason.replace(form, repr(name) if form.startswith(("'", '"')) else name)
    return reason


class _Unreadable(Exception):
    """A member's data cannot be read from the archive (its compressed data is damaged); ``args[0]``: the cause."""


def _unreadable(e: Entry, name: str, exc: BaseException) -> str:
    """Why member ``e`` (``name``: its path inside the archive) is left out when its data cannot be read (``exc``),
    in plain words; the technical reason goes to the box's log."""
    log.warning("library upload: %s left out, it cannot be read from the %s: %s", name, e.archive, why_words(exc))
    if isinstance(exc, NotImplementedError):    # zipfile: a compression method it does not know (deflate64, PPMd...)
        return (f"packed with a kind of compression the box cannot read; make the {e.archive} again with "
                "ordinary compression")
    return f"damaged inside the {e.archive}; make the {e.archive} again"


def _copy_bounded(src: IO[bytes], dst: Path, declared: int) -> str:
    """Copy at most ``declared`` bytes; the reason if the member holds more (a zip's member reads one byte past
    its header's size to tell: device.library.member_checks.open_zip_member) or fewer, :class:`_Unreadable` if
    it cannot be read.

    Errors writing ``dst`` (the box's disk) are raised; errors reading ``src`` are the member's (_Unreadable),
    but for the box's storage failing (:func:`is_storage_failure`), which are raised as they are."""
    n = 0
    with open(dst, "xb") as out:
        while True:
            try:
                chunk = src.read(_CHUNK)
            except Exception as exc:  # noqa: BLE001 - zlib, bz2, lzma, zipfile and tarfile each raise their own
                if is_storage_failure(exc):     # the box's copy of the upload cannot be read: not the member's fault
                    raise
                raise _Unreadable(exc) from None
            if not chunk:
                break
            n += len(chunk)
            if n > declared:
                return (f"holds more data than its header in the archive declares ({declared} bytes): left out, "
                        "as a possible archive bomb")
            out.write(chunk)
    return "" if n == declared else f"holds {n} bytes, the archive declares {declared}"


# ----------------------------------------------------------------------- unpacking
def _place(rel: PurePosixPath, root: Path) -> str:
    """Why ``rel`` cannot be written under ``root`` ("" once its folder exists)."""
    for i in range(1, len(rel.parts)):
        folder = root.joinpath(*rel.parts[:i])
        if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
            return f"path clashes with the file {PurePosixPath(*rel.parts[:i])} earlier in the archive"
    target = root.joinpath(*rel.parts)
    if target.is_dir() and not target.is_symlink():
        return "path clashes with a folder of the same name earlier in the archive"
    if target.exists() or target.is_symlink():
        return "duplicate path in the archive"
    if not target.resolve().is_relative_to(root.resolve()):
        return "unsafe path: resolves outside the library"
    target.parent.mkdir(parents=True, exist_ok=True)
    return ""


def _discard(target: Path, root: Path) -> None:
    """Remove a rejected member's file and the folders made only for it."""
    target.unlink(missing_ok=True)
    for folder in target.parents:
        if folder == root or not folder.is_relative_to(root):
            break
        try:
            folder.rmdir()
        except OSError:
            break


def _extract_one(e: Entry, rel: PurePosixPath, root: Path) -> FileReport:
    """Unpack one member and check its audio; NoSpace (the whole archive refused) when the disk is full."""
    name, target = str(rel), root.joinpath(*rel.parts)
    frames = rate = ch = 0
    warning = ""
    try:
        why = _place(rel, root)
        if why:                                   # nothing of ours to remove (the path may be another member's)
            return FileReport(name, False, why, e.size)
        try:
            src = e.open()
        except Exception as exc:  # noqa: BLE001 - a member that cannot be opened is refused, whatever the cause
            if is_storage_failure(exc):         # the box's copy of the upload cannot be read: refused whole, below
                raise
            why = _unreadable(e, name, exc)
        else:
            with src:
                try:
                    why = _copy_bounded(src, target, e.size)
                except _Unreadable as exc:
                    why = _unreadable(e, name, exc.args[0])
        if not why:
            why, frames, rate, ch = audio_problem(target)
        if not why:
            warning = audio_warning(target, frames, rate)
    except OSError as exc:
        if is_disk_full(exc):
            raise _no_space(exc, name) from None
        if is_storage_failure(exc):
            raise _storage_failed(exc, name) from None
        why = f"could not be written on the box ({why_words(exc)})"
    except Exception as exc:  # noqa: BLE001 - the safety net: one member's surprise never stops the rest
        why = f"could not be unpacked ({why_words(exc)})"
    if why:
        try:
            _discard(target, root)
        except OSError:
            pass
        return FileReport(name, False, _scrub(why, target, root, name), e.size)
    return FileReport(name, True, "", e.size, frames, rate, ch, warning)


def _one(e: Entry, root: Path, limits: Limits, kept: dict[str, str] | None = None) -> FileReport:
    """The report of member ``e``; ``kept``: the paths (NFC) of the members kept so far -> their names as the
    archive spells them (one in the other normal form is refused: :func:`device.library.paths.other_spelling`)."""
    kept = {} if kept is None else kept
    try:
        rel, shown, why, _ = verdict(e, limits, kept)       # its name and what it is (device.library.member_names)
        if why or isinstance(rel, str):
            other = (not isinstance(rel, str) and not e.problem and e.kind == "file"
                     and rel.suffix.lower() not in limits.extensions and is_other_file(rel))
            return FileReport(shown, False, why, max(e.size, 0), not_audio=other)
        report = _extract_one(e, rel, root)
        if report.ok:
            kept.setdefault(report.path, e.name)
        return report
    except (NoSpace, StorageFailed):
        raise
    except Exception as exc:  # noqa: BLE001 - the safety net: one member's surprise never stops the rest
        return FileReport(display_name(e.name), False, f"could not be unpacked ({why_words(exc)})", max(e.size, 0))


def unpacked_bytes(files: list[Entry], limits: Limits) -> int:
    """Bytes that unpacking ``files`` writes at most: the declared sizes of the members it extracts (not the
    hidden and operating-system files it skips, nor those refused before a byte is read: links, unsafe paths,
    non-audio, over a limit)."""
    total = 0
    for e in files:
        rel = safe_relpath(e.name)
        if isinstance(rel, str) or is_metadata(rel) or e.problem or _precheck(e, rel, limits):
            continue
        total += max(e.size, 0)
    return total


def _check_room(files: list[Entry], limits: Limits, room: int | None) -> None:
    """NoSpace when unpacking ``files`` would write more than ``room`` bytes (what the box's disk can give the
    library; None: not checked), before a byte is written."""
    if room is None:
        return
    need = unpacked_bytes(files, limits)
    if need > room:
        raise NoSpace(f"the library unpacks to {need} bytes but the box has room for {max(room, 0)} more (its free "
                      "space less a reserve); nothing of the library was kept", hint=NO_ROOM_HINT)


def iter_unpack(archive: str | Path, dest: str | Path, limits: Limits = Limits(),
                skipped: list[str] | None = None, room: int | None = None,
                notes: list[str] | None = None) -> Iterator[FileReport]:
    """Extract the acceptable files of ``archive`` under ``dest`` (created), yielding a report per file;
    hidden files and operating-system metadata (:func:`is_metadata`) get no report: their names go to
    ``skipped``.  NoSpace when the disk fills up, StorageFailed when the box's storage fails (what was
    extracted stays: the caller removes ``dest``); NoSpace before ``dest`` is made when the members to
    extract declare more than ``room`` bytes (:func:`unpacked_bytes`; None: not checked).  ``notes`` gets what to
    say of the archive as a whole (its names read as Shift-JIS)."""
    archive, root = Path(archive), Path(dest)
    handle, files = _entries(archive, limits)
    if notes is not None and any(e.shift_jis for e in files):
        notes.append(SHIFT_JIS_NOTE)
    try:
        _check_room(files, limits, room)
        root.mkdir(parents=True, exist_ok=True)
        kept: dict[str, str] = {}
        for e in files:
            if is_metadata_member(e.name):        # hidden, system or leftover files (Icon\r too): not reported
                if skipped is not None:
                    skipped.append(e.name)
                continue
            yield _one(e, root, limits, kept)
    finally:
        handle.close()  # type: ignore[attr-defined]


def first_missing(path: Path) -> Path | None:
    """The topmost folder of ``path`` that does not exist yet (what unpacking will create), or None."""
    top = None
    while not path.exists() and path != path.parent:
        top, path = path, path.parent
    return top


def unpack_archive(archive: str | Path, dest: str | Path, limits: Limits = Limits(),
                   room: int | None = None) -> ArchiveReport:
    """Unpack into ``dest`` (which must not exist) all at once: on ArchiveError nothing is left, neither
    ``dest`` nor any folder above it that this call created.  A full disk anywhere on the way is NoSpace,
    and so are members that declare more than ``room`` bytes (the disk's room for them; None: not checked),
    found from the archive's listing before a byte is written; the box's storage failing is StorageFailed
    (both ArchiveErrors); any other unforeseen error becomes an ArchiveError."""
    dest = Path(dest)
    if dest.exists():
        raise ArchiveError(f"{dest.name} already exists")
    partial = dest.with_name(dest.name + ".partial")
    made = first_missing(dest.parent)
    shutil.rmtree(partial, ignore_errors=True)
    skipped: list[str] = []
    notes: list[str] = []
    try:
        report = ArchiveReport(list(iter_unpack(archive, partial, limits, skipped, room, notes)), len(skipped), notes)
        os.replace(partial, dest)
    except BaseException as exc:
        shutil.rmtree(partial, ignore_errors=True)
        if made is not None:
            shutil.rmtree(made, ignore_errors=True)
        failure = error_of(exc)
        if failure is exc:
            raise
        raise failure from None
    return report


def error_of(exc: BaseException) -> BaseException:
    """What :func:`unpack_archive` raises for ``exc``, met while unpacking: a full disk as NoSpace, the storage failing
    as StorageFailed, any other Exception that is not an ArchiveError as an ArchiveError in words; an ArchiveError,
    and what is not an Exception (a cancel, KeyboardInterrupt), as itself.  (device/library/unpack_worker.py says a
    child's error so too.)"""
    if is_disk_full(exc):
        return _no_space(exc)
    if is_storage_failure(exc):
        return _storage_failed(exc)
    if isinstance(exc, Exception) and not isinstance(exc, ArchiveError):
        return ArchiveError(f"the archive could not be unpacked ({why_words(exc)})")
    return exc
