"""`hatbox box-capture` (hatbox/cmd_capture.py) against a served box with capture mode and simulated gear: it writes
a pairs.csv the effect trainer's reader and checks accept, resumes without capturing twice, keeps what it captured
when interrupted, and refuses to wait for Enter with no terminal unless --yes."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from device.api.app import ApiConfig, create_app
from device.api.server import start_in_thread
from hatbox import cmd_capture
from hatbox.cli import main
from tests.api.conftest import FAST_ENGINE
from tests.capture.helpers import LoopBox, drive


@pytest.fixture
def served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LoopBox]:
    """A box with capture mode (LoopBox, in blocks of 512: a quarter of the per-block work of 128, which nothing here
    is about) served on loopback, this laptop paired with it; box-capture polls its capture every 0.02 s, not 0.25."""
    monkeypatch.setattr(cmd_capture, "POLL_S", 0.02)
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "cfg" / "remote.json"))
    for var in ("HATBOX_URL", "HATBOX_TOKEN", "CI"):
        monkeypatch.delenv(var, raising=False)
    box, codes = LoopBox(drive(), latency=240, block=512, speed=40.0), []
    running = start_in_thread(create_app(tmp_path / "box", box, ApiConfig(engine=FAST_ENGINE, on_code=codes.append)))
    try:
        assert main(["pair", running.url, "--code", codes[-1], "--name", "laptop"]) == 0
        yield box
    finally:
        running.stop()
        box.close()


def _captures(box: LoopBox) -> list[dict[str, Any]]:
    return [m for m in box.sent if m["op"] == "capture"]


def test_writes_a_set_the_trainer_reads_and_resumes(served: LoopBox, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    from trainer.effect.data import load_folder
    from trainer.effect.pairs_csv import read_rows
    out = tmp_path / "pedal"
    args = ["box-capture", str(out), "--knob", "drive=0", "--knob", "drive=18", "--seconds", "5", "--yes"]
    assert main(args) == 0
    said = capsys.readouterr().out
    assert "hatbox train effect" in said and "captured drive=18" in said
    assert (out / "pairs.csv").read_text().splitlines() == [
        "input,output,drive", "dry.wav,take_drive0.wav,0", "dry.wav,take_drive18.wav,18"]
    columns, rows = read_rows(out)
    assert [c[1] for c in columns] == ["drive"] and len(rows) == 2
    data = load_folder(out)                                     # every check the trainer makes before training
    assert [k.name for k in data.knobs] == ["drive"] and len(data.pairs) == 2 and data.rate == 48000
    assert [m["knobs"] for m in _captures(served)] == [{"drive": 0.0}, {"drive": 18.0}]
    assert served.io.gear.values["drive"] == 18.0
    assert main(args + ["--knob", "drive=30"]) == 0             # again, with one more: only that one is captured
    assert "already captured: drive=0" in capsys.readouterr().out
    assert [m["knobs"] for m in _captures(served)][2:] == [{"drive": 30.0}]
    assert len((out / "pairs.csv").read_text().splitlines()) == 4
    assert main(["box-capture", str(out), "--knob", "tone=1", "--seconds", "5", "--yes"]) != 0
    assert "holds takes of the knobs drive" in capsys.readouterr().err


def test_interrupted_keeps_what_was_captured(served: LoopBox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "set"
    seen: list[str] = []

    def ready(setting: Any, index: int, count: int, yes: bool) -> None:
        seen.append(setting.words())
        if index == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(cmd_capture, "_ready", ready)
    args = ["box-capture", str(out), "--knob", "drive=3", "--knob", "drive=9", "--seconds", "5", "--yes"]
    assert main(args) == 130
    err = capsys.readouterr().err
    assert "1 of 2 settings captured" in err and "the same command captures the rest" in err
    assert (out / "pairs.csv").read_text().splitlines()[1:] == ["dry.wav,take_drive3.wav,3"]
    monkeypatch.undo()
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "cfg" / "remote.json"))
    assert main(args) == 0
    assert [m["knobs"] for m in _captures(served)] == [{"drive": 3.0}, {"drive": 9.0}]


def test_no_terminal_without_yes_is_refused(served: LoopBox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("CI", "true")
    assert main(["box-capture", str(tmp_path / "x"), "--knob", "drive=1", "--seconds", "5"]) != 0
    err = capsys.readouterr().err
    assert "press Enter" in err and "--yes" in err and "nothing was captured" in err
    assert not _captures(served)


def test_bad_knobs_are_refused_before_anything(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for knobs, words in ((["drive=1", "tone=2"], "same knobs"), (["drive=1", "drive=1"], "given twice"),
                         (["drive=loud"], "not a number"), (["=3"], "NAME=VALUE")):
        args = ["box-capture", str(tmp_path / "k"), "--yes"] + [a for k in knobs for a in ("--knob", k)]
        assert main(args) != 0
        assert words in capsys.readouterr().err
    (tmp_path / "hand").mkdir()
    (tmp_path / "hand" / "pairs.csv").write_text("input,output\na.wav,b.wav\n")
    assert main(["box-capture", str(tmp_path / "hand"), "--yes"]) != 0
    assert "not written by hatbox box-capture" in capsys.readouterr().err
