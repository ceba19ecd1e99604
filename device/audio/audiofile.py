"""Reading and writing audio files with clear errors (libsndfile through soundfile).

Arrays are float32, shape [channels, frames], values nominally in [-1, 1].  Files are opened by any name
the file system holds, one that is not valid UTF-8 too (:func:`sound_name`); errors name them as text.
A take written as it goes (:class:`WavRecorder`) is device/audio/wav_recorder.py's, exported here too.
"""
from __future__ import annotations

import errno
import os
import shlex
import shutil
import sys
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import soundfile as sf

from device.audio.closed_folder import way_hint
from device.audio.file_headers import (  # noqa: F401  (re-exported: the header checks moved there)
    STREAMING_SIZE, aiff_header_problem, bformat_header, header_problem, mp3_frames, mp3_length_header,
    w64_header_problem, wav_header_problem)
from device.audio.float_peaks import (  # noqa: F401  (re-exported: the float peak rules moved there)
    FLOAT_PEAK_HINT, MAX_FLOAT_PEAK, OVER_FULL_SCALE, float_peak_problem, over_full_scale_words)
from device.audio.junk_names import hidden_name  # noqa: F401  (re-exported: the one rule of names that are no samples)
from device.audio.unopened import open_refusal
from device.audio.wav_recorder import (  # noqa: F401  (re-exported: the recorder of takes moved there)
    FLOAT_WAV_HEADER, WAV_MAX_BYTES, WavRecorder, float_wav_header, no_file_kind, stream_refusal)
from hatbox.errors import AudioFileError
from hatbox.file_access import access_hint, cannot_read, os_words

# what libsndfile (>= 1.1, as the soundfile wheels bundle it) decodes; MP3 too, with its encoder delay as in the file;
# AIFF-C (.aifc: uncompressed, sowt, fl32, ulaw...), Apple's CAF and Sony's Wave64 (.w64) go through the same reader,
# and so do the WAVs named otherwise: .wave, Broadcast WAV (.bwf), RF64 (.rf64: a WAV past 4 GiB) and ambisonic
# B-format (.amb: WAVE_FORMAT_EXTENSIBLE, of which only W is heard: :func:`heard_channels`); libsndfile reads a file by
# its content, never by its name
READABLE_SUFFIXES = (".wav", ".wave", ".flac", ".aif", ".aiff", ".aifc", ".caf", ".w64", ".ogg", ".oga", ".mp3",
                     ".bwf", ".rf64", ".amb")
# the compressed ones among them, which hold no float samples (hatbox.hot_samples looks for floats in the rest)
COMPRESSED_SUFFIXES = (".flac", ".ogg", ".oga", ".mp3")
# ambisonic B-format files, by name; under another name by the SubFormat GUID of their header (:func:`ambisonic`:
# soundfile 0.14 does not expose libsndfile's WAVEX ambisonic flag, SFC_WAVEX_GET_AMBISONIC)
AMBISONIC_SUFFIXES = (".amb",)


# the largest |sample| accepted from a float file: far above full scale (1.0) and above the +-32768 some
# programs write into float WAVs, far below where a network's power spectrum overflows float32 (about 1e19)
MAX_ABS_SAMPLE = 1e8


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
    """libsndfile's complaint (the first line of ``exc``) as the end of a message that already names the file:
    without the ``Error opening 'NAME': `` soundfile puts before it, starting in lower case and without its
    final full stop ("format not recognised", "error in WAV file. No 'data' chunk marker").  A message of
    another kind that names ``path`` anyway names it as text even where soundfile was given its name's bytes
    (``b'caf\\xe9.wav'`` -> ``'caf\\udce9.wav'``, the name as Python holds it, as every other message shows it)."""
    error_string = getattr(exc, "error_string", None)        # soundfile.LibsndfileError: libsndfile's own words
    text = error_string if isinstance(error_string, str) else str(exc)
    text = (text.strip() or type(exc).__name__).splitlines()[0]
    if path is not None:
        refused = open_refusal(exc, sound_name(path))
        if refused is not None:         # libsndfile's "System error": it could not open the file; the system says why
            return os_words(refused)
        name = sound_name(path)
        text = text.removeprefix(f"Error opening {name!r}: ")
        if isinstance(name, bytes):
            text = text.replace(repr(name), f"'{os.fspath(path)}'")
    return _sentence_end(text)


