"""p58 R2 review 9: the words of who emptied a slot and when (hatbox.slot_words) were a second copy of the words of
who activated a pack (hatbox.pack_who): one rule now, only the verb differs."""
from __future__ import annotations

from typing import Any

import pytest

from hatbox import slot_words
from hatbox.pack_who import by_words


@pytest.mark.parametrize("by, ago, said", [
    ("laptopA", 12, "by laptopA 12 s ago"), ("", 300, "on the box 5 min ago"), (None, 12, ""), ("laptopA", None, ""),
    ("lap\x1btop", 12, "by lap\\x1btop 12 s ago"),
])
def test_the_emptied_and_the_activated_words_are_one_rule(by: Any, ago: Any, said: str) -> None:
    assert by_words(by, ago, verb="") == said
    assert by_words(by, ago) == (f"activated {said}" if said else "")
    pack = {"kind": "synth", "used_last": True, "emptied_by": by, "emptied_ago_s": ago}
    note = slot_words.played_note(pack, [pack])
    assert note == "; it is what the synth slot played last, before the slot was emptied" + (f" {said}" if said else "")
