"""Opening the engine process's audio I/O from its :class:`~device.audio.server_config.ServerConfig` (moved out of
device/audio/server.py): ALSA, the file backend, or (``sim_gear``) the file backend with simulated gear in a loop from
its output to its input (device/audio/sim_gear.py)."""
from __future__ import annotations

from typing import Any

import numpy as np

from device.audio.alsa_io import open_io, use_file_pcm
from device.audio.file_io import FileIO
from device.audio.server_config import ServerConfig


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
    """``cfg.input_wav`` as the engine plays it: mono float32 [N] at ``cfg.audio.rate``; AudioFileError for a file
    that is not there, does not decode, has another sample rate, or holds NaN, inf or samples far out of range.  The
    engine's one reading of --input: `hatbox device run` checks it with this same function before it installs the
    packs it was given (hatbox/box_start_checks.py)."""
    from device.audio import audiofile
    data, _ = audiofile.read(str(cfg.input_wav), expect_rate=cfg.audio.rate, mono=True)
    return data.reshape(-1)
