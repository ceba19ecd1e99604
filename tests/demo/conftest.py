"""Shared set-up of the tests that run the real demo."""
from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def quick_demo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """The demo with a scratch HOME and settings, and no library upload (quicker): its HOME."""
    from hatbox import cmd_demo
    home = tmp_path / "home"
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("HATBOX_CONFIG", str(home / "remote.json"))
    monkeypatch.setattr(cmd_demo, "KITS", tmp_path / "no-kits")
    return home
