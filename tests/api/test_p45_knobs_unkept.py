"""Knobs turned while the box's disk is full (forty-fifth stop, crash-safety QA): `hatbox box-knob effect.drive 7dB`
printed the knob turned and `hatbox status` showed it with no warning, while the box could not keep it (box.log
alone said so).  Now the engine's status says it while it lasts (``knobs_not_kept``, device/knob_store.py), the knob
routes' answers carry it (``warning``; ``PUT /knobs`` waits the moment the write it set off takes), and the laptop
prints it.  The engine's keeper is stood in for by a control whose status says a write under way, then refused."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hatbox.cli import main
from tests.api.conftest import PairedServer
from tests.api.packs import gain_pack

WORDS = "the box's disk is full: knobs play as turned, but after a restart they come back as of 14:05"


class FullKeeper:
    """What the engine process adds to its status about keeping the knobs (KnobKeeper.status): after a knob
    message, a write under way for ``pending_polls`` status calls, then refused for a full disk (``full``)."""

    def __init__(self, control: Any, monkeypatch: pytest.MonkeyPatch, pending_polls: int = 3) -> None:
        self.real_send, self.real_status = control.send, control.status
        self.pending_polls, self.polls, self.full, self.failed = pending_polls, 0, True, False
        monkeypatch.setattr(control, "send", self.send)
        monkeypatch.setattr(control, "status", self.status)

    def send(self, message: dict[str, Any]) -> None:
        self.real_send(message)
        if message["op"] == "knob":
            self.polls = self.pending_polls

    def status(self) -> dict[str, Any]:
        st = self.real_status()
        pending = self.polls > 0
        self.polls = max(self.polls - 1, 0)
        if not pending and self.full and any(st.get("slot_knobs", {}).values()):
            self.failed = True
        elif not pending and not self.full:
            self.failed = False
        st["knobs_keep"] = {"kept_at": 0.0, "pending": pending,
                            "problem": "the box's disk is full" if self.failed else None}
        return {**st, "knobs_not_kept": WORDS} if self.failed else st


@pytest.fixture
def full(paired_server: PairedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
         capsys: pytest.CaptureFixture[str]) -> FullKeeper:
    assert main(["push", str(gain_pack(tmp_path / "good.hatpack", "good", "1.0.0")), "--activate", "--quiet"]) == 0
    capsys.readouterr()
    return FullKeeper(paired_server.control, monkeypatch)


def test_box_knob_says_the_knob_turned_is_not_kept_on_a_full_disk(full: FullKeeper,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["box-knob", "effect.gain", "0.75"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split()[:2] == ["effect.gain", "0.75"]          # it plays as turned
    assert f"warning: {WORDS}\n" in out
    assert main(["box-knob", "--json", "effect.gain", "0.5"]) == 0
    assert '"warning": "the box\'s disk is full' in capsys.readouterr().out
    assert main(["status"]) == 0
    assert f"  warning: {WORDS}\n" in capsys.readouterr().out
    assert main(["box-knob"]) == 0
    assert capsys.readouterr().out.count("warning: ") == 1                     # said once for the list


def test_the_warning_goes_once_the_knobs_are_kept_again(full: FullKeeper, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["box-knob", "effect.gain", "0.75"]) == 0
    assert "warning" in capsys.readouterr().out
    full.full = False
    assert main(["box-knob", "effect.gain", "0.6"]) == 0                       # its write succeeds: no warning
    assert "warning" not in capsys.readouterr().out
    assert main(["status"]) == 0
    assert "disk is full" not in capsys.readouterr().out
