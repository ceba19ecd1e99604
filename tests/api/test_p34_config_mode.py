"""The laptop's settings (they hold the token) are written mode 600 whatever lies beside them.  Before, they went
through ``NAME.tmp`` opened with O_CREAT (mode 600 only for a new file): a stale ``cfg.tmp`` of mode 644 left the
token world-readable, a link there was followed, and two settings files of one stem shared the temporary file."""
from __future__ import annotations

import os
import stat
from pathlib import Path

from hatbox.cmd_remote import load_config, save_config


def test_a_stale_world_readable_tmp_file_or_link_is_not_reused(tmp_path: Path, monkeypatch) -> None:
    cfg = tmp_path / "cfg.json"
    monkeypatch.setenv("HATBOX_CONFIG", str(cfg))
    stale = tmp_path / "cfg.tmp"
    stale.write_text("old")
    stale.chmod(0o644)
    elsewhere = tmp_path / "elsewhere.txt"
    (tmp_path / "cfg.json.tmp").symlink_to(elsewhere)
    assert save_config({"url": "http://box:8750", "token": "secret"}) == cfg
    assert stat.S_IMODE(os.stat(cfg).st_mode) == 0o600
    assert load_config()["token"] == "secret"
    assert stale.read_text() == "old" and not elsewhere.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cfg.json", "cfg.json.tmp", "cfg.tmp"]


def test_a_settings_file_that_is_a_link_is_written_through_and_kept_private(tmp_path: Path, monkeypatch) -> None:
    """Settings kept in a dotfiles folder and linked into place: the link stays, its target gets the new settings,
    mode 600 even where the old file was world-readable (export.atomic.atomic_output's ``mode``)."""
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "remote.json"
    real.write_text('{"url": "http://old:8750"}')
    real.chmod(0o644)
    link = tmp_path / "cfg.json"
    link.symlink_to(real)
    monkeypatch.setenv("HATBOX_CONFIG", str(link))
    save_config({"url": "http://box:8750", "token": "secret"})
    assert link.is_symlink() and load_config()["token"] == "secret"
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o600
    assert sorted(p.name for p in dotfiles.iterdir()) == ["remote.json"]


def test_a_settings_link_into_a_missing_folder_is_refused_before_pairing(tmp_path: Path, monkeypatch) -> None:
    """Written through since the thirty-sixth stop: a link whose target's folder is gone passed the check before
    `hatbox pair` spent the box's code, then failed to save (review)."""
    import pytest

    from hatbox.cmd_remote import check_config_path
    from hatbox.errors import HatboxError
    link = tmp_path / "cfg.json"
    link.symlink_to(tmp_path / "gone" / "remote.json")
    monkeypatch.setenv("HATBOX_CONFIG", str(link))
    with pytest.raises(HatboxError, match="in a folder that does not exist"):
        check_config_path(link)
