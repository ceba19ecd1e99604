"""Reading and writing audio files with clear errors (libsndfile through soundfile).

Arrays are float32, shape [channels, frames], values nominally in [-1, 1].  Files are opened by any name
the file system holds, one that is not valid UTF-8 too (:func:`sound_name`); errors name them as text.
"""
from __future__ import annotations

import os
import struct
import sys
from pathlib import Path
from typing import Any, Callable

import numpy as np
import soundfile as sf

from hatbox.errors import AudioFileError

# what libsndfile (>= 1.1, as the soundfile wheels bundle it) decodes; MP3 too, with its encoder delay as in the file;
# AIFF-C (.aifc: uncompressed, sowt, fl32, ulaw...), Apple's CAF and Sony's Wave64 (.w64) go through the same reader
READABLE_SUFFIXES = (".wav", ".flac", ".aif", ".aiff", ".aifc", ".caf", ".w64", ".ogg", ".oga", ".mp3")


def hidden_name(name: str) -> bool:
    """A file or folder name no sample library, tag tree or note folder means as audio: dot files and
    folders (``.DS_Store``, macOS AppleDouble ``._kick.wav``, ``.git``) and macOS zip leftovers (``__MACOSX``)."""
    return name.startswith(".") or name == "__MACOSX"


# the largest |sample| accepted from a float file: far above full scale (1.0) and above the +-32768 some
# programs write into float WAVs, far below where a network's power spectrum overflows float32 (about 1e19)
MAX_ABS_SAMPLE = 1e8
# +24 dBFS: float samples beyond this (linear) are integer-scale values (a 16-bit 16384 written as a float), not
# audio: the sampler refuses to play such a file and the box refuses it at upload (:func:`float_peak_problem`)
MAX_FLOAT_PEAK = 16.0
# what to do about such a file (NAME: its file name)
FLOAT_PEAK_HINT = ("scale it down to full scale: normalise it in an audio editor, or for 16-bit values "
                   "`ffmpeg -i '{name}' -af volume=1/32768 fixed.wav`")


def float_peak_problem(peak: float) -> str:
    """Why audio whose decoded samples peak at ``peak`` (linear, full scale 1.0) is no audio the box plays
    ("" if it is): above :data:`MAX_FLOAT_PEAK` it was written with integer values, not as float audio."""
    if not peak > MAX_FLOAT_PEAK:
        return ""
    return (f"its float samples peak at {peak:.6g}, far beyond full scale (1.0): it was written with integer "
            "values (16-bit ones run to 32768), not as float audio")


def sound_name(path: str | Path) -> str | bytes:
    """``path`` as soundfile can open it: its text, or the bytes of a name the file system encoding cannot
    encode (a name that is not valid UTF-8, e.g. a Latin-1 "caf\\xe9.wav" from an old sample CD, which
    Python holds with surrogateescape; soundfile would refuse it as text and hands bytes to libsndfile
    unchanged)."""
    text = os.fspath(path)
    try:
        text.encode(sys.getfilesystemencoding())
    except UnicodeEncodeError:
        return os.fsencode(text)
    return text


def reason(exc: Exception, path: str | Path | None = None) -> str:
    """libsndfile's complaint (the first line of ``exc``), naming ``path`` as text even where soundfile was
    given its name's bytes (``Error opening b'caf\\xe9.wav'`` -> ``Error opening 'caf\\udce9.wav'``, the
    name as Python holds it, as every other message shows it)."""
    text = (str(exc).strip() or type(exc).__name__).splitlines()[0]
    name = sound_name(path) if path is not None else ""
    return text.replace(repr(name), f"'{os.fspath(path)}'") if isinstance(name, bytes) else text


EMPTY_FILE = "empty file (0 bytes)"


def empty_file_problem(path: str | Path) -> str:
    """:data:`EMPTY_FILE` for a file of 0 bytes (libsndfile only says "Format not recognised"), else ""
    (also for a path that cannot be examined: opening it says why)."""
    try:
        return EMPTY_FILE if os.stat(path).st_size == 0 else ""
    except OSError:
        return ""


