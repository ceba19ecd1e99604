"""p60 F2 (p59 closing note): a pipe given as the output was refused by two rules in two wordings (`hatbox render
--out`: "it is a pipe; nothing was written", `hatbox device run --output`: "it is a pipe: the take is a WAV whose
header is rewritten as it goes; give a file"), and render refused /dev/null by its name while device run took it.
Now one rule (wav_recorder.stream_refusal) says it in one wording for both, and both write to a character device."""
from __future__ import annotations

import os
from pathlib import Path
from types import SimpleNamespace
from typing import Callable

import numpy as np
import pytest

from device.audio import audiofile
from hatbox import box_start_checks
from hatbox.cli import main
from hatbox.errors import AudioFileError

from tests.engine.box_run import device_run  # noqa: F401  (a fixture)
from tests.engine.test_p59_M6_pipe_output import _within
from tests.test_p39_render_progress import commands

WORDS = ("it is a pipe, not a file: audio is written as a WAV whose header is rewritten once its audio is in; give "
         "the path of a file (or /dev/null to keep nothing)")


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "out.wav"
    os.mkfifo(path)
    return path


def test_both_commands_refuse_a_pipe_in_one_wording(fifo: Path) -> None:
    said = []
    for check in (lambda: box_start_checks.check_output(str(fifo)), lambda: audiofile.check_output(fifo),
                  lambda: audiofile.check_output(fifo, force=True)):
        exc = _within(fifo, check)
        assert isinstance(exc, AudioFileError), exc
        said.append(exc.args[0])
    assert said == [f"cannot write the output {fifo}: {WORDS}", f"cannot write {fifo}: {WORDS}",
                    f"cannot write {fifo}: {WORDS}"]


def test_render_and_device_run_say_it_alike(tmp_path: Path, fifo: Path, capfd: pytest.CaptureFixture[str],
                                             device_run: Callable[[list[str]], SimpleNamespace]) -> None:  # noqa: F811
    assert _within(fifo, lambda: main(commands(tmp_path)["render"])) is None
    render = capfd.readouterr().err
    box = device_run(["--sim", "--seconds", "0.1", "--no-api", "--no-panel", "--no-midi", "--osc-port", "0",
                      "--store", "store", "--output", str(fifo)])
    assert box.returncode != 0 and f"cannot write the output {fifo}: {WORDS}" in box.stderr, box.stderr
    assert f"cannot write {fifo}: {WORDS}" in render, render
    assert fifo.is_fifo()


@pytest.mark.skipif(not Path("/dev/null").is_char_device(), reason="no /dev/null")
def test_render_writes_to_dev_null(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`render --out /dev/null` renders and keeps nothing (it was refused: "cannot write audio of that kind"), as
    `device run --output /dev/null` does; audiofile.write writes a WAV to it, not a file beside it."""
    args = commands(tmp_path)["render"]
    args[args.index("--out") + 1] = "/dev/null"
    assert main(args) == 0, capsys.readouterr().err
    assert "-> /dev/null" in capsys.readouterr().out
    assert audiofile.check_output("/dev/null") == Path("/dev/null")
    assert audiofile.write("/dev/null", np.zeros(480, np.float32), 48000) == Path("/dev/null")
    assert Path("/dev/null").is_char_device()


@pytest.mark.skipif(not Path("/dev/full").is_char_device(), reason="no /dev/full")
def test_dev_full_is_said_as_a_full_device_without_its_folder_s_room() -> None:
    """A character device that takes nothing (/dev/full) fails as a full disk, without the free room of /dev's own
    file system (it said "about 22.8 KiB needed, 11.8 GiB free")."""
    with pytest.raises(AudioFileError) as err:
        audiofile.write("/dev/full", np.zeros(4800, np.float32), 48000)
    assert err.value.args[0] == ("cannot write /dev/full: the disk is full (No space left on device): about 22.8 KiB "
                                 "needed; nothing was written")