def decode_failure(path: Path, exc: Exception, verb: str) -> AudioFileError:
    """The AudioFileError for libsndfile's failure ``exc`` to ``verb`` ("cannot decode", "cannot read") ``path``:
    :func:`reason`'s words, or a file the system would not open said as it said it, with what to do."""
    refused = open_refusal(exc, sound_name(path))
    if isinstance(refused, PermissionError):
        return AudioFileError(cannot_read(path, refused), hint=access_hint(path), refused=True)
    if refused is not None:             # the system's other failures (EIO of a failing drive, EMFILE): no chmod
        return AudioFileError(cannot_read(path, refused))
    return AudioFileError(f"{verb} {path}: {reason(exc, path)}")


def _check_file(path: Path) -> None:
    """AudioFileError unless ``path`` is a file: :func:`not_a_file`'s words, or the system's (a folder on its way
    that may not be entered: "permission denied") with what to do: the "chmod -R u+rX" of the first folder on the
    way of the file it names (device.audio.closed_folder; its own folder when none is found closed now); another
    OSError (EIO, ENAMETOOLONG) in the system's words alone, not a refusal."""
    try:
        if path.is_file():
            return
    except OSError as exc:      # a refusal: its chmod; an I/O error, a name too long: the system's words (p56 FR3)
        raise AudioFileError(cannot_read(path, exc), hint=way_hint(path, exc),
                             refused=isinstance(exc, PermissionError)) from None
    raise AudioFileError(not_a_file(path))


def _sentence_end(text: str) -> str:
    """``text`` as the end of a sentence: its first letter in lower case unless its first word is all capitals
    or mixed case (an acronym, a name: "WAV", "MPEG"), and without one final full stop."""
    word = text.split(" ", 1)[0]
    if word[:1].isupper() and word[1:] == word[1:].lower():
        text = text[:1].lower() + text[1:]
    return text[:-1] if text.endswith(".") and not text.endswith("..") else text


EMPTY_FILE = "empty file (0 bytes)"


def empty_file_problem(path: str | Path) -> str:
    """:data:`EMPTY_FILE` for a file of 0 bytes (libsndfile only says "Format not recognised"), else ""
    (also for a path that cannot be examined: opening it says why)."""
    try:
        return EMPTY_FILE if os.stat(path).st_size == 0 else ""
    except OSError:
        return ""


def not_a_file(path: Path, shown: str | None = None) -> str:
    """Why ``path``, where an audio file is to be read, is none: nothing there, a folder (first-run QA of the
    forty-first stop: `render --input my-pedal` said "no audio file at my-pedal" of a folder), something else;
    ``shown``: the path as the message names it (default ``path``)."""
    name = str(path) if shown is None else shown
    if path.is_dir():
        return f"{name} is a folder, not an audio file"
    return f"no audio file at {name}" if not path.exists() else f"cannot read {name}: not a regular file"


def info(path: str | Path) -> tuple[int, int, int]:
    """(sample_rate Hz, channels, frames) without decoding the audio; any name the file system holds."""
    path = Path(path)
    _check_file(path)                   # as read() says it: libsndfile's "system error" says nothing
    if empty_file_problem(path):
        raise AudioFileError(f"cannot read {path}: {EMPTY_FILE}")
    try:
        i = sf.info(sound_name(path))
    except Exception as exc:  # noqa: BLE001 - libsndfile reports many kinds of failure
        raise decode_failure(path, exc, "cannot read") from None
    return int(i.samplerate), int(i.channels), int(i.frames)


def file_seconds(path: str | Path) -> float:
    """Length of the audio file at ``path`` in seconds, from its header (:func:`info`: nothing decoded);
    AudioFileError as :func:`info` raises it, or for a header that gives no sample rate."""
    rate, _channels, frames = info(path)
    if rate <= 0:
        raise AudioFileError(f"cannot read {path}: its header gives no sample rate")
    return frames / rate


