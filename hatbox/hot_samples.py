"""Samples of a library folder that peak over full scale, said by `hatbox push-library` (p43 formats QA).

A 32-bit float WAV (a hot bus print) can hold peaks over 0 dBFS (+6 dBFS in QA's library); the box's sampler plays it
as it is and its output limiter squashes it (distortion 10 dB under the source).  Only files whose format can hold
such peaks are read (float WAV, AIFF, W64, CAF: their header says so); their peak is the one the box measures
(device.library.decode.peak_dbfs: the first second, as the sampler plays it), over full scale by device.kit.is_over.
"""
from __future__ import annotations

from pathlib import Path, PurePosixPath

from hatbox.box_client import safe_text

FLOAT_SUFFIXES = (".wav", ".wave", ".aif", ".aiff", ".aifc", ".w64", ".caf", ".rf64")   # formats that hold floats
FLOAT_SUBTYPES = ("FLOAT", "DOUBLE")
NAMED = 10                   # files named, then "and N more"


def over_full_scale(folder: Path) -> list[tuple[str, float]]:
    """(path inside ``folder``, POSIX; peak dBFS) of its audio files that peak over full scale, sorted by path;
    hidden and system files left out, as push-library leaves them out."""
    import soundfile as sf

    from device.kit import is_over
    from device.library.decode import peak_dbfs
    from device.library.member_checks import is_metadata
    found = []
    for path in sorted(p for p in folder.rglob("*") if p.suffix.lower() in FLOAT_SUFFIXES):
        rel = PurePosixPath(path.relative_to(folder).as_posix())
        if is_metadata(rel) or not path.is_file():
            continue
        try:
            if sf.info(str(path)).subtype not in FLOAT_SUBTYPES:
                continue
        except (RuntimeError, OSError, ValueError):     # the box says what is wrong with it
            continue
        peak = peak_dbfs(path)
        if is_over(peak):
            found.append((str(rel), peak))
    return found


def hot_lines(folder: Path) -> list[str]:
    """`push-library`'s ``  warning PATH: ...`` lines for the files of ``folder`` that peak over full scale."""
    hot = over_full_scale(folder)
    lines = [f"  warning {safe_text(rel)}: peaks at {peak:+.1f} dBFS: the box's limiter will take that off when it "
             "plays; normalise it (e.g. sox IN.wav OUT.wav gain -n -1)" for rel, peak in hot[:NAMED]]
    if len(hot) > NAMED:
        lines.append(f"  warning: {len(hot) - NAMED} more files peak over 0 dBFS")
    return lines
