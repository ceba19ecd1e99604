"""The last two questions that went to stdout (box-devices' revoke of this computer's own pairing, box-capture's
"press Enter") go to stderr like every other (hatbox.ask.ask): stdout is the data a script reads."""
from __future__ import annotations

import io
import sys

import pytest

from hatbox import cmd_capture, cmd_devices
from hatbox.errors import HatboxError


def test_revoke_question_on_stderr_and_answer_read(monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))
    assert cmd_devices._sure(cmd_devices.OWN_QUESTION) is True
    seen = capsys.readouterr()
    assert seen.out == "" and "revoke this computer's own pairing?" in seen.err


def test_revoke_without_answer_says_so_on_stderr(monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with pytest.raises(HatboxError, match="not revoked"):
        cmd_devices._sure(cmd_devices.OWN_QUESTION)
    assert capsys.readouterr().out == ""


def test_capture_enter_prompt_on_stderr(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    class Setting:
        def words(self) -> str:
            return "drive 6"

    monkeypatch.setattr(sys, "stdin", io.StringIO("\n"))
    cmd_capture._ready(Setting(), 1, 3, yes=False)          # type: ignore[arg-type]
    seen = capsys.readouterr()
    assert seen.out == "" and "[1/3] set the gear to drive 6" in seen.err