def _decodable(path: str | Path) -> Path:
    """``path`` as a Path once it is a file to decode: :func:`_check_file`'s refusals, and an empty file's
    (the first checks of :func:`read` and :func:`read_chunks`)."""
    path = Path(path)
    _check_file(path)
    if empty_file_problem(path):
        raise AudioFileError(f"cannot decode {path}: {EMPTY_FILE}")
    return path


def read(path: str | Path, *, expect_rate: int | None = None, mono: bool = False,
         max_frames: int | None = None) -> tuple[np.ndarray, int]:
    """Decode ``path`` (any name the file system holds) -> (audio [C, N] float32, sample_rate Hz); of an ambisonic
    B-format file (an .amb, or under any name a WAVE_FORMAT_EXTENSIBLE one with the B-format SubFormat GUID:
    :func:`ambisonic`) only its W channel, C = 1 (:func:`heard_channels`).

    ``expect_rate`` turns a rate mismatch into a clear error; ``mono`` averages channels to [1, N];
    ``max_frames`` decodes only the first that many frames (the head of a long file: memory bounded).
    """
    path = _decodable(path)
    try:
        data, rate = sf.read(sound_name(path), frames=-1 if max_frames is None else max_frames,
                             dtype="float32", always_2d=True)
    except Exception as exc:  # noqa: BLE001
        raise decode_failure(path, exc, "cannot decode") from None
    if data.shape[0] == 0:
        raise AudioFileError(f"{path} holds no audio (0 frames)")
    check_rate(path, rate, expect_rate)
    audio = np.ascontiguousarray(heard_channels(data.T, path))
    check_samples(audio, path)
    if mono and audio.shape[0] > 1:
        audio = audio.mean(axis=0, keepdims=True)
    return audio, int(rate)


def ambisonic(path: str | Path) -> bool:
    """Whether ``path`` is an ambisonic B-format file: by its name (:data:`AMBISONIC_SUFFIXES`), or, under another
    (a B-format WAV saved as .wav), by its header's WAVE_FORMAT_EXTENSIBLE SubFormat GUID (:func:`bformat_header`,
    fifty-first stop: such a file played and tagged as the mean of W, X, Y and Z).  Callers ask it of files with
    more than one channel only (a header read each)."""
    return Path(path).suffix.lower() in AMBISONIC_SUFFIXES or bformat_header(path)


def heard_channels(audio: np.ndarray, path: str | Path) -> np.ndarray:
    """The channels of ``audio`` [C, N] (decoded from ``path``) that carry the sound as one listener hears it: all of
    them, or of an ambisonic B-format file (:func:`ambisonic`) its first, W [1, N]: the omnidirectional signal.  X, Y
    and Z (and higher orders) are the sound times the cosine of its direction, so any mean of them with W plays and
    tags a sound by where it was recorded from (p50 review: one hit played at -16.2 to -29.2 dB by its direction, W
    alone at -19.1 dB: tests/library/test_p50_m5_amb.py)."""
    return heard_of(audio, bformat_file(audio.shape[0], path))


def bformat_file(channels: int, path: str | Path) -> bool:
    """Whether a file at ``path`` of ``channels`` channels is heard by its W channel alone: more than one channel and
    ambisonic (:func:`ambisonic`: asked only then, a header read).  The one rule of :func:`heard_channels` and
    :func:`read_chunks`, which asks it once per file and hands the answer to :func:`heard_of` for each chunk."""
    return channels > 1 and ambisonic(path)


def heard_of(audio: np.ndarray, bformat: bool) -> np.ndarray:
    """The channels of ``audio`` [C, N] heard, ``bformat`` being :func:`bformat_file`'s answer for its file: W alone
    [1, N] of a B-format file, all of them otherwise (a view, nothing copied)."""
    return audio[:1] if bformat else audio


