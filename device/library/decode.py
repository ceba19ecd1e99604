"""Decode the head of an audio file for tagging: its channels, at most ``seconds`` long (memory bounded),
and the mono mix a tagger hears of them.

Short files go through device.audio.audiofile.read; long ones (loops, whole songs) are read only as
far as the tagger looks, with the same clear errors; so is a file whose name is not valid UTF-8 (a Latin-1
"caf\xe9.wav" from an old sample CD), which soundfile opens by its bytes (:func:`sound_name`).  Silence is
judged on the loudest channel (a stereo file whose channels cancel in the mix is not silent); see :func:`mix`
for what the tagger hears then.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import soundfile as sf

from device.audio import audiofile
from hatbox.errors import AudioFileError

WHOLE_FILE_SECONDS = 30.0
SILENT_DBFS = -90.0        # a peak below this is silence (1 LSB of 16-bit audio is -90.3 dBFS)
SILENT_LEVEL = 10.0 ** (SILENT_DBFS / 20.0)
CONTAINERS = {b"RIFF": "little", b"RIFX": "big", b"FORM": "big"}     # WAV, big-endian WAV, AIFF


def sound_name(path: Path) -> str | bytes:
    """``path`` as soundfile can open it: its text, or the bytes of a name the file system encoding cannot
    encode (a name that is not valid UTF-8, which Python holds with surrogateescape; soundfile would refuse
    it as text and hands bytes to libsndfile unchanged)."""
    text = str(path)
    try:
        text.encode(sys.getfilesystemencoding())
    except UnicodeEncodeError:
        return os.fsencode(path)
    return text


def _why(exc: Exception, path: Path) -> str:
    """libsndfile's complaint about ``path`` (first line), naming the file as text even when soundfile was
    given its name's bytes (``Error opening b'...'``)."""
    text = (str(exc).strip() or type(exc).__name__).splitlines()[0]
    name = sound_name(path)
    return text.replace(repr(name), f"'{path}'") if isinstance(name, bytes) else text


def _info(path: Path) -> tuple[int, int, int]:
    """(sample_rate Hz, channels, frames) of ``path``, whatever its name (device.audio.audiofile.info)."""
    name = sound_name(path)
    if isinstance(name, str):
        return audiofile.info(path)
    try:
        i = sf.info(name)
    except Exception as exc:  # noqa: BLE001 - libsndfile reports many kinds of failure
        raise AudioFileError(f"cannot read {path}: {_why(exc, path)}") from None
    return int(i.samplerate), int(i.channels), int(i.frames)


def read_channels(path: Path, seconds: float, *, empty_ok: bool = False) -> tuple[np.ndarray, int]:
    """(channels [C, n] float32, rate Hz) of the first ``seconds`` of ``path``.  A file whose header says it
    holds no samples is an AudioFileError, or with ``empty_ok`` [C, 0] when its header accounts for all
    of it (one with bytes past where its header says it ends is a recording never finished: an error)."""
    rate, channels, frames = _info(path)
    if frames == 0 and empty_ok:
        gap = bytes_past_header(path)
        if gap:
            raise AudioFileError(f"{path}: its header says it holds no audio, but {gap} bytes follow where the "
                                 "header says the file ends (a recording that was never finished?)")
        return np.zeros((channels, 0), np.float32), rate
    name = sound_name(path)
    if isinstance(name, str) and frames <= rate * max(seconds, WHOLE_FILE_SECONDS):
        audio, rate = audiofile.read(path)
        return audio[:, :int(np.ceil(rate * seconds))], rate
    try:                                    # a long file, or one soundfile opens by its name's bytes
        data, rate = sf.read(name, frames=int(np.ceil(rate * seconds)), dtype="float32", always_2d=True)
    except Exception as exc:  # noqa: BLE001 - libsndfile reports many kinds of failure
        raise AudioFileError(f"cannot decode {path}: {_why(exc, path)}") from None
    if data.size == 0:
        raise AudioFileError(f"{path} holds no usable audio")
    audiofile.check_samples(data, path)
    return np.ascontiguousarray(data.T), int(rate)


def mix(channels: np.ndarray) -> np.ndarray:
    """Channels [C, n] -> mono [n] float32, what a tagger hears: their mean, unless that cancels to silence
    (peak under :data:`SILENT_LEVEL`: a stereo file whose right channel is the left one inverted) while a
    channel is not silent; then the loudest channel, so the tagger hears the sound, not a mix of nothing."""
    mono = channels.mean(axis=0)
    if channels.shape[0] > 1 and channels.shape[1] and float(np.max(np.abs(mono))) < SILENT_LEVEL:
        peaks = np.max(np.abs(channels), axis=1)
        if float(peaks.max()) >= SILENT_LEVEL:
            mono = channels[int(np.argmax(peaks))]
    return mono.astype(np.float32, copy=False)


def read_head(path: Path, seconds: float) -> tuple[np.ndarray, int]:
    """(mono [n] float32, rate Hz) of the first ``seconds`` of ``path``: its channels' :func:`mix`."""
    channels, rate = read_channels(path, seconds)
    return mix(channels), rate


def bytes_past_header(path: Path) -> int:
    """How many bytes of a WAV (RIFF/RIFX) or AIFF (FORM) file lie past the end its header declares (0
    for other formats, and for one odd pad byte): audio a recorder wrote but never counted in the header."""
    size = path.stat().st_size
    with path.open("rb") as fh:
        head = fh.read(8)
    order = CONTAINERS.get(head[:4])
    if len(head) < 8 or order is None:
        return 0
    gap = size - 8 - int.from_bytes(head[4:8], order)
    return gap if gap > 1 else 0


def first_sound(path: Path, level: float, block: int = 1 << 16) -> tuple[float | None, float]:
    """(seconds at which the loudest channel of ``path`` first reaches ``level`` (linear) or None, and the
    peak of what was decoded up to there: the whole file's when it never does), decoded ``block`` frames
    at a time."""
    peak, done = 0.0, 0
    try:
        with sf.SoundFile(sound_name(path)) as f:
            rate = f.samplerate
            for data in f.blocks(blocksize=block, dtype="float32", always_2d=True):
                mag = np.abs(data).max(axis=1, initial=0.0)     # the loudest channel's magnitude [frames]
                loud = np.flatnonzero(mag >= level)
                if loud.size:
                    return (done + int(loud[0])) / rate, float(mag.max())
                peak = max(peak, float(np.max(mag, initial=0.0)))
                done += data.shape[0]
    except Exception as exc:  # noqa: BLE001 - libsndfile reports many kinds of failure
        raise AudioFileError(f"cannot decode {path}: {_why(exc, path)}") from None
    return None, peak
