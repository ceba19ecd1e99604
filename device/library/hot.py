"""A sample that peaks over full scale: the one reading the box's upload check and the laptop's `push-library` share.

A 32-bit float WAV (a hot bus print) can hold peaks over 0 dBFS (+6 dBFS in p43 formats QA's library); the box's
sampler plays it as it is and its output limiter squashes it (distortion 10 dB under the source).  Only files whose
format holds floats are read (their header says so: :data:`FLOAT_SUBTYPES`); their peak is the one the sampler plays
(device.library.decode.peak_dbfs: the first second of its mono mix), over full scale by device.kit.is_over.

Users: the box's check of each file an uploaded library keeps (device.library.member_checks.audio_warning, in the
file's ``warning``), `hatbox push-library` before it sends a folder, zip or tar (hatbox/hot_samples.py), and the
kit's notes (device/api/kit_answers.py goes by the same device.kit.is_over).
"""
from __future__ import annotations

from pathlib import Path
from typing import IO, Any

FLOAT_SUBTYPES = ("FLOAT", "DOUBLE")      # libsndfile's subtypes of float audio (WAV, AIFF-C, W64, CAF, RF64)


def float_subtype(source: Path | IO[bytes]) -> bool | None:
    """Whether the audio file ``source`` (a path, or a file object open at its start: its header is enough, but for
    a CAF's) holds float samples; None when libsndfile cannot read it (the box's checks say why; a CAF's head alone
    does not read)."""
    import soundfile as sf

    from device.audio.audiofile import sound_name
    try:
        return sf.info(sound_name(source) if isinstance(source, Path) else source).subtype in FLOAT_SUBTYPES
    except (RuntimeError, OSError, ValueError, TypeError):
        return None


def hot_peak(path: Path) -> float | None:
    """The peak (dBFS, as the sampler plays it) of the float audio file at ``path`` when it is over full scale
    (device.kit.is_over); None for one at or under it, integer audio (it cannot be over) or a file that does not
    read."""
    from device.kit import is_over
    from device.library.decode import peak_dbfs
    if not float_subtype(path):
        return None
    peak = peak_dbfs(path)
    return peak if is_over(peak) else None


def hot_words(peak_db: float, name: str = "") -> str:
    """What is said of a file whose peak is ``peak_db`` (dBFS, over full scale), after its path: the laptop's
    ``  warning PATH: ...`` line and the box's ``warning`` of the file in an upload's report say the same; ``name``
    (the file's name, "" not known) picks the advice that works for its format (:func:`normalise_words`)."""
    return f"peaks at {peak_db:+.1f} dBFS: the box's limiter will take that off when it plays; {normalise_words(name)}"


# the file formats (by name) Debian's sox reads as it is installed with hatbox: no MP3, AAC/M4A, Opus or WMA (those
# need libsox-fmt-mp3/-ffmpeg, which the box and most laptops lack: p51 QA, an MP3's warning suggested sox)
SOX_READS = frozenset((".wav", ".wave", ".bwf", ".aif", ".aiff", ".aifc", ".flac", ".ogg", ".oga", ".caf", ".w64",
                       ".wv", ".au", ".snd", ".amb"))
# ... of which these by a type named (``-t``): sox goes by the suffix, and has no handler for these names of a WAV or
# an Ogg file ("no handler for file extension 'bwf'", p51 M3)
SOX_TYPES = {".wave": "wav", ".bwf": "wav", ".oga": "ogg"}


def normalise_words(name: str = "") -> str:
    """How to bring a file to a peak under full scale: sox for a format it reads (its own suffix: "normalise it (e.g.
    sox IN.flac OUT.flac gain -n -1)", a WAV's where ``name`` is "" or has no suffix; its type named where sox does not
    know the suffix, :data:`SOX_TYPES`: "sox -t wav IN.bwf -t wav OUT.bwf gain -n -1"), else a re-export from the DAW
    or editor it came from ("re-export it from your DAW or audio editor peaking at -1 dBFS (sox cannot read .mp3)")."""
    suffix = Path(name).suffix.lower() if name else ""
    if not suffix or suffix in SOX_READS:
        ext = suffix or ".wav"
        typed = f"-t {SOX_TYPES[suffix]} " if suffix in SOX_TYPES else ""
        return f"normalise it (e.g. sox {typed}IN{ext} {typed}OUT{ext} gain -n -1)"
    return f"re-export it from your DAW or audio editor peaking at -1 dBFS (sox cannot read {suffix})"


def hot_warning(path: Path) -> str:
    """:func:`hot_words` for the file at ``path`` when it peaks over full scale (:func:`hot_peak`), else "" (the
    advice for its format: a CAF was told ``sox IN.wav OUT.wav``)."""
    peak = hot_peak(path)
    return "" if peak is None else hot_words(peak, path.name)


def head_bytes(member: IO[bytes], size: int = 1 << 16) -> Any:
    """The first ``size`` bytes of an archive member, as a seekable file object for :func:`float_subtype` (a
    gzip'd tar's members seek back only by reading the archive again from its start)."""
    import io
    return io.BytesIO(member.read(size))
