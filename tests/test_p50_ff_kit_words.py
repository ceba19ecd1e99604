"""p50 FF (newcomer QA): `box-kit --from` on a producer's own words (boom, tss, clap, weird) listed 24 empty General
MIDI drum notes and a --map hint for the one GM word among four: said only for a kit whose words are mostly drum
words."""
from __future__ import annotations

from hatbox.cmd_kit import made_lines
from hatbox.kit_words import drum_kit


def _kit(*tags: str) -> dict:
    return {"notes": [{"note": 36 + i, "name": f"n{i}", "library": "lib", "file": f"{t}.wav", "tag": t}
                      for i, t in enumerate(tags)]}


def test_own_words_with_one_gm_word_say_nothing_of_empty_drum_notes() -> None:
    kit = _kit("boom", "tss", "clap", "weird")
    assert not drum_kit(kit)
    assert not any("drum notes" in line for line in made_lines(kit, "lib"))


def test_a_drum_kit_still_lists_its_empty_drum_notes() -> None:
    kit = _kit("kick", "snare", "hihat", "weird")
    assert drum_kit(kit)
    assert any(line.startswith("drum notes (General MIDI, what a drum module sends) that play nothing: empty: ")
               for line in made_lines(kit, "lib"))
    assert not drum_kit(_kit("loop", "pad")) and not drum_kit({"notes": [{"note": 40, "tag": None}]})