def info(path: str | Path) -> tuple[int, int, int]:
    """(sample_rate Hz, channels, frames) without decoding the audio; any name the file system holds."""
    path = Path(path)
    if empty_file_problem(path):
        raise AudioFileError(f"cannot read {path}: {EMPTY_FILE}")
    try:
        i = sf.info(sound_name(path))
    except Exception as exc:  # noqa: BLE001 - libsndfile reports many kinds of failure
        raise AudioFileError(f"cannot read {path}: {reason(exc, path)}") from None
    return int(i.samplerate), int(i.channels), int(i.frames)


def read(path: str | Path, *, expect_rate: int | None = None, mono: bool = False,
         max_frames: int | None = None) -> tuple[np.ndarray, int]:
    """Decode ``path`` (any name the file system holds) -> (audio [C, N] float32, sample_rate Hz).

    ``expect_rate`` turns a rate mismatch into a clear error; ``mono`` averages channels to [1, N];
    ``max_frames`` decodes only the first that many frames (the head of a long file: memory bounded).
    """
    path = Path(path)
    if not path.is_file():
        raise AudioFileError(f"no audio file at {path}")
    if empty_file_problem(path):
        raise AudioFileError(f"cannot decode {path}: {EMPTY_FILE}")
    try:
        data, rate = sf.read(sound_name(path), frames=-1 if max_frames is None else max_frames,
                             dtype="float32", always_2d=True)
    except Exception as exc:  # noqa: BLE001
        raise AudioFileError(f"cannot decode {path}: {reason(exc, path)}") from None
    if data.shape[0] == 0:
        raise AudioFileError(f"{path} holds no audio (0 frames)")
    if expect_rate is not None and rate != expect_rate:
        raise AudioFileError(f"{path} is {rate} Hz but {expect_rate} Hz is needed",
                             hint=f"resample it, e.g. `sox {path.name} -r {expect_rate} out.wav`")
    audio = np.ascontiguousarray(data.T)
    check_samples(audio, path)
    if mono and audio.shape[0] > 1:
        audio = audio.mean(axis=0, keepdims=True)
    return audio, int(rate)


def check_samples(audio: np.ndarray, path: str | Path) -> None:
    """AudioFileError unless every sample is finite and within +-MAX_ABS_SAMPLE (a float file of garbage
    decodes without complaint; what it holds would come out of a network as NaN)."""
    if not np.all(np.isfinite(audio)):
        raise AudioFileError(f"{path} contains NaN or infinite samples")
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak > MAX_ABS_SAMPLE:
        raise AudioFileError(f"{path} holds samples far out of range (peak {peak:.3g}; full scale is 1.0): "
                             "is it really audio?")


# what write() can produce, by file name: the format, and the sample format when the caller gives none
# (float where the format has it, so nothing is lost; 24-bit FLAC; Ogg Vorbis)
WRITABLE = {".wav": ("WAV", "FLOAT"), ".aif": ("AIFF", "FLOAT"), ".aiff": ("AIFF", "FLOAT"),
            ".flac": ("FLAC", "PCM_24"), ".ogg": ("OGG", "VORBIS")}


def _audio_name(path: str | Path) -> Path:
    path = Path(path)
    if path.suffix.lower() not in WRITABLE:
        raise AudioFileError(f"{path}: cannot write audio of that kind",
                             hint=f"give a name ending in {', '.join(WRITABLE)} (e.g. {path.stem}.wav)")
    if path.is_dir():
        raise AudioFileError(f"{path} is a folder", hint="give the path of the audio file to write")
    return path


