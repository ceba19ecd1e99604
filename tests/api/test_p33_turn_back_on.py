"""`hatbox box-pack ID --activate` on the active pack of a slot that a fault cut out loads it again, and it plays
(thirty-third stop's QA: a synth silenced by a full-velocity chord could only be turned back on on the panel's Play
page; the command said the pack was "already the box's active synth pack", and the box's fault line named only the
panel)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hatbox.cli import main
from hatbox.status_watch import fault_line
from tests.api.conftest import PairedServer
from tests.api.packs import gain_pack


def _faulting(paired_server: PairedServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """The box's engine status names a runaway fault of the effect slot while that slot is bypassed."""
    control = paired_server.control
    real = control.status

    def status() -> dict[str, Any]:
        st = real()
        if st["bypassed"].get("effect"):
            st["faults"] = [{"slot": "effect", "reason": "runaway", "block": 7, "time": 0.0}]
            st["fault_count"] = 1
        return st
    monkeypatch.setattr(control, "status", status)


def test_activating_a_pack_a_fault_bypassed_loads_it_again(paired_server: PairedServer, tmp_path: Path, capsys,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    _faulting(paired_server, monkeypatch)
    assert main(["push", str(gain_pack(tmp_path / "g.hatpack", "fuzz", "1.0.0")), "--activate", "--quiet"]) == 0
    pid = paired_server.app.state.box.store.list()[0]["id"]
    control = paired_server.control
    control.send({"op": "bypass", "slot": "effect", "on": True})           # what a runaway fault leaves
    loads = sum(1 for m in control.sent if m["op"] == "load")
    capsys.readouterr()
    assert main(["box-pack", pid, "--activate"]) == 0
    out = capsys.readouterr().out
    assert "was bypassed (runaway level); it is loaded again and plays" in out
    assert sum(1 for m in control.sent if m["op"] == "load") == loads + 1 and not control.bypassed["effect"]
    assert main(["box-pack", pid, "--activate"]) == 0                       # playing: nothing to do
    assert "is already the box's active effect pack" in capsys.readouterr().out
    assert sum(1 for m in control.sent if m["op"] == "load") == loads + 1


def test_a_pack_the_musician_bypassed_is_turned_back_on_too(paired_server: PairedServer, tmp_path: Path,
                                                            capsys) -> None:
    assert main(["push", str(gain_pack(tmp_path / "g.hatpack", "fuzz", "1.0.0")), "--activate", "--quiet"]) == 0
    pid = paired_server.app.state.box.store.list()[0]["id"]
    paired_server.control.send({"op": "bypass", "slot": "effect", "on": True})
    capsys.readouterr()
    assert main(["box-pack", pid, "--activate"]) == 0
    assert "was bypassed; it is loaded again and plays" in capsys.readouterr().out
    assert not paired_server.control.bypassed["effect"]


def test_the_fault_line_names_the_laptop_way_too() -> None:
    line = fault_line({"slot": "synth", "name": "base", "reason": "runaway"})
    assert "silenced" in line and "(the panel's Play page, or hatbox box-pack base --activate)" in line
