"""p59 Q1 finding 2: `device run --input X --seconds S` with S past the input's end played silence after it
(`--seconds 1e9` never ended), the input's end was a hard cut inside the take (-0.872 -> +0.028), and the last line
said "its input ended (1.0 s played; the file backend stops the box at the end of its --input)" on a 2 s take.  Now
the file backend stops at the input's end or at --seconds, whichever comes first (--seconds is an upper bound, as the
--input help says), the take falls to 0 on the input's last sample, and the words come from the run's own result."""
from __future__ import annotations

import argparse
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from device.audio import audiofile
from device.audio.alsa_io import AudioConfig
from device.audio.block_loop import run_loop
from device.audio.engine import Engine, EngineConfig
from device.audio.file_io import FileIO
from hatbox.cli import main
from hatbox.cmd_device import _input_ran_out, _stopped_line

from tests.engine.helpers import RATE
from tests.engine.test_p58_F6_take_end_fade import _sine
from tests.engine.test_p59_F1_one_end_glide import E, _one_fall, _raw, _recorded

RUN = ["device", "run", "--sim", "--no-api", "--no-panel", "--no-midi", "--no-mdns", "--osc-port", "0"]


@pytest.mark.parametrize("block,seconds", [(128, 1.0), (128, 1e9), (1024, 0.5), (8192, 2.0)])
def test_a_take_with_seconds_past_its_input_ends_with_the_input_falling_to_0(tmp_path: Path, block: int,
                                                                             seconds: float) -> None:
    """The input (0.3 s of a 0.8 sine, ending 64 samples into a block at 128) ends before ``seconds``: the take is
    the engine's output up to the input's end's block, falling in a straight 10 ms line to exactly 0 on the input's
    last sample (it played on: a 1.0 s take, the input's end a hard cut, and 1e9 s never ended)."""
    stop = threading.Event()               # a guard: before, 1e9 s never ended
    y = _recorded(tmp_path, _sine(1.0, freq=220.0)[:E], block, None, seconds=seconds, stop=stop,
                  on_block=lambda k: k * block > 2 * RATE and stop.set())
    taken = -(-E // block) * block
    assert y.shape[0] == taken
    assert y[E - 1] == 0.0 and not y[E:].any()
    np.testing.assert_allclose(y, _one_fall(_raw(block), E, taken), atol=2e-6)


def test_seconds_before_the_input_s_end_still_end_the_take_there(tmp_path: Path) -> None:
    """--seconds first: the take is its whole blocks, the input not played to its end (no "input ended")."""
    x = _sine(1.0, freq=220.0)
    io = FileIO(AudioConfig(rate=RATE, period=128, periods=3), x, tmp_path / "take.wav")
    run_loop(Engine(EngineConfig(rate=RATE, block=128)), io, seconds=0.5)
    io.close()
    rec = io.recording()
    assert io.written == 188 * 128 and rec is not None and rec["input_ended_s"] is None      # 187.5 blocks, rounded


def test_the_recording_says_the_input_ended_and_how_long_it_was(tmp_path: Path) -> None:
    io = FileIO(AudioConfig(rate=RATE, period=128, periods=3), _sine(1.0)[:E], tmp_path / "take.wav")
    run_loop(Engine(EngineConfig(rate=RATE, block=128)), io, seconds=60.0)
    io.close()
    rec = io.recording()
    assert rec is not None and rec["input_ended_s"] == pytest.approx(E / RATE)
    assert rec["written_s"] == pytest.approx(-(-E // 128) * 128 / RATE)


def test_seconds_under_one_block_runs_one_block_that_ends_on_0(tmp_path: Path) -> None:
    """`--seconds 0.001` (48 samples at block 128) ran no block: a 0-frame WAV.  Now one block, falling to 0."""
    io = FileIO(AudioConfig(rate=RATE, period=128, periods=3), _sine(1.0), tmp_path / "take.wav")
    res = run_loop(Engine(EngineConfig(rate=RATE, block=128)), io, seconds=0.001)
    io.close()
    y = audiofile.read(tmp_path / "take.wav", mono=True)[0].reshape(-1)
    assert res["blocks"] == 1 and y.shape[0] == 128 and y[-1] == 0.0


class _Ended:
    """A stand-in engine process that ended by itself, exit 0, with its recording's last words."""

    def __init__(self, recording: Any) -> None:
        self.recording = recording

    def alive(self) -> bool:
        return False

    def wait(self, timeout: Any = None) -> int:
        return 0


def test_the_last_line_comes_from_the_run_s_own_result(tmp_path: Path) -> None:
    """The input shorter than --seconds no longer means it ended the run: the engine says whether it did."""
    wav = tmp_path / "in.wav"
    audiofile.write(wav, np.zeros((1, 4800), np.float32), RATE)                  # 0.1 s
    args = argparse.Namespace(input=str(wav), seconds=60.0)
    assert _input_ran_out(args, _Ended({"input_ended_s": 0.1}), "file") == 0.1
    assert _input_ran_out(args, _Ended({"input_ended_s": None}), "file") is None   # stopped before its end
    args._ran_out = 0.1
    assert _stopped_line(args, 0).startswith("the box stopped: its input in.wav ended (0.1 s played, before "
                                             "--seconds 60; the file backend stops the box at the end of its --input")


@pytest.fixture
def no_alsa(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "empty.conf").write_text("")
    monkeypatch.setenv("ALSA_CONFIG_PATH", str(tmp_path / "empty.conf"))      # no ALSA: the file backend


def test_device_run_stops_at_the_input_s_end_before_its_seconds(tmp_path: Path, no_alsa: None, capsys: Any) -> None:
    """The Q1 repro: a loud input, --seconds longer than it (--seconds 1e9 never ended: test_a_take_with_...)."""
    wav, out = tmp_path / "in.wav", tmp_path / "take.wav"
    audiofile.write(wav, _sine(0.3, freq=220.0)[None, :], RATE)
    assert main([*RUN, "--store", str(tmp_path / "store"), "--input", str(wav), "--output", str(out),
                 "--seconds", "1.5"]) == 0
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.startswith("the box stopped: its input in.wav ended (0.3 s played, before --seconds 1.5; "), last
    y = audiofile.read(out, mono=True)[0].reshape(-1)
    assert y.shape[0] == -(-14400 // 128) * 128 and y[14399] == 0.0 and not y[14400:].any()
