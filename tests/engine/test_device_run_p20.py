"""`hatbox device run` when things end (p20): an engine that ends on a bug (an exception that is not a
HatboxError) says so in one line naming the file that keeps its traceback and exits 1 (it printed
multiprocessing's traceback, then exited 2 as if the user could fix it); SIGTERM after the engine stopped on
its own error (the panel's stop screen) exits with that error's code (it exited 0); and ``--no-mdns``."""
from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import soundfile as sf

from hatbox import cmd_device
from hatbox.cli import build_parser
from hatbox.errors import HatboxError
from tests.engine.helpers import RATE

BUG = "a bug in the block loop (test)"

RUN_WITH_A_BUG = '''
"""`hatbox device run` whose engine raises RuntimeError {where}: patched at import, so the spawned engine
process (which runs this file again as __mp_main__) gets it too."""
import sys
import device.audio.server
from device.audio.alsa_io import FileIO
_read = FileIO.read
def read(self, buf):
    if self.pos >= {blocks} * buf.shape[0]:
        raise RuntimeError({message!r})
    return _read(self, buf)
FileIO.read = read
def preroll(engine, block, blocks=8):
    raise RuntimeError({message!r})
if {at_start}:
    device.audio.server.preroll = preroll
if __name__ == "__main__":
    from hatbox.cli import main
    sys.exit(main(sys.argv[1:]))
'''


