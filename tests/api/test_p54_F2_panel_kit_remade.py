"""p54 F2: the panel's "from library" (device/api/box_kit.BoxKit.from_library) makes the kit through the API route's
own making (device/api/kit_routes.make_kit_from_library): the producer's words kept on their notes, made again
when the kit changed while it was made (refused after MAKINGS makings: tests/api/test_p54_MR3b_panel_kit_words.py);
and it says the words that moved, are new, or went (first line short, the list on the lines after it)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from device.api.box_kit import BoxKit
from tests.api.conftest import PairedServer
from tests.api.kit_meanwhile import rename_at_the_first_making
from tests.api.test_p53_T1_kit_remade import _fix, kit_of_words


def test_the_panel_says_no_words_then_the_words_new_and_gone_then_keeps_a_word_renamed_meanwhile(
        tmp_path: Path, paired_server: PairedServer, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """One kit of words (:func:`kit_of_words`: C4 808, C#4 dusty, D4 punchy; 5 s to make, once, where three tests
    made it each), then three checks in order, each on the kit the one before made:
    1. a first kit (every note cleared) says no words moved, and is made as kit_of_words made it;
    2. after corrections, the panel says the words new and gone, short, then the list, and keeps them on their notes;
    3. a word renamed while the panel makes the kit is kept (dusty is on C#4 as 2. left it)."""
    kit_of_words(tmp_path, capsys)
    box = paired_server.app.state.box
    _a_first_kit_says_no_words_moved(box)
    _the_panel_says_the_words_new_and_gone_short_then_the_list(box)
    _a_word_renamed_while_the_panel_makes_the_kit_is_kept(box, monkeypatch)


def _a_first_kit_says_no_words_moved(box: Any) -> None:
    box.kit.drop(box, list(box.kit.notes))
    said = BoxKit(box).from_library()
    assert "\n" not in said and "words" not in said and said.startswith("kit made of samples: "), said
    assert (box.kit.notes[60].tag, box.kit.notes[61].tag, box.kit.notes[62].tag) == ("808", "dusty", "punchy")


def _the_panel_says_the_words_new_and_gone_short_then_the_list(box: Any) -> None:
    _fix({"a": "dusty", "b": "dusty", "f": "dusty", "g": "keep"})       # punchy on no file now; keep on one
    said = BoxKit(box).from_library()
    status, *details = said.splitlines()
    assert status.startswith("kit made of samples: 3 notes; your words: 1 new, 1 gone"), said
    assert details == ["gone: punchy (was D4)", "new: keep D4"], said     # gone first (R3 review)
    notes = box.kit.notes
    assert (notes[60].tag, notes[61].tag, notes[62].tag) == ("808", "dusty", "keep")   # kept on their notes


def _a_word_renamed_while_the_panel_makes_the_kit_is_kept(box: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    makings = rename_at_the_first_making(box, box.kit.notes[61].library, "dusty", "grit", monkeypatch)
    said = BoxKit(box).from_library()
    assert len(makings) == 2 and box.kit.notes[61].tag == "grit", said
    assert "moved" not in said and "gone" not in said, said
