"""p43 review: a command stopped by SIGTERM or SIGHUP exited 130, as after Ctrl-C; now 128 + the signal (the shell's
rule, which a cloud's job runner and systemd read): 143 after SIGTERM, 129 after SIGHUP, still 130 after Ctrl-C."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from hatbox.box_signals import shielded, stop_on_sigterm
from hatbox.cli import stopped_code
from hatbox.errors import Interrupted, Terminated
from tests.engine import test_device_run_signals_p20 as run_signals


def _raised_while_handling(first: BaseException, hide: bool = False) -> BaseException:
    """The Interrupted a command raises while handling ``first`` (``hide``: ``from None``, as render and play do)."""
    try:
        try:
            raise first
        except KeyboardInterrupt:
            if hide:
                raise Interrupted("render stopped: nothing written") from None
            raise Interrupted("training stopped: nothing written")
    except Interrupted as exc:
        return exc


@pytest.mark.parametrize("exc, code", [(KeyboardInterrupt(), 130), (Terminated("SIGTERM"), 143),
                                       (Terminated("SIGHUP"), 129), (Terminated(), 143),
                                       (Interrupted("upload cut short"), 130),
                                       (_raised_while_handling(Terminated("SIGTERM")), 143),
                                       (_raised_while_handling(Terminated("SIGHUP"), hide=True), 129),
                                       (_raised_while_handling(KeyboardInterrupt()), 130)])
def test_the_exit_code_is_128_and_the_signal(exc: BaseException, code: int) -> None:
    assert stopped_code(exc) == code


def test_the_boxs_own_handlers_name_sigterm() -> None:
    before = signal.getsignal(signal.SIGTERM)
    restore = stop_on_sigterm()
    try:
        with pytest.raises(Terminated) as caught:
            os.kill(os.getpid(), signal.SIGTERM)
        assert stopped_code(caught.value) == 143
    finally:
        restore()
    with pytest.raises(Terminated):
        with shielded():
            os.kill(os.getpid(), signal.SIGTERM)           # the first one is let pass
            os.kill(os.getpid(), signal.SIGTERM)
    assert signal.getsignal(signal.SIGTERM) is before


def test_device_run_stopped_by_sigterm_while_it_starts_exits_143(tmp_path: Path) -> None:
    """As tests/engine/test_device_run_signals_p20's Ctrl-C while the front ends start, with SIGTERM instead."""
    script = tmp_path / "run_signal.py"
    script.write_text(run_signals.SCRIPT.format(moment="front-ends").replace(
        "os.kill(os.getpid(), signal.SIGINT)", "os.kill(os.getpid(), signal.SIGTERM)"))
    (tmp_path / "empty.conf").write_text("")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "ALSA_CONFIG_PATH": str(tmp_path / "empty.conf"),
           "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    r = subprocess.run([sys.executable, str(script), "device", "run", "--sim", "--no-api", "--no-mdns", "--no-panel",
                        "--no-midi", "--osc-port", "0", "--output", "take.wav", "--store", str(tmp_path / "store")],
                       cwd=tmp_path, capture_output=True, text=True, timeout=60, env=env, start_new_session=True)
    assert r.returncode == 143, (r.stdout, r.stderr)
    assert run_signals._said(r) == ["hatbox: interrupted (SIGTERM)"], r.stderr
