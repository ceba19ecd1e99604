"""A screen that cannot open gives the panel's pins and I2C bus back (they stayed claimed until exit)."""
from __future__ import annotations

from typing import Any

import pytest

from device.ui import inputs as inputs_mod
from device.ui.app import PanelApp, resolve_board
from device.ui.demo import demo_data
from device.ui.shots import RecordingControl
from hardware import display as display_mod
from hatbox.errors import HatboxError


def test_a_display_that_cannot_open_closes_the_inputs(pg: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    closed: list[bool] = []
    real_close = inputs_mod.Inputs.close

    def close(self) -> None:
        closed.append(True)
        real_close(self)

    def no_screen(*a, **kw):
        raise HatboxError("cannot open the display: kmsdrm not available")

    monkeypatch.setattr(inputs_mod.Inputs, "close", close)
    monkeypatch.setattr(display_mod, "open_display", no_screen)
    with pytest.raises(HatboxError, match="cannot open the display"):
        PanelApp(RecordingControl({}), resolve_board("sim", True), sim=True, data=demo_data(), headless=True)
    assert closed == [True]
