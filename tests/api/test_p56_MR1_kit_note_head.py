"""p56 read RD1 finding 3: a kit note's heading ("kit note 36 (C2)") was written in three places (panel_log's
kit_note_words, BoxKit.latch's line, PATCH /kit/notes/N's line); now one, device.panel_log.kit_note_head, so the three
cannot drift apart.  The words stay."""
from __future__ import annotations

from pathlib import Path

import pytest

from device import panel_log
from device.api import box_kit, kit_routes
from device.api.box_kit import BoxKit
from device.logs import box_logging, changes_path
from device.panel_log import kit_note_head, kit_note_words
from tests.api.kit_helpers import kit_with_a_hand_loop
from tests.api.test_kit import _tagged_library


def test_the_heading_is_the_notes_number_and_name() -> None:
    assert kit_note_head(36) == "kit note 36 (C2)"
    assert kit_note_head(70) == "kit note 70 (A#4)"
    assert kit_note_words(38, "/x/crack.wav") == "kit note 38 (D2) plays crack.wav"


def test_the_three_lines_take_their_heading_from_one_place(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def head(note: int) -> str:
        return f"NOTE<{note}>"
    for module in (panel_log, box_kit, kit_routes):
        monkeypatch.setattr(module, "kit_note_head", head)
    assert kit_note_words(36, None, "/x/boom.wav") == "NOTE<36> cleared (it played boom.wav)"
    box, lid = _tagged_library(tmp_path)
    files = box.app.state.box.libraries.files_path(lid)
    desk, root = BoxKit(box.app.state.box), tmp_path / "logs-root"
    with box_logging(root, terminal=False):
        desk.assign(38, str(files / "kit" / "crack.wav"), loop=True)
        desk.latch(38, True)
    said = [ln.split(" hatbox.panel: panel: ", 1)[1] for ln in changes_path(root).read_text().splitlines()]
    assert said == ["NOTE<38> plays crack.wav, looped", "NOTE<38> latched"]
    api, _, _ = kit_with_a_hand_loop(tmp_path / "api")
    with box_logging(api.store_dir, terminal=False):
        assert api.client.patch("/kit/notes/60", json={"latch": True}, headers=api.auth).status_code == 200
        lines = api.client.get("/logs", params={"file": "changes"}, headers=api.auth).json()["lines"]
    assert any("NOTE<60> options set: latch on" in line for line in lines), lines
