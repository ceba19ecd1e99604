"""Thirty-first stop: `hatbox device run --seconds` shorter than the box's start (0.001 s) ends as any run does,
"the box stopped", not with "the audio engine is not running"."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hatbox.cmd_device import _start_warnings
from hatbox.errors import HatboxError
from tests.engine.box_run import device_run  # noqa: F401 - fixture (in this process since the p58 trim)


class _Ended:
    def __init__(self, alive: bool) -> None:
        self._alive = alive

    def status(self) -> dict:
        raise HatboxError("the audio engine is not running")

    def alive(self) -> bool:
        return self._alive


class _Running:
    def status(self) -> dict:
        return {"warnings": ["a warning"]}

    def alive(self) -> bool:
        return True


def test_start_warnings_of_an_engine_that_ended_by_itself_are_none():
    assert _start_warnings(_Ended(alive=False)) == []
    assert _start_warnings(_Running()) == ["a warning"]
    with pytest.raises(HatboxError):                     # a running engine that cannot answer is still an error
        _start_warnings(_Ended(alive=True))


def test_a_run_shorter_than_the_start_ends_plainly(tmp_path: Path, device_run: Any):
    r = device_run(["--sim", "--seconds", "0.001", "--no-api", "--no-panel", "--no-midi", "--osc-port", "0",
                    "--store", str(tmp_path / "store")])
    assert r.returncode == 0, r.stderr
    assert "not running" not in r.stderr + r.stdout
    assert r.stdout.strip().splitlines()[-1] == "the box stopped"


def test_a_run_shorter_than_the_start_still_says_a_refused_start_up_pack(tmp_path: Path, device_run: Any):
    """The QA pass: with --seconds 0.001 the start's warnings were dropped with the status call, so a quick smoke
    run hid an active effect pack the engine refused (48 kHz pack, box at 44.1 kHz)."""
    effect = Path(__file__).resolve().parents[2] / "factory" / "effect-drive.hatpack"
    quiet = ["--sim", "--no-api", "--no-panel", "--no-midi", "--osc-port", "0", "--store", str(tmp_path / "store")]
    first = device_run([*quiet, "--seconds", "0.001", "--effect", str(effect)])      # installed and active
    assert first.returncode == 0, first.stderr
    r = device_run([*quiet, "--seconds", "0.001", "--rate", "44100"])
    assert r.returncode == 0, r.stderr
    assert "start-up pack for effect refused" in r.stderr, r.stderr
    assert "runs at 48000 Hz but the engine runs at 44100 Hz" in r.stderr
