"""What `hatbox device run` checks before it installs the packs it was given (hatbox/cmd_device.py `_ready_store`):
everything else its start needs, so that a start that fails leaves the store as it was (p58 QA Q1 1: a --input with
NaN in it, or a typo in its name, failed only once the engine read it, after --effect had been installed and made
active, and the next plain start played that pack).  The same checks the engine process makes when it opens its audio
(device/audio/io_open.py), made first here; device.audio is imported when a box starts, not by `hatbox --help`."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from hatbox.errors import AudioFileError

OUTPUT_HINT = "pass a writable file with --output WAV"     # the file backend's own hint (device/audio/file_io.FileIO)


MIN_ROOM_S = 5.0       # seconds of the take the disk must have room for at the start (or the whole take, if shorter)


def check_start(cfg: Any, force: bool = True, estimate: bool = True) -> list[str]:
    """Raise the error the engine would start with for ``cfg`` (its ServerConfig, after
    hatbox.box_backend.pick_backend chose where the audio goes): an --input it cannot play, an output it cannot
    write (the file backend; with ``force`` False also one that is not a .wav or is a file hatbox did not write:
    :func:`check_overwrite`; no room on its disk: :func:`check_room`, by the disk's free space unless ``estimate``
    is False: --force), a sound card that does not open (ALSA, only where packs were given: nothing else of the
    store would change before the engine says it).  Returns the notes to say of the input (:func:`input_notes`:
    mixed to mono, truncated)."""
    scan = check_input(cfg) if cfg.input_wav else None
    if cfg.backend == "file" and cfg.output_wav:
        check_output(cfg.output_wav)
        check_overwrite(cfg.output_wav, force)
        check_room(cfg.output_wav, take_seconds(cfg, scan), cfg.audio.rate, estimate)
    elif cfg.backend == "alsa" and cfg.packs:
        check_card(cfg.audio)
    return input_notes(cfg.input_wav, scan) if scan is not None and cfg.backend == "file" else []


def check_input(cfg: Any) -> Any:
    """The engine's reading of --input (device/audio/io_open.scan_engine_input, the very function the engine reads
    it with), made here a chunk at a time and let go: AudioFileError for a file that is not there, does not decode,
    has another sample rate, or holds NaN, inf, samples far out of range or float samples over +24 dBFS.  Returns
    what it found (io_open.InputScan, without the audio): a 20-minute stereo input cost this process 1357 MiB and
    6.2 s when it was decoded whole (p59 Q1 5)."""
    from device.audio import io_open
    return io_open.scan_engine_input(cfg)


def input_notes(path: str, scan: Any) -> list[str]:
    """What `hatbox render` says of an input (device/audio/effect.render_file), said of the box's --input at
    ``path`` (``scan``: what :func:`check_input` found): what is done with its channels
    (device.audio.channel_choice.words: the channels that hold the sound, as render), float samples over full scale
    (audiofile.over_full_scale_words, the trainers' words; over +24 dBFS it is refused), a file shorter than its
    header says (audiofile.truncated_words)."""
    from device.audio import audiofile
    from device.audio.channel_choice import words
    notes = [f"note: {path}: {words(scan.channels, scan.mixed, scan.loudest, 'plays', 'are mixed')}"
             ] if scan.channels > 1 else []
    hot = audiofile.over_full_scale_words(scan.peak, path)
    if hot:
        notes.append(f"note: {hot}: the box plays it as it is")
    try:
        problem = audiofile.header_problem(path)
    except OSError:                          # gone since it was read: the engine says so
        problem = ""
    if problem:
        notes.append(f"warning: {audiofile.truncated_words(path, problem, 'plays what it holds')}")
    return notes


def check_output(path: str) -> None:
    """AudioFileError unless the file backend's take can be written at ``path``, by the rule of the engine's own
    writer (device/audio/wav_recorder.cannot_record: a folder is refused; a file already there that may be written,
    /dev/null included, passes; a new one needs a folder that takes it), in the words of its refusal ("cannot write
    the output ...")."""
    from device.audio.wav_recorder import cannot_record
    why = cannot_record(path)
    if why:
        raise AudioFileError(f"cannot write the output {Path(path)}: {why}", hint=OUTPUT_HINT)


def check_overwrite(path: str, force: bool) -> None:
    """Unless ``force`` (--force): AudioFileError for an --output the take would wreck, before anything is
    installed (p59 Q1 1: a musician's WAV, a notes.txt and the --synth pack itself were written over, exit 0): a
    name that is not a .wav (the take is a WAV whatever its name: audiofile.name_refusal, `hatbox render`'s words),
    or a file there that hatbox did not write (audiofile.refuse_foreign, `hatbox render --out`'s rule).  A device
    (/dev/null) passes."""
    from device.audio import audiofile
    out = Path(path)
    if force or out.is_char_device():
        return
    if out.suffix.lower() != ".wav":
        raise audiofile.name_refusal(out, (".wav",), "; nothing was started",
                                     "or add --force to write the take's WAV there")
    audiofile.refuse_foreign(out, force, "--output", "nothing was started")


def take_seconds(cfg: Any, scan: Any) -> float:
    """Seconds of the take the disk must have room for at the start: :data:`MIN_ROOM_S`, or less where the take is
    shorter (--seconds, the --input's length, the take's limit)."""
    ends = [MIN_ROOM_S, getattr(cfg, "seconds", None), getattr(cfg, "output_limit_s", None)]
    if scan is not None:
        ends.append(scan.frames / cfg.audio.rate)
    return min(float(s) for s in ends if s is not None)


def check_room(path: str, seconds: float, rate: int = 48000, estimate: bool = True) -> None:
    """AudioFileError when the take cannot even begin at ``path`` (p59 Q1 4: an --output on a full disk, or
    /dev/full, passed the start check; --effect was installed and made active, then the run failed with nothing
    recorded): a device that refuses a write (an empty one: /dev/full), or a disk without room for the take's first
    ``seconds`` (mono 32-bit float at ``rate`` Hz: audiofile.full_disk_words).  With ``estimate`` False (--force:
    a disk whose free space is said wrong, e.g. 0 on a network mount, or root's reserved blocks) the free space is
    not asked: only a test write of :data:`PROBE_BYTES` beside the take must go through (p59 RD1 3)."""
    from device.audio import audiofile
    out = Path(path)
    if out.is_char_device():
        why = _device_refusal(out)
        if why:
            raise AudioFileError(f"cannot write the output {out}: {why}", hint=OUTPUT_HINT)
        return
    folder = _nearest_folder(Path(os.path.realpath(out)) if out.is_file() else out)   # where the recorder writes (RD3)
    if not estimate:
        why = _probe_refusal(folder)
        if why:
            raise AudioFileError(f"cannot write the output {out}: {why}", hint=audiofile.FULL_DISK_HINT)
        return
    needed = audiofile.expected_bytes(int(round(seconds * rate)), 1, "FLOAT")
    free = audiofile.free_bytes(folder)
    if needed is not None and free is not None and needed > free:
        raise AudioFileError(f"cannot write the output {out}: "
                             f"{audiofile.full_disk_words(needed, free)} (the take's first {seconds:g} s)",
                             hint=f"{audiofile.FULL_DISK_HINT}; a disk that says so and has room all the same (a "
                                  "network mount can say 0 free): --force records after a test write")


def _device_refusal(path: Path) -> str | None:
    """Why the device at ``path`` refuses a write (its system words: /dev/full "No space left on device"), found
    by an empty write, which /dev/null and the like take without a trace; None when it takes it."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        try:
            os.write(fd, b"")
        finally:
            os.close(fd)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


PROBE_BYTES = 4096     # the test write beside the take with --force (one disk block: a header and a little audio)


def _probe_refusal(folder: Path) -> str | None:
    """Why a hidden file of :data:`PROBE_BYTES` cannot be written in ``folder`` (the system's words: "No space left on
    device"), found by writing one and removing it; None when it takes it, or when the folder takes no new file at all
    (the take is then written in place: :func:`check_output` judged that)."""
    import tempfile
    try:
        fd, probe = tempfile.mkstemp(prefix=".hatbox-room-", dir=folder)
    except OSError:
        return None
    try:
        os.write(fd, bytes(PROBE_BYTES))
    except OSError as exc:
        return f"{exc.strerror or exc} (a test write of {PROBE_BYTES // 1024} KiB in {folder})"
    finally:
        os.close(fd)
        _unlink_quietly(probe)
    return None


def _unlink_quietly(path: str) -> None:
    """Remove the test write's file (one already gone is fine)."""
    try:
        os.unlink(path)
    except OSError:
        pass


def _nearest_folder(path: Path) -> Path:
    """The folder the take at ``path`` goes in, or the nearest one above it that exists (the recorder makes the
    rest)."""
    folder = path.absolute().parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


def check_card(audio: Any) -> None:
    """Open and close the sound card the engine will play on (``audio``: its AudioConfig): AudioDeviceError, the
    engine's own, when it does not open (no device, busy, a setting it refuses)."""
    from device.audio.alsa_io import AlsaIO
    AlsaIO(audio).close()
