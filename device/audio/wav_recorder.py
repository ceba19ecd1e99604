"""A 32-bit float WAV written as it goes (:class:`WavRecorder`: the box's takes and captures), readable whatever
happens to the writer, and the header it keeps rewriting (:func:`float_wav_header`).

Files are opened with this module's ``open`` (the recording tests replace it with a disk that fills up:
tests/engine/full_disk.py).  Split out of device/audio/audiofile.py, which still exports these names.
"""
from __future__ import annotations

import errno
import os
import stat
import struct
from pathlib import Path
from typing import Any, Callable

import numpy as np

from hatbox.errors import AudioFileError

SOFTWARE_CHUNK = b"LIST" + struct.pack("<I", 20) + b"INFO" + b"ISFT" + struct.pack("<I", 8) + b"hatbox\0\0"
# (the software tag audiofile.written_by_hatbox knows the box's takes by: libsndfile reads it as software 'hatbox')
PREV_HELD_S = 1.0                            # a full file stays open until the next holds this much (seconds)
FLOAT_WAV_HEADER = 86                        # bytes: RIFF (12) + fmt (8 + 18) + fact (8 + 4) + LIST (28) + data (8)
WAV_MAX_BYTES = (1 << 32) - (1 << 20)        # audio in one WAV: its sizes are 32-bit; room left for the header


def float_wav_header(rate: int, channels: int, frames: int) -> bytes:
    """The :data:`FLOAT_WAV_HEADER` bytes of a 32-bit float WAV holding ``frames`` frames (IEEE float,
    an 18-byte fmt chunk and the fact chunk non-PCM formats carry, a LIST/INFO chunk whose ISFT (software) is
    'hatbox': :data:`SOFTWARE_CHUNK`, then the data chunk's header).  Before p59 M6 the takes had no LIST chunk (58
    bytes): sox and scipy write that very header, so a take could not be told from a recording of the user's."""
    data = 4 * channels * frames
    return (b"RIFF" + struct.pack("<I", FLOAT_WAV_HEADER - 8 + data) + b"WAVE"
            + b"fmt " + struct.pack("<IHHIIHHH", 18, 3, channels, rate, 4 * channels * rate, 4 * channels, 32, 0)
            + b"fact" + struct.pack("<II", 4, frames) + SOFTWARE_CHUNK + b"data" + struct.pack("<I", data))


def cannot_record(path: str | Path) -> str | None:
    """Why :class:`WavRecorder` could not start a take at ``path``, found without writing anything (its
    ``_open``'s steps, for a check made before a box starts: hatbox/box_start_checks.py); None when it can.  A
    folder cannot take it.  A file already there is written if this user may write it (a device such as
    /dev/null, or a regular file written in place where its folder takes no new file), or, for a regular file,
    if its folder takes the new take written beside it (it then replaces the older one).  A new file needs its
    folder, or the nearest one that exists above it (the recorder makes the rest), to take a file
    (export.atomic.unwritable)."""
    from export.atomic import unwritable
    path = Path(path)
    if path.is_dir():
        return "it is a folder"
    refused = stream_refusal(path)
    if refused:
        return refused
    if not path.exists():
        return unwritable(path)
    if os.access(path, os.W_OK):
        return None
    if path.is_file() and unwritable(Path(os.path.realpath(path))) is None:
        return None
    return os.strerror(errno.EACCES)


def stream_refusal(path: str | Path) -> str | None:
    """Why audio cannot be written at ``path``, a pipe, socket or block device (:func:`no_file_kind`, never opened);
    None for anything else.  The one rule and wording of `hatbox device run --output` (:func:`cannot_record`) and
    `hatbox render --out` / `synth play --out` (device.audio.audiofile.check_output); a character device (/dev/null)
    takes the audio in both (before p60 the two said it in two wordings, and render refused /dev/null by its name)."""
    kind = no_file_kind(path)
    if kind is None:
        return None
    return (f"it is {kind}, not a file: audio is written as a WAV whose header is rewritten once its audio is in; "
            "give the path of a file (or /dev/null to keep nothing)")


