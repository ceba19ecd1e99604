"""p50 M6 (review of FF's slips): a word one edit from a tagger's word is a slip only when the edit is a letter (no
digit: snare2, kick1, 809) and, for a changed letter, in a word of 5 letters or more (hit/hat, rise/ride are words);
the suggestion is never a word the file carries already."""
from __future__ import annotations

from hatbox.library_words import slip_of, word_notes

TAGGER = ["kick", "snare", "hat", "tom", "clap", "ride", "crash", "perc", "bass", "pad", "fx", "lead", "keys", "vox"]


def _fix(tags: list[str]) -> str:
    return "hatbox library fix db f " + " ".join(tags)


def test_no_one_edit_false_alarms() -> None:
    for word in ("hit", "box", "rise", "snare2", "kick1", "kick2", "809"):
        assert slip_of(word, TAGGER, {}) == "", word
    assert slip_of("kick2", ["snare"], {"kick1": 3}) == ""
    assert slip_of("809", ["snare"], {"808": 3}) == "" and slip_of("808", ["snare"], {"809": 3}) == ""


def test_real_slips_still_match() -> None:
    assert [slip_of(w, TAGGER, {}) for w in ("kik", "lea", "hhat", "clpa", "snsre", "crsah", "Bass", "K-ick")] == \
        ["kick", "lead", "hat", "clap", "snare", "crash", "bass", "kick"]
    assert slip_of("wierd", ["weird"], {}) == "weird" and slip_of("bom", ["boom"], {}) == "boom"


def test_the_suggestion_is_not_a_word_the_file_carries() -> None:
    notes = word_notes(["snar", "snare"], TAGGER, {"snar": 1, "snare": 4}, "hatbox library export", _fix)
    assert len(notes) == 1 and "did you mean" not in notes[0] and "puts it right" not in notes[0]
    notes = word_notes(["snar", "kick"], TAGGER, {"snar": 1}, "hatbox library export", _fix)     # still offered
    assert "did you mean 'snare'?" in notes[0] and "`hatbox library fix db f snare kick` puts it right" in notes[0]
