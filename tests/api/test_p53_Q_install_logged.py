"""p53 QA (Q1): a pack pushed with --activate and the box killed during its activation was installed and active
after the restart, but box.log and changes.log had no line for it: the install was logged only after the activation.
Now the install is in the change log as soon as it is committed, and the activation has a line of its own."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from device.api.box import Box
from device.logs import box_logging, changes_path
from tests.api.conftest import make_box
from tests.api.packs import gain_pack


class PowerCut(BaseException):
    """The box stopping dead in the activation (kill -9): nothing after it runs, no handler catches it."""


def _changes(store: Path) -> str:
    return changes_path(store).read_text()


def test_an_install_cut_off_in_its_activation_is_in_the_changes_log(tmp_path: Path, monkeypatch: Any) -> None:
    box = make_box(tmp_path)
    with box_logging(box.store_dir, terminal=False):
        def cut(self: Box, pid: str) -> Any:
            raise PowerCut(pid)
        monkeypatch.setattr(Box, "activate_locked", cut)
        with pytest.raises(PowerCut) as cutoff:
            box.push(gain_pack(tmp_path / "mine5.hatpack", "mine", "5.0.0"))
        pid = cutoff.value.args[0]
        text = _changes(box.store_dir)
    assert f"pack {pid} installed by 'test'" in text
    assert "made the active" not in text                       # it was not said to be active


def test_an_activated_push_logs_the_install_then_the_activation(tmp_path: Path) -> None:
    box = make_box(tmp_path)
    with box_logging(box.store_dir, terminal=False):
        pid = box.push(gain_pack(tmp_path / "a.hatpack", "fuzz", "1.0.0")).json()["pack"]["id"]
        text = _changes(box.store_dir)
    installed = text.index(f"pack {pid} installed by 'test'")
    assert text.index(f"pack {pid} made the active effect pack by 'test' (its push)") > installed


def test_a_push_without_activate_is_logged_once_and_not_as_active(tmp_path: Path, caplog: Any) -> None:
    box = make_box(tmp_path)
    records: list[logging.LogRecord] = []
    handler = logging.Handler(logging.INFO)
    handler.emit = records.append                   # type: ignore[method-assign]
    api = logging.getLogger("hatbox.api")           # its own handler: what another test's logging set-up did to the
    api.addHandler(handler)                         # root's handlers, or to propagation, cannot hide a line (a CI
    try:                                            # run missed the second once, with caplog)
        with caplog.at_level(logging.INFO, logger="hatbox.api"):
            pack = gain_pack(tmp_path / "a.hatpack", "fuzz", "1.0.0")    # once: the same bytes (a zip's member times
            pid = box.push(pack, activate=False).json()["pack"]["id"]     # are of the second it was written: p59)
            again = box.push(pack, activate=False)
    finally:
        api.removeHandler(handler)
    said = [r.getMessage() for r in records if pid in r.getMessage()]
    assert said == [f"pack {pid} installed by 'test'", f"pack {pid} sent again by 'test'"], (again.status_code,
                                                                                               again.text[:300])


def test_a_push_whose_activation_fails_is_logged_installed_then_taken_back(tmp_path: Path, monkeypatch: Any) -> None:
    box = make_box(tmp_path)
    with box_logging(box.store_dir, terminal=False):
        def full(self: Box, pid: str) -> Any:
            raise OSError(28, "No space left on device")
        monkeypatch.setattr(Box, "activate_locked", full)
        r = box.push(gain_pack(tmp_path / "mine6.hatpack", "mine", "6.0.0"))
        text = _changes(box.store_dir)
    assert r.status_code == 507, r.text
    assert "nothing of the pack was kept" in r.json()["message"] and box.app.state.box.store.ids() == []
    pid = text.split("pack ", 1)[1].split(" ", 1)[0]
    installed = text.index(f"pack {pid} installed by 'test'")
    assert text.index(f"pack {pid} taken back (its activation failed) from the push by 'test'") > installed
    assert "made the active" not in text
