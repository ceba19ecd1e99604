"""p59 Q1 finding 11: the store take's length-limit note ("the take ... stopped at its limit") was said by the once-a-
second status watch only, so a run that ended within ~2 s of the limit missed it (1 of 6 said it); `--seconds 0.001`
wrote a 0-frame WAV without a word.  Now the end of the run says the note from the run's own result (the engine's
last words), once, and --seconds under one block runs one block, with a note."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import soundfile as sf

import hatbox.box_backend as box_backend
from hatbox.cli import main
from hatbox.cmd_device import _limit_note

RUN = ["device", "run", "--sim", "--no-api", "--no-panel", "--no-midi", "--no-mdns", "--osc-port", "0"]


@pytest.fixture
def no_alsa(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "empty.conf").write_text("")
    monkeypatch.setenv("ALSA_CONFIG_PATH", str(tmp_path / "empty.conf"))      # no ALSA: the file backend


def test_a_take_that_reaches_its_limit_at_the_run_s_end_says_so(tmp_path: Path, no_alsa: None, capsys: Any,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The limit at 0.9 s of a 1 s run: the file backend finds it at its last flush, as the run ends, where no status
    read comes after (before: never said)."""
    monkeypatch.setattr(box_backend, "SIM_TAKE_MINUTES", 0.9 / 60)
    store = tmp_path / "store"
    assert main([*RUN, "--store", str(store), "--seconds", "1"]) == 0
    err = capsys.readouterr().err.splitlines()
    notes = [line for line in err if line.startswith("note: the take in ")]
    assert len(notes) == 1 and "stopped at its limit, 0.015 min" in notes[0], err
    y, rate = sf.read(str(store / "sim-out.wav"), dtype="float64")
    assert y.shape == (43200,) and y[-1] == 0.0


def test_seconds_under_one_block_says_it_ran_one(tmp_path: Path, no_alsa: None, capsys: Any) -> None:
    store = tmp_path / "store"
    assert main([*RUN, "--store", str(store), "--seconds", "0.001"]) == 0
    out = capsys.readouterr()
    assert ("note: --seconds 0.001 is under one block of audio (128 samples, 2.7 ms at 48000 Hz): the box ran one "
            "block") in out.err.splitlines()
    assert out.out.splitlines()[-1] == "the box stopped"
    y, _ = sf.read(str(store / "sim-out.wav"), dtype="float64")
    assert y.shape == (128,) and y[-1] == 0.0


def test_a_whole_block_says_nothing(tmp_path: Path, no_alsa: None, capsys: Any) -> None:
    assert main([*RUN, "--store", str(tmp_path / "store"), "--seconds", "0.003"]) == 0
    assert "under one block" not in capsys.readouterr().err


class _Engine:
    def __init__(self, recording: Any) -> None:
        self.recording = recording


def test_the_limit_note_is_the_recording_s_own_and_not_said_over_a_cut() -> None:
    assert _limit_note(_Engine({"note": "the take in x stopped at its limit", "problem": ""})).startswith("the take")
    assert _limit_note(_Engine({"note": "the take in x stopped", "problem": "recording cut short: ..."})) == ""
    assert _limit_note(_Engine(None)) == "" and _limit_note(object()) == ""


def test_the_start_line_says_the_input_ends_the_box_before_its_seconds(tmp_path: Path) -> None:
    """--seconds is an upper bound once --input is given (the input's end stops the box first): the file backend's
    start line said "until 2 s" on a 1 s input (p59 M2's note)."""
    import numpy as np

    from device.audio import audiofile
    from hatbox import cmd_device
    from hatbox.cli import build_parser
    src = tmp_path / "in.wav"
    audiofile.write(src, np.zeros((1, 48000), np.float32), 48000)
    for extra, until in ((["--input", str(src), "--seconds", "2"], "until its end or 2 s"),
                         (["--seconds", "2"], "until 2 s"), (["--input", str(src)], "until its end")):
        args = build_parser().parse_args(["device", "run", "--sim", "--store", str(tmp_path / "s"), "--audio",
                                          "hatbox_no_such_device", *extra])
        cfg = cmd_device._config(args)
        assert f"in, {until}) -> " in cmd_device._pick_backend(cfg, True, args.store)
