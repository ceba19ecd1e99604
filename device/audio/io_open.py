"""Opening the engine process's audio I/O from its :class:`~device.audio.server_config.ServerConfig` (moved out of
device/audio/server.py): ALSA, the file backend, or (``sim_gear``) the file backend with simulated gear in a loop from
its output to its input (device/audio/sim_gear.py)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from device.audio.alsa_io import open_io, use_file_pcm
from device.audio.channel_choice import ChannelSums, everything, heard, mono_of
from device.audio.file_io import FileIO
from device.audio.server_config import ServerConfig
from hatbox.errors import AudioFileError


def open_engine_io(cfg: ServerConfig) -> Any:
    """The I/O the engine process runs on (AlsaIO, FileIO or GearLoopIO); AudioDeviceError when ALSA does not open
    (and no fallback is allowed), AudioFileError for an ``input_wav`` that cannot be read."""
    if cfg.alsa_conf:
        use_file_pcm(cfg.alsa_conf)
    audio_in = read_engine_input(cfg) if cfg.input_wav else None
    if cfg.sim_gear:
        from device.audio.sim_gear import GearLoopIO, make_gear
        latency = int(round(cfg.sim_gear_latency_ms * cfg.audio.rate / 1000.0))
        return GearLoopIO(cfg.audio, make_gear(cfg.sim_gear, cfg.audio.rate), latency, audio_in, cfg.output_wav,
                          cfg.output_limit_s)
    if cfg.backend == "file":
        return FileIO(cfg.audio, audio_in, cfg.output_wav, cfg.output_limit_s)
    return open_io(cfg.audio, fallback_audio=audio_in, fallback_out=cfg.output_wav,
                   allow_fallback=cfg.backend == "auto")


def read_engine_input(cfg: ServerConfig) -> np.ndarray:
    """``cfg.input_wav`` as the engine plays it: mono float32 [N] at ``cfg.audio.rate`` (the mean of the channels that
    hold its sound, as `hatbox render` hears it: device/audio/channel_choice.py);
    AudioFileError (:func:`scan_engine_input`'s) for what the engine does not play.  Decoded a chunk at a time (a
    20-minute stereo input held the whole stereo audio and its mono mix at once)."""
    return scan_engine_input(cfg, keep=True).audio


@dataclass
class InputScan:
    """What :func:`scan_engine_input` found in an --input: ``frames`` decoded (mono), its ``channels`` (those heard),
    its ``peak`` (largest |sample| of any channel, linear), when asked to keep it the mono ``audio`` [frames], and
    ``mixed``, the indices of the channels whose mean the box plays (channel_choice.heard; ``loudest``: the one
    played alone where they cancel, else None)."""
    frames: int = 0
    channels: int = 1
    peak: float = 0.0
    audio: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32))
    mixed: np.ndarray = field(default_factory=lambda: np.zeros(1, np.int64))
    loudest: int | None = None


def scan_engine_input(cfg: ServerConfig, keep: bool = False) -> InputScan:
    """The engine's one reading of ``cfg.input_wav`` (audiofile.read_chunks, a chunk at a time), its mono mix kept
    when ``keep`` (the engine) or let go (`hatbox device run`'s check before it installs the packs it was given,
    hatbox/box_start_checks.py: one chunk's memory).  AudioFileError for a file that is not there, does not
    decode, has another sample rate, or holds NaN, inf or samples far out of range, and for float samples over
    +24 dBFS (audiofile.float_peak_problem: integer values written as floats, which the sampler refuses too).  A
    multi-channel input is heard by render's rule (device/audio/channel_choice.py), judged on the whole file: the
    mean of all its channels is kept as it is read, and where the rule hears fewer (a DI on one side of a stereo
    take) the file is read once more for theirs."""
    from device.audio import audiofile
    scan = InputScan()
    kept = _Kept(audiofile.info(str(cfg.input_wav))[2] if keep else 0)
    sums: ChannelSums | None = None
    for chunk in _chunks(cfg):
        scan.frames, scan.channels = scan.frames + chunk.shape[1], chunk.shape[0]
        scan.peak = max(scan.peak, float(np.max(np.abs(chunk))))
        if chunk.shape[0] > 1:
            sums = sums or ChannelSums(chunk.shape[0])
            sums.add(chunk)
        if keep:
            kept.add(chunk.mean(axis=0) if chunk.shape[0] > 1 else chunk[0])
    problem = audiofile.float_peak_problem(scan.peak)
    if problem:
        raise AudioFileError(f"{cfg.input_wav}: {problem}",
                             hint=audiofile.FLOAT_PEAK_HINT.format(name=Path(str(cfg.input_wav)).name))
    if sums is not None:
        scan.mixed, scan.loudest = heard(sums.sums)
    if keep and not everything(scan.mixed, scan.channels):
        kept.restart()
        for chunk in _chunks(cfg):
            kept.add(mono_of(chunk, scan.mixed))
    if keep:
        scan.audio = kept.audio()
    return scan


def _chunks(cfg: ServerConfig) -> Iterator[np.ndarray]:
    """``cfg.input_wav`` decoded a chunk at a time, [C, n] float32 (audiofile.read_chunks, its checks)."""
    from device.audio import audiofile
    return audiofile.read_chunks(str(cfg.input_wav), expect_rate=cfg.audio.rate)


class _Kept:
    """Mono audio gathered a chunk at a time into one array of the length its header gives (``frames``: the audio
    is held once, not once more to join the chunks); what the header did not count (an MP3's estimate) is joined on
    at the end, what it counted and was not there (a truncated file) is left off."""

    def __init__(self, frames: int) -> None:
        self.out = np.empty(max(0, frames), np.float32)
        self.n = 0
        self.extra: list[np.ndarray] = []

    def restart(self) -> None:
        """Forget what was gathered (the same array is filled again from its start)."""
        self.n, self.extra = 0, []

    def add(self, mono: np.ndarray) -> None:
        fit = min(mono.shape[0], self.out.shape[0] - self.n)
        self.out[self.n:self.n + fit] = mono[:fit]
        self.n += fit
        if fit < mono.shape[0]:
            self.extra.append(mono[fit:])

    def audio(self) -> np.ndarray:
        """The audio gathered [N] float32."""
        head = self.out[:self.n] if self.n < self.out.shape[0] else self.out
        return np.concatenate([head, *self.extra]) if self.extra else head
