"""What `hatbox device run` checks before it installs the packs it was given (hatbox/cmd_device.py `_ready_store`):
everything else its start needs, so that a start that fails leaves the store as it was (p58 QA Q1 1: a --input with
NaN in it, or a typo in its name, failed only once the engine read it, after --effect had been installed and made
active, and the next plain start played that pack).  The same checks the engine process makes when it opens its audio
(device/audio/io_open.py), made first here; device.audio is imported when a box starts, not by `hatbox --help`."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from hatbox.errors import AudioFileError

OUTPUT_HINT = "pass a writable file with --output WAV"     # the file backend's own hint (device/audio/file_io.FileIO)


def check_start(cfg: Any) -> None:
    """Raise the error the engine would start with for ``cfg`` (its ServerConfig, after
    hatbox.box_backend.pick_backend chose where the audio goes): an --input it cannot play, an output it cannot
    write (the file backend), a sound card that does not open (ALSA, only where packs were given: nothing else of
    the store would change before the engine says it)."""
    if cfg.input_wav:
        check_input(cfg)
    if cfg.backend == "file" and cfg.output_wav:
        check_output(cfg.output_wav)
    elif cfg.backend == "alsa" and cfg.packs:
        check_card(cfg.audio)


def check_input(cfg: Any) -> None:
    """The engine's reading of --input (device/audio/io_open.read_engine_input, the very function the engine opens
    it with), made here and let go: AudioFileError for a file that is not there, does not decode, has another sample
    rate, or holds NaN, inf or samples far out of range.  Decoded whole, as the engine does; the parent keeps
    nothing of it."""
    from device.audio import io_open
    io_open.read_engine_input(cfg)


def check_output(path: str) -> None:
    """AudioFileError unless the file backend's take can be written at ``path``, by the rule of the engine's own
    writer (device/audio/wav_recorder.cannot_record: a folder is refused; a file already there that may be written,
    /dev/null included, passes; a new one needs a folder that takes it), in the words of its refusal ("cannot write
    the output ...")."""
    from device.audio.wav_recorder import cannot_record
    why = cannot_record(path)
    if why:
        raise AudioFileError(f"cannot write the output {Path(path)}: {why}", hint=OUTPUT_HINT)


def check_card(audio: Any) -> None:
    """Open and close the sound card the engine will play on (``audio``: its AudioConfig): AudioDeviceError, the
    engine's own, when it does not open (no device, busy, a setting it refuses)."""
    from device.audio.alsa_io import AlsaIO
    AlsaIO(audio).close()