def check_rate(path: Path, rate: int, expect_rate: int | None) -> None:
    """AudioFileError, with the sox line that resamples it, when ``path``'s ``rate`` (Hz) is not ``expect_rate``
    (None: any rate)."""
    if expect_rate is not None and rate != expect_rate:
        raise AudioFileError(f"{path} is {rate} Hz but {expect_rate} Hz is needed",
                             hint=f"resample it, e.g. `sox {shlex.quote(str(path))} -r {expect_rate} "
                                  f"{shlex.quote(str(path.with_name(path.stem + f'-{expect_rate // 1000}k.wav')))}`")


def check_samples(audio: np.ndarray, path: str | Path) -> None:
    """AudioFileError unless every sample is finite and within +-MAX_ABS_SAMPLE (a float file of garbage
    decodes without complaint; what it holds would come out of a network as NaN)."""
    check_peak(finite_peak(audio, path), path)


def finite_peak(audio: np.ndarray, path: str | Path) -> float:
    """The largest |sample| of ``audio`` (any shape; 0.0 when empty); AudioFileError naming ``path`` when one is
    NaN or infinite."""
    if not np.all(np.isfinite(audio)):
        raise AudioFileError(f"{path} contains NaN or infinite samples")
    return float(np.max(np.abs(audio))) if audio.size else 0.0


def check_peak(peak: float, path: str | Path) -> None:
    """AudioFileError when ``peak`` (linear) is beyond +-MAX_ABS_SAMPLE: garbage, not audio."""
    if peak > MAX_ABS_SAMPLE:
        raise AudioFileError(f"{path} holds samples far out of range (peak {peak:.3g}; full scale is 1.0): "
                             "is it really audio?")


CHUNK_FRAMES = 1 << 16      # frames :func:`read_chunks` decodes at a time: 1.4 s at 48 kHz (2 MiB of 8 channels)


def read_chunks(path: str | Path, *, expect_rate: int | None = None,
                chunk_frames: int = CHUNK_FRAMES) -> Iterator[np.ndarray]:
    """Decode ``path`` a chunk at a time: [C, n] float32 chunks (n <= ``chunk_frames``) of the channels heard
    (:func:`heard_channels`), so a long file costs one chunk's memory.  The checks of :func:`read` (the same
    AudioFileError words): not a file, empty, does not decode, no frames, not ``expect_rate`` (before more than its
    first chunk is decoded), NaN or infinite samples (at their chunk), samples far out of range (once the whole was
    read: the consumer reads to the end to be told)."""
    path = _decodable(path)
    try:
        f = sf.SoundFile(sound_name(path))
    except Exception as exc:  # noqa: BLE001
        raise decode_failure(path, exc, "cannot decode") from None
    with f:
        chunk = _chunk(f, path, chunk_frames)
        if chunk.shape[1] == 0:
            raise AudioFileError(f"{path} holds no audio (0 frames)")
        check_rate(path, int(f.samplerate), expect_rate)
        bformat = bformat_file(chunk.shape[0], path)          # asked once per file: its W channel alone
        peak = 0.0
        while chunk.shape[1]:
            chunk = np.ascontiguousarray(heard_of(chunk, bformat))
            peak = max(peak, finite_peak(chunk, path))
            yield chunk
            chunk = _chunk(f, path, chunk_frames)
    check_peak(peak, path)


def _chunk(f: Any, path: Path, frames: int) -> np.ndarray:
    """The next ``frames`` frames (or fewer, none at the end) of the open sf.SoundFile ``f`` as [C, n] float32."""
    try:
        data = f.read(frames, dtype="float32", always_2d=True)
    except Exception as exc:  # noqa: BLE001
        raise decode_failure(path, exc, "cannot decode") from None
    return np.ascontiguousarray(data.T)


# what write() can produce, by file name: the format, and the sample format when the caller gives none
# (float where the format has it, so nothing is lost; 24-bit FLAC; Ogg Vorbis)
WRITABLE = {".wav": ("WAV", "FLOAT"), ".aif": ("AIFF", "FLOAT"), ".aiff": ("AIFF", "FLOAT"),
            ".flac": ("FLAC", "PCM_24"), ".ogg": ("OGG", "VORBIS")}


