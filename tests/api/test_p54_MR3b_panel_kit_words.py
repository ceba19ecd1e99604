"""p54 MR3b (review R3, findings 3 and 4): the panel's "from library" (device/api/box_kit.BoxKit) lists the "gone"
words first (the ones that lost their note: a narrow line over the buttons cut them off), and a kit that kept
changing while it was made is refused in the panel's own short words, longest first, with what to do next in them
(before, "tap from library again" was a hint the screen never showed)."""
from __future__ import annotations

from pathlib import Path

import pytest

from device.api.box_kit import MEANWHILE, BoxKit, made_words, moved_lines
from device.api.kit_routes import MadeFromLibrary
from device.ui.kit_desk import KitRefused
from hatbox.errors import HatboxError
from tests.api.conftest import PairedServer
from tests.api.kit_meanwhile import clear_a_note_at_each_making
from tests.api.test_p53_T1_kit_remade import kit_of_words

MOVES: list[tuple[str, int | None, int | None]] = [("808", 60, 62), ("keep", None, 64), ("dusty", 61, None),
                                                   ("punchy", 61, 63), ("grit", 65, None)]


def test_the_gone_words_come_first() -> None:
    assert moved_lines(MOVES) == ["gone: dusty (was C#4), grit (was F4)", "moved: 808 C4 -> D4, punchy C#4 -> D#4",
                                  "new: keep E4"]


def test_the_first_line_counts_the_words_and_the_list_follows_gone_first() -> None:
    said = made_words("drums", MadeFromLibrary({}, {}, MOVES)).splitlines()
    assert said[0].startswith("kit made of drums: 0 notes; your words: 2 moved, 1 new, 2 gone"), said
    assert said[1].startswith("gone: "), said


def test_the_panel_wordings_are_longest_first_and_each_says_not_made() -> None:
    assert list(MEANWHILE) == sorted(MEANWHILE, key=len, reverse=True)
    assert all("not made" in w for w in MEANWHILE) and "tap from library again" in MEANWHILE[0]


def test_a_kit_changing_at_each_making_is_refused_in_the_panels_words(
        tmp_path: Path, paired_server: PairedServer, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    kit_of_words(tmp_path, capsys)
    box = paired_server.app.state.box
    notes = clear_a_note_at_each_making(box, [60, 61, 62], monkeypatch)     # another laptop's DELETEs
    with pytest.raises(KitRefused) as refused:
        BoxKit(box).from_library()
    assert refused.value.wordings == MEANWHILE and isinstance(refused.value, HatboxError)
    assert refused.value.message.startswith("the kit changed while it was made: yours was not made")
    assert "tap from library again" in refused.value.message and "\n" not in str(refused.value)
    assert notes == [] and not {60, 61, 62} & set(box.kit.notes)          # the other changes stand
