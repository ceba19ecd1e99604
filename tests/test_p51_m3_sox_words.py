"""p51 M3 (5): the over-full-scale advice's sox line works for each suffix it is given for: Debian's sox has no
handler for .wave/.bwf/.oga ("no handler for file extension 'bwf'"): their type is named; and the upload's check and
push-library passed no name, so a .caf was told `sox IN.wav OUT.wav`."""
from __future__ import annotations

import shlex
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from device.audio import audiofile
from device.library.hot import SOX_READS, SOX_TYPES, hot_warning, normalise_words

RATE = 48000
SOX = shutil.which("sox")


def _made(path: Path, source: Path) -> Path:
    """``source`` (a WAV) as a file named ``path`` (sox writes its format; a typed suffix is a renamed copy)."""
    typed = SOX_TYPES.get(path.suffix)
    if typed:
        return Path(shutil.copy(_made(path.with_suffix("." + typed), source), path))
    subprocess.run([SOX, str(source), str(path)], check=True, capture_output=True)
    return path


@pytest.mark.skipif(SOX is None, reason="sox is not installed")
@pytest.mark.parametrize("suffix", sorted(SOX_READS))
def test_the_suggested_sox_line_runs_for_each_suffix(tmp_path: Path, suffix: str) -> None:
    t = np.arange(RATE // 20) / RATE
    audiofile.write(tmp_path / "src.wav", (0.5 * np.sin(2 * np.pi * 440 * t))[None, :].astype(np.float32), RATE)
    made = _made(tmp_path / f"in{suffix}", tmp_path / "src.wav")
    said = normalise_words(f"kit/hat{suffix}")
    line = said.split("e.g. ", 1)[1].rstrip(")")
    words = [str(made) if w.startswith("IN.") else str(tmp_path / f"out{suffix}") if w.startswith("OUT.") else w
             for w in shlex.split(line)]
    run = subprocess.run(words, capture_output=True, text=True)
    assert run.returncode == 0, (line, run.stderr)
    assert (tmp_path / f"out{suffix}").stat().st_size > 0


def test_the_upload_check_names_the_file_s_own_format(tmp_path: Path) -> None:
    t = np.arange(RATE // 10) / RATE
    path = tmp_path / "hot.caf"
    sf.write(path, 2.0 * np.sin(2 * np.pi * 220 * t).astype(np.float32), RATE, subtype="FLOAT", format="CAF")
    said = hot_warning(path)
    assert "sox IN.caf OUT.caf gain -n -1" in said, said


def test_push_library_names_the_file_s_own_format() -> None:
    from hatbox.hot_samples import hot_lines
    line, = hot_lines([("kit/hot.bwf", 3.0)])
    assert "sox -t wav IN.bwf -t wav OUT.bwf gain -n -1" in line
