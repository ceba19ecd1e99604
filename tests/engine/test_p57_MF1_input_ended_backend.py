"""p57 FR1 1: `hatbox device run --input in.wav` said "its input in.wav ended" also where the ALSA backend ran,
which never plays --input (a sound card's run that ended by its --seconds, the input shorter).  Only the file
backend stops the box at the end of its input, so only its run says so."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

from device.audio import audiofile
from hatbox.cmd_device import _input_ran_out


class _EndedCleanly:
    """A stand-in engine process that ended by itself, exit 0."""

    def alive(self) -> bool:
        return False

    def wait(self, timeout: Any = None) -> int:
        return 0


def _args(tmp_path: Path, seconds: float | None) -> argparse.Namespace:
    wav = tmp_path / "in.wav"
    audiofile.write(wav, np.zeros((1, 4800), np.float32), 48000)            # 0.1 s
    return argparse.Namespace(input=str(wav), seconds=seconds)


def test_only_the_file_backend_s_run_ran_out_of_its_input(tmp_path: Path) -> None:
    args = _args(tmp_path, 60.0)
    assert _input_ran_out(args, _EndedCleanly(), "file") == 0.1
    assert _input_ran_out(args, _EndedCleanly(), "alsa") is None           # the sound card never played it
    assert _input_ran_out(_args(tmp_path, None), _EndedCleanly(), "alsa") is None
