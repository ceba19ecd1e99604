"""Thirty-ninth stop's QA: `hatbox render` of a 240 s take printed nothing for 10 s, `hatbox play` of a 5-minute MIDI
file 13 s (over a minute at its 30-minute limit), and Ctrl-C in either printed only "hatbox: interrupted".  A long
render now shows a bar in seconds of audio, and Ctrl-C says that nothing was written and the file there is kept."""
from __future__ import annotations

import contextlib
from pathlib import Path

import mido
import numpy as np
import pytest

from device.audio import audiofile
from hatbox import text
from hatbox.cli import main

FACTORY = Path(__file__).resolve().parents[1] / "factory"


def take(tmp: Path, seconds: float = 1.0) -> Path:
    t = np.arange(int(seconds * 48000)) / 48000
    return audiofile.write(tmp / "take.wav", (0.3 * np.sin(2 * np.pi * 110 * t)).astype(np.float32), 48000)


def song(tmp: Path, seconds: float = 1.0) -> Path:
    midi = mido.MidiFile()                              # 480 ticks a beat, 120 bpm: 960 ticks a second
    midi.tracks.append(mido.MidiTrack([mido.Message("note_on", note=60, velocity=100, time=0),
                                       mido.Message("note_off", note=60, velocity=0, time=int(960 * seconds))]))
    midi.save(tmp / "song.mid")
    return tmp / "song.mid"


def commands(tmp: Path) -> dict[str, list[str]]:
    return {"render": ["render", str(FACTORY / "effect-drive.hatpack"), "--input", str(take(tmp)),
                       "--out", str(tmp / "out.wav")],
            "play": ["play", str(FACTORY / "synth-gm4.hatpack"), "--midi", str(song(tmp)),
                     "--out", str(tmp / "out.wav")]}


@pytest.mark.parametrize("what, desc", [("render", "rendering"), ("play", "playing")])
def test_a_long_render_shows_a_bar_in_seconds_of_audio(tmp_path: Path, capsys, monkeypatch, what, desc) -> None:
    monkeypatch.setattr(text, "LONG_RENDER_S", 0.5)     # "long": this one second of audio
    assert main(commands(tmp_path)[what]) == 0
    assert f"{desc}: " in capsys.readouterr().err and (tmp_path / "out.wav").is_file()


@pytest.mark.parametrize("what", ["render", "play"])
def test_ctrl_c_in_a_render_says_nothing_was_written_and_keeps_the_file(tmp_path: Path, capsys, monkeypatch,
                                                                        what) -> None:
    (tmp_path / "out.wav").write_bytes(b"the last take")
    monkeypatch.setattr(audiofile, "written_by_hatbox", lambda path: True)     # the last render's, to replace

    @contextlib.contextmanager
    def bar(total, rate, desc):
        def progress(done, _total):
            raise KeyboardInterrupt
        yield progress

    monkeypatch.setattr(text, "LONG_RENDER_S", 0.1)
    monkeypatch.setattr(text, "audio_bar", bar)
    assert main(commands(tmp_path)[what]) == 130
    assert f"hatbox: {what} stopped (Ctrl-C): nothing written; {tmp_path / 'out.wav'} is as it was" in \
        capsys.readouterr().err
    assert (tmp_path / "out.wav").read_bytes() == b"the last take"
