"""`hatbox device check`'s touch line carries what to do (thirty-seventh stop: the panel's Inputs kept the touch
chip's error as a line only, so a chip a kernel driver owns failed the check without the "unbind it" hint)."""
from __future__ import annotations

import pytest

from device import board_check as bc
from device.ui import inputs as inputs_mod
from hardware.i2c import I2CBusError
from hardware.touch import TouchError
from hatbox.errors import HatboxError


@pytest.mark.parametrize("error, hint", [
    (TouchError("the kernel driver 'edt_ft5x06' owns the touch chip", hint="unbind it: echo 7-0038 | sudo tee X"),
     "unbind it: echo 7-0038 | sudo tee X"),
    (HatboxError("no answer at 0x38"), "i2cdetect -y 7"),             # the board's own bus (QA: "BUS")
    (I2CBusError("no permission to open /dev/i2c-7: add this user to the 'i2c' group"), ""),   # said in its line
])
def test_a_touch_chip_that_will_not_open_fails_with_what_to_do(monkeypatch: pytest.MonkeyPatch, error: HatboxError,
                                                                hint: str) -> None:
    def refuse(self):
        raise error
    monkeypatch.setattr(inputs_mod.Inputs, "_sim_bus", refuse)
    _, board = bc.check_board("sim")
    encoders, touch = bc.check_inputs(board, sim=True, running=False)
    assert encoders.status == "ok"
    assert touch.status == "fail" and str(error).split("\n")[0] in touch.line and hint in touch.hint
    assert bool(touch.hint) == bool(hint)
