"""A command named without its "box-" is suggested with it: `hatbox devices` was told "did you mean device?", the
command that runs a box, where the producer wanted box-devices (the computers paired with the box)."""
from __future__ import annotations

import pytest

from hatbox.cli import main


@pytest.mark.parametrize("typed, meant", [("devices", "box-devices"), ("kit", "box-kit"), ("devic", "device")])
def test_the_box_command_is_suggested(typed: str, meant: str, capsys) -> None:
    with pytest.raises(SystemExit) as done:
        main([typed])
    assert done.value.code == 2
    assert f"unknown command '{typed}' (did you mean {meant}?)" in capsys.readouterr().err
