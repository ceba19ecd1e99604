"""Decode the head of an audio file for tagging: its channels, at most ``seconds`` long (memory bounded),
and the mono mix a tagger hears of them.

Files are decoded by device.audio.audiofile (whole when short; long ones, loops and whole songs, only as
far as the tagger looks), with its clear errors, whatever their name (one that is not valid UTF-8 too, a
Latin-1 "caf\xe9.wav" from an old sample CD: device.audio.audiofile.sound_name).  Silence is judged on the
loudest channel (a stereo file whose channels cancel in the mix is not silent); see :func:`mix` for what the
tagger hears then.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from device.audio import audiofile
from hatbox.errors import AudioFileError

WHOLE_FILE_SECONDS = 30.0
SILENT_DBFS = -90.0        # a peak below this is silence (1 LSB of 16-bit audio is -90.3 dBFS)
SILENT_LEVEL = 10.0 ** (SILENT_DBFS / 20.0)
CONTAINERS = {b"RIFF": "little", b"RIFX": "big", b"FORM": "big"}     # WAV, big-endian WAV, AIFF


def read_channels(path: Path, seconds: float, *, empty_ok: bool = False) -> tuple[np.ndarray, int]:
    """(channels [C, n] float32, rate Hz) of the first ``seconds`` of ``path``.  A file whose header says it
    holds no samples is an AudioFileError, or with ``empty_ok`` [C, 0] when its header accounts for all
    of it (one with bytes past where its header says it ends is a recording never finished: an error)."""
    rate, channels, frames = audiofile.info(path)
    if frames == 0 and empty_ok:
        gap = bytes_past_header(path)
        if gap:
            raise AudioFileError(f"{path}: its header says it holds no audio, but {gap} bytes follow where the "
                                 "header says the file ends (a recording that was never finished?)")
        return np.zeros((channels, 0), np.float32), rate
    head = int(np.ceil(rate * seconds))
    if frames <= rate * max(seconds, WHOLE_FILE_SECONDS):
        audio, rate = audiofile.read(path)
        return audio[:, :head], rate
    return audiofile.read(path, max_frames=head)       # a long file: only its head is decoded


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
        with sf.SoundFile(audiofile.sound_name(path)) as f:
            rate = f.samplerate
            for data in f.blocks(blocksize=block, dtype="float32", always_2d=True):
                mag = np.abs(data).max(axis=1, initial=0.0)     # the loudest channel's magnitude [frames]
                loud = np.flatnonzero(mag >= level)
                if loud.size:
                    return (done + int(loud[0])) / rate, float(mag.max())
                peak = max(peak, float(np.max(mag, initial=0.0)))
                done += data.shape[0]
    except Exception as exc:  # noqa: BLE001 - libsndfile reports many kinds of failure
        raise AudioFileError(f"cannot decode {path}: {audiofile.reason(exc, path)}") from None
    return None, peak
