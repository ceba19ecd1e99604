"""A panel window with no desktop to open on (over ssh) is a clear DisplayError, not a panel nobody sees."""
from __future__ import annotations

import pytest

from hardware import display


def test_a_window_without_a_desktop_is_refused_before_sdl_starts(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(display.sys, "platform", "linux")
    with pytest.raises(display.DisplayError, match="over ssh") as err:
        display.Display(800, 480, driver="window")
    assert "DISPLAY" in err.value.hint


@pytest.mark.parametrize("env", [{"DISPLAY": ":0"}, {"WAYLAND_DISPLAY": "wayland-0"}, {"SDL_VIDEODRIVER": "x11"}])
def test_a_desktop_or_a_chosen_driver_lets_the_window_be_tried(monkeypatch: pytest.MonkeyPatch, env) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER"):
        monkeypatch.delenv(name, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setattr(display.sys, "platform", "linux")
    assert not display._no_desktop()


def test_device_run_without_a_desktop_says_why_with_the_hint_and_prints_status(monkeypatch, capsys) -> None:
    import argparse

    from device.ui import app
    from hatbox import cmd_device
    from tests.test_p22_box_words_device import _Control, _Engine     # a status, then the engine ends

    def no_window(*a, **kw):
        raise display.DisplayError("cannot open a window: no desktop", hint="DISPLAY is not set")

    monkeypatch.setattr(app, "run_panel", no_window)
    monkeypatch.setattr(cmd_device, "_panel_data", lambda args: None)
    monkeypatch.setattr(cmd_device, "_panel_gone", lambda args: None)
    cmd_device._wait(argparse.Namespace(panel=True, sim=True, seconds=None), _Control(), _Engine())
    got = capsys.readouterr()
    assert "panel not started: cannot open a window: no desktop (DISPLAY is not set)" in got.err
    assert "audio load 10.0% (99.9% of blocks under " in got.out