def check_output(path: str | Path) -> Path:
    """Make sure audio can be written at ``path`` before any work is spent on it (AudioFileError
    otherwise): a name :data:`WRITABLE` knows, not a folder, its folder made and writable."""
    from export.atomic import unwritable
    if Path(path).is_dir():                  # before the name's ending: a folder is no audio file at all
        raise AudioFileError(f"cannot write audio to {path}: it is a folder",
                             hint=f"give the path of the audio file to write (e.g. {Path(path) / 'out.wav'})")
    path = _audio_name(path)
    why = unwritable(path)
    if why:
        raise AudioFileError(f"cannot write {path}: {why}", hint="pick a file in a folder you can write to")
    return path


def write(path: str | Path, audio: np.ndarray, rate: int, subtype: str | None = None) -> Path:
    """Write [C, N] or [N] float audio in the format its name says (:data:`WRITABLE`; WAV and AIFF as
    32-bit float by default).  The file is replaced atomically: a failed write (a full disk) leaves the
    old file as it was and no half file."""
    from export.atomic import atomic_output
    path = _audio_name(path)
    fmt, default_subtype = WRITABLE[path.suffix.lower()]
    arr = np.asarray(audio, dtype=np.float32)
    arr = arr[None, :] if arr.ndim == 1 else arr
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_output(path) as fh:
            sf.write(fh, arr.T, int(rate), subtype=subtype or default_subtype, format=fmt)
    except Exception as exc:  # noqa: BLE001
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else reason(exc)
        raise AudioFileError(f"cannot write {path}: {why}", hint="is the disk full?") from None
    return path


FLOAT_WAV_HEADER = 58                        # bytes: RIFF (12) + fmt (8 + 18) + fact (8 + 4) + data (8)
WAV_MAX_BYTES = (1 << 32) - (1 << 20)        # audio in one WAV: its sizes are 32-bit; room left for the header


def float_wav_header(rate: int, channels: int, frames: int) -> bytes:
    """The :data:`FLOAT_WAV_HEADER` bytes of a 32-bit float WAV holding ``frames`` frames (IEEE float,
    an 18-byte fmt chunk and the fact chunk non-PCM formats carry, then the data chunk's header)."""
    data = 4 * channels * frames
    return (b"RIFF" + struct.pack("<I", FLOAT_WAV_HEADER - 8 + data) + b"WAVE"
            + b"fmt " + struct.pack("<IHHIIHHH", 18, 3, channels, rate, 4 * channels * rate, 4 * channels, 32, 0)
            + b"fact" + struct.pack("<II", 4, frames) + b"data" + struct.pack("<I", data))


