"""The archive `hatbox push-library` sends, made and checked on this computer before a byte goes: the library's name
on the box, a folder packed into a tar (what is left out, and why), a zip or tar checked to read to its end, and
refused when it is a hatbox pack or holds no audio.  (Out of hatbox/cmd_box_library.py, kept under 600 lines.)
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from hatbox.box_client import safe_text
from hatbox.errors import HatboxError
from hatbox.library_limits import packing
from hatbox.text import count_words

if TYPE_CHECKING:
    from device.library.folder_tar import Census
    from hatbox.archive_look import ArchiveLook


def library_name(src: Path) -> str:
    """The name a library gets on the box: a folder's own name ("Kit v1.2", "." -> the folder it means),
    an archive's without its .zip / .tar / .tar.gz / .tgz ..."""
    if src.is_dir():
        return src.resolve().name or "library"
    from device.library.archive import ARCHIVE_SUFFIXES

    name = src.name
    for ext in ARCHIVE_SUFFIXES:
        if name.lower().endswith(ext):
            return name[:-len(ext)] or "library"
    return src.stem or "library"


def name_for(src: Path, given: str | None) -> str:
    """The library's name on the box: ``given`` (HatboxError if the box would refuse it), else the folder's
    or archive's own name, shortened to what the box takes (with a note)."""
    from device.library.archive import LIBRARY_NAME_MAX_CHARS, library_name_problem

    if given:
        why = library_name_problem(given)
        if why:
            raise HatboxError(f"--name: {why}; nothing was sent",
                              hint=f"give a shorter --name (at most {LIBRARY_NAME_MAX_CHARS} characters)")
        return given
    name = library_name(src)
    if library_name_problem(name):
        name = name[:LIBRARY_NAME_MAX_CHARS].rstrip() or "library"
        print(f"note: the library is named {safe_text(name)!r} on the box (a name is at most "
              f"{LIBRARY_NAME_MAX_CHARS} characters; --name gives another)")
    return name


def as_archive(src: Path, tmp: Path, seen: Census | None = None, leave: dict[str, str] | None = None,
                quiet: bool = True) -> tuple[Path, list[tuple[str, str]]]:
    """The archive to upload, and what was left out of a folder (path inside it, why); a folder (``seen``: its
    census) packed without ``leave`` (path inside -> why), said while it is packed (hatbox.library_limits.packing),
    from the push's one walk of it (hatbox.push_walk.walked, handed to device.library.folder_tar.pack_directory)."""
    from device.library import folder_tar
    from device.library.archive import AUDIO_EXTENSIONS
    from device.library.archive_kind import archive_kind
    from hatbox.push_walk import walked

    if src.is_dir():
        skipped: list[tuple[str, str]] = []
        walk = walked(src)
        try:
            with packing(src, seen or folder_tar.census(src, walk=walk), quiet) as on_file:
                out = tmp / f"{src.name or 'library'}.tar"
                packed = folder_tar.pack_directory(src, out, skipped, leave, on_file, walk=walk)
            return packed, _junk_said(walk.junk) + skipped
        except OSError as exc:      # the temporary folder full or capped (EFBIG): said, not an internal error
            raise HatboxError(f"could not pack {safe_text(src)} into a temporary archive in {safe_text(tmp.parent)} "
                              f"({exc.strerror or exc}); nothing was sent",
                              hint="make room there, or point TMPDIR at a folder with room for the library") from None
    if not src.is_file():
        raise HatboxError(f"{safe_text(src)} is neither a folder nor an archive",
                          hint="give a folder of samples, a .zip or a .tar (.tar.gz, .tar.bz2, .tar.xz)")
    try:
        kind = archive_kind(src)          # by its start: a tar whose last member is a zip is a tar
    except OSError as exc:
        raise HatboxError(f"cannot read {safe_text(src)} ({exc.strerror or exc})") from None
    if not kind:
        if src.suffix.lower() in AUDIO_EXTENSIONS:
            raise HatboxError(f"{safe_text(src.name)} is a single audio file, not a library",
                              hint="give a folder of samples, a .zip or a .tar (.tar.gz, .tar.bz2, .tar.xz)")
        if _starts_as_zip(src):               # a download or copy cut short: the zip's directory is at its end
            raise HatboxError(f"{safe_text(src.name)} is a damaged or incomplete zip (cut short?); nothing was sent",
                              hint="make the zip again, or copy or download it again")
        raise HatboxError(f"{safe_text(src.name)} is not a zip or tar archive",
                          hint="give a folder of samples, a .zip or a .tar (.tar.gz, .tar.bz2, .tar.xz)")
    if kind == "tar":
        _check_tar(src)
    return src, []


