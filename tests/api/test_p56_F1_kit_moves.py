"""p56 F1: the words for a producer's word whose kit note changed ("808 C4 -> D4", "keep D4", "punchy (was D4)")
are written once, in device.kit_moves, and the panel's kit lines (device/api/box_kit.moved_lines) and `hatbox
box-kit --from`'s (hatbox/kit_words.moved_lines) both say them in those words."""
from __future__ import annotations

from device.api import box_kit
from device.kit_moves import move_words, words_by_kind
from hatbox import kit_words

MOVES = [("808", 60, 62), ("keep", None, 62), ("punchy", 62, None), ("dusty", 61, 63)]


def test_one_word_each_kind() -> None:
    assert move_words("808", 60, 62) == "808 C4 -> D4"
    assert move_words("keep", None, 62) == "keep D4"
    assert move_words("punchy", 62, None) == "punchy (was D4)"
    assert move_words("odd", "x", 62) == "odd ? -> D4"            # a box's answer the laptop cannot read


def test_by_kind_keeps_the_order_given() -> None:
    assert words_by_kind(MOVES) == {"moved": ["808 C4 -> D4", "dusty C#4 -> D#4"], "new": ["keep D4"],
                                    "gone": ["punchy (was D4)"]}
    assert words_by_kind([]) == {"moved": [], "new": [], "gone": []}


def test_the_panel_and_the_laptop_say_the_same_words() -> None:
    said = words_by_kind(MOVES)
    panel = box_kit.moved_lines(MOVES)
    assert panel == [f"gone: {said['gone'][0]}", f"moved: {', '.join(said['moved'])}", f"new: {said['new'][0]}"]
    laptop = kit_words.moved_lines({"words_moved": [{"word": w, "was": a, "now": b} for w, a, b in MOVES]})
    assert laptop == [f"2 words of yours moved to another note: {', '.join(said['moved'])}",
                      f"new word on the kit (free notes from middle C up): {said['new'][0]}",
                      f"no longer on the kit (no file carries it now, or the kit is full): {said['gone'][0]}"]
