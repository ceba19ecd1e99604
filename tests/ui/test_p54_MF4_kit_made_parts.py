"""p54 MF4 (final read FR1, findings 1 and 2): the panel's "from library" words are shortened from the parts the box
made them of (device.kit.KitMade), not by splitting its own text back on "; ": a library named "Drums; live" kept
its name and its counts in every wording; and the "your words: " clause is one constant (device.kit.YOUR_WORDS) that
the box's words and the panel's reading share."""
from __future__ import annotations

from device.api.box_kit import made_words
from device.api.kit_routes import MadeFromLibrary
from device.kit import YOUR_WORDS, KitNote
from device.ui.kit_desk import made_said

MOVES: list[tuple[str, int | None, int | None]] = [("808", 60, 62), ("dusty", 61, None)]
KIT = {36: KitNote(36, "lib", "k/kick.wav", tag="kick"), 62: KitNote(62, "lib", "s/a.wav", tag="808")}


def _said(name: str) -> str:
    return made_words(name, MadeFromLibrary(KIT, {}, MOVES))


def test_a_library_name_holding_a_semicolon_keeps_its_name_and_counts() -> None:
    said = _said("Drums; live")
    status, line = made_said(said)
    assert status[0] == said.splitlines()[0], status
    assert status[0].startswith("kit made of Drums; live: 2 notes; your words: 1 moved, 1 gone; "), status
    assert status[-1] == "2 notes; words: 1 moved, 1 gone", status
    assert all("1 moved, 1 gone" in s for s in status), status        # no wording drops the counts
    assert "kit made of Drums" not in status, status                   # never the name cut at its "; "
    assert line[-1] == YOUR_WORDS + "1 moved, 1 gone" and "gone: dusty (was C#4); also 1 moved" in line, line


def test_a_plain_name_gives_the_same_wordings_as_before() -> None:
    status, line = made_said(_said("drums"))
    assert status[-2] == "kit made of drums: 2 notes; your words: 1 moved, 1 gone", status
    assert status[-1] == "2 notes; words: 1 moved, 1 gone" and line[0].startswith(YOUR_WORDS + "gone: dusty"), line


def test_a_semicolon_name_without_moved_words_keeps_its_whole_name() -> None:
    status, line = made_said(made_words("Drums; live", MadeFromLibrary(KIT, {}, [])))
    assert status[-1] == "kit made of Drums; live: 2 notes" and line == (), status


def test_plain_text_from_another_desk_is_still_read() -> None:
    status, line = made_said("kit made of drums: 3 notes; your words: 1 moved\nmoved: 808 C4 -> D4")
    assert status == ("kit made of drums: 3 notes; your words: 1 moved", "3 notes; words: 1 moved"), status
    assert line[0] == "your words: moved: 808 C4 -> D4", line
