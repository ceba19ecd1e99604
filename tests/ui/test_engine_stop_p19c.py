"""The panel when the box goes wrong mid-run: an engine that stops on an error takes over the whole
screen with its own message, then the panel closes by itself and `hatbox device run` exits 2 (it used to
sit on "engine not answering" until someone closed it); a clean end closes it at once; a recording cut
short by a full disk is said once in the tab bar, naming the seconds kept (it was never shown)."""
from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from device.audio import audiofile, wav_recorder
from device.ui import draw as D
from device.ui.app import EngineEnd, PanelApp, resolve_board
from device.ui.demo import demo_data, demo_status
from device.ui.events import EncoderPress, EncoderTurn, Touch
from device.ui.faults import recording_lines
from device.ui.panel import MESSAGE_SIZE, TAB_H, TOAST_S, Panel
from device.ui.shots import RecordingControl
from device.ui.stopped import ERROR_SIZE, FOOT_SIZE, HINT_SIZE, TITLE, TITLE_SIZE, closing_words
from hatbox.errors import HatboxError
from tests.ui.conftest import PanelClock, find_text

RATE = 48000
GONE = "the ALSA capture device 'hw:CARD=USB,DEV=0' stopped working: No such device [hw:CARD=USB,DEV=0]"
HINT = "check that the audio interface is still connected and powered, then start the box again"


class Gone(RecordingControl):
    """The engine process has ended: every status call raises as EngineProcess._call does."""

    def status(self) -> dict[str, Any]:
        raise HatboxError("the audio engine is not running")


def _drawn(pg: Any, panel: Panel) -> Any:
    surface = pg.Surface(panel.size)
    panel.draw(surface)
    return surface


def _app(control: Any, ended: Any, stopped_s: float) -> PanelApp:
    return PanelApp(control, resolve_board("sim", True), sim=True, data=demo_data(), headless=True,
                    status_hz=50.0, ended=ended, stopped_s=stopped_s)


# -- the stop screen -------------------------------------------------------------------------------

@pytest.mark.parametrize("size,error_lines", [((800, 480), 2), ((480, 800), 3)])
def test_the_stop_screen_says_the_engines_own_words_over_the_whole_screen(
        pg: Any, size: tuple[int, int], error_lines: int) -> None:
    panel = Panel(RecordingControl(demo_status()), demo_data(), size)
    panel.clock = clock = PanelClock()
    panel.set_status(demo_status())
    panel.set_stopped(GONE, HINT, 10.0)
    surface = _drawn(pg, panel)
    assert find_text(surface, TITLE, TITLE_SIZE, D.BAD)
    lines = D.wrap(panel.ctx.fonts, GONE, ERROR_SIZE, size[0] - 40, 5)
    assert len(lines) == error_lines and " ".join(lines) == GONE          # all of it, in its own words
    assert all(find_text(surface, line, ERROR_SIZE, D.TEXT) for line in lines)
    hint = D.wrap(panel.ctx.fonts, HINT, HINT_SIZE, size[0] - 40, 3)
    assert all(find_text(surface, line, HINT_SIZE, D.DIM) for line in hint)
    assert find_text(surface, "closing in 10 s - tap to close now", FOOT_SIZE, D.ACCENT)
    tabs = surface.subsurface(pg.Rect(0, 0, size[0], TAB_H))
    assert not find_text(tabs, "Play", 28, D.TEXT)                       # no pages: nothing there works
    clock.now += 7.2
    assert not panel.finished()
    assert find_text(_drawn(pg, panel), closing_words(10.0 - 7.2), FOOT_SIZE, D.ACCENT)
    assert closing_words(10.0 - 7.2) == "closing in 3 s - tap to close now"
    clock.now += 2.8
    assert panel.finished()


def test_on_the_stop_screen_a_tap_or_a_press_closes_sooner_and_nothing_is_sent(pg: Any) -> None:
    for event in (Touch("down", 0, 400, 300), EncoderPress(2, True)):
        control = RecordingControl(demo_status())
        panel = Panel(control, demo_data(), (800, 480))
        panel.set_stopped(GONE, HINT, 10.0)
        panel.handle(EncoderTurn(0, 1, 1))                                 # turning a knob: nothing to reach
        panel.handle(Touch("up", 5, 400, 300))
        panel.handle(EncoderPress(1, False))
        assert not panel.finished() and control.sent == []
        panel.handle(event)
        assert panel.finished() and control.sent == []


