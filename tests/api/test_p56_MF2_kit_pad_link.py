"""p56 final read FR2 item 6 (device/panel_log.py kit_note_words, device/api/box_kit.py): "the same sample" was
decided twice, by (library, file) for whether the note changed and again by comparing paths for its words.  The
panel's path is resolved, the kept one is not: where a library's folder is reached through a link, a loop turned off
read "plays loop.wav (was loop.wav)".  The words now take "same" from the (library, file) decision."""
from __future__ import annotations

from pathlib import Path

import pytest

from device.api.box_kit import BoxKit
from device.logs import box_logging, changes_path
from tests.api.test_kit import _tagged_library
from tests.api.test_p56_F2_kit_pad_log import _panel_lines


def test_a_loop_turned_off_in_a_library_reached_through_a_link(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    box, lid = _tagged_library(tmp_path)
    libraries = box.app.state.box.libraries
    files = libraries.files_path(lid)
    link = tmp_path / "linked-files"
    link.symlink_to(files, target_is_directory=True)
    monkeypatch.setattr(libraries, "files_path", lambda library: link)      # the library's folder, through a link
    desk, root = BoxKit(box.app.state.box), tmp_path / "logs-root"
    crack = str(files / "kit" / "crack.wav")                                # the panel's path: resolved
    with box_logging(root, terminal=False):
        desk.assign(60, crack, loop=True)
        desk.assign(60, crack)                                              # its loop turned off
        desk.assign(60, str(files / "kit" / "boom.wav"))
    assert _panel_lines(changes_path(root)) == [
        "kit note 60 (C4) plays crack.wav, looped", "kit note 60 (C4) plays crack.wav, one-shot (no loop)",
        "kit note 60 (C4) plays boom.wav (was crack.wav)"]
