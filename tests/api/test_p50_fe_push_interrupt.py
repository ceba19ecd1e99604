"""`hatbox push PACK --activate` stopped by Ctrl-C (p50 QA "newcomer"): after the last byte the box may install the
pack AND make it active, said so with the way back to the pack active before; before the first byte, or while the
pack is still checked here, "nothing was sent".  A real box on a loopback port (tests.api.conftest)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from hatbox import box_client, cmd_remote
from hatbox.cli import main
from tests.api.conftest import PairedServer
from tests.api.packs import gain_pack


def _old_active(paired_server: PairedServer, tmp_path: Path, capsys) -> str:
    """Push and activate a first effect pack; its id on the box."""
    assert main(["push", str(gain_pack(tmp_path / "old.hatpack", "oldfx", "1.0.0")), "--activate", "--quiet"]) == 0
    capsys.readouterr()
    return next(p["id"] for p in paired_server.app.state.box.store.list() if p["active"])


def _ctrl_c_after_the_last_byte(monkeypatch: pytest.MonkeyPatch) -> None:
    chunks = box_client._chunks

    def all_then_ctrl_c(*args: Any) -> Iterator[bytes]:
        yield from chunks(*args)
        raise KeyboardInterrupt
    monkeypatch.setattr(box_client, "_chunks", all_then_ctrl_c)


def test_ctrl_c_after_the_upload_with_activate_says_it_may_become_active(paired_server: PairedServer, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch,
                                                                         capsys) -> None:
    old = _old_active(paired_server, tmp_path, capsys)
    _ctrl_c_after_the_last_byte(monkeypatch)
    new = gain_pack(tmp_path / "fx.hatpack", "newfx", "1.0.0")
    assert main(["push", str(new), "--activate", "--quiet"]) == 130
    err = capsys.readouterr().err
    assert "after all of fx.hatpack was sent: the box may still install it and make it the active effect pack" in err
    assert "to go back to oldfx 1.0.0" in err and f"hatbox box-pack {old} --activate" in err
    assert "see whether it did: hatbox box-pack" in err and "Traceback" not in err


def test_ctrl_c_after_the_upload_with_activate_and_no_pack_active(paired_server: PairedServer, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    _ctrl_c_after_the_last_byte(monkeypatch)
    assert main(["push", str(gain_pack(tmp_path / "fx.hatpack")), "--activate", "--quiet"]) == 130
    err = capsys.readouterr().err
    assert "make it the active effect pack" in err and "hatbox box-pack --deactivate effect" in err


def test_ctrl_c_after_the_upload_without_activate_is_as_before(paired_server: PairedServer, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    _ctrl_c_after_the_last_byte(monkeypatch)
    assert main(["push", str(gain_pack(tmp_path / "fx.hatpack")), "--quiet"]) == 130
    err = capsys.readouterr().err
    assert "after all of fx.hatpack was sent: the box may still keep it" in err and "active" not in err


def test_ctrl_c_before_the_first_byte_says_nothing_was_sent(paired_server: PairedServer, tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    def ctrl_c_at_once(*_args: Any) -> Iterator[bytes]:
        raise KeyboardInterrupt
        yield b""                                           # a generator, as box_client._chunks is
    monkeypatch.setattr(box_client, "_chunks", ctrl_c_at_once)
    assert main(["push", str(gain_pack(tmp_path / "fx.hatpack")), "--activate", "--quiet"]) == 130
    err = capsys.readouterr().err
    assert "interrupted (Ctrl-C) before any of fx.hatpack was sent: nothing was sent" in err


def test_ctrl_c_while_the_pack_is_checked_here_says_nothing_was_sent(paired_server: PairedServer, tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    def ctrl_c(*_args: Any) -> None:
        raise KeyboardInterrupt
    monkeypatch.setattr(cmd_remote, "check_box_takes", ctrl_c)
    assert main(["push", str(gain_pack(tmp_path / "fx.hatpack")), "--activate", "--quiet"]) == 130
    err = capsys.readouterr().err
    assert err == "hatbox: interrupted (Ctrl-C) before the pack was sent: nothing was sent\n"
