"""p57 read RD2 finding 6 (device/api/kit_routes.py clear_kit_note): DELETE /kit/notes/N read the note's entry for
its change line before KitKeeper.drop took the kit's lock, so a PUT of the note in between made the line name the
sample the PUT replaced, not the one the DELETE took away.  The line names what drop removed, under its lock."""
from __future__ import annotations

import logging
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from device.api.kit_keeper import KitKeeper
from device.kit import KitNote


def test_a_note_set_just_before_its_clear_is_named_as_the_one_cleared(tmp_path: Path,
                                                                     caplog: pytest.LogCaptureFixture) -> None:
    from tests.api.test_kit import _tagged_library
    box, lid = _tagged_library(tmp_path)
    keeper = box.app.state.box.kit
    r = box.client.put("/kit/notes/C3", json={"library": lid, "file": "kit/boom.wav"}, headers=box.auth)
    assert r.status_code == 200, r.text
    drop = keeper.drop

    def a_put_lands_first(*args: Any) -> Any:
        """Another laptop's PUT of C3 (crack.wav) lands just before the DELETE's drop takes the kit's lock."""
        keeper.set_keeping(box.app.state.box, KitNote(note=48, library=lid, file="kit/crack.wav"))
        return drop(*args)
    keeper.drop = a_put_lands_first
    with caplog.at_level(logging.INFO, logger="hatbox.api"):
        assert box.client.delete("/kit/notes/C3", headers=box.auth).status_code == 200
    said = [r.getMessage() for r in caplog.records if r.name == "hatbox.api" and "cleared" in r.getMessage()]
    assert said == ["kit note 48 (C3) cleared (it played crack.wav) by 'test'"], said
    assert 48 not in keeper.notes


def test_drop_returns_the_entries_it_removed(tmp_path: Path) -> None:
    keeper = KitKeeper(tmp_path / "kit.json")
    keeper.notes = {n: KitNote(note=n, library="lib", file=f"{n}.wav") for n in (36, 38)}
    box = SimpleNamespace(control=SimpleNamespace(send=lambda msg: None))
    assert keeper.drop(box, [38, 40]) == [KitNote(note=38, library="lib", file="38.wav")]
    assert list(keeper.notes) == [36]
