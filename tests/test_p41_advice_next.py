"""A poor score ends with one short "next:" block, from what limited the run (QA, p41: an effect 2.5x over the close
line said nothing more; a run cut by --max-steps was told "train longer (--minutes)"; a tagger that ran 60 of its 900
steps scored macro-F1 0.521 without a word; the synth never said whether its spectral distance was good)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from hatbox.advice import TAGGER_STEPS, Limit, limit_words, next_block, tagger_next
from hatbox.cmd_effect import print_summary
from hatbox.cmd_synth import summary_lines
from trainer.effect.evaluate import bypass_warning


def _effect(capsys: pytest.CaptureFixture[str], max_steps: int | None, minutes: float | None = 5.0,
            report: str | None = "r/report.md", warnings: list[str] | None = None, **metrics: object) -> list[str]:
    """The lines `train effect` prints for made-up metrics (a single pair, gru)."""
    m = {"arch": "gru", "params": 3393, "steps": 70, "train_seconds": 9.0, "val_esr": 0.0502,
         "val_esr_per_setting": {"fixed": 0.0502}, "latency": {"pair dry.wav -> out.wav": 5}, **metrics}
    print_summary(SimpleNamespace(metrics=m, pack="mid.hatpack", notes=[], warnings=warnings or [], report=report),
                  max_steps, minutes)
    return capsys.readouterr().out.splitlines()


def _block(lines: list[str]) -> list[str]:
    """The "next:" line and the ones under it."""
    first = next(i for i, line in enumerate(lines) if line.startswith("next:"))
    return lines[first:]


def test_an_effect_cut_by_max_steps_says_to_raise_it_not_to_give_more_minutes(capsys) -> None:
    block = _block(_effect(capsys, 70, steps=70))
    assert block[0] == "next: held-out error 0.0502 is 2.5x the 0.02 that is close; to get closer, try:"
    text = "\n".join(block)
    assert "--max-steps 70 stopped it after 70 steps, before the 5-minute budget ran out: raise --max-steps or " \
           "leave it out" in text
    assert "--minutes" not in text
    assert "--arch auto" in text and "another --seed" in text and "recordings" in text


def test_an_effect_the_budget_ended_is_told_more_minutes(capsys) -> None:
    text = "\n".join(_block(_effect(capsys, None, 5.0, steps=3000)))
    assert "the 5-minute budget ran out after 3000 steps: give it more --minutes (e.g. --minutes 10)" in text
    assert "--max-steps" not in text


def test_an_effect_stopped_by_ctrl_c_or_tried_with_auto(capsys) -> None:
    text = "\n".join(_block(_effect(capsys, 500, steps=120, stopped_early="Ctrl-C after 9 s of the 300 s budget",
                                    arch_trials={"gru": 0.2, "tcn": 0.3})))
    assert "let it run to its end: a Ctrl-C stopped it after 120 steps" in text
    assert "--arch auto" not in text and "--max-steps" not in text     # it tried auto already; the cap was not hit


def test_a_close_effect_gets_no_advice(capsys) -> None:
    lines = _effect(capsys, None, steps=3000, val_esr=0.004, val_esr_per_setting={"fixed": 0.004})
    assert not [line for line in lines if line.startswith("next:")]


def test_the_bypass_warning_does_not_blame_the_minutes_of_a_run_max_steps_ended(capsys) -> None:
    """The trainer says it (and writes it in the report) without knowing the run's --max-steps: both ways are said,
    and the "next:" block under it names the one that ended this run."""
    m = {"steps": 15, "val_esr": 0.1766, "val_bypass_esr": 0.3202}
    said = bypass_warning(m)
    assert "train longer (--minutes)" not in said
    assert "train longer (more --minutes; with --max-steps, a larger one or none)" in said
    assert "train longer (raise --max-steps or leave it out: --max-steps 15 ended this run)" in \
        bypass_warning(m, Limit(15, 5.0, 15))
    assert "train longer (let it run to its end: a Ctrl-C stopped it)" in bypass_warning({**m, "stopped_early": "x"})
    text = "\n".join(_block(_effect(capsys, 15, warnings=[said], **m)))
    assert "--max-steps 15 stopped it after 15 steps" in text and "--minutes" not in text


def test_the_limit_words_for_each_way_a_run_ends() -> None:
    assert limit_words(Limit(60, 4.5, 60, "--steps", TAGGER_STEPS)) == \
        "only 60 of the default 900 steps ran (--steps 60): raise --steps or leave it out"
    assert limit_words(Limit(900, 4.5, 900, "--steps", TAGGER_STEPS)) == \
        "more --steps: it ran all 900 (e.g. --steps 1800)"
    assert limit_words(Limit(300, 4.5, 900, "--steps", TAGGER_STEPS)) == \
        "the 4.5-minute budget ran out after 300 steps: give it more --minutes (e.g. --minutes 9)"
    assert next_block([]) == [] and next_block(["one thing"]) == ["next: one thing"]


PER_TAG = {"millo": {"f1": 0.0, "support": 5}, "china": {"f1": 0.286, "support": 1},
           "crash": {"f1": 0.286, "support": 1}, "snare": {"f1": 0.95, "support": 2},
           "hardelectro1": {"f1": 0.0, "support": 0}}
COUNTS = {"millo": 20, "china": 5, "crash": 5, "snare": 9, "hardelectro1": 1, "cowbell": 2}


def test_a_poor_tagger_names_the_lowered_steps_and_the_tags_that_need_examples() -> None:
    block = tagger_next(0.521, Limit(60, 4.5, 60, "--steps", TAGGER_STEPS), PER_TAG, COUNTS)
    assert block[0] == "next: held-out macro-F1 0.521 is under 0.8 (1 = every tag right); to do better:"
    text = "\n".join(block)
    assert "only 60 of the default 900 steps ran (--steps 60)" in text
    assert "most wrong: millo (F1 0.00, 20 samples), china (0.29, 5), crash (0.29, 5)\n" in text
    assert "(5 or more a tag) of: hardelectro1 (1), cowbell (2)" in text and "snare" not in text
    assert tagger_next(0.9, Limit(60, 4.5, 60, "--steps", TAGGER_STEPS), PER_TAG, COUNTS) == []


def test_the_tagger_summary_ends_with_the_advice(tmp_path, monkeypatch) -> None:
    pytest.importorskip("torch")
    from tests.tagger.conftest import hiss, tag_tree, thump
    from trainer.tagger import pipeline
    tree = tag_tree(tmp_path / "data", {"kick": thump, "hat": hiss}, 5, rate=16000)
    poor = {"macro_f1": 0.5, "accuracy": 0.5, "tags": ["hat", "kick"], "confusion": [[1, 0], [1, 0]],
            "per_tag": {"hat": {"precision": 0.5, "recall": 1.0, "f1": 0.667, "support": 1, "predicted": 2},
                        "kick": {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1, "predicted": 0}}}
    monkeypatch.setattr(pipeline, "_evaluate", lambda *a: poor)
    text = pipeline.train_and_export(tree, tmp_path / "t.hatpack", steps=2, threads=1)
    assert "\nnext: held-out macro-F1 0.500 is under 0.8" in text
    assert "only 2 of the default 900 steps ran (--steps 2)" in text and "kick (F1 0.00, 4 samples)" in text


def test_the_synth_says_how_its_distance_compares_with_a_sine() -> None:
    m = {"eval_set": "heldout", "heldout_pitch_median_abs_cents": 0.0, "heldout_mrstft": 0.8,
         "heldout_mrstft_sine": 4.148, "train_seconds": 60.2, "train_steps": 281}
    good = summary_lines(m, 1.0)
    assert "  that is well under a plain sine's (0.19 of it): the synth has learned the timbres' spectra" in good
    assert not [line for line in good if line.startswith("next:")]
    poor = summary_lines({**m, "heldout_mrstft": 2.9}, 1.0)
    assert "  that is close to a plain sine's (0.70 of it): poor, the synth has learned little of the timbres yet" \
        in poor
    text = "\n".join(_block(poor))
    assert ("the 1-minute budget ran out after 281 steps: give it more --minutes (e.g. --minutes 10, the default)"
            in text)
    assert "more notes per instrument" in text and "another --seed" in text
