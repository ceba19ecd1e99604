"""p51 M3 (2): a new file for a note (PUT /kit/notes/NOTE: box-kit --map, the panel's assign) or the panel's loop
button kept the pad's sound but dropped its latch and choke group without a word; and PATCH read the note outside the
kit's lock, so a PUT between its read and its write was reverted."""
from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from device.api.box_kit import BoxKit
from device.kit import KitNote
from tests.api.kit_helpers import kit_notes, kit_with_a_hand_loop


def _put(box: Any, lib: str, file: str, **more: Any) -> dict[str, Any]:
    r = box.client.put("/kit/notes/70", json={"library": lib, "file": file, **more}, headers=box.auth)
    assert r.status_code == 200, r.text
    return kit_notes(box)[70]


def test_a_new_file_keeps_the_note_s_choke_group_and_latch(tmp_path: Path) -> None:
    box, lib, _ = kit_with_a_hand_loop(tmp_path)
    r = box.client.patch("/kit/notes/70", json={"latch": True, "choke": 3}, headers=box.auth)
    assert r.status_code == 200, r.text
    now = _put(box, lib, "kit/boom.wav", loop=True)             # another loop on the pad: still latched, group 3
    assert (now["file"], now["latch"], now["choke"]) == ("kit/boom.wav", True, 3)
    now = _put(box, lib, "kit/boom.wav", loop=False)            # a one-shot: no latch, its group kept
    assert (now["loop"], now["latch"], now["choke"]) == (False, False, 3)
    now = _put(box, lib, "kit/fx.wav", loop=True, choke=0)      # the request says otherwise
    assert (now["loop"], now["latch"], now["choke"]) == (True, False, 0)
    now = _put(box, lib, "kit/fx.wav", latch=True)              # latch makes it loop
    assert (now["loop"], now["latch"], now["choke"]) == (True, True, 0)


def test_the_panel_s_loop_button_and_assign_keep_the_choke_group_and_latch(tmp_path: Path) -> None:
    box, lib, wired = kit_with_a_hand_loop(tmp_path)
    assert box.client.patch("/kit/notes/70", json={"latch": True, "choke": 4}, headers=box.auth).status_code == 200
    kit = BoxKit(box.app.state.box)
    path = str(box.app.state.box.libraries.files_path(lib) / "kit/crack.wav")
    pad = kit.assign(70, path, loop=True)                        # assign on a latched pad (it loops: kept so)
    assert pad.latch and pad.loop and kit_notes(box)[70]["choke"] == 4
    assert wired.sampler.latch[70] and wired.sampler.choke_group[70] == 4
    pad = kit.assign(70, path, loop=False)                       # the loop button: a one-shot, its group kept
    assert not pad.latch and (kit_notes(box)[70]["latch"], kit_notes(box)[70]["choke"]) == (False, 4)
    assert wired.sampler.choke_group[70] == 4


class _Watched:
    """The keeper's lock, telling when another thread first asks for it."""

    def __init__(self, lock: Any) -> None:
        self.lock, self.asked = lock, threading.Event()

    def __enter__(self) -> Any:
        if threading.current_thread() is not threading.main_thread():
            self.asked.set()
        return self.lock.__enter__()

    def __exit__(self, *exc: Any) -> Any:
        return self.lock.__exit__(*exc)


def test_a_patch_does_not_revert_a_put_that_came_while_it_waited(tmp_path: Path) -> None:
    box, lib, _ = kit_with_a_hand_loop(tmp_path)
    keeper = box.app.state.box.kit
    watched = keeper.lock = _Watched(keeper.lock)
    answers: list[int] = []
    with watched.lock:                                           # another change of the kit holds it
        patch = threading.Thread(target=lambda: answers.append(
            box.client.patch("/kit/notes/70", json={"choke": 5}, headers=box.auth).status_code))
        patch.start()
        assert watched.asked.wait(10)
        time.sleep(0.05)
        keeper.set(box.app.state.box, KitNote(70, lib, "kit/boom.wav", loop=True))    # that change (re-entrant)
    patch.join(30)
    assert answers == [200]
    now = kit_notes(box)[70]
    assert (now["file"], now["choke"]) == ("kit/boom.wav", 5)
