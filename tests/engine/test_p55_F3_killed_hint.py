"""p55 QA_B finding 7: an engine process killed from outside (SIGKILL) ended the box with "hint: the messages above
say why; start the box again with hatbox device run", and no message above said why.  Now the hint says where to look
(the kernel's log, for the out-of-memory killer) and what comes next (the service starts the box again by itself;
else hatbox device run); an engine that said its own hint keeps it."""
from __future__ import annotations

import argparse
import signal
from pathlib import Path

import pytest

from hatbox import cmd_device
from hatbox.cli import build_parser
from hatbox import engine_end
from hatbox.errors import HatboxError
from tests.engine.test_device_run_p20 import _Ended   # an EngineProcess stand-in already ended with a code


def _run_ended(monkeypatch: pytest.MonkeyPatch, engine: _Ended, store: Path) -> HatboxError:
    """cmd_device.run with ``engine``, ended before the box's wait returns; the error it raised."""
    import device.audio.server
    monkeypatch.setattr(device.audio.server, "EngineProcess", lambda cfg: engine)
    monkeypatch.setattr(cmd_device, "_wait", lambda args, control, eng: None)
    args = build_parser().parse_args(["device", "run", "--no-api", "--no-midi", "--osc-port", "0",
                                      "--store", str(store)])
    with pytest.raises(HatboxError) as err:
        cmd_device.run(args)
    return err.value


def test_a_sigkilled_engine_s_hint_names_the_oom_check_and_the_next_step(monkeypatch: pytest.MonkeyPatch,
                                                                        tmp_path: Path) -> None:
    monkeypatch.delenv("INVOCATION_ID", raising=False)
    err = _run_ended(monkeypatch, _Ended(-signal.SIGKILL), tmp_path / "box")
    assert "stopped from outside (signal 9, SIGKILL" in str(err.args[0])
    assert "messages above" not in err.hint
    assert "journalctl -k | grep -i oom" in err.hint and "dmesg" in err.hint
    assert "start it again: hatbox device run" in err.hint and "hatbox device service --install" in err.hint
    log = (tmp_path / "box" / "logs" / "box.log").read_text()
    assert "stopped from outside" in log and "journalctl -k | grep -i oom" in log


def test_under_the_service_the_hint_says_it_starts_again_by_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INVOCATION_ID", "abc")
    hint = engine_end.died_hint(_Ended(-signal.SIGKILL))
    assert "journalctl -k | grep -i oom" in hint
    assert hint.endswith("the box's service starts it again by itself in a few seconds")


def test_other_ends_keep_the_engine_s_own_hint_or_say_no_message_came(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INVOCATION_ID", raising=False)
    assert engine_end.died_hint(_Ended(2, "the audio device went away", "plug it back in")) == "plug it back in"
    crashed = engine_end.died_hint(_Ended(-signal.SIGSEGV))
    assert "messages above" not in crashed and "oom" not in crashed
    assert crashed.endswith("start it again: hatbox device run (or turn the box off and on)") and "nothing" in crashed
    said = engine_end.died_hint(_Ended(3, "the audio device went away"))
    assert said.startswith("the messages above say why; start it again: hatbox device run")


def test_the_hint_keeps_the_engine_s_own_hint_through_device_run(monkeypatch: pytest.MonkeyPatch,
                                                                tmp_path: Path) -> None:
    err = _run_ended(monkeypatch, _Ended(2, "the audio device went away (test)", "plug it back in"), tmp_path / "b")
    assert err.hint == "plug it back in"