def test_a_long_word_is_broken_where_the_line_ends_and_too_much_ends_in_dots(pg: Any) -> None:
    fonts = D.Fonts()
    path = "/home/musician/.hatbox/recordings/a-very-long-folder-name-for-the-gig/take.wav"
    lines = D.wrap(fonts, f"cannot write {path}: no room", 24, 240, 5)
    assert "".join(lines).replace(" ", "") == f"cannotwrite{path}:noroom"
    assert all(fonts.size(line, 24)[0] <= 240 for line in lines) and len(lines) >= 3
    cut = D.wrap(fonts, "one two three four five six seven eight nine ten", 24, 120, 2)
    assert len(cut) == 2 and cut[-1].endswith("...") and fonts.size(cut[-1], 24)[0] <= 120


# -- the app loop ends by itself ------------------------------------------------------------------

def test_an_engine_that_stopped_on_an_error_is_shown_then_the_app_loop_ends(pg: Any) -> None:
    """The bug: the loop went on with "engine not answering" until someone closed the panel."""
    calls: list[float] = []

    def ended() -> EngineEnd | None:
        calls.append(time.monotonic())
        return EngineEnd(GONE, HINT)

    app = _app(Gone(demo_status()), ended, stopped_s=0.6)
    try:
        t0 = time.monotonic()
        app.run(20.0)
        took = time.monotonic() - t0
        assert not app.running and calls and 0.6 <= took < 10.0, took
        assert app.panel.stopped is not None and app.panel.stopped.error == GONE
        shown = app.display.panel
        assert find_text(shown, TITLE, TITLE_SIZE, D.BAD)
        assert all(find_text(shown, line, ERROR_SIZE, D.TEXT)
                   for line in D.wrap(app.panel.ctx.fonts, GONE, ERROR_SIZE, shown.get_width() - 40, 5))
    finally:
        app.close()


def test_a_clean_end_closes_the_panel_at_once_and_a_silent_engine_that_runs_does_not(pg: Any) -> None:
    app = _app(Gone(demo_status()), lambda: EngineEnd(), stopped_s=5.0)
    try:
        t0 = time.monotonic()
        app.run(20.0)
        assert time.monotonic() - t0 < 3.0 and app.panel.stopped is None
    finally:
        app.close()
    still = _app(Gone(demo_status()), lambda: None, stopped_s=0.1)    # alive but not answering: shown, kept
    try:
        still.run(0.5)
        assert still.running and still.panel.stopped is None
        assert "engine not answering" in still.panel.state.offline
    finally:
        still.close()


# -- hatbox device run, with the panel ------------------------------------------------------------

RUN_WITH_A_DEVICE_THAT_GOES = '''
"""`hatbox device run` whose file backend raises AudioDeviceError after {blocks} blocks, and a stop screen
of {stopped_s} s: patched at import, so the spawned engine process (this file again) gets it too."""
import sys
import device.ui.stopped
from device.audio.alsa_io import AudioDeviceError, FileIO
device.ui.stopped.STOPPED_S = {stopped_s}
_read = FileIO.read
def read(self, buf):
    if self.pos >= {blocks} * buf.shape[0]:
        raise AudioDeviceError({message!r}, hint={hint!r})
    return _read(self, buf)
FileIO.read = read
if __name__ == "__main__":
    from hatbox.cli import main
    sys.exit(main(sys.argv[1:]))
'''


def _box(tmp_path: Path) -> tuple[list[str], dict[str, str]]:
    """`device run --sim` with the panel (SDL's dummy driver), no API/MIDI/OSC, no ALSA devices; all of
    its files in ``tmp_path``."""
    (tmp_path / "empty.conf").write_text("")
    args = ["device", "run", "--sim", "--no-api", "--no-midi", "--osc-port", "0", "--output", "take.wav",
            "--store", str(tmp_path / "store")]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "ALSA_CONFIG_PATH": str(tmp_path / "empty.conf"),
           "PYTHONPATH": str(Path(__file__).resolve().parents[2]), "SDL_VIDEODRIVER": "dummy"}
    return args, env


