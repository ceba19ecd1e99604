"""Decode the head of an audio file for tagging: mono, at most ``seconds`` long (memory bounded).

Short files go through device.audio.audiofile.read; long ones (loops, whole songs) are read only as
far as the tagger looks, with the same clear errors.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from device.audio import audiofile
from hatbox.errors import AudioFileError

WHOLE_FILE_SECONDS = 30.0


def read_head(path: Path, seconds: float) -> tuple[np.ndarray, int]:
    """(mono [n] float32, rate Hz) of the first ``seconds`` of ``path``."""
    rate, _channels, frames = audiofile.info(path)
    if frames <= rate * max(seconds, WHOLE_FILE_SECONDS):
        audio, rate = audiofile.read(path, mono=True)
        return audio[0, :int(np.ceil(rate * seconds))], rate
    try:
        data, rate = sf.read(str(path), frames=int(np.ceil(rate * seconds)), dtype="float32", always_2d=True)
    except Exception as exc:  # noqa: BLE001 - libsndfile reports many kinds of failure
        raise AudioFileError(f"cannot decode {path}: {str(exc).strip().splitlines()[0]}") from None
    mono = data.mean(axis=1)
    if mono.size == 0:
        raise AudioFileError(f"{path} holds no usable audio")
    audiofile.check_samples(mono, path)
    return mono.astype(np.float32), int(rate)


def first_sound(path: Path, level: float, block: int = 1 << 16) -> tuple[float | None, float]:
    """(seconds at which the mono mix of ``path`` first reaches ``level`` (linear) or None, and the peak of
    what was decoded up to there: the whole file's when it never does), decoded ``block`` frames at a time."""
    peak, done = 0.0, 0
    try:
        with sf.SoundFile(str(path)) as f:
            rate = f.samplerate
            for data in f.blocks(blocksize=block, dtype="float32", always_2d=True):
                mag = np.abs(data.mean(axis=1))                 # the mono mix's magnitude [frames]
                loud = np.flatnonzero(mag >= level)
                if loud.size:
                    return (done + int(loud[0])) / rate, float(mag.max())
                peak = max(peak, float(np.max(mag, initial=0.0)))
                done += data.shape[0]
    except Exception as exc:  # noqa: BLE001 - libsndfile reports many kinds of failure
        raise AudioFileError(f"cannot decode {path}: {str(exc).strip().splitlines()[0]}") from None
    return None, peak
