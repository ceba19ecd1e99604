"""Reading and writing audio files with clear errors (libsndfile through soundfile).

Arrays are float32, shape [channels, frames], values nominally in [-1, 1].
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from hatbox.errors import AudioFileError

# what libsndfile (>= 1.1, as the soundfile wheels bundle it) decodes; MP3 too, with its encoder delay as in the file
READABLE_SUFFIXES = (".wav", ".flac", ".aif", ".aiff", ".ogg", ".oga", ".mp3")
# the largest |sample| accepted from a float file: far above full scale (1.0) and above the +-32768 some
# programs write into float WAVs, far below where a network's power spectrum overflows float32 (about 1e19)
MAX_ABS_SAMPLE = 1e8


def info(path: str | Path) -> tuple[int, int, int]:
    """(sample_rate Hz, channels, frames) without decoding the audio."""
    path = Path(path)
    try:
        i = sf.info(str(path))
    except Exception as exc:  # noqa: BLE001 - libsndfile reports many kinds of failure
        raise AudioFileError(f"cannot read {path}: {_why(exc)}") from None
    return int(i.samplerate), int(i.channels), int(i.frames)


def read(path: str | Path, *, expect_rate: int | None = None, mono: bool = False) -> tuple[np.ndarray, int]:
    """Decode ``path`` -> (audio [C, N] float32, sample_rate Hz).

    ``expect_rate`` turns a rate mismatch into a clear error; ``mono`` averages channels to [1, N].
    """
    path = Path(path)
    if not path.is_file():
        raise AudioFileError(f"no audio file at {path}")
    try:
        data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except Exception as exc:  # noqa: BLE001
        raise AudioFileError(f"cannot decode {path}: {_why(exc)}") from None
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


def write(path: str | Path, audio: np.ndarray, rate: int, subtype: str = "FLOAT") -> Path:
    """Write [C, N] or [N] float audio as WAV (32-bit float by default)."""
    path = Path(path)
    arr = np.asarray(audio, dtype=np.float32)
    arr = arr[None, :] if arr.ndim == 1 else arr
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        sf.write(str(path), arr.T, int(rate), subtype=subtype)
    except Exception as exc:  # noqa: BLE001
        raise AudioFileError(f"cannot write {path}: {_why(exc)}") from None
    return path


def _why(exc: Exception) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]