def no_file_kind(path: str | Path) -> str | None:
    """What the thing at ``path`` is ("a pipe", "a socket", "a block device") when it is none of a regular file, a
    character device (/dev/null), a folder or nothing; found by stat alone, never opened (p59 RD1 2: opening a FIFO
    for reading hung `device run --output` and `render --out` until something wrote to it)."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    kinds = ((stat.S_ISFIFO, "a pipe"), (stat.S_ISSOCK, "a socket"), (stat.S_ISBLK, "a block device"))
    return next((word for test, word in kinds if test(mode)), None)


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
        self._where: Path = self.path            # where the current file is now (its .NAME.part until it replaces)
        # the file before the current one, still open (handle, path, frames) until the current one holds
        # PREV_HELD_S: a seal in the current file's first moments falls across both (p59 RD1 4)
        self._prev: tuple[Any, Path, int] | None = None
        self._hold = max(1, round(PREV_HELD_S * self.rate))
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
                self._pending, self._where = None, older
            if self._pending is None:
                self.kept = self._before + self.frames
            if self.frames >= self._hold:
                self._drop_prev()

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
        self._drop_prev()

    def seal(self, fall: Callable[[int], np.ndarray] | None = None) -> None:
        """After a write that failed (a full disk): end the current file on the audio the disk holds of it, and close
        it (nothing more is written; :meth:`close` then does nothing).  Its header is rewritten to count the frames
        on disk (:attr:`kept`: final, the same figure before and after :meth:`close`; before p59 M2 it was the last
        update's, up to a second less, and the file's closing update counted more), and ``fall(frames)``, gains
        [m <= frames], multiply its last m frames in place, so a take cut short ends on 0 like any other end.
        Nothing needs new space: both are written over bytes already on disk.  A file not yet holding audio (a
        ``.NAME.part``) is left to :meth:`close`'s rules; a failure here leaves the last update's header.  A take that
        rolled to a next file less than :data:`PREV_HELD_S` ago (or could not start it) falls across both: the file
        before, still open, takes the part of the fall the next one does not hold (p59 RD1 4: a disk full in the
        first 0.25 s of a later file left the file before ending on a full-level sample, the next one holding a few
        samples falling over them alone, or none)."""
        fh, self._fh = self._fh, None
        prev, self._prev = self._prev, None
        try:
            self._end_on_disk(fh, prev, fall)
        except OSError:
            pass
        finally:
            if prev is not None:
                _close_quietly(prev[0])
            if fh is not None:
                _close_quietly(fh)
                self._settle()

    def _end_on_disk(self, fh: Any, prev: tuple[Any, Path, int] | None,
                     fall: Callable[[int], np.ndarray] | None) -> None:
        """:meth:`seal`'s work on the open file ``fh`` (None: the next file could not start) and the one before it,
        ``prev`` (handle, path, frames; None: none open): the frames on disk of ``fh`` (of those written whole; none
        while it is a ``.NAME.part`` or holds less than its header), the fall over the last frames of the two, then
        ``fh``'s header."""
        frames = self._frames_on_disk(fh) if fh is not None and self._pending is None else None
        held = (frames or 0) + (prev[2] if prev is not None else 0)
        gains = np.asarray(fall(held), np.float32).reshape(-1) if fall is not None and held else None
        if gains is not None and 0 < gains.shape[0] <= held:
            here = min(gains.shape[0], frames or 0)
            if here:
                self._fade_tail(fh.fileno(), self._where, frames, gains[gains.shape[0] - here:])
            if prev is not None and gains.shape[0] > here:
                self._fade_tail(prev[0].fileno(), prev[1], prev[2], gains[:gains.shape[0] - here])
        if frames is not None:
            os.pwrite(fh.fileno(), float_wav_header(self.rate, self.channels, frames), 0)
            self.frames, self.kept = frames, self._before + frames

    def _frames_on_disk(self, fh: Any) -> int | None:
        """The whole frames the open current file ``fh`` holds on disk once its buffer went out as far as it fits
        (at most those written); None when it holds less than its header (close removes it: a disk full from the
        start)."""
        try:
            fh.flush()                           # what the buffer holds goes if it fits
        except OSError:
            pass
        size = os.fstat(fh.fileno()).st_size
        if size < FLOAT_WAV_HEADER:
            return None
        return min(self.frames, (size - FLOAT_WAV_HEADER) // (4 * self.channels))

    def _fade_tail(self, fd: int, path: Path, frames: int, gains: np.ndarray) -> None:
        """Multiply the last m frames of the ``frames`` a take file holds (open on ``fd``, at ``path``) by ``gains``
        [m] in place, read and written through ``fd`` (opened read-write: :func:`_read_write`); a tail that cannot be
        read is kept as it was."""
        width = 4 * self.channels
        at = FLOAT_WAV_HEADER + width * (frames - gains.shape[0])
        try:
            tail = np.frombuffer(_read_at(fd, path, width * gains.shape[0], at), "<f4").reshape(-1, self.channels)
            os.pwrite(fd, (tail * gains[:, None]).astype("<f4").tobytes(), at)
        except OSError:
            pass

    def _drop_prev(self) -> None:
        """Close the file before the current one, kept open since the roll (:meth:`seal` no longer needs it)."""
        prev, self._prev = self._prev, None
        if prev is not None:
            _close_quietly(prev[0])

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
                self._fh = open(target, "wb", opener=_read_write)
            except PermissionError:
                if older is None:
                    raise
                target, older, created = path, None, False   # a folder we may not add to: overwrite in place
                self._fh = open(target, "wb", opener=_read_write)
            if older is not None:
                _same_mode(older, target)
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
        self._created, self._where = created, target
        self.paths.append(path)
        self.frames = self._since = 0
        self._before = self.total

    def _next(self) -> None:
        """The current file is full: its header gets its final sizes (a failure raises with it still open, so
        :meth:`seal` falls in it), and the next file starts; the full one is kept open (:attr:`_prev`) until the next
        holds :data:`PREV_HELD_S` of audio."""
        self._drop_prev()
        self.update()
        fh, frames, self._fh = self._fh, self.frames, None
        self._settle()                           # (nothing to settle: its update replaced any older file)
        self._prev = (fh, self._where, frames)
        self._open(self.part_path(len(self.paths) + 1))

    def _io(self, action: Callable[[], object], path: Path | None = None) -> None:
        """Run one file operation; an OSError becomes an AudioFileError naming the file."""
        try:
            action()
        except OSError as exc:
            where = path or (self.paths[-1] if self.paths else self.path)
            role = f"{self.role} " if self.role else ""
            locked = exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM)
            raise AudioFileError(f"cannot write {role}{where}: {exc.strerror or exc}",
                                 hint="that folder cannot be written (read-only, or not yours): give a file in "
                                      "another folder" if locked else "is the disk full?") from None