def _junk_said(junk: dict[str, int]) -> list[tuple[str, str]]:
    """The one line (a count: path "") for the leftovers beside the samples that the walk left out (``junk``: kind ->
    how many; device.audio.junk_names), or none."""
    from device.audio.junk_names import junk_words
    words = junk_words(junk)
    return [("", f"{words}: no samples, not packed")] if words else []


def _starts_as_zip(src: Path) -> bool:
    """Whether ``src`` begins as a zip does (device.library.archive_kind.ZIP_STARTS: a local file header, an empty zip's
    end record, a spanned zip's marker)."""
    from device.library.archive_kind import ZIP_STARTS
    try:
        with open(src, "rb") as f:
            return f.read(4).startswith(ZIP_STARTS)
    except OSError:
        return False


def is_pack(src: Path) -> bool:
    """Whether ``src`` is a hatbox pack (a zip holding manifest.json and model.onnx, export/pack.py), which a
    producer may hand push-library by mistake: the box would take the upload and then refuse it."""
    import zipfile

    from device.library.archive_kind import is_zip
    from export.pack import MANIFEST, MODEL

    if not is_zip(src):
        return False
    try:
        with zipfile.ZipFile(src) as zf:
            names = set(zf.namelist())
    except (OSError, zipfile.BadZipFile):
        return False
    return {MANIFEST, MODEL} <= names


def _check_tar(src: Path) -> None:
    """HatboxError (nothing sent) when the tar ``src`` (maybe compressed) is damaged or cut short: its listing is
    read to the end, as the box reads it, so a short file is not taken for an upload cut short."""
    import tarfile

    try:
        with tarfile.open(src) as tf:
            tf.getmembers()
    except Exception as exc:  # noqa: BLE001 - tarfile, gzip, bz2, lzma and zlib each raise their own
        if isinstance(exc, OSError) and exc.errno is not None:     # reading it failed (a BadGzipFile has none)
            raise HatboxError(f"cannot read {safe_text(src)} ({exc.strerror or exc})") from None
        raise HatboxError(f"{safe_text(src.name)} is damaged or incomplete: make it again",
                          hint="nothing was sent; or give the folder of samples itself: hatbox push-library "
                               "FOLDER") from None


def check_has_audio(src: Path, archive: Path, look: ArchiveLook | None = None) -> None:
    """HatboxError (nothing sent) when ``archive`` (the tar packed from the folder ``src``, or the zip or tar
    ``src`` itself) holds no file the box takes as audio: an empty folder or archive, one of documents only, or of
    macOS's ``__MACOSX`` / ``._*`` copies only.  One that cannot be read is left to the box to say.  ``look``: the
    archive as hatbox.archive_look read it (else it is read here, up to its first audio file)."""
    from device.library.archive import AUDIO_EXTENSIONS, others_if_no_audio
    others = others_if_no_audio(archive) if look is None else look.others
    if others is None:
        return
    held = f" (only {count_words(others, 'other file')})" if others else ""
    raise HatboxError(f"{safe_text(src)} holds no audio file{held}; nothing was sent",
                      hint=f"the box takes {' '.join(AUDIO_EXTENSIONS)}: put samples in the "
                           f"{'folder' if src.is_dir() else 'archive'} (convert other formats to WAV or FLAC), then "
                           "send it again")