def _run_bug(tmp_path: Path, at_start: bool) -> tuple[subprocess.CompletedProcess, Path]:
    script = tmp_path / "run_bug.py"
    script.write_text(RUN_WITH_A_BUG.format(where="before its clock starts" if at_start else "0.25 s in",
                                            blocks=RATE // 4 // 128, message=BUG, at_start=at_start))
    (tmp_path / "empty.conf").write_text("")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "ALSA_CONFIG_PATH": str(tmp_path / "empty.conf"),
           "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    store = tmp_path / "store"
    r = subprocess.run([sys.executable, str(script), "device", "run", "--sim", "--no-api", "--no-panel", "--no-midi",
                        "--osc-port", "0", "--output", "take.wav", "--store", str(store), "--seconds", "5"],
                       cwd=tmp_path, capture_output=True, text=True, timeout=120, env=env)
    return r, store


@pytest.mark.parametrize("at_start", [False, True], ids=["mid-run", "at-start"])
def test_an_engine_bug_is_one_line_naming_its_traceback_file_and_exit_code_1(tmp_path: Path, at_start: bool) -> None:
    r, store = _run_bug(tmp_path, at_start)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "Traceback" not in r.stderr and "Traceback" not in r.stdout, r.stderr
    errors = [line for line in r.stderr.splitlines() if line.startswith("hatbox: error:")]
    assert len(errors) == 1 and "hint:" not in r.stderr, r.stderr
    crashes = list((store / "logs").glob("engine-crash-*.txt"))
    assert len(crashes) == 1, crashes
    assert errors[0] == (f"hatbox: error: the audio engine stopped on a bug in hatbox (RuntimeError: {BUG}); the "
                         f"full traceback is in {crashes[0]} - please report it with that file")
    kept = crashes[0].read_text()
    assert kept.startswith("Traceback (most recent call last):") and kept.rstrip().endswith(f"RuntimeError: {BUG}")
    if not at_start:                                   # the recording up to the bug is a finished WAV
        y, rate = sf.read(str(tmp_path / "take.wav"), dtype="float32")
        assert rate == RATE and 0.2 * RATE < y.shape[0] < 0.35 * RATE


def test_the_traceback_goes_to_the_temp_folder_when_the_store_cannot_take_it(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from device.audio import crash_report, server
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    monkeypatch.setattr(crash_report.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    try:
        raise KeyError("slot")
    except KeyError as exc:
        where = server.save_traceback(str(blocked / "logs"))
        line = server.bug_message(exc, where)
    assert Path(where).parent == tmp_path / "tmp" and "KeyError: 'slot'" in Path(where).read_text()
    assert line == (f"stopped on a bug in hatbox (KeyError: 'slot'); the full traceback is in {where} - please "
                    "report it with that file")


# -- SIGTERM after the engine stopped on its own ----------------------------------------------------------

class _Ended:
    """EngineProcess stand-in whose process has already ended with ``code`` (what the panel's stop screen
    shows then: ``error``, ``error_hint``)."""

    def __init__(self, code: int | None, error: str | None = None, hint: str | None = None) -> None:
        self.code, self.error, self.error_hint, self.bug = code, error, hint, None
        self.stopped = False

    def start(self) -> "_Ended":
        return self

    def status(self) -> dict[str, Any]:
        return {"warnings": []}

    def alive(self) -> bool:
        return self.code is None

    def wait(self, timeout: float | None = None) -> int | None:
        return self.code

    def stop(self) -> int | None:
        self.stopped = True
        return self.code

    def check_recording(self) -> None:
        pass


def _args(*extra: str) -> argparse.Namespace:
    return build_parser().parse_args(["device", "run", "--no-api", "--no-midi", "--osc-port", "0", *extra])


def _run_until_sigterm(monkeypatch: pytest.MonkeyPatch, engine: _Ended) -> int:
    """cmd_device.run with ``engine``, its panel (``_wait``) ended by a real SIGTERM to this process."""
    import device.audio.server
    monkeypatch.setattr(device.audio.server, "EngineProcess", lambda cfg: engine)

    def panel(args: Any, control: Any, eng: Any) -> None:
        os.kill(os.getpid(), signal.SIGTERM)          # the handler raises KeyboardInterrupt here
        time.sleep(5.0)
        raise AssertionError("SIGTERM did not stop the panel")

    monkeypatch.setattr(cmd_device, "_wait", panel)
    before = signal.getsignal(signal.SIGTERM)
    try:
        return cmd_device.run(_args())
    finally:
        assert signal.getsignal(signal.SIGTERM) is before
        assert engine.stopped


def test_sigterm_on_the_stop_screen_exits_with_the_engines_error(monkeypatch: pytest.MonkeyPatch) -> None:
    engine = _Ended(2, "the audio device went away (test)", "plug it back in")
    with pytest.raises(HatboxError) as err:
        _run_until_sigterm(monkeypatch, engine)
    assert err.value.exit_code == 2
    assert str(err.value) == "the audio engine stopped: the audio device went away (test)\n  hint: plug it back in"


@pytest.mark.parametrize("code", [None, 0, -signal.SIGTERM], ids=["running", "stopped-cleanly", "killed-by-it"])
def test_sigterm_while_the_engine_runs_or_that_it_ended_too_exits_0(monkeypatch: pytest.MonkeyPatch,
                                                                   code: int | None) -> None:
    assert _run_until_sigterm(monkeypatch, _Ended(code)) == 0


# -- --no-mdns ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("flag,advertised", [([], True), (["--mdns"], True), (["--no-mdns"], False)])
def test_no_mdns_serves_the_api_without_advertising_it(monkeypatch: pytest.MonkeyPatch, flag: list[str],
                                                       advertised: bool) -> None:
    import device.api.server
    seen: dict[str, Any] = {}

    class _Running:
        url = "http://127.0.0.1:8750"
        tagging_at_start: list[str] = []

        def stop(self) -> None:
            pass

    def start_api(store: Any, control: Any, **kw: Any) -> _Running:
        seen.update(kw)
        return _Running()

    monkeypatch.setattr(device.api.server, "start_api", start_api)
    args = build_parser().parse_args(["device", "run", "--no-panel", *flag])
    assert cmd_device._start_api(args, cmd_device.BoxControl(engine=None)) is not None
    assert seen["advertise"] is advertised


def test_no_mdns_is_documented_with_device_runs_options() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "engine.md").read_text()
    assert "[--mdns/--no-mdns]" in docs and "`--no-mdns`" in docs
