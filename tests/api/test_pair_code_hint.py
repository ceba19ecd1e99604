"""`hatbox pair` without a code says where the code is: on the box's panel, or, for a box without one
(`hatbox device run --no-panel`, `python -m device.api --sim`), on its terminal; and the line it quotes
is the one those boxes really write."""
from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any, Callable

import pytest

from hatbox.cli import main


@pytest.fixture
def no_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HATBOX_CONFIG", str(tmp_path / "cfg" / "remote.json"))
    for var in ("HATBOX_URL", "HATBOX_TOKEN"):
        monkeypatch.delenv(var, raising=False)


def _hint(capsys: pytest.CaptureFixture[str]) -> str:
    """`hatbox pair` with an empty --code (refused before any connection) -> what it prints on stderr."""
    assert main(["pair", "http://127.0.0.1:9", "--code", ""]) == 2
    err = capsys.readouterr().err
    assert "no pairing code given" in err and "internal error" not in err
    return err


def test_the_hint_names_the_panel_and_the_log(no_config: None, capsys: pytest.CaptureFixture[str]) -> None:
    err = _hint(capsys)
    assert "box's panel" in err and "on its terminal: 'pairing code: ...'" in err and "--code ABC234" in err


def _panelless_device_run() -> Callable[[str], None]:
    from hatbox.cmd_device import _show_code
    return _show_code(argparse.Namespace(panel=False))


def _sim(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """`python -m device.api --sim`'s code display (its server is not started)."""
    from device.api import server
    seen: dict[str, Any] = {}
    monkeypatch.setattr(server, "serve", lambda *a, config, **k: seen.setdefault("config", config))
    assert server.main(["--store", str(tmp_path / "box"), "--sim"]) == 0
    return seen["config"].on_code


@pytest.mark.parametrize("box", ["device run --no-panel", "python -m device.api --sim"])
def test_the_quoted_log_line_is_what_a_box_without_a_panel_prints(
        box: str, no_config: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    quoted = re.search(r"'([^']*)\.\.\.'", _hint(capsys))
    assert quoted, "the hint quotes no log line"
    show = _panelless_device_run() if box.startswith("device run") else _sim(tmp_path, monkeypatch)
    show("K7P2QX")
    assert capsys.readouterr().out.splitlines() == [quoted.group(1) + "K7P2QX"]
