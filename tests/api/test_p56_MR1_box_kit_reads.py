"""p56 read RD1 findings 1 and 2 (device/api/box_kit.py): BoxKit.assign read the note's old entry and compared
(library, file) twice (``_own_word`` before set_keeping, ``_was_path`` after it); now once, under the kit's lock.
pads() and latch() built a sample's path inline beside BoxKit._path_of; now they use it.  The words stay."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from device.api.box_kit import BoxKit
from device.kit import KitNote
from device.logs import box_logging, changes_path
from tests.api.test_kit import _tagged_library
from tests.api.test_p56_F2_kit_pad_log import _panel_lines


def test_assign_decides_same_sample_once_and_says_the_same_words(tmp_path: Path) -> None:
    box, lid = _tagged_library(tmp_path)
    state = box.app.state.box
    files = state.libraries.files_path(lid)
    desk, root = BoxKit(state), tmp_path / "logs-root"
    boom, crack = str(files / "kit" / "boom.wav"), str(files / "kit" / "crack.wav")
    state.kit.set(state, KitNote(note=36, library=lid, file="kit/boom.wav", tag="kick"))   # as "from library"
    with box_logging(root, terminal=False):
        kept = desk.assign(36, boom, loop=True)         # its own sample, looped: its word kept, no "was"
        other = desk.assign(36, crack)                  # another sample: its "was" named, the word not carried
        desk.assign(36, crack)                          # the same again: nothing changed, no line
    assert (kept.tag, kept.loop, other.tag) == ("kick", True, None)
    assert _panel_lines(changes_path(root)) == [
        "kit note 36 (C2) plays boom.wav, looped",
        "kit note 36 (C2) plays crack.wav (was boom.wav)"]


def test_pads_and_latch_name_the_sample_where_path_of_says(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box, lid = _tagged_library(tmp_path)
    files = box.app.state.box.libraries.files_path(lid)
    desk = BoxKit(box.app.state.box)
    desk.assign(38, str(files / "kit" / "crack.wav"), loop=True)

    def marked(self: BoxKit, entry: KitNote | None) -> Any:
        return None if entry is None else f"/marked/{entry.file}"
    monkeypatch.setattr(BoxKit, "_path_of", marked)
    assert desk.pads()[38].path == "/marked/kit/crack.wav"
    assert desk.latch(38, True).path == "/marked/kit/crack.wav"
