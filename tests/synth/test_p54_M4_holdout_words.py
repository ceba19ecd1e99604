"""Why no note was held out, said as it is (QA of the fifty-fourth stop, finding 3): flute A3 and nylon G3 were told
"every C#, F and A is held out, and none of your notes is one" (A3 is an A: an instrument's only note stays in
training), the summary said "these notes have none" in every case, and `pack inspect` said "9 in 10 training notes"
of 2 notes scored."""
from __future__ import annotations

import numpy as np

from trainer.synth.note import Note
from tests.synth.conftest import harmonic_tone

RATE = 24000


def _notes(*spec: tuple[str, int]) -> list[Note]:
    return [Note(inst, float(p), 100, harmonic_tone(p, RATE, 0.5), f"{inst}/{p}.wav") for inst, p in spec]


def test_an_instruments_only_note_on_a_held_out_pitch_is_named_as_the_reason(capsys) -> None:
    from trainer.synth.train import train
    result, tr, ho = train(_notes(("flute", 57), ("nylon", 55)), minutes=0.002)
    said = capsys.readouterr().out
    assert result.eval_set == "train_set" and len(tr) == 2
    assert "none of your notes is one" not in said, said
    assert result.no_holdout_why == ("your only C#, F or A, flute's A3, is its instrument's only note, and an "
                                     "instrument's only note stays in training")
    assert f"note: no held-out notes ({result.no_holdout_why}): progress and the report score 2 training" in said


def test_each_reason_has_its_own_words() -> None:
    from trainer.synth.train import no_holdout_why
    none_on = _notes(("nylon", 55), ("nylon", 60))
    assert no_holdout_why(none_on, True, False) == ("none of your notes is a C#, F or A, the pitches held out to "
                                                    "score the synth")
    two = _notes(("flute", 57), ("oboe", 65), ("nylon", 55))
    assert no_holdout_why(two, True, False).startswith("each of your C#, F and A notes (flute's A3, oboe's F4) is "
                                                       "its instrument's only note")
    assert "fewer than 2 to train on" in no_holdout_why(_notes(("nylon", 55), ("nylon", 57)), True, True)
    assert no_holdout_why(none_on, False, False) == "--no-holdout: every note is trained"


def test_the_summary_says_the_reason_training_gave() -> None:
    from hatbox.cmd_synth import summary_lines
    base = {"eval_set": "train_set", "train_set_pitch_median_abs_cents": 6.9, "train_set_mrstft": 1.5,
            "train_seconds": 12.2, "train_steps": 23}
    why = ("your only C#, F or A, flute's A3, is its instrument's only note, and an instrument's only note stays in "
           "training")
    first = summary_lines({**base, "no_holdout_why": why})[0]
    assert first == f"  no held-out notes ({why}): the figures below are on training notes"
    old = summary_lines(base)[0]            # a pack's metrics from before the reason was kept: the rule, no claim
    assert "these notes have none" not in old and "unless that would leave" in old, old
    assert "--no-holdout: every note was trained on" in summary_lines({**base, "no_holdout": True})[0]


def test_pack_inspect_counts_the_notes_of_a_pitch_share_over_few_notes() -> None:
    from hatbox.cmd_pack import figure_lines, within_count
    two = {"eval_set": "train_set", "train_set_notes": 2, "heldout_notes": 0, "train_set_pitch_p90_abs_cents": 12.36,
           "no_holdout_why": "none of your notes is a C#, F or A, the pitches held out to score the synth"}
    lines = figure_lines(two)
    assert "1 of 2 training notes is off its pitch by 12.4 cents or less" in lines, lines
    assert not any("9 in 10" in line for line in lines), lines
    assert "no notes were held out: none of your notes is a C#, F or A, the pitches held out to score the synth" \
        in lines
    assert "the one held-out note scored is off its pitch by 3.0 cents" in figure_lines(
        {"heldout_notes": 1, "heldout_pitch_p90_abs_cents": 3.0})
    assert "4 of 5 held-out notes are off their pitch by 3.0 cents or less" in figure_lines(
        {"heldout_notes": 5, "heldout_pitch_p90_abs_cents": 3.0})
    assert figure_lines({"heldout_notes": 20, "heldout_pitch_p90_abs_cents": 3.0}) == [
        "held-out notes 20", "9 in 10 held-out notes are off their pitch by 3.0 cents"]
    for n in range(1, 40):          # as many notes as numpy's 90th percentile surely covers
        errors = np.random.default_rng(n).random(n) * 50
        assert np.sum(errors <= np.percentile(errors, 90)) >= within_count(n)
