"""Safe unpacking of sample-library archives (zip or tar, optionally gz/bz2/xz).

Nothing in an uploaded archive is trusted.  Archive-wide problems (not an archive, damaged,
too many files, expands past the total limit or ratio: an archive bomb) raise
:class:`ArchiveError` and nothing is kept.  Per-file problems reject only that file, with a
reason in the report: unsafe paths (absolute, ``..``, drive letters, backslashes, control
characters), links, device files and FIFOs, non-audio files, files over the size or
compression-ratio limit, files whose bytes differ from what the archive declares, WAVs whose
header claims more audio than the file holds, and audio that does not decode to the end.

Sizes are bytes; ``frames`` are sample frames; ``rate`` Hz.
"""
from __future__ import annotations

import os
import shutil
import stat
import struct
import tarfile
import zipfile
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Callable, Iterator

from device.audio.audiofile import READABLE_SUFFIXES
from hatbox.errors import HatboxError

AUDIO_EXTENSIONS = READABLE_SUFFIXES      # what is unpacked is what the library scan tags
_CHUNK = 1 << 16


class ArchiveError(HatboxError):
    """The archive as a whole is refused (nothing from it is kept)."""


@dataclass(frozen=True)
class Limits:
    max_files: int = 20000
    max_total_bytes: int = 4 << 30
    max_file_bytes: int = 1 << 30
    max_ratio: float = 100.0              # uncompressed / compressed, per file and overall
    ratio_floor_bytes: int = 1 << 20      # ratios only matter past this size
    extensions: tuple[str, ...] = AUDIO_EXTENSIONS


@dataclass
class FileReport:
    path: str
    ok: bool
    reason: str = ""
    bytes: int = 0
    frames: int = 0
    rate: int = 0
    channels: int = 0


@dataclass
class ArchiveReport:
    files: list[FileReport] = field(default_factory=list)

    @property
    def accepted(self) -> list[FileReport]:
        return [f for f in self.files if f.ok]

    @property
    def rejected(self) -> list[FileReport]:
        return [f for f in self.files if not f.ok]

    def to_dict(self) -> dict:
        return {"accepted": len(self.accepted), "rejected": len(self.rejected),
                "files": [asdict(f) for f in self.files]}


@dataclass
class Entry:
    """One archive member, format-independent."""

    name: str
    kind: str                 # "file", "dir", "link", "device", "other"
    size: int                 # declared uncompressed size
    packed: int               # compressed size (tar: same as size)
    open: Callable[[], IO[bytes]]
    encrypted: bool = False


# ------------------------------------------------------------------------- listing
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
    return [Entry(i.filename, _zip_kind(i), i.file_size, i.compress_size,
                  (lambda i=i: zf.open(i)), bool(i.flag_bits & 0x1)) for i in zf.infolist()]


def _tar_kind(m: tarfile.TarInfo) -> str:
    if m.isdir():
        return "dir"
    if m.issym() or m.islnk():
        return "link"
    if m.ischr() or m.isblk() or m.isfifo():
        return "device"
    return "file" if m.isfile() else "other"


def _tar_entries(tf: tarfile.TarFile, limits: Limits) -> list[Entry]:
    out: list[Entry] = []
    total = 0
    for m in tf:                      # iterating bounds the work: stop as soon as a limit is passed
        total += max(m.size, 0)
        out.append(Entry(m.name, _tar_kind(m), m.size, m.size, (lambda m=m: tf.extractfile(m))))
        _check_totals(len(out), total, limits)
    return out


def _check_totals(count: int, total: int, limits: Limits) -> None:
    if count > limits.max_files:
        raise ArchiveError(f"the archive holds more than {limits.max_files} files",
                           hint="split the library into several uploads")
    if total > limits.max_total_bytes:
        raise ArchiveError(f"the archive expands to more than {limits.max_total_bytes} bytes: "
                           "refusing a possible archive bomb")


def _check_ratio(total: int, archive_bytes: int, limits: Limits) -> None:
    if total > limits.ratio_floor_bytes and total / max(archive_bytes, 1) > limits.max_ratio:
        raise ArchiveError(f"the archive expands {total / max(archive_bytes, 1):.0f}-fold "
                           f"(limit {limits.max_ratio:.0f}): refusing a possible archive bomb")


