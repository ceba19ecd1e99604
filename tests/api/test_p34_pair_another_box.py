"""Pairing this computer with a second box revokes its pairing with the first, which its settings no longer keep.
Before, the first box kept accepting a token nothing held any more (its `box-devices` listed the laptop twice after
it paired again) and the note said nothing of it."""
from __future__ import annotations

from pathlib import Path

import pytest

from hatbox.cli import main
from tests.api.conftest import start_remote_box


def test_the_first_box_no_longer_accepts_the_token_the_settings_dropped(tmp_path: Path, capsys,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    studio, studio_codes, _, studio_app = start_remote_box(tmp_path / "studio", monkeypatch)
    live, live_codes, _, _ = start_remote_box(tmp_path / "live", monkeypatch)     # (one laptop config: the last)
    try:
        assert main(["pair", studio.url, "--code", studio_codes[-1], "--name", "laptop"]) == 0
        assert len(studio_app.state.box.tokens.list()) == 1
        capsys.readouterr()
        assert main(["pair", live.url, "--code", live_codes[-1], "--name", "laptop"]) == 0
        out = capsys.readouterr().out
        assert f"was paired with {studio.url}: that pairing is revoked there" in out
        assert studio_app.state.box.tokens.list() == []
    finally:
        studio.stop()
        live.stop()
