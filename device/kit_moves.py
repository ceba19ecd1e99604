"""The words for a producer's word whose kit note changed (device.kit.word_moves: (word, was, now), a note number
or None), one rule for the panel's kit lines (device/api/box_kit.moved_lines) and `hatbox box-kit --from`'s
(hatbox/kit_words.moved_lines): "808 C4 -> D4" (moved), "keep D4" (new), "punchy (was D4)" (gone), split by
device.kit.move_kind (split from both at the fifty-sixth stop: the wording was written twice)."""
from __future__ import annotations

from typing import Any, Iterable

from device.kit import MOVE_KINDS, move_kind
from device.notes import note_name


def move_words(word: str, was: Any, now: Any) -> str:
    """One word's move: "808 C4 -> D4" (moved), "keep D4" (new: no note before), "punchy (was D4)" (gone: none
    now); a note that is no note number (a box's answer the laptop cannot read) is said "?"."""
    kind = move_kind(was, now)
    if kind == "moved":
        return f"{word} {_name(was)} -> {_name(now)}"
    return f"{word} {_name(now)}" if kind == "new" else f"{word} (was {_name(was)})"


def words_by_kind(moves: Iterable[tuple[str, Any, Any]]) -> dict[str, list[str]]:
    """``moves`` ((word, was, now), in order) as :func:`move_words`, by kind: {"moved": [...], "new": [...],
    "gone": [...]}, each kind present, its words in the order given."""
    said: dict[str, list[str]] = {kind: [] for kind in MOVE_KINDS}
    for word, was, now in moves:
        said[move_kind(was, now)].append(move_words(word, was, now))
    return said


def _name(note: Any) -> str:
    return note_name(note) if isinstance(note, int) else "?"