def _audio_name(path: str | Path) -> Path:
    """``path`` as the name of an audio file to write: a name :data:`WRITABLE` knows, not a folder; any name of a
    character device (/dev/null: :func:`_device`)."""
    path = Path(path)
    if _device(path):
        return path
    if path.suffix.lower() not in WRITABLE:
        raise name_refusal(path, tuple(WRITABLE))
    if path.is_dir():
        raise AudioFileError(f"{path} is a folder", hint="give the path of the audio file to write")
    return path


def _device(path: Path) -> bool:
    """Whether ``path`` is a character device (/dev/null, /dev/full): it takes the audio as written, a WAV whatever
    its name, with no file beside it to write first and nothing of the user's to lose."""
    try:
        return path.is_char_device()
    except OSError:
        return False


def name_refusal(path: Path, endings: tuple[str, ...], nothing: str = "", also: str = "") -> AudioFileError:
    """The refusal of ``path`` as the name of an audio file to write, whose name does not end in one of ``endings``
    (e.g. a notes.txt or a .hatpack given where a WAV goes): ``nothing`` ends its sentence ("; nothing was
    started"), ``also`` ends its hint (another way on)."""
    return AudioFileError(f"{path}: cannot write audio of that kind{nothing}",
                          hint=f"give a name ending in {', '.join(endings)} (e.g. {path.stem}.wav)"
                               + (f", {also}" if also else ""))


def truncated_words(path: str | Path, problem: str, did: str) -> str:
    """"X is shorter than its header says (PROBLEM): truncated? Rendered what it holds" for a file at ``path``
    whose header promises more than it holds (``problem``: :func:`header_problem`'s), ``did`` saying what was
    done with it ("rendered what it holds"; the box: "plays what it holds")."""
    return f"{path} is shorter than its header says ({problem}): truncated? {did[:1].upper()}{did[1:]}"


SOFTWARE = "hatbox"      # the software tag :func:`write` puts in every file (libsndfile adds its own name after it)


def check_output(path: str | Path, force: bool = False) -> Path:
    """Make sure audio can be written at ``path`` before any work is spent on it (AudioFileError
    otherwise): a name :data:`WRITABLE` knows, not a folder, its folder made and writable, and, unless ``force``,
    no file there that hatbox did not write (:func:`written_by_hatbox`; synth QA of the fortieth stop: `play --out
    notes/flute/C4.wav` wrote over a training note without a word)."""
    from export.atomic import unwritable
    if Path(path).is_dir():                  # before the name's ending: a folder is no audio file at all
        raise AudioFileError(f"cannot write audio to {path}: it is a folder",
                             hint=f"give the path of the audio file to write (e.g. {Path(path) / 'out.wav'})")
    refused = stream_refusal(path)           # before anything opens it: a pipe's open waits for a writer
    if refused:
        raise AudioFileError(f"cannot write {path}: {refused}")
    path = _audio_name(path)
    if _device(path):                        # /dev/null: written as it is, if this user may (device run's rule)
        if not os.access(path, os.W_OK):
            raise AudioFileError(f"cannot write {path}: {os.strerror(errno.EACCES)}")
        return path
    why = unwritable(path)
    if why:
        raise AudioFileError(f"cannot write {path}: {why}", hint="pick a file in a folder you can write to")
    refuse_foreign(path, force)
    return path


def refuse_foreign(path: Path, force: bool, flag: str = "--out", nothing: str = "nothing was written") -> None:
    """Unless ``force``: AudioFileError when a file is at ``path`` that hatbox did not write
    (:func:`written_by_hatbox`: a recording of the user's, most likely), in the words ``flag`` (the option that named
    it) and ``nothing`` (what was not done) end; a device (/dev/null) holds nothing to lose.  The one rule of `hatbox
    render --out`, `hatbox synth play --out` and `hatbox device run --output` (hatbox/box_start_checks.py)."""
    if force or not (path.exists() or path.is_symlink()) or path.is_char_device() or written_by_hatbox(path):
        return
    raise AudioFileError(f"{path} is there and hatbox did not write it (a recording of yours?): {nothing}",
                         hint=f"give another {flag}, or add --force to write over it{_untagged_float_words(path)}")


