"""p56 final read FR2 item 3 (device/api/box_kit.py BoxKit.assign): every pad of a kit made "from library" has the
word it was chosen for; picking the pad's own sample again on the panel's Kit page dropped that word (the panel
names none) and so logged "panel: kit note 36 (C2) plays boom.wav" when nothing the player sees changed.  Now
nothing changes and nothing is logged; another sample on the pad is still a change."""
from __future__ import annotations

from pathlib import Path

from device.api.box_kit import BoxKit
from device.kit import KitNote
from device.logs import box_logging, changes_path
from tests.api.test_kit import _tagged_library
from tests.api.test_p56_F2_kit_pad_log import _panel_lines


def test_a_tagged_pad_s_own_sample_picked_again_keeps_its_word_and_logs_nothing(tmp_path: Path) -> None:
    box, lid = _tagged_library(tmp_path)
    state = box.app.state.box
    files = state.libraries.files_path(lid)
    desk, root = BoxKit(state), tmp_path / "logs-root"
    with box_logging(root, terminal=False):
        state.kit.set(state, KitNote(note=36, library=lid, file="kit/boom.wav", tag="kick"))   # as "from library"
        pad = desk.assign(36, str(files / "kit" / "boom.wav"))
        assert state.kit.notes[36].tag == "kick" == pad.tag and pad.path.endswith("boom.wav")
        desk.assign(36, str(files / "kit" / "crack.wav"))                # another sample: a change
    assert state.kit.notes[36].file == "kit/crack.wav"
    assert _panel_lines(changes_path(root)) == ["kit note 36 (C2) plays crack.wav (was boom.wav)"]
