"""p54 MF4 (final read FR1, findings 7 and 8): a kit that kept changing while `box-kit --from` made it is refused
in words that say the other change stands ("yours was not made; the kit is as that change left it", as the panel
says it), not "the kit was not changed"; and `hatbox box-kit --from` and the panel split the words that moved, are
new or went by one rule (device.kit.move_kind)."""
from __future__ import annotations

from pathlib import Path

import pytest

from device.api import box_kit, kit_routes
from device.api.errors import ApiError
from device.kit import Loops, move_kind
from hatbox import kit_words
from tests.api.conftest import PairedServer
from tests.api.kit_meanwhile import clear_a_note_at_each_making
from tests.api.test_p53_T1_kit_remade import kit_of_words

MOVES: list[tuple[str, int | None, int | None]] = [("808", 60, 62), ("keep", None, 64), ("dusty", 61, None)]


def test_one_rule_splits_the_words_moved_new_and_gone() -> None:
    assert [move_kind(a, b) for _w, a, b in MOVES] == ["moved", "new", "gone"]
    panel = box_kit.moved_lines(MOVES)
    laptop = kit_words.moved_lines({"words_moved": [{"word": w, "was": a, "now": b} for w, a, b in MOVES]})
    assert [line.split(":")[0] for line in panel] == ["gone", "moved", "new"], panel
    assert laptop[0].startswith("1 word of yours moved") and "808 C4 -> D4" in laptop[0], laptop
    assert laptop[1].startswith("new word on the kit") and laptop[2].startswith("no longer on the kit"), laptop


def test_a_kit_changing_at_each_making_says_the_other_change_stands(
        tmp_path: Path, paired_server: PairedServer, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    kit_of_words(tmp_path, capsys)
    box = paired_server.app.state.box
    notes = clear_a_note_at_each_making(box, [60, 61, 62], monkeypatch)     # another laptop's DELETEs
    lid = box.kit.notes[61].library
    with pytest.raises(ApiError) as refused:
        kit_routes.make_kit_from_library(box, lid, Loops())
    said = str(refused.value)
    assert refused.value.status == 409 and "was not changed" not in said, said
    assert "the kit changed while it was made: yours was not made; the kit is as that change left it" in said, said
    assert notes == [] and not {60, 61, 62} & set(box.kit.notes)          # the other changes stand
