"""Pairing with a second box (twenty-ninth stop): the laptop keeps one box in its settings, and the first box's
pairing was dropped without a word; now `hatbox pair` says so and how to go back.  The first box keeps its token (it
is not revoked: it is another box's)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from hatbox.cli import main
from tests.api.conftest import start_remote_box


def test_pairing_a_second_box_says_the_first_is_no_longer_in_the_settings(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch,
                                                                         capsys) -> None:
    a, codes_a, _, app_a = start_remote_box(tmp_path / "a", monkeypatch)
    b, codes_b, _, _ = start_remote_box(tmp_path / "b", monkeypatch)          # the laptop's settings: b's cfg
    try:
        assert main(["pair", a.url, "--code", codes_a[-1], "--name", "laptop"]) == 0
        first = capsys.readouterr().out
        assert "note:" not in first
        token_a = json.loads(Path(os.environ["HATBOX_CONFIG"]).read_text())["token_id"]
        assert main(["pair", b.url, "--code", codes_b[-1], "--name", "laptop"]) == 0
        out = capsys.readouterr().out
        assert f"note: this computer was paired with {a.url}: that pairing is revoked there" in out
        assert f"hatbox pair {a.url} to go back" in out
        assert token_a not in app_a.state.box.tokens._tokens    # (34th stop: box a kept a token nothing held)
        assert main(["pair", b.url, "--code", codes_b[-1], "--name", "laptop"]) == 0   # the same box again: revoked
        again = capsys.readouterr().out
        assert "earlier pairing with it" in again and "note:" not in again
    finally:
        a.stop()
        b.stop()
