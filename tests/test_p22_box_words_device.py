"""QA round 22, what `hatbox device run` prints: the no-desktop warning reads without nested parentheses, and the
API line gives an address another computer can pair with, not 0.0.0.0 (found offline: no packet is sent)."""
from __future__ import annotations

import argparse
import re
from typing import Any

import pytest

from device.api import server
from hardware import display
from hatbox import cmd_device


def _max_depth(text: str) -> int:
    """How deep parentheses nest in ``text`` (0: none)."""
    depth = deepest = 0
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        deepest = max(deepest, depth)
    return deepest


# ------------------------------------------------------------------------------ F5: no desktop
def _no_desktop(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(display.sys, "platform", "linux")


def test_the_no_desktop_hint_has_no_parentheses_and_says_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    _no_desktop(monkeypatch)
    with pytest.raises(display.DisplayError) as err:
        display.Display(800, 480, driver="window")
    assert err.value.hint == ("DISPLAY and WAYLAND_DISPLAY are not set; set SDL_VIDEODRIVER to choose a driver "
                              "yourself")


class _Engine:
    """Ends after one status line."""

    def __init__(self) -> None:
        self.calls = 0

    def alive(self) -> bool:
        self.calls += 1
        return self.calls < 2

    def wait(self, s: float) -> None:
        pass


class _Control:
    def status(self) -> dict:
        return {"active": {}, "load_mean": 0.1, "load_p999": 0.2, "xruns": 0, "peak_db": -20.0, "fault_count": 0}


def _panel_warning(monkeypatch: pytest.MonkeyPatch, capsys: Any, fail: Any) -> str:
    from device.ui import app
    monkeypatch.setattr(app, "run_panel", fail)
    monkeypatch.setattr(cmd_device, "_panel_data", lambda args: None)
    monkeypatch.setattr(cmd_device, "_panel_gone", lambda args: None)
    cmd_device._wait(argparse.Namespace(panel=True, sim=True, seconds=None), _Control(), _Engine())
    return next(line for line in capsys.readouterr().err.splitlines() if "panel not started" in line)


def test_device_run_without_a_desktop_says_it_without_nested_parentheses(monkeypatch: pytest.MonkeyPatch,
                                                                        capsys: Any) -> None:
    _no_desktop(monkeypatch)
    line = _panel_warning(monkeypatch, capsys, lambda *a, **kw: display.Display(800, 480, driver="window"))
    assert line == ("warning: panel not started: cannot open a window: no desktop to open a window on (over ssh?): "
                    "run where a desktop is, or with --no-panel (DISPLAY and WAYLAND_DISPLAY are not set; set "
                    "SDL_VIDEODRIVER to choose a driver yourself); the status is printed here")
    assert _max_depth(line) == 1


def test_a_hint_with_its_own_parentheses_is_not_nested_in_more(monkeypatch: pytest.MonkeyPatch, capsys: Any) -> None:
    def fail(*a: Any, **kw: Any) -> None:
        raise display.DisplayError("no screen", hint="check the board file (its [screen] table)")
    line = _panel_warning(monkeypatch, capsys, fail)
    assert line == ("warning: panel not started: no screen; check the board file (its [screen] table); the status is "
                    "printed here")
    assert _max_depth(line) == 1


# -------------------------------------------------------------------------------- F6: the API line
def test_all_interfaces_prints_this_machines_network_address_and_the_local_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(server, "lan_address", lambda: "192.168.1.20")
    assert server.api_line("http://0.0.0.0:8750") == \
        "API: http://192.168.1.20:8750 (all interfaces; from this computer: http://127.0.0.1:8750)"
    assert server.api_line("https://0.0.0.0:8751") == \
        "API: https://192.168.1.20:8751 (all interfaces; from this computer: https://127.0.0.1:8751)"


@pytest.mark.parametrize("found", ["127.0.0.1", OSError(101, "Network is unreachable")], ids=["loopback", "no-socket"])
def test_offline_all_interfaces_prints_the_local_address_only(monkeypatch: pytest.MonkeyPatch, found: Any) -> None:
    def lan() -> str:
        if isinstance(found, Exception):
            raise found
        return found
    monkeypatch.setattr(server, "lan_address", lan)
    assert server.api_line("http://0.0.0.0:8750") == \
        "API: http://127.0.0.1:8750 (all interfaces; this computer has no network address yet)"


def test_a_given_host_is_printed_as_it_is() -> None:
    assert server.api_line("http://127.0.0.1:8750") == "API: http://127.0.0.1:8750"
    assert server.api_line("http://10.0.0.5:9000") == "API: http://10.0.0.5:9000"


def test_the_real_lookup_works_here_without_a_network_and_never_prints_0_0_0_0() -> None:
    line = server.api_line("http://0.0.0.0:8750")
    assert "0.0.0.0" not in line
    assert re.fullmatch(r"API: http://\d+\.\d+\.\d+\.\d+:8750 \(all interfaces; .+\)", line), line
