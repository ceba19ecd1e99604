"""Per-file checks on a sample library's members: what a library's file may be called and hold.

The rules both sides share: which suffixes the box unpacks as audio (:data:`AUDIO_EXTENSIONS`) or as a
library (:data:`ARCHIVE_SUFFIXES`), a library's name (:func:`library_name_problem`), whether a member's
path is safe (:func:`safe_relpath`: not absolute, no ``..``, drive letters, backslashes, control or other
non-printable characters, names that are not UTF-8), whether it is hidden or operating-system metadata
(:func:`is_metadata`), and why a non-audio file is not unpacked (:func:`format_problem`; an archive inside
the archive is not: :func:`is_nested_archive`).  Then, once a member is unpacked, its audio
(:func:`audio_problem`): WAVs, AIFFs and Wave64s whose header claims more audio than the file holds
(libsndfile decodes such a file as far as it goes without a word), audio that does not decode to the end
(an MP3 that decodes short of its Xing/Info header's length too), and audio the sampler would not play
(NaN samples, float samples at integer scale).  An MP3 whose length libsndfile misjudges (a VBR stream
without a Xing/Info header) or cannot check (free format) is kept with a warning (:func:`audio_warning`), and
so is float audio that peaks over full scale (device.library.hot).
:mod:`device.library.archive` applies them while unpacking.

``frames`` are sample frames; ``rate`` Hz.
"""
from __future__ import annotations

import io
import math
import zipfile
from pathlib import Path, PurePosixPath
from typing import IO, Any

from device.audio.audiofile import (FLOAT_PEAK_HINT, READABLE_SUFFIXES, empty_file_problem, float_peak_problem,
                                    header_problem, hidden_name, mp3_frames, mp3_length_header, sound_name)
from device.audio.junk_names import ICON_FILE
from device.library.paths import nfc
from hatbox.errors import first_line
from hatbox.text import is_safe_text