def _read_write(path: str, flags: int) -> int:
    """``open``'s opener for a take file: ``flags`` (write-only, as mode "wb" asks) made read-write, so that
    :meth:`WavRecorder.seal` reads a take's tail back through the descriptor it writes (before p60 it opened
    /proc/self/fd/N to read); write-only where this user may write the file but not read it."""
    try:
        return os.open(path, (flags & ~os.O_ACCMODE) | os.O_RDWR, 0o666)
    except PermissionError:
        return os.open(path, flags, 0o666)


def _read_at(fd: int, path: Path, size: int, at: int) -> bytes:
    """``size`` bytes from byte ``at`` of the take file open on ``fd``, read through ``fd`` itself.  A descriptor
    opened write-only (a file this user may not read, or a handle made by a replaced ``open``: the recording tests'
    simulated full disk, tests/engine/full_disk.py) is read through one opened on ``path``, only if that is the
    same file (its device and inode); OSError otherwise."""
    try:
        return os.pread(fd, size, at)
    except OSError as exc:
        if exc.errno != errno.EBADF:
            raise
    rd = os.open(path, os.O_RDONLY)
    try:
        mine, theirs = os.fstat(fd), os.fstat(rd)
        if (mine.st_dev, mine.st_ino) != (theirs.st_dev, theirs.st_ino):
            raise OSError(errno.ESTALE, f"{path} is another file now")
        return os.pread(rd, size, at)
    finally:
        os.close(rd)


def _same_mode(older: Path, part: Path) -> None:
    """Give ``part`` (the new take, written beside ``older``) the older file's permission bits, so a take that
    replaces it keeps who may read it (a shared or read-only take stays so); nothing if either cannot be read."""
    try:
        os.chmod(part, os.stat(older).st_mode & 0o7777)
    except OSError:
        pass


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
    except OSError:     # gone, never made (its folder is a file), or a read-only disk that never took it
        pass


def _close_quietly(fh: Any) -> None:
    """Close ``fh`` (None, or a file whose writes failed: its own error was raised already)."""
    try:
        if fh is not None:
            fh.close()
    except OSError:
        pass
