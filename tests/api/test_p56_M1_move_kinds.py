"""p56 R1 review 6: the kinds of a kit word's move (device.kit.move_kind: moved, new, gone) were listed in two more
places, device/kit_moves.KINDS and device/api/box_kit's MOVE_KINDS and LINE_KINDS; a kind move_kind gained would have
been a KeyError in kit_moves.words_by_kind on the box.  They are written once, device.kit.MOVE_KINDS, beside
move_kind; the others are it, or (LINE_KINDS) its kinds in the panel's order."""
from __future__ import annotations

import itertools

from device import kit, kit_moves
from device.api import box_kit

NOTES = (None, 0, 36, 60, 61, 127)


def test_every_kind_move_kind_gives_is_listed_beside_it_and_no_other() -> None:
    given = {kit.move_kind(was, now) for was, now in itertools.product(NOTES, NOTES) if (was, now) != (None, None)}
    assert given == set(kit.MOVE_KINDS) and len(kit.MOVE_KINDS) == len(set(kit.MOVE_KINDS))


def test_the_words_and_the_panel_use_that_list() -> None:
    assert box_kit.MOVE_KINDS is kit.MOVE_KINDS
    assert box_kit.LINE_KINDS == ("gone", "moved", "new")          # the words that lost their note first
    assert sorted(box_kit.LINE_KINDS) == sorted(kit.MOVE_KINDS)


def test_the_panel_counts_and_lists_each_kind() -> None:
    moves = [("808", 60, 62), ("keep", None, 62), ("punchy", 62, None), ("clap", 39, 40)]
    assert box_kit.moved_counts(moves) == "2 moved, 1 new, 1 gone"
    assert box_kit.moved_lines(moves) == ["gone: punchy (was D4)", "moved: 808 C4 -> D4, clap D#2 -> E2",
                                          "new: keep D4"]