# --------------------------------------------------------------------------- paths
def safe_relpath(name: str) -> PurePosixPath | str:
    """A safe relative path for a member name, or the reason it is unsafe."""
    if not name or "\x00" in name or any(ord(c) < 32 for c in name):
        return "unsafe path: empty or contains control characters"
    if "\\" in name:
        return "unsafe path: contains a backslash"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "unsafe path: absolute"
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        return "unsafe path: goes outside the library (..)"
    if not parts or len(name) > 1024 or any(len(p.encode()) > 255 for p in parts):
        return "unsafe path: empty or too long"
    return PurePosixPath(*parts)


def _junk(rel: PurePosixPath) -> bool:
    return rel.parts[0] == "__MACOSX" or rel.name.startswith("._") or rel.name == ".DS_Store"


def _precheck(e: Entry, rel: PurePosixPath | str, limits: Limits) -> str:
    """Why ``e`` is refused before reading a byte of it ("" if it may be extracted)."""
    if isinstance(rel, str):
        return rel
    if e.kind == "link":
        return "links are not allowed"
    if e.kind in ("device", "other"):
        return "device files, FIFOs and special files are not allowed"
    if _junk(rel):
        return "operating-system metadata, not a sample"
    if rel.suffix.lower() not in limits.extensions:
        return f"not an audio file ({rel.suffix or 'no extension'})"
    if e.encrypted:
        return "encrypted archive members are not supported"
    if e.size > limits.max_file_bytes:
        return f"{e.size} bytes is over the per-file limit of {limits.max_file_bytes}"
    if e.size > limits.ratio_floor_bytes and e.size / max(e.packed, 1) > limits.max_ratio:
        return (f"compression ratio {e.size / max(e.packed, 1):.0f}:1 is over "
                f"{limits.max_ratio:.0f}:1: refusing a possible archive bomb")
    return ""


# ------------------------------------------------------------------------- copying
def _copy_bounded(src: IO[bytes], dst: Path, declared: int) -> str:
    """Copy at most ``declared`` bytes; the reason if the member holds more or fewer."""
    n = 0
    try:
        with open(dst, "xb") as out:
            for chunk in iter(lambda: src.read(_CHUNK), b""):
                n += len(chunk)
                if n > declared:
                    return f"holds more bytes than the archive declares ({declared})"
                out.write(chunk)
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError, ValueError) as exc:
        return f"damaged inside the archive ({type(exc).__name__}: {exc})"
    return "" if n == declared else f"holds {n} bytes, the archive declares {declared}"