def written_by_hatbox(path: str | Path) -> bool:
    """Whether the audio file at ``path`` carries hatbox's software tag: written by :func:`write`, or a take of the
    box's recorder (device/audio/wav_recorder.float_wav_header's LIST/INFO chunk): a render or a take hatbox made, which
    a new one may replace without asking.  (Until p59 M6 a take was known by its bare float header, which sox and scipy
    write too: a musician's sox recording was written over without a word.)  A pipe, socket or block device is
    nobody's file and is never opened (:func:`no_file_kind`)."""
    if no_file_kind(path):
        return False
    try:
        with sf.SoundFile(str(path)) as f:
            return str(f.software or "").startswith(SOFTWARE)
    except Exception:  # noqa: BLE001 - unreadable, or no audio file at all: not hatbox's
        return False


def _untagged_float_words(path: Path) -> str:
    """What a refusal adds for an untagged 32-bit float WAV at ``path``: it may be a take the box recorded before its
    takes were tagged (p59 M6), which --force writes over once; "" for any other file, and for a pipe, socket or
    block device, never opened (p59 RD3: opening a FIFO to read waits for a writer)."""
    if no_file_kind(path):
        return ""
    try:
        with sf.SoundFile(str(path)) as f:
            bare = f.format == "WAV" and f.subtype == "FLOAT"
    except Exception:  # noqa: BLE001 - no audio file: nothing to add
        return ""
    return ("; if it is a take the box recorded before this version (those carry no hatbox tag), --force writes over "
            "it this once: new takes carry the tag") if bare else ""


def write(path: str | Path, audio: np.ndarray, rate: int, subtype: str | None = None) -> Path:
    """Write [C, N] or [N] float audio in the format its name says (:data:`WRITABLE`; WAV and AIFF as
    32-bit float by default).  The file is replaced atomically: a failed write (a full disk) leaves the
    old file as it was and no half file.  A disk too full for it is said as that, with the bytes needed and
    free (:func:`full_disk_words`), before anything is written where its size is known (uncompressed formats).
    A character device (/dev/null) is written as it is, a WAV whatever its name."""
    from export.atomic import atomic_output
    path = _audio_name(path)
    fmt, default_subtype = WRITABLE.get(path.suffix.lower(), WRITABLE[".wav"])
    arr = np.asarray(audio, dtype=np.float32)
    arr = arr[None, :] if arr.ndim == 1 else arr
    sub = subtype or default_subtype
    needed = expected_bytes(arr.shape[1], arr.shape[0], sub, fmt)
    try:
        if _device(path):
            with open(path, "wb") as fh:
                _encode(_Caught(fh), arr, int(rate), fmt, sub)
            return path
        path.parent.mkdir(parents=True, exist_ok=True)
        _refuse_no_room(path, needed)
        with atomic_output(path) as fh:
            _encode(_Caught(fh), arr, int(rate), fmt, sub)
    except AudioFileError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise _write_error(path, exc, needed) from None
    return path


# bytes per sample of the sample formats whose files' size is known before they are written (FLAC, Vorbis compress)
SAMPLE_BYTES = {"FLOAT": 4, "DOUBLE": 8, "PCM_16": 2, "PCM_24": 3, "PCM_32": 4, "PCM_S8": 1, "PCM_U8": 1,
                "ULAW": 1, "ALAW": 1}
HEADER_ROOM = 4096          # bytes: room for a WAV's or AIFF's header with its software tag (one disk block)


def expected_bytes(frames: int, channels: int, subtype: str, fmt: str = "WAV") -> int | None:
    """About how many bytes a ``fmt`` file of ``frames`` x ``channels`` samples in ``subtype`` takes on disk (the
    header counted as :data:`HEADER_ROOM`); None for a compressed format (FLAC, Ogg)."""
    size = SAMPLE_BYTES.get(subtype.upper()) if fmt.upper() in ("WAV", "AIFF") else None
    return None if size is None else HEADER_ROOM + int(frames) * int(channels) * size


