"""p60 F3 (p59 M3's words): the 409 of a delete refused because the pack was made active again said "laptopB made it
active at 14:02, 0 s ago" when that record was stamped ahead of the box's clock (the clock set back since: "0 s ago"
was device.api.when_words.ago's floor).  Now it says so plainly: "(laptopB made it active at 14:02; the box's clock
was set back since)", with the date where the stamp is a day or more ahead; a record behind the clock as before."""
from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest

from hatbox.cli import main
from tests.api.conftest import PairedServer
from tests.api.packs import gain_pack
from tests.api.test_p59_M3_reactivated_refusal import _delete_while, _pair, _push


def _refusal(server: PairedServer, tmp_path: Path, capsys, monkeypatch, ahead_s: float) -> tuple[str, float]:
    """laptopB makes the pack active again while this laptop's delete question waits, its slot record stamped
    ``ahead_s`` ahead of the box's clock (as a clock set back since leaves it): the refusal's stderr, and the stamp."""
    token = _pair(server, "laptopB")
    pid = _push(server, token, gain_pack(tmp_path / "fx.hatpack", "fx", "0.1.0"))
    assert main(["box-pack", "--deactivate", "effect"]) == 0
    capsys.readouterr()
    store, stamped = server.app.state.box.store, []

    def b_activates_on_a_clock_ahead() -> None:
        r = httpx.post(f"{server.running.url}/packs/{pid}/activate", headers={"Authorization": f"Bearer {token}"},
                       timeout=30)
        assert r.status_code == 200, r.text
        p = store.pointer()
        rec = {**p.activated["effect"], "at": time.time() + ahead_s}
        p.activated = {**p.activated, "effect": rec}
        store.restore_pointer(p)
        stamped.append(rec["at"])

    err = _delete_while(capsys, monkeypatch, pid, b_activates_on_a_clock_ahead)
    assert pid in store.ids()                                   # nothing deleted
    return err, stamped[0]


def test_a_stamp_ahead_of_the_clock_says_the_clock_was_set_back(paired_server: PairedServer, tmp_path: Path, capsys,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    err, stamp = _refusal(paired_server, tmp_path, capsys, monkeypatch, 3600.0)
    at = time.strftime("%H:%M", time.localtime(stamp))
    assert f"(laptopB made it active at {at}; the box's clock was set back since)" in err, err
    assert " s ago" not in err


def test_a_day_ahead_gives_the_date(paired_server: PairedServer, tmp_path: Path, capsys,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    err, stamp = _refusal(paired_server, tmp_path, capsys, monkeypatch, 3 * 86400.0)
    at = time.strftime("%Y-%m-%d %H:%M", time.localtime(stamp))
    assert f"(laptopB made it active at {at}; the box's clock was set back since)" in err, err


def test_a_stamp_behind_the_clock_says_how_long_ago(paired_server: PairedServer, tmp_path: Path, capsys,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    err, _ = _refusal(paired_server, tmp_path, capsys, monkeypatch, -120.0)
    assert re.search(r"\(laptopB made it active at \d\d:\d\d, 2 min ago\)", err), err
    assert "set back" not in err