def test_device_run_with_the_panel_ends_by_itself_with_the_engines_error(tmp_path: Path) -> None:
    """No --seconds and nobody to close the panel: the audio device goes 0.25 s in, the panel shows it
    for its stop screen's time (0.3 s here) and `device run` exits 2 with the one error line.  It used to
    run on until someone closed the panel.  (0.5 s and 1 s until the p58 trim: the stop screen's own test is
    test_an_engine_that_stopped_on_an_error_is_shown_then_the_app_loop_ends.)"""
    script = tmp_path / "run_gone.py"
    script.write_text(RUN_WITH_A_DEVICE_THAT_GOES.format(blocks=RATE // 4 // 128, stopped_s=0.3,
                                                         message=GONE, hint=HINT))
    args, env = _box(tmp_path)
    r = subprocess.run([sys.executable, str(script), *args], cwd=tmp_path, capture_output=True, text=True,
                       timeout=90, env=env)
    assert r.returncode == 2, (r.stdout, r.stderr)
    errors = [line for line in r.stderr.splitlines() if line.startswith("hatbox: error:")]
    assert errors == [f"hatbox: error: the audio engine stopped: {GONE}"] and "Traceback" not in r.stderr, r.stderr
    assert f"hint: {HINT}" in r.stderr


RUN_SAYING_THE_PANEL_IS_UP = '''
"""`hatbox device run` that prints "{up}" once the panel has drawn its first frame (the test waits for that line
instead of a fixed sleep).  Patched at import; the spawned engine process (this file again) never runs a panel."""
import sys
from device.ui.app import PanelApp
_step = PanelApp.step
def step(self):
    _step(self)
    if not getattr(self, "_said_up", False):
        self._said_up = True
        print("{up}", flush=True)
PanelApp.step = step
if __name__ == "__main__":
    from hatbox.cli import main
    sys.exit(main(sys.argv[1:]))
'''
PANEL_UP = "test: the panel is up"


def _wait_for_output(proc: subprocess.Popen, text: str, timeout: float) -> str:
    """What ``proc`` printed on stdout up to and with ``text`` (read straight from its pipe, so that a later
    ``communicate`` gets the rest); fails when it exits first or ``timeout`` seconds pass."""
    assert proc.stdout is not None
    fd, seen, end = proc.stdout.fileno(), b"", time.monotonic() + timeout
    while text.encode() not in seen:
        left = end - time.monotonic()
        assert left > 0, f"no {text!r} within {timeout} s: {seen.decode(errors='replace')!r}"
        if select.select([fd], [], [], min(left, 0.5))[0]:
            chunk = os.read(fd, 4096)
            assert chunk, f"exited before {text!r}: {seen.decode(errors='replace')!r}"
            seen += chunk
    return seen.decode(errors="replace")


