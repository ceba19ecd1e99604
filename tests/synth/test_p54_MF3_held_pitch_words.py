"""The held-out pitch rule is defined once (trainer.synth.heldout) and its words derived from it: train.py's
no_holdout_why no longer copies every/phase or hard-codes "C#, F or A" (FR2 finding 4 of the fifty-fourth stop)."""
import trainer.synth.train as train
from trainer.synth.heldout import HELD_EVERY, HELD_PHASE, held_pitch, held_pitch_words


def test_the_rule_and_its_words_come_from_heldout() -> None:
    assert (HELD_EVERY, HELD_PHASE) == (4, 1)
    assert held_pitch_words() == "C#, F or A" and held_pitch_words(last="and") == "C#, F and A"
    assert held_pitch_words(3, 0) == "C, D#, F# or A" and held_pitch_words(5, 1) == "MIDI % 5 == 1"
    assert [p for p in range(60, 72) if held_pitch(p)] == [61, 65, 69]
    assert not hasattr(train, "HELD_EVERY")


def test_the_why_follows_a_changed_rule(monkeypatch) -> None:
    monkeypatch.setattr(train, "held_pitch_words", lambda last="or": f"D {last} G")
    assert train.no_holdout_why([], True, False) == "none of your notes is a D or G, the pitches held out to score " \
                                                    "the synth"
