"""p56 review R2 items 4 and 5 (device/api/box_kit.py): a pad's sample put back as it was on the panel's Kit page was
logged as a change (and "one-shot (no loop)" for a pad that never looped, which reads as "loop turned off"); a latch
toggled on the panel was not logged at all (the same from the laptop, PATCH /kit/notes/N, is); and a pad cleared
named what it played as read before the kit's lock was taken, so a PUT of the note in between made it name the
wrong sample."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from device.api.box_kit import BoxKit
from device.logs import box_logging, changes_path
from tests.api.test_kit import _tagged_library
from tests.api.test_p56_F2_kit_pad_log import _panel_lines


def test_only_a_real_change_of_a_pad_is_logged_and_a_latch_is(tmp_path: Path) -> None:
    box, lid = _tagged_library(tmp_path)
    files = box.app.state.box.libraries.files_path(lid)
    desk, root = BoxKit(box.app.state.box), tmp_path / "logs-root"
    boom, crack = str(files / "kit" / "boom.wav"), str(files / "kit" / "crack.wav")
    with box_logging(root, terminal=False):
        desk.assign(36, boom)
        desk.assign(36, boom)                           # the pad's own sample picked again: nothing changed
        desk.assign(38, crack, loop=True)
        desk.latch(38, True)
        desk.latch(38, True)                            # latched already: nothing changed
        desk.assign(38, crack, loop=True)               # put back as it is (its latch kept): nothing changed
        desk.latch(38, False)
        desk.assign(38, crack)                          # its loop turned off
    assert _panel_lines(changes_path(root)) == [
        "kit note 36 (C2) plays boom.wav", "kit note 38 (D2) plays crack.wav, looped", "kit note 38 (D2) latched",
        "kit note 38 (D2) unlatched", "kit note 38 (D2) plays crack.wav, one-shot (no loop)"]


def test_a_pad_cleared_names_the_sample_it_took_away(tmp_path: Path) -> None:
    """A laptop's PUT of the note comes while the panel clears it: the line names what the clear took away."""
    box, lid = _tagged_library(tmp_path)
    files = box.app.state.box.libraries.files_path(lid)
    desk, root = BoxKit(box.app.state.box), tmp_path / "logs-root"
    keeper, drop = box.app.state.box.kit, box.app.state.box.kit.drop
    boom, crack = str(files / "kit" / "boom.wav"), str(files / "kit" / "crack.wav")
    puts: list[threading.Thread] = []

    def drop_while_a_put_comes(*args: Any) -> list[Any]:
        put = threading.Thread(target=desk.assign, args=(36, crack))
        puts.append(put)
        put.start()
        put.join(0.3)                                   # it waits for the kit's lock, if the clear holds it
        keeper.drop = drop
        return drop(*args)
    with box_logging(root, terminal=False):
        desk.assign(36, boom)
        keeper.drop = drop_while_a_put_comes
        desk.clear(36)
        keeper.drop = drop
        puts[0].join(5)
    cleared = [line for line in _panel_lines(changes_path(root)) if "cleared" in line]
    took = "crack.wav" if 36 not in keeper.notes else "boom.wav"
    assert cleared == [f"kit note 36 (C2) cleared (it played {took})"]
