"""The synth's and the tagger's "next:" advice after a tiny budget suggest at least their own default --minutes
(the effect's did since this stop's QA; these fell back to "e.g. --minutes 1", under the synth's default of 10)."""
from __future__ import annotations

from hatbox.advice import SYNTH_MINUTES, TAGGER_MINUTES, TAGGER_STEPS, tagger_next
from hatbox.cmd_synth import summary_lines

POOR = {"eval_set": "heldout", "heldout_pitch_median_abs_cents": 0.2, "heldout_mrstft": 4.0,
        "heldout_mrstft_sine": 4.1, "train_seconds": 0.6, "train_steps": 3}


def test_a_tiny_synth_budget_is_told_the_synth_default() -> None:
    said = "\n".join(summary_lines(POOR, 0.01))
    assert f"(e.g. --minutes {SYNTH_MINUTES:g}, the default)" in said, said


def test_a_tiny_tagger_budget_is_told_the_tagger_default() -> None:
    from trainer.tagger.pipeline import run_limit
    block = "\n".join(tagger_next(0.3, run_limit(5, 0.01, TAGGER_STEPS, False), {"kick": {"f1": 0.3}}, {"kick": 10}))
    assert f"(e.g. --minutes {TAGGER_MINUTES:g}, the default)" in block, block


def test_pack_inspect_says_the_fitted_envelope_in_words() -> None:
    from hatbox.cmd_pack import figure_lines
    words = "from your notes (21): attack 22 ms, falls to -7.5 dB over 0.76 s"
    assert figure_lines({"envelope": words}) == [f"envelope {words}"]


def test_a_run_sigterm_stopped_is_not_said_to_be_a_ctrl_c() -> None:
    from hatbox.advice import limit_words, longer_words, run_limit
    limit = run_limit({"steps": 84, "stopped_early": "SIGTERM after 23 s of the 60 s budget, 84 steps"}, None, 1.0)
    assert limit_words(limit) == "train again and let it run to its end: a SIGTERM stopped it after 84 steps"
    assert longer_words(limit) == "let it run to its end: a SIGTERM stopped it"
    ctrl_c = run_limit({"steps": 84, "stopped_early": "Ctrl-C after 23 s of the 60 s budget, 84 steps"}, None, 1.0)
    assert limit_words(ctrl_c).endswith("a Ctrl-C stopped it after 84 steps")


def test_the_synth_next_block_names_a_sigterm() -> None:
    said = "\n".join(summary_lines({**POOR, "stopped_early": "SIGTERM after 1 s of the 60 s budget, 3 steps"}, 1.0))
    assert "a SIGTERM stopped it after 3 steps" in said, said