class WavRecorder:
    """A 32-bit float WAV written as it goes that stays readable whatever happens to the writer.

    :meth:`write` appends frames; every ``update_s`` seconds of audio (and at :meth:`close`) the
    buffered audio goes to the OS and then the header's sizes are rewritten, so a recorder killed
    (SIGKILL, a power cut once the OS has written it back) leaves a valid float WAV (format 3: read by
    libsndfile/soundfile, sox, scipy; not by Python's ``wave``), holding the audio up to that update.
    Before a file passes the format's 4 GiB limit (``max_bytes`` of audio: 6.2 h of mono at 48 kHz)
    the recording goes on in a new file beside it, ``NAME-002.wav``, ``NAME-003.wav``...
    (:attr:`paths`).  Disk errors (a full disk) are raised as AudioFileError; the files then hold
    :attr:`kept` frames, readable up to there.

    Nothing is lost to a recording that writes nothing valid.  A regular file already at a path (an
    older take; numbered files too) is replaced only once the new file holds audio: until then the
    new one is written beside it as ``.NAME.part`` (a hidden file; it replaces the old take at the first
    write, or is removed at :meth:`close` if no audio got in, listed in :attr:`spared`).  A file this
    recorder created that does not even hold a whole header when closed (a disk full from the start) is
    removed (:attr:`removed`); one that was there and is not a regular file (``/dev/full``) is never
    touched.  Either way it leaves :attr:`paths`."""

    def __init__(self, path: str | Path, rate: int, channels: int = 1, *, update_s: float = 1.0,
                 max_bytes: int = WAV_MAX_BYTES, role: str = "") -> None:
        self.path, self.rate, self.channels = Path(path), int(rate), int(channels)
        self.role = role                         # what errors call it: "the output" -> "cannot write the output X"
        self.max_frames = max(1, min(max_bytes, WAV_MAX_BYTES) // (4 * self.channels))
        self.update_frames = max(1, round(update_s * self.rate))
        self.paths: list[Path] = []
        self.removed: list[Path] = []            # files created here and removed at close: no whole header in them
        self.spared: list[Path] = []             # older files left as they were: no audio got into their successor
        self.frames = 0                          # frames in the current file
        self.total = 0                           # frames written, all files together
        self.kept = 0                            # frames the headers on disk count, all files together
        self._before = 0                         # frames in the files before the current one
        self._since = 0                          # frames since the header was last rewritten
        self._fh = None
        self._pending: tuple[Path, Path] | None = None   # (.NAME.part, the older file it replaces once it has audio)
        self._created = False                    # the current file is new here (close may remove it)
        self._open(self.path)

    def part_path(self, k: int) -> Path:
        """File ``k`` (1-based) of the recording: the path given, then ``NAME-002.wav``..."""
        return self.path if k == 1 else self.path.with_name(f"{self.path.stem}-{k:03d}{self.path.suffix}")

    def write(self, samples: np.ndarray) -> None:
        """Append float audio [N] (mono) or [N, channels] frames."""
        x = np.ascontiguousarray(samples, dtype="<f4").reshape(-1, self.channels)
        while x.shape[0]:
            if self.frames >= self.max_frames:
                self._next()
            take = min(x.shape[0], self.max_frames - self.frames)
            self._io(lambda: self._fh.write(x[:take].tobytes()))
            self.frames, self.total, self._since = self.frames + take, self.total + take, self._since + take
            x = x[take:]
            if self._since >= self.update_frames or self._pending is not None:
                self.update()                    # (at once in a file that waits to replace an older one)

    def update(self) -> None:
        """Hand the audio written so far to the OS, then rewrite the header's sizes to match it (and
        a ``.NAME.part`` holding audio now replaces the older file at its path)."""
        if self._fh is not None:
            self._io(self._fh.flush)
            header = float_wav_header(self.rate, self.channels, self.frames)
            self._io(lambda: os.pwrite(self._fh.fileno(), header, 0))
            self._since = 0
            if self._pending is not None and self.frames:
                part, older = self._pending
                self._io(lambda: os.replace(part, older))
                self._pending = None
            if self._pending is None:
                self.kept = self._before + self.frames

    def close(self) -> None:
        """Finish the current file (its header gets the final sizes); safe to call twice.  A file with
        nothing valid in it is removed (see the class docstring)."""
        if self._fh is not None:
            try:
                self.update()
            finally:
                fh, self._fh = self._fh, None
                try:
                    fh.close()
                except OSError:                  # the failed update above says what went wrong
                    pass
                self._settle()

    def _settle(self) -> None:
        """After the current file is closed: a ``.NAME.part`` that never got audio is removed (the older
        file stays: :attr:`spared`); a file created here with less than a header in it is removed."""
        path = self.paths[-1]
        if self._pending is not None:
            part, self._pending = self._pending[0], None
            _remove(part)
            self.paths.pop()
            self.spared.append(path)
        elif self._created and _size(path) < FLOAT_WAV_HEADER:
            _remove(path)
            self.paths.pop()
            self.removed.append(path)

    def _open(self, path: Path) -> None:
        """Start file ``path``: created there, or written as ``.NAME.part`` beside an older regular file."""
        older = Path(os.path.realpath(path)) if path.is_file() else None    # a link: the file it points to
        target = older.with_name(f".{older.name}.part") if older is not None else path
        created = older is not None or not os.path.lexists(path)

        def start() -> None:
            nonlocal target, older, created
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._fh = open(target, "wb")
            except PermissionError:
                if older is None:
                    raise
                target, older, created = path, None, False   # a folder we may not add to: overwrite in place
                self._fh = open(target, "wb")
            self._fh.write(float_wav_header(self.rate, self.channels, 0))
        try:
            self._io(start, path)
        except AudioFileError:
            fh, self._fh = self._fh, None
            _close_quietly(fh)
            if created:                          # opened, then the header failed: leave nothing behind
                _remove(target)
            raise
        self._pending = (target, older) if older is not None else None
        self._created = created
        self.paths.append(path)
        self.frames = self._since = 0
        self._before = self.total

    def _next(self) -> None:
        self.close()
        self._open(self.part_path(len(self.paths) + 1))

    def _io(self, action: Callable[[], object], path: Path | None = None) -> None:
        """Run one file operation; an OSError becomes an AudioFileError naming the file."""
        try:
            action()
        except OSError as exc:
            where = path or (self.paths[-1] if self.paths else self.path)
            role = f"{self.role} " if self.role else ""
            raise AudioFileError(f"cannot write {role}{where}: {exc.strerror or exc}",
                                 hint="is the disk full?") from None


def _size(path: Path) -> int:
    """Bytes in ``path`` (0 if it is gone)."""
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _remove(path: Path) -> None:
    """Remove a file this module created; one already gone (or never made: its folder is a file) is fine."""
    try:
        path.unlink()
    except (FileNotFoundError, NotADirectoryError):
        pass


def _close_quietly(fh: Any) -> None:
    """Close ``fh`` (None, or a file whose writes failed: its own error was raised already)."""
    try:
        if fh is not None:
            fh.close()
    except OSError:
        pass


STREAMING_SIZE = 0xFFFFFFFF                  # a RIFF or data size a writer that could not seek back left: "to the end"


def wav_header_problem(path: str | Path) -> str:
    """Whether a RIFF/WAVE file's header lies about its data size ("" if it is honest, or if the file
    is no RIFF/WAVE at all: an AIFF named .wav is the decoder's to judge): a truncated file, or one a
    recorder never finished, claims more audio than it holds.  A data size of :data:`STREAMING_SIZE`
    (what ffmpeg and sox write to a pipe, where they cannot go back to fill the sizes in) means the
    audio runs to the end of the file, as libsndfile, ffmpeg and sox read it: that is no lie."""
    path = Path(path)
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[:4] not in (b"RIFF", b"RIFX") or head[8:12] != b"WAVE":
            return ""
        fmt = "<I" if head[:4] == b"RIFF" else ">I"
        pos = 12
        while pos + 8 <= size:
            fh.seek(pos)
            cid, (csize,) = fh.read(4), struct.unpack(fmt, fh.read(4))
            if cid == b"data":
                avail = size - pos - 8
                if csize <= avail or csize == STREAMING_SIZE:
                    return ""
                return f"WAV header claims {csize} bytes of audio but the file holds {avail}"
            pos += 8 + csize + (csize & 1)
    return "WAV file has no data chunk"


def _extended(raw: bytes) -> float:
    """The IEEE 754 80-bit extended float (big-endian, as AIFF's COMM holds the sample rate) in ``raw``."""
    exp, mant = struct.unpack(">HQ", raw)
    sign, exp = -1.0 if exp & 0x8000 else 1.0, exp & 0x7FFF
    return 0.0 if exp == 0 and mant == 0 else sign * mant * 2.0 ** (exp - 16383 - 63)


# AIFF-C compression types whose frames have a fixed size in bytes (per channel): None = the COMM's sample size
_AIFC_BYTES = {b"NONE": None, b"twos": None, b"sowt": None, b"raw ": None, b"in24": 3, b"in32": 4, b"42ni": 3,
               b"23ni": 4, b"fl32": 4, b"FL32": 4, b"fl64": 8, b"FL64": 8, b"ulaw": 1, b"ULAW": 1, b"alaw": 1,
               b"ALAW": 1}


def _missing(what: str, declared: int, held: int, rate: float) -> str:
    """The problem text for a ``what`` ("AIFF", "W64") header that claims ``declared`` frames of which the
    file holds ``held`` (``rate`` Hz; 0 when unknown)."""
    gone = declared - held
    secs = f", {gone / rate:.3g} s" if rate > 0 else ""
    return f"{what} header claims {declared} frames of audio but the file holds {held} ({gone} frames{secs} missing)"


def aiff_header_problem(path: str | Path) -> str:
    """Whether an AIFF or AIFF-C file's header lies about its length ("" if it is honest, or if the file is
    no AIFF at all): the COMM chunk's frame count against the frames its SSND chunk holds, up to the end of
    the chunk or of the file, whichever comes first (for an AIFF-C whose compression has no fixed frame
    size, IMA ADPCM, GSM, DWVW: the SSND chunk's size against the bytes the file holds, as for a WAV).  A
    truncated file claims more audio than it holds, and libsndfile decodes what is there without a word.
    A COMM of 0 frames (what a writer that could not seek back leaves) and an SSND size of 0 ("to the end
    of the file") are no lie."""
    path = Path(path)
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(12)
        if len(head) < 12 or head[:4] != b"FORM" or head[8:12] not in (b"AIFF", b"AIFC"):
            return ""
        frames = width = ssnd = ssnd_size = -1
        rate = 0.0
        pos = 12
        while pos + 8 <= size:
            fh.seek(pos)
            cid, (csize,) = fh.read(4), struct.unpack(">I", fh.read(4))
            if cid == b"COMM" and csize >= 18:
                comm = fh.read(min(csize, 22))
                if len(comm) < 18:                     # cut short inside its COMM: the decoder refuses it
                    return ""
                channels, frames, bits = struct.unpack(">hIh", comm[:8])
                rate = _extended(comm[8:18])
                kind = comm[18:22] if head[8:12] == b"AIFC" and len(comm) >= 22 else b"NONE"
                per = _AIFC_BYTES.get(kind, 0)         # 0: compressed, no fixed frame size to count with
                width = max(channels, 1) * (per or (bits + 7) // 8) if per != 0 else 0
            elif cid == b"SSND":
                ssnd, ssnd_size = pos, csize
            pos += 8 + csize + (csize & 1)
        if width == 0 and ssnd >= 0 and ssnd_size > size - ssnd - 8:
            avail = size - ssnd - 8
            return (f"AIFF header claims {ssnd_size} bytes of audio but the file holds {avail} "
                    f"({ssnd_size - avail} bytes missing)")
        if frames <= 0 or width <= 0:
            return ""
        if ssnd < 0:
            return _missing("AIFF", frames, 0, rate)
        fh.seek(ssnd + 8)
        offset = struct.unpack(">I", fh.read(4))[0] if ssnd + 12 <= size else 0
        start = ssnd + 16 + offset
        end = size if ssnd_size == 0 else min(size, ssnd + 8 + ssnd_size)
        held = max(end - start, 0) // width
        return _missing("AIFF", frames, held, rate) if held < frames else ""


_W64_GUID = bytes.fromhex("f3acd3118cd100c04f8edb8a")   # the last 12 bytes of Wave64's chunk GUIDs
_W64_RIFF = b"riff" + bytes.fromhex("2e91cf11a5d628db04c10000")
_W64_FRAME_TAGS = (1, 3, 6, 7, 0xFFFE)     # PCM, float, A-law, mu-law, extensible: the block is one frame


def w64_header_problem(path: str | Path) -> str:
    """Whether a Sony Wave64 file's header lies about its data size ("" if it is honest, or if the file is no
    Wave64 at all): its data chunk claims more bytes than the file holds (a truncated file, which libsndfile
    decodes as far as it goes without a word).  Counted in frames (PCM, float, A-law, mu-law: the fmt chunk's
    block is one frame), in bytes for a compressed one (IMA ADPCM, GSM: a block holds many frames)."""
    path = Path(path)
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(40)
        if len(head) < 40 or head[:16] != _W64_RIFF or head[24:40] != b"wave" + _W64_GUID:
            return ""
        block, rate, pos = 0, 0.0, 40
        while pos + 24 <= size:
            fh.seek(pos)
            guid, (csize,) = fh.read(16), struct.unpack("<Q", fh.read(8))
            if guid == b"fmt " + _W64_GUID and csize >= 24 + 14:
                fmt = fh.read(14)
                if len(fmt) < 14:                      # cut short inside its fmt chunk: the decoder refuses it
                    return ""
                tag, _channels, hz, _bps, align = struct.unpack("<HHIIH", fmt)
                rate, block = float(hz), align if tag in _W64_FRAME_TAGS else 0
            elif guid == b"data" + _W64_GUID:
                declared, avail = max(csize - 24, 0), size - pos - 24
                if declared <= avail:
                    return ""
                if block > 0:
                    return _missing("W64", declared // block, avail // block, rate)
                return (f"W64 header claims {declared} bytes of audio but the file holds {avail} "
                        f"({declared - avail} bytes missing)")
            if csize < 24:                              # a chunk size that cannot be: stop rather than loop
                break
            pos += (csize + 7) & ~7
    return "W64 file has no data chunk"


def header_problem(path: str | Path) -> str:
    """Whether a WAV, AIFF / AIFF-C or Wave64 file's header claims more audio than the file holds ("" if
    not, or for other formats), told by the file's first bytes, not its name: :func:`wav_header_problem`,
    :func:`aiff_header_problem`, :func:`w64_header_problem`.  Every such text contains " header claims "
    for a file cut short."""
    return wav_header_problem(path) or aiff_header_problem(path) or w64_header_problem(path)


# MPEG audio Layer III frame headers (ISO 11172-3, 13818-3 and MPEG 2.5), by the header's version bits:
# kbit/s by bitrate index, sample rates by rate index, sample frames per frame
_MP3_KBPS = {3: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
             2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)}
_MP3_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}
_MP3_SAMPLES = {3: 1152, 2: 576, 0: 576}
_MP3_SAME = 0xFFFE0C00                       # sync, version, layer, sample rate: equal in every frame of a stream
_MP3_TAILS = (b"TAG", b"APETAGEX", b"LYRICSBEGIN")   # what may follow the last frame (ID3v1, APE, Lyrics3)
_MP3_FIND = 1 << 16                          # bytes searched for the first frame after the ID3v2 tags


def _mp3_frame(head: int, first: int) -> tuple[int, int]:
    """(bytes, sample frames) of the Layer III frame whose header is ``head`` (a stream's first header is
    ``first``), or (0, 0) where ``head`` is no such frame: no sync, another layer, version or rate, free format."""
    version, index, rate_index = (head >> 19) & 3, (head >> 12) & 15, (head >> 10) & 3
    if (head & _MP3_SAME) != (first & _MP3_SAME) or (head >> 21) != 0x7FF or (head >> 17) & 3 != 1 \
            or version == 1 or index in (0, 15) or rate_index == 3:
        return 0, 0
    kbps, rate = _MP3_KBPS[3 if version == 3 else 2][index], _MP3_RATES[version][rate_index]
    per_kbps = 144000 if version == 3 else 72000
    return per_kbps * kbps // rate + ((head >> 9) & 1), _MP3_SAMPLES[version]


def _id3v2_end(data: Any) -> int:
    """The offset past the ID3v2 tags at the start of ``data`` (0 if there are none)."""
    pos = 0
    while data[pos:pos + 3] == b"ID3" and len(data) >= pos + 10:
        size = 0
        for b in data[pos + 6:pos + 10]:
            size = (size << 7) | (b & 0x7F)
        pos += 10 + size + (10 if data[pos + 5] & 0x10 else 0)
    return pos


def _mp3_start(data: Any) -> int:
    """The offset of the first Layer III frame header in ``data`` (searched for :data:`_MP3_FIND` bytes
    after the ID3v2 tags), or -1 where there is none this can follow (free format, another layer)."""
    size = len(data)
    pos = _id3v2_end(data)
    start = data.find(b"\xff", pos, pos + _MP3_FIND)
    while 0 <= start < min(size - 4, pos + _MP3_FIND):
        first = int.from_bytes(data[start:start + 4], "big")
        if _mp3_frame(first, first)[0]:
            return start
        start = data.find(b"\xff", start + 1, pos + _MP3_FIND)
    return -1


def mp3_length_header(path: str | Path) -> bool:
    """Whether the MP3's first Layer III frame is a Xing/Info header (what LAME and every current encoder
    write) that counts the stream's frames: libsndfile (mpg123) takes the MP3's length from it, so audio that
    decodes short of that length is missing.  Without one (none, a VBRI header only, a Xing header without
    the count, or a stream :func:`mp3_frames` cannot follow) the length libsndfile reports is a guess from
    the file's size and the first frame's bitrate.  The header sits where the frame's side information
    would (after the 4-byte header, and the 2-byte CRC when the frame has one): 32 bytes of it in MPEG-1
    stereo, 17 in MPEG-1 mono and MPEG-2/2.5 stereo, 9 in MPEG-2/2.5 mono; then "Xing" or "Info", 4 bytes
    of flags (bit 0: the frame count follows)."""
    import mmap

    try:
        with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            start = _mp3_start(data)
            if start < 0:
                return False
            head = int.from_bytes(data[start:start + 4], "big")
            mpeg1, mono = (head >> 19) & 3 == 3, (head >> 6) & 3 == 3
            side = (17 if mono else 32) if mpeg1 else (9 if mono else 17)
            at = start + 4 + side + (0 if (head >> 16) & 1 else 2)
            if data[at:at + 4] not in (b"Xing", b"Info") or len(data) < at + 12:
                return False
            return bool(data[at + 7] & 1) and int.from_bytes(data[at + 8:at + 12], "big") > 0
    except (OSError, ValueError):                        # unreadable, or empty (mmap of 0 bytes)
        return False


def mp3_frames(path: str | Path) -> tuple[int, bool] | None:
    """(sample frames the MP3's audio frames hold, whether the count reached the end of the file), counted
    header by header without decoding (a few microseconds a frame), or None where ``path`` does not hold
    a Layer III stream this can follow (a free-format stream, another layer).  ID3v2 tags before the first
    frame are skipped; a Xing/Info/VBRI header frame holds no audio and is not counted.  The count stops
    at the first byte that is no frame of the same stream: at the end, at an ID3v1/APE/Lyrics3 tag
    (reached the end: True), or at junk in the middle (False: the count is then a lower bound).

    libsndfile (mpg123) takes an MP3's length from its Xing/Info header, or without one guesses it from
    the file's size and the bitrate of the first frame: a VBR stream without the header is then cut short
    or padded with silence.  This count is what the file really holds."""
    import mmap

    try:
        with open(path, "rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            size = len(data)
            start = _mp3_start(data)
            if start < 0:
                return None
            first = int.from_bytes(data[start:start + 4], "big")
            pos, frames, counted = start, 0, 0
            while pos + 4 <= size:
                length, samples = _mp3_frame(int.from_bytes(data[pos:pos + 4], "big"), first)
                if not length:
                    break
                if pos + length > size:                  # a last frame cut short: the decoder drops it
                    pos = size
                    break
                if counted or not any(tag in data[pos:pos + min(length, 64)] for tag in (b"Xing", b"Info", b"VBRI")):
                    frames += samples
                counted += 1
                pos += length
            whole = size - pos < 4 or any(data[pos:pos + len(t)] == t for t in _MP3_TAILS)
            return frames, whole
    except (OSError, ValueError):                        # unreadable, or empty (mmap of 0 bytes)
        return None
