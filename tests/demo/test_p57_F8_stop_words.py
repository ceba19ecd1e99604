"""p57 QA_A 1: when the demo's box stopped, the demo said only "the audio engine is not running" with a hint to
`hatbox box-logs` on a box that had stopped and kept no log.  Now it says why, and where the log is."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from hatbox import demo_box
from hatbox.errors import HatboxError


class _Ended:
    """A stand-in engine process that has ended (``code``: its exit code; ``error``: what it said)."""

    def __init__(self, code: int, error: str | None = None) -> None:
        self.code, self.error, self.error_hint, self.bug = code, error, None, None

    def alive(self) -> bool:
        return False

    def wait(self, timeout: Any = None) -> int:
        return self.code


def test_an_input_that_ran_out_is_said_with_the_seconds(tmp_path: Path) -> None:
    err = demo_box.stopped_words(_Ended(0), 26.0, 16.0, tmp_path / "logs" / "box.log")
    said = err.args[0]
    assert "stopped 26.0 s into its 16 s performance: its 26.0 s guitar input ran out (the file backend" in said
    assert said.count("26.0") == 2                       # the moment once, the input's length once (p57 FR1 4)
    assert "not running" not in said
    assert f"the box's log: {tmp_path / 'logs' / 'box.log'}" in err.hint


def test_an_engine_that_stopped_on_its_own_error_says_that_error(tmp_path: Path) -> None:
    err = demo_box.stopped_words(_Ended(2, "the effect pack failed"), 1.0, 16.0, None)
    assert "the audio engine stopped: the effect pack failed" in err.args[0]
    assert "kept no log" in err.hint


def test_a_set_up_step_on_a_stopped_box_says_why_it_stopped(tmp_path: Path) -> None:
    step = HatboxError("demo step failed: hatbox box-kit --from VariBreaks --yes: the audio engine is not running",
                       hint="the box's log says why its engine stopped or stalled (hatbox box-logs)")
    err = demo_box.setup_stopped_words(step, _Ended(-9), tmp_path / "box.log")
    assert "the demo's box had stopped: the audio engine process was stopped from outside (signal 9" in err.args[0]
    assert f"the box's log: {tmp_path / 'box.log'}" in err.hint


def test_a_set_up_step_on_a_running_box_keeps_its_own_words() -> None:
    class _Running(_Ended):
        def alive(self) -> bool:
            return True
    step = HatboxError("demo step failed: hatbox push x: refused")
    assert demo_box.setup_stopped_words(step, _Running(0), None) is step