def free_bytes(folder: Path) -> int | None:
    """Bytes free to this user on the disk holding ``folder``; None when it cannot be told (a failing disk, no such
    folder).  The one reading of it: audio writes and the box's uploads (device/api/uploads.py) go by it."""
    try:
        return int(shutil.disk_usage(folder).free)
    except (OSError, ValueError):
        return None


def full_disk_words(needed: int | None, free: int | None, said: str = "the disk is full") -> str:
    """"the disk is full: about 3.3 MiB needed, 40 KiB free", with what is known of the two figures (``said``: the
    words before them)."""
    from device.library.archive_members import bytes_words
    figures = [f"about {bytes_words(needed)} needed" if needed is not None else "",
               f"{bytes_words(free)} free" if free is not None else ""]
    shown = ", ".join(f for f in figures if f)
    return said + (f": {shown}" if shown else "")


FULL_DISK_HINT = "make room on that disk, or write to another one"


def _refuse_no_room(path: Path, needed: int | None) -> None:
    """AudioFileError when the disk holding ``path`` has fewer bytes free than the file ``needed``: nothing is
    written (a file already there stays as it was: the new one is written beside it before it replaces it)."""
    free = free_bytes(path.parent)
    if needed is not None and free is not None and needed > free:
        raise AudioFileError(f"cannot write {path}: {full_disk_words(needed, free)}; nothing was written",
                             hint=FULL_DISK_HINT)


def _write_error(path: Path, exc: Exception, needed: int | None) -> AudioFileError:
    """The one-line error for a write of ``path`` that failed with ``exc`` (its half file is gone already)."""
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        said = "the disk is full" if exc.errno == errno.ENOSPC else "the disk quota is used up"
        free = None if _device(path) else free_bytes(path.parent)      # /dev/full: its folder's room is no answer
        words = full_disk_words(needed, free, f"{said} ({exc.strerror or os.strerror(exc.errno)})")
        return AudioFileError(f"cannot write {path}: {words}; nothing was written", hint=FULL_DISK_HINT)
    why = exc.strerror if isinstance(exc, OSError) and exc.strerror else reason(exc)
    return AudioFileError(f"cannot write {path}: {why}", hint="is the disk full?")


class _Caught:
    """A binary file handle as soundfile's virtual IO uses it, its first OSError kept in :attr:`error` instead of
    raised.  libsndfile calls write, seek and tell from C (cffi callbacks): an OSError raised there (a full disk)
    was printed as "Exception ignored from cffi callback" with a traceback and swallowed, and soundfile then failed
    an assert, so the user read "AssertionError" (p42 cloud QA).  After an error, writes do nothing."""

    def __init__(self, fh: Any) -> None:
        self.fh = fh
        self.error: OSError | None = None

    def write(self, data: bytes) -> int:
        if self.error is None:
            try:
                return self.fh.write(data)
            except OSError as exc:
                self.error = exc
        return 0

    def seek(self, offset: int, whence: int = 0) -> int:
        try:
            return self.fh.seek(offset, whence)
        except OSError as exc:          # a buffered handle writes its buffer out first
            self.error = self.error or exc
            return self.tell()

    def tell(self) -> int:
        try:
            return self.fh.tell()
        except OSError as exc:
            self.error = self.error or exc
            return 0


def _encode(fh: _Caught, arr: np.ndarray, rate: int, fmt: str, subtype: str) -> None:
    """Write ``arr`` [C, N] into ``fh`` as ``fmt``/``subtype`` audio; the handle's own OSError (a full disk) is
    raised, not what soundfile makes of the short write."""
    try:
        with sf.SoundFile(fh, "w", rate, arr.shape[0], subtype, format=fmt) as f:
            f.software = SOFTWARE           # so that a later render knows it may replace this file (check_output)
            f.write(arr.T)
    except Exception:
        if fh.error is not None:
            raise fh.error from None
        raise
    if fh.error is not None:
        raise fh.error
