"""`train synth`'s summary says its scores in words, as `pack inspect` does (QA, p41: it printed the metrics' key
names, "heldout_pitch_median_abs_cents: 0.0" and "heldout_mrstft: 0.800")."""
from __future__ import annotations

from hatbox.cmd_synth import summary_lines

HELD_OUT = {"eval_set": "heldout", "heldout_pitch_median_abs_cents": 0.000371, "heldout_mrstft": 0.8,
            "heldout_mrstft_sine": 4.148, "train_seconds": 60.2, "train_steps": 281}


def test_the_held_out_scores_are_said_in_words_not_key_names() -> None:
    lines = summary_lines(HELD_OUT, 1.0)
    assert lines[0].startswith("  pitch error on held-out notes under 0.1 cents (median: the synth is given")
    assert lines[1] == ("  spectral distance to the held-out notes 0.80 (lower is better; a plain sine at their pitch "
                        "and loudness scores 4.15)")
    assert not [line for line in lines if "heldout_" in line or "_mrstft" in line or "_cents" in line]


def test_the_training_note_scores_are_said_in_words_too() -> None:
    lines = summary_lines({"eval_set": "train_set", "no_holdout": True, "train_set_pitch_median_abs_cents": 3.04,
                           "train_set_mrstft": 2.0, "train_seconds": 1.0, "train_steps": 4})
    assert lines[1].startswith("  pitch error on training notes 3.0 cents (median:")
    assert lines[2] == "  spectral distance to the training notes 2.00 (lower is better)"
    assert not [line for line in lines if "train_set_" in line]
