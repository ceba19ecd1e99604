"""p56 review R4 finding 8: the stop line pointed to box.log ("box.log says when (hatbox box-logs)") even when the box
logged to stderr only (box.log could not be written, or was turned off by a failed write): `hatbox box-logs` then had
none of the minute lines.  The pointer is said only while box.log is written."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import pytest

import hatbox.dropout_log
from hatbox.cli import main
from hatbox.cmd_device import _say_dropouts
from hatbox.dropout_log import DropoutLog

RUN = ["device", "run", "--sim", "--no-api", "--no-panel", "--no-midi", "--osc-port", "0", "--seconds", "0.2"]


def _status(xruns: int) -> dict[str, Any]:
    return {"xruns": xruns, "load_max": 0.5, "blocks": 375 * 30, "block": 128, "rate": 48000}


def _args(box_log: Path | None) -> argparse.Namespace:
    return argparse.Namespace(_box_log=argparse.Namespace(path=box_log))


def _seen_4() -> DropoutLog:
    dropouts = DropoutLog()
    dropouts.seen(_status(4))
    return dropouts


def test_the_pointer_to_box_log_is_said_only_while_box_log_is_written(tmp_path: Path, capsys: Any) -> None:
    _say_dropouts(_args(tmp_path / "logs" / "box.log"), _seen_4())
    assert "this run had 4 dropouts (xruns) in 30 s: box.log says when (hatbox box-logs)" in capsys.readouterr().out
    _say_dropouts(_args(None), _seen_4())                        # stderr only (or turned off by a failed write)
    out = capsys.readouterr().out
    assert "this run had 4 dropouts (xruns) in 30 s\n" in out and "box.log" not in out


def test_a_box_whose_log_cannot_be_written_says_no_pointer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                           capsys: Any) -> None:
    (tmp_path / "empty.conf").write_text("")
    monkeypatch.setenv("ALSA_CONFIG_PATH", str(tmp_path / "empty.conf"))      # no ALSA: the file backend
    store = tmp_path / "store"
    store.mkdir()
    (store / "logs").write_text("not a folder")          # box.log cannot be written: stderr only

    class Counted(DropoutLog):
        def __init__(self) -> None:
            super().__init__()
            self.seen(_status(4))                        # as if the watch had seen 4
    monkeypatch.setattr(hatbox.dropout_log, "DropoutLog", Counted)
    assert main([*RUN, "--store", str(store)]) == 0
    out = capsys.readouterr().out
    assert "this run had 4 dropouts (xruns)" in out and "box.log says when" not in out