def test_device_run_with_the_panel_stopped_by_sigterm_exits_0(tmp_path: Path) -> None:
    args, env = _box(tmp_path)
    script = tmp_path / "run_panel_up.py"
    script.write_text(RUN_SAYING_THE_PANEL_IS_UP.format(up=PANEL_UP))
    proc = subprocess.Popen([sys.executable, str(script), *args], cwd=tmp_path, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    try:
        said = _wait_for_output(proc, PANEL_UP, 60.0)                # the panel is up (was: a 1.5 s sleep)
        assert said.startswith("hatbox engine:"), said
        assert proc.poll() is None
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0 and "error" not in err, err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# -- a recording cut short ------------------------------------------------------------------------

def _cut_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A real engine child (device/audio/server._Child) recording to take.wav on a disk with 1.2 s of room."""
    from device.audio.alsa_io import AudioConfig, FileIO
    from device.audio.server import ServerConfig, _Child
    from tests.engine.full_disk import filling_open
    monkeypatch.setattr(wav_recorder, "open", filling_open(audiofile.FLOAT_WAV_HEADER + 4 * int(1.2 * RATE)),
                        raising=False)
    cfg = ServerConfig(audio=AudioConfig(rate=RATE, period=128), backend="file", realtime=False,
                       output_wav=str(tmp_path / "take.wav"))
    child = _Child(cfg)
    child.io = FileIO(cfg.audio, None, cfg.output_wav)
    return child


def _play(child: Any, seconds: float) -> dict[str, Any]:
    for _ in range(0, int(seconds * RATE), 128):
        child.io.write(np.zeros(128, np.float32))
    return child.status()


def _said(pg: Any, panel: Panel, text: str) -> bool:
    """Whether the tab bar's message line says ``text`` in red, checked in pixels."""
    tabs = _drawn(pg, panel).subsurface(pg.Rect(0, 0, panel.size[0], TAB_H))
    return bool(find_text(tabs, text, MESSAGE_SIZE, D.BAD))


CUT = "recording cut short: take.wav keeps the first 1.0 s - the box plays on, not recording"


@pytest.mark.parametrize("page", ["Play", "Settings"])
def test_a_recording_cut_short_is_said_once_naming_the_seconds_kept(
        pg: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, page: str) -> None:
    child = _cut_engine(tmp_path, monkeypatch)
    try:
        panel = Panel(RecordingControl(), demo_data(), (800, 480))
        panel.show_title(page)
        panel.set_status(_play(child, 0.5))
        assert panel.state.toast == ""
        status = _play(child, 1.5)                                  # the disk fills at 1.2 s
        assert status["recording"]["problem"].startswith("recording cut short:")
        panel.set_status(status)
        said = panel.state.toast_n
        assert panel.state.toast.startswith("recording cut short: cannot write the output")
        assert panel.state.toast_lines() == (recording_lines(status["recording"]), True)
        assert _said(pg, panel, CUT)
        later = _play(child, 1.0)                                   # the problem counts on (of 3.0 s): the same cut
        assert later["recording"]["problem"] != status["recording"]["problem"]
        panel.set_status(later)
        panel.set_status(_play(child, 0.1))
        assert panel.state.toast_n == said
        fresh = Panel(RecordingControl(), demo_data(), (480, 800))  # a panel (re)started after it: still not recording
        fresh.set_status(_play(child, 0.1))
        assert fresh.state.toast_n == 1 and _said(pg, fresh, "recording cut short: take.wav keeps the first 1.0 s")
        child.io.close()
    finally:
        child.swapper.stop()


def test_a_cut_that_comes_with_a_fault_waits_for_the_faults_notice(pg: Any) -> None:
    recording = {"files": ["/box/take.wav"], "kept_s": 12.0, "written_s": 13.3,
                 "problem": "recording cut short: cannot write the output /box/take.wav: No space left on device; "
                            "/box/take.wav keeps the first 12.0 s of 13.3 s and is readable up to there"}
    fault = {"slot": "effect", "reason": "nonfinite", "time": 5.0, "block": 900, "name": "hatbox-drive"}
    base = {"active": {"effect": {"name": "hatbox-drive"}}, "bypassed": {"effect": True}}
    panel = Panel(RecordingControl(), demo_data(), (800, 480))
    panel.clock = clock = PanelClock()
    panel.set_status({**base, "faults": []})
    panel.set_status({**base, "faults": [fault], "recording": recording})
    assert panel.message()[0].startswith("effect 'hatbox-drive' bypassed")  # the frame that shows it
    clock.now += TOAST_S - 0.5
    panel.set_status({**base, "faults": [fault], "recording": recording})
    assert panel.message()[0].startswith("effect 'hatbox-drive' bypassed")  # its 4 s are not over
    clock.now += 0.6
    assert panel.message()[0] == "" and panel.state.toast == ""              # now they are
    panel.set_status({**base, "faults": [fault], "recording": {**recording, "written_s": 14.0}})
    assert panel.state.toast == recording["problem"] + " - the box plays on"
    assert _said(pg, panel, "recording cut short: take.wav keeps the first 12.0 s - the box plays on, not recording")
    n = panel.state.toast_n
    panel.set_status({**base, "faults": [fault], "recording": recording})
    assert panel.state.toast_n == n
    failed = {"files": ["/box/take.wav"], "kept_s": 0.0, "written_s": 2.0,
              "problem": "recording failed: cannot write the output /box/take.wav: No space left on device; "
                         "no audio was recorded"}
    assert recording_lines(failed)[1:] == ("recording failed: no audio was recorded - the box plays on, not recording",
                                           "recording failed: no audio was recorded", "recording failed: nothing kept")