# --------------------------------------------------------------------------- audio
def wav_header_problem(path: Path) -> str:
    """Whether a WAV's header lies about its data size ("" if it is honest)."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[:4] not in (b"RIFF", b"RIFX") or head[8:12] != b"WAVE":
            return "not a RIFF/WAVE file"
        fmt = "<I" if head[:4] == b"RIFF" else ">I"
        pos = 12
        while pos + 8 <= size:
            fh.seek(pos)
            cid, (csize,) = fh.read(4), struct.unpack(fmt, fh.read(4))
            if cid == b"data":
                avail = size - pos - 8
                return "" if csize <= avail else (f"WAV header claims {csize} bytes of audio "
                                                   f"but the file holds {avail}")
            pos += 8 + csize + (csize & 1)
    return "WAV file has no data chunk"


def audio_problem(path: Path) -> tuple[str, int, int, int]:
    """(reason or "", frames, rate, channels) after decoding the whole file in blocks."""
    import soundfile as sf

    if path.suffix.lower() == ".wav":
        lie = wav_header_problem(path)
        if lie:
            return lie, 0, 0, 0
    try:
        with sf.SoundFile(str(path)) as f:
            declared, rate, ch = f.frames, f.samplerate, f.channels
            got = sum(len(b) for b in f.blocks(blocksize=_CHUNK, dtype="float32"))
    except Exception as exc:  # noqa: BLE001 - libsndfile raises several types
        return f"undecodable audio ({str(exc).strip().splitlines()[0] if str(exc).strip() else exc!r})", 0, 0, 0
    if got == 0:
        return "no audio in the file", 0, rate, ch
    if got != declared:
        return f"decodes to {got} frames but its header says {declared}", got, rate, ch
    return "", got, rate, ch


# ----------------------------------------------------------------------- unpacking
def _open(archive: Path) -> tuple[object, Callable[[Limits], list[Entry]]]:
    try:
        if zipfile.is_zipfile(archive):
            zf = zipfile.ZipFile(archive)
            return zf, lambda _limits: _zip_entries(zf)
        tf = tarfile.open(archive, mode="r:*")
        return tf, lambda limits: _tar_entries(tf, limits)
    except (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ArchiveError(f"not a readable zip or tar archive ({exc}); was the upload cut short?") from None


def _entries(archive: Path, limits: Limits) -> tuple[object, list[Entry]]:
    handle, lister = _open(archive)
    try:
        entries = lister(limits)
    except (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError) as exc:
        handle.close()
        raise ArchiveError(f"the archive is damaged ({exc}); was the upload cut short?") from None
    except ArchiveError:
        handle.close()
        raise
    files = [e for e in entries if e.kind != "dir"]
    total = sum(max(e.size, 0) for e in files)
    try:
        _check_totals(len(files), total, limits)
        _check_ratio(total, archive.stat().st_size, limits)
    except ArchiveError:
        handle.close()
        raise
    return handle, files


def _extract_one(e: Entry, rel: PurePosixPath, root: Path) -> FileReport:
    target = root.joinpath(*rel.parts)
    if not target.resolve().is_relative_to(root.resolve()):
        return FileReport(str(rel), False, "unsafe path: resolves outside the library")
    if target.exists():
        return FileReport(str(rel), False, "duplicate path in the archive")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with e.open() as src:
            why = _copy_bounded(src, target, e.size)
    except (zipfile.BadZipFile, tarfile.TarError, OSError, RuntimeError, EOFError) as exc:
        why = f"cannot be read from the archive ({exc})"
    if not why:
        why, frames, rate, ch = audio_problem(target)
    if why:
        target.unlink(missing_ok=True)
        return FileReport(str(rel), False, why, e.size)
    return FileReport(str(rel), True, "", e.size, frames, rate, ch)


def iter_unpack(archive: str | Path, dest: str | Path, limits: Limits = Limits()) -> Iterator[FileReport]:
    """Extract the acceptable files of ``archive`` under ``dest`` (created), yielding a report per file."""
    archive, root = Path(archive), Path(dest)
    handle, files = _entries(archive, limits)
    root.mkdir(parents=True, exist_ok=True)
    try:
        for e in files:
            rel = safe_relpath(e.name)
            why = _precheck(e, rel, limits)
            yield FileReport(str(e.name), False, why, max(e.size, 0)) if why else _extract_one(e, rel, root)
    finally:
        handle.close()  # type: ignore[attr-defined]


def unpack_archive(archive: str | Path, dest: str | Path, limits: Limits = Limits()) -> ArchiveReport:
    """Unpack into ``dest`` (which must not exist) all at once: on ArchiveError nothing is left."""
    dest = Path(dest)
    if dest.exists():
        raise ArchiveError(f"{dest} already exists")
    partial = dest.with_name(dest.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        report = ArchiveReport(list(iter_unpack(archive, partial, limits)))
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    os.replace(partial, dest)
    return report


def pack_directory(directory: str | Path, out: str | Path) -> Path:
    """Write ``directory`` as an uncompressed tar (what ``hatbox push-library DIR`` uploads)."""
    directory, out = Path(directory), Path(out)
    if not directory.is_dir():
        raise ArchiveError(f"{directory} is not a folder")
    with tarfile.open(out, "w") as tf:
        for path in sorted(directory.rglob("*")):
            if path.is_file() and not path.is_symlink():
                tf.add(path, arcname=path.relative_to(directory).as_posix(), recursive=False)
    return out
