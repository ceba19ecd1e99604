"""p42 regression QA 3: `hatbox push --activate`, `hatbox box-pack ID --activate` and `box-pack --rollback` said the
pack was now active and never printed the engine's notes on it (``active[slot].warnings``: a knob the player set
that the new pack did not take).  Now each prints them as ``  warning:`` lines after saying it is active."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hatbox.cli import main
from tests.api.conftest import PairedServer
from tests.api.packs import gain_pack

NOTE = "knob 'tone' set to 4000 Hz on 'fxD' was not carried to 'fxE': pack 'fxE' has no knob 'tone' (its knobs: gain)"


@pytest.fixture
def noting(paired_server: PairedServer, monkeypatch: pytest.MonkeyPatch) -> PairedServer:
    """The box's (simulated) engine puts NOTE in the warnings of every effect it loads, as the engine does for a
    knob the new pack did not take."""
    control = paired_server.control
    apply = control._apply

    def _apply(message: dict[str, Any]) -> None:
        apply(message)
        if message["op"] == "load" and message["slot"] == "effect":
            control.active["effect"]["warnings"] = [NOTE]

    monkeypatch.setattr(control, "_apply", _apply)
    return paired_server


def _warned(out: str, after: str) -> None:
    assert after in out, out
    assert f"  warning: {NOTE}" in out.split(after, 1)[1], out


def test_push_activate_prints_the_new_packs_warnings(tmp_path: Path, noting: PairedServer, capsys) -> None:
    assert main(["push", str(gain_pack(tmp_path / "e.hatpack", "fxE", "1.0.0")), "--activate"]) == 0
    _warned(capsys.readouterr().out, "now active")


def test_push_without_activate_prints_none(tmp_path: Path, noting: PairedServer, capsys) -> None:
    assert main(["push", str(gain_pack(tmp_path / "e.hatpack", "fxE", "1.0.0"))]) == 0
    assert "warning:" not in capsys.readouterr().out


def test_rollback_and_activate_print_the_new_packs_warnings(tmp_path: Path, noting: PairedServer, capsys) -> None:
    assert main(["push", str(gain_pack(tmp_path / "d.hatpack", "fxD", "1.0.0")), "--activate"]) == 0
    assert main(["push", str(gain_pack(tmp_path / "e.hatpack", "fxE", "1.0.0")), "--activate"]) == 0
    capsys.readouterr()
    assert main(["box-pack", "--rollback", "effect"]) == 0
    _warned(capsys.readouterr().out, "again")
    store = noting.app.state.box.store
    other = next(pid for pid in store.ids() if pid != store.active()["effect"])
    assert main(["box-pack", other, "--activate"]) == 0
    _warned(capsys.readouterr().out, "is now the box's active effect pack")