AUDIO_EXTENSIONS = READABLE_SUFFIXES      # what is unpacked is what the library scan tags
# what the box unpacks as a library (longest first: ".tar.gz" before ".gz"), and other archive kinds that a
# library's files may be but that are never unpacked inside one
ARCHIVE_SUFFIXES = (".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".tbz2", ".txz", ".zip", ".tar")
_NESTED_ARCHIVE_SUFFIXES = (*ARCHIVE_SUFFIXES, ".gz", ".bz2", ".xz", ".zst", ".7z", ".rar")
NESTED_ARCHIVE = "an archive inside the library: not unpacked; unpack it into the folder first"
# audio formats the box does not take (libsndfile reads some of them; the library scan does not): refused with what
# to convert them to.  MIDI files are not among them: a drum library's grooves (.mid) are no recording to convert,
# only not audio, as its readme is
OTHER_AUDIO_SUFFIXES = (".m4a", ".mp4", ".aac", ".alac", ".wma", ".opus", ".wv", ".ape", ".ac3", ".mp2", ".mpc",
                        ".amr", ".3gp", ".webm", ".mka", ".dsf", ".dff", ".tta", ".shn", ".ra",
                        ".au", ".snd", ".m4b", ".sf2", ".rex", ".rx2", ".voc", ".8svx")
_SYSTEM_FILES = ("thumbs.db", "desktop.ini")   # Windows Explorer's own files (names in any case)
LIBRARY_NAME_MAX_CHARS = 64               # a library's name on the box (POST /libraries?name=), in characters
_BLOCK = 1 << 16                          # sample frames decoded at a time


def library_name_problem(name: str) -> str:
    """Why ``name`` cannot be a library's name on the box ("" if it can): the rule ``POST /libraries``
    applies, checked on the laptop too before a byte is packed or sent."""
    if len(name) > LIBRARY_NAME_MAX_CHARS:
        return f"a library name is at most {LIBRARY_NAME_MAX_CHARS} characters (this one has {len(name)})"
    return ""


def is_nested_archive(name: str) -> bool:
    """Whether a file name (any case) ends like an archive or a compressed file (``x.tar.gz``, ``kit.zip``)."""
    return name.lower().endswith(_NESTED_ARCHIVE_SUFFIXES)


# --------------------------------------------------------------------------- paths
_NOT_UTF8 = "unsafe path: the name is not valid UTF-8"


def safe_relpath(name: str) -> PurePosixPath | str:
    """A safe relative path for a member name, or the reason it is unsafe.

    No character :func:`hatbox.text.unsafe_char` refuses (controls, bidi overrides and isolates, invisible format
    characters, separators, unassigned code points); any script, space or joiner (ZWJ, ZWNJ) is fine.  The path
    comes back in Unicode's composed form (NFC: :func:`device.library.paths.nfc`), the one form the box keeps names
    in: macOS writes accents decomposed, and a long name that fits Linux's 255 bytes composed may not fit
    decomposed."""
    if any(0xD800 <= ord(c) <= 0xDFFF for c in name):
        return _NOT_UTF8
    name = nfc(name)
    if not name or not is_safe_text(name):
        return _unsafe_words(name)
    if "\\" in name:
        return "unsafe path: contains a backslash"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "unsafe path: absolute"
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if any(p == ".." for p in parts):
        return "unsafe path: goes outside the library (..)"
    if not parts:
        return "unsafe path: empty"
    return _too_long(parts) or PurePosixPath(*parts)


def _unsafe_words(name: str) -> str:
    """Why ``name`` (empty, or holding a character :func:`hatbox.text.unsafe_char` refuses) is no safe path: an
    invisible character is named by its code point, as a listing cannot show it; what to do is the caller's to say
    (push-library: "rename it in the archive, then send it again"; p48 QA: a second "rename" here said it twice)."""
    from hatbox.text import INVISIBLE, unsafe_char, unsafe_char_words
    bad = next((c for c in name if unsafe_char(c)), "")
    if bad in INVISIBLE:
        return f"unsafe path: holds {unsafe_char_words(bad)} that makes it look like another name"
    return "unsafe path: empty or contains control, bidi-override or other non-printable characters"


NAME_MAX_BYTES = 255        # one file or folder name on the box's disk (Linux), in UTF-8 bytes
PATH_MAX_CHARS = 1024       # a member's whole path, in characters


def _too_long(parts: list[str]) -> str:
    """Why the path of ``parts`` (its names, in NFC) is too long for the box's disk ("" if it is not): a name over
    :data:`NAME_MAX_BYTES` bytes (said in bytes, the disk's measure: 269 for a name of 205 characters), or a path
    over :data:`PATH_MAX_CHARS` characters."""
    for i, part in enumerate(parts):
        size = len(part.encode())
        if size > NAME_MAX_BYTES:
            what = "file" if i == len(parts) - 1 else "folder"
            return f"name too long for the box's disk ({size} bytes in one {what} name; at most {NAME_MAX_BYTES})"
    chars = len("/".join(parts))
    if chars > PATH_MAX_CHARS:
        return f"path too long for the box ({chars} characters; at most {PATH_MAX_CHARS})"
    return ""


def is_metadata(rel: PurePosixPath) -> bool:
    """Whether ``rel`` is a hidden file or lies in a hidden folder (``.DS_Store``, AppleDouble ``._kick.wav``,
    ``__MACOSX/``, ``.git/``, a recycle bin, a DAW sidecar, NAS metadata: :func:`hidden_name`, as the library scan
    and ``hatbox push-library`` skip them) or is one of Windows Explorer's files (``Thumbs.db``, ``desktop.ini``)."""
    return any(hidden_name(p) for p in rel.parts) or rel.name.lower() in _SYSTEM_FILES


def is_metadata_member(name: str) -> bool:
    """Whether the archive member ``name`` (as the archive names it) is skipped as metadata: :func:`is_metadata` of
    its safe path, or a path otherwise safe one of whose names is macOS's folder icon ``Icon\\r``, whose carriage
    return :func:`safe_relpath` refuses (p50 QA: "the box refuses its name ... rename it" of a file no one sees)."""
    parts = name.split("/")
    if ICON_FILE not in parts:
        rel = safe_relpath(name)
        return not isinstance(rel, str) and is_metadata(rel)
    return not isinstance(safe_relpath("/".join("Icon" if p == ICON_FILE else p for p in parts)), str)


def is_other_file(rel: PurePosixPath) -> bool:
    """Whether a file the box does not unpack is simply not audio (a kit's ``drumkit.xml``, ``readme.txt``, cover
    art): not audio in a format the box does not read, nor an archive inside the library, both of which the
    producer would want to know about.  Only for names outside the box's audio extensions."""
    return rel.suffix.lower() not in OTHER_AUDIO_SUFFIXES and not is_nested_archive(rel.name)


def format_problem(suffix: str) -> str:
    """Why a file ending in ``suffix`` is not unpacked: an audio format the box does not read says what to do."""
    if suffix.lower() in OTHER_AUDIO_SUFFIXES:
        return (f"an audio format the box does not read ({suffix}): convert it to WAV or FLAC "
                f"(the box reads {' '.join(AUDIO_EXTENSIONS)})")
    return f"not an audio file ({suffix or 'no extension'})"


# --------------------------------------------------------------------------- data
class _AtMost(io.RawIOBase):
    """A member's reader that gives at most ``limit`` bytes of the reader ``inner`` (then the end)."""

    def __init__(self, inner: IO[bytes], limit: int) -> None:
        super().__init__()
        self._inner, self._left = inner, limit

    def readable(self) -> bool:
        return True

    def readinto(self, buf: Any) -> int:
        data = self._inner.read(min(len(buf), self._left)) if self._left > 0 else b""
        buf[:len(data)] = data
        self._left -= len(data)
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


def open_zip_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> IO[bytes]:
    """Member ``info`` of the open zip ``zf`` for reading, up to one byte past the size its header declares.
    zipfile itself stops at that size, so a member whose data holds more (p48 QA: a header declaring a 96 KB WAV
    over 1 GiB of data, its CRC the first 96 KB's) read as the 96 KB and was kept; read so, it gives one byte more
    than it declares, which the unpacking refuses (device.library.archive), and nothing past that is inflated.  An
    honest member ends where its data ends, its CRC checked there as before."""
    import copy
    wide = copy.copy(info)
    wide.file_size = info.file_size + (1 << 40)       # zipfile's count of bytes left to give: the wrapper stops first
    return io.BufferedReader(_AtMost(zf.open(wide), info.file_size + 1))


# --------------------------------------------------------------------------- audio
def _decoded_frames(f: Any) -> tuple[int, float]:
    """(the frames libsndfile really decodes from the soundfile.SoundFile ``f``, block by block, and the
    largest |sample| among them, linear: NaN when one is NaN, inf when one is infinite).
    ``SoundFile.blocks`` yields whole blocks even where a read falls short, so it cannot count them."""
    import numpy as np

    buf = np.empty((_BLOCK, f.channels), np.float32)
    got, peak = 0, 0.0
    while True:
        n = len(f.read(_BLOCK, dtype="float32", always_2d=True, out=buf))
        if n:
            peak = float(np.maximum(peak, np.max(np.abs(buf[:n]))))     # np.maximum keeps a NaN, max() would not
        got += n
        if n < _BLOCK:
            return got, peak


MP3_SLACK_FRAMES = 4         # MP3 frames (1152 or 576 samples) a decoded length may differ by: encoder delay, padding
NO_AUDIO = "no audio in the file"       # a header and no samples (the laptop's `hatbox tag` skips such a file)


def audio_problem(path: Path) -> tuple[str, int, int, int]:
    """(reason or "", frames, rate, channels) after decoding the whole file in blocks.

    A WAV, AIFF or Wave64 whose header claims more audio than the file holds is refused
    (:func:`device.audio.audiofile.header_problem`: cut short).  What the box would not play is refused
    here as the sampler would refuse it: NaN or infinite samples,
    and float samples at integer scale (:func:`device.audio.audiofile.float_peak_problem`).  An MP3's frame
    count from libsndfile is the Xing/Info header's (:func:`device.audio.audiofile.mp3_length_header`): an MP3
    with one that decodes more than :data:`MP3_SLACK_FRAMES` frames short of it is cut short (a download
    that did not finish) and refused.  Without one the count is a guess, and a free-format MP3 (one
    :func:`device.audio.audiofile.mp3_frames` cannot follow) cannot be checked: neither is held against the
    file (:func:`audio_warning` says what the box plays of it)."""
    import soundfile as sf

    empty = empty_file_problem(path)
    if empty:
        return empty, 0, 0, 0
    lie = header_problem(path)          # by the file's first bytes: an AIFF named .wav is checked as one
    if lie:
        cut = ": the file is cut short (copy or export it again)" if " header claims " in lie else ""
        return lie + cut, 0, 0, 0
    try:
        with sf.SoundFile(sound_name(path)) as f:      # any name the file system holds (the laptop's)
            declared, rate, ch = f.frames, f.samplerate, f.channels
            got, peak = _decoded_frames(f)
    except Exception as exc:  # noqa: BLE001 - libsndfile raises several types
        return undecodable_words(exc, path), 0, 0, 0
    if got == 0:
        return NO_AUDIO, 0, rate, ch
    if not math.isfinite(peak):
        return "contains NaN or infinite samples: it is not audio the box can play", got, rate, ch
    loud = float_peak_problem(peak)
    if loud:
        return f"{loud}; {FLOAT_PEAK_HINT.format(name=path.name)}", got, rate, ch
    if got != declared:
        if path.suffix.lower() != ".mp3":
            return f"decodes to {got} frames but its header says {declared}", got, rate, ch
        if got + MP3_SLACK_FRAMES * 1152 < declared and mp3_length_header(path):
            return (f"cut short: its Xing/Info header says {declared / rate:.1f} s of audio but only "
                    f"{got / rate:.1f} s decode (a download or copy that did not finish?); copy or export it "
                    "again"), got, rate, ch
    return "", got, rate, ch


def audio_warning(path: Path, frames: int, rate: int) -> str:
    """What to know about a file that was accepted ("" if nothing): an MP3 cut short (:func:`mp3_warning`), or float
    audio that peaks over full scale, which the box's limiter squashes when it plays (device.library.hot: p43
    leftovers, said by the laptop of a folder's files only, never of a zip's, nor by the box)."""
    from device.library.hot import hot_warning
    return mp3_warning(path, frames, rate) or hot_warning(path)


def mp3_warning(path: Path, frames: int, rate: int) -> str:
    """What to know about an accepted MP3 ("" if nothing): an MP3 whose ``frames`` decoded (at
    ``rate`` Hz) fall short of the frames the file holds, counted header by header
    (:func:`device.audio.audiofile.mp3_frames`): libsndfile guessed its length from the first frame's
    bitrate (a VBR stream without a Xing/Info header), or took it from a Xing/Info header that counts only
    part of the file (MP3s joined end to end), and the box plays it cut short.  A free-format MP3, whose
    frames cannot be counted (or only up to junk), is flagged where what decodes differs from the length
    libsndfile reports."""
    if path.suffix.lower() != ".mp3" or rate <= 0:
        return ""
    counted = mp3_frames(path)
    if counted is None:
        return _unchecked_mp3_warning(path, frames, rate)
    held, whole = counted
    if frames + MP3_SLACK_FRAMES * 1152 >= held:
        return "" if whole else _unchecked_mp3_warning(path, frames, rate)    # a count stopped by junk: a lower bound
    plays = f"plays {frames / rate:.1f} s of the {'' if whole else 'at least '}{held / rate:.1f} s it holds: "
    if mp3_length_header(path):
        return (plays + "its Xing/Info header counts only the first part (MP3s joined end to end?); encode it "
                "again in one piece or convert it to WAV or FLAC")
    return (plays + "a variable-bitrate MP3 without a Xing/Info header, whose length the decoder guesses from its "
            "first frame; encode it again with a header (any current encoder writes one) or convert it to WAV or FLAC")


def _unchecked_mp3_warning(path: Path, frames: int, rate: int) -> str:
    """The warning for an MP3 whose frames :func:`device.audio.audiofile.mp3_frames` cannot count (free
    format, not Layer III) or count only up to junk in the middle (damaged, or a free-format stream where a
    stray sync looked like a frame) when the ``frames`` that decode differ from the length libsndfile
    reports by more than :data:`MP3_SLACK_FRAMES` frames ("" otherwise)."""
    import soundfile as sf

    try:
        declared = sf.info(str(path)).frames
    except Exception:  # noqa: BLE001 - it decoded a moment ago; a file that no longer opens has nothing to add
        return ""
    if abs(frames - declared) <= MP3_SLACK_FRAMES * 1152:
        return ""
    return (f"plays {frames / rate:.1f} s where the decoder first reckoned {declared / rate:.1f} s: an MP3 whose "
            "length cannot be checked (free format, not Layer III, or damaged), so part of it may be missing; "
            "convert it to WAV or FLAC")


NOT_AUDIO = "not an audio file (no WAV, AIFF, FLAC, OGG or MP3 the box can read)"


def undecodable_words(exc: BaseException, path: Path | None = None) -> str:
    """Why libsndfile could not decode a file, without the file's path (the listing names it already): "not an
    audio file (...)" when it does not know the format at all (a text file named .wav; or a file ``path`` that is
    there and regular, of which libsndfile's MP3 reader says "file does not exist or is not a regular file
    (possibly a pipe?)": a picture named .mp3), else "undecodable audio (its words)"."""
    import re
    said = re.sub(r"^Error opening .*?: ", "", first_line(exc)).rstrip(".")
    misread = "possibly a pipe" in said and path is not None and Path(path).is_file()
    if "format not recognised" in said.lower() or misread:
        return NOT_AUDIO
    return f"undecodable audio ({said})"

