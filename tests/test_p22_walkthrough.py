"""A first-time producer's walk through README "Using it" (p22): the wording fixes it led to, each checked here."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from hatbox.cli import main


def _effect_summary(per_setting: dict[str, float], capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The lines `train effect` prints after training, for a result with these held-out ESRs per setting."""
    from hatbox.cmd_effect import print_summary
    metrics = {"arch": "gru", "params": 10, "steps": 5, "train_seconds": 1, "val_esr": 0.00046,
               "val_esr_per_setting": per_setting, "latency": {"pair di.wav -> amp.wav": 0}}
    print_summary(SimpleNamespace(metrics=metrics, pack="amp.hatpack", notes=[], warnings=[], report=None), 5)
    return capsys.readouterr().out.splitlines()


def test_a_single_pair_says_its_esr_once_without_an_at_fixed_line(capsys: pytest.CaptureFixture[str]) -> None:
    lines = _effect_summary({"fixed": 0.00046}, capsys)
    assert "held-out error 0.00046 (ESR: 0 = identical to your gear, under 0.02 is close)" in lines
    assert not [ln for ln in lines if ln.startswith("    ")] and not any("at fixed" in ln for ln in lines)


def test_several_settings_are_still_listed_worst_first(capsys: pytest.CaptureFixture[str]) -> None:
    lines = _effect_summary({"drive=10": 0.008, "drive=0": 0.002}, capsys)
    listed = [ln for ln in lines if ln.startswith("    ")]
    assert listed == ["    0.008 at drive 10", "    0.002 at drive 0"]       # no pack here: no units
    # p25: written as the held-out error line writes it (was "ESR 0.00800" under "held-out error 0.008")
    assert "  held-out error per knob setting, worst first:" in lines


def test_settings_are_said_with_their_knobs_units(tmp_path, capsys: pytest.CaptureFixture[str]) -> None:
    from pathlib import Path

    from hatbox.cmd_effect import print_summary
    factory = Path(__file__).resolve().parents[1] / "factory" / "effect-drive.hatpack"
    metrics = {"arch": "gru", "params": 10, "steps": 5, "train_seconds": 1, "val_esr": 0.1,
               "val_esr_per_setting": {"drive=24 tone=8000": 0.12, "drive=0 tone=1500": 0.01}, "latency": {}}
    print_summary(SimpleNamespace(metrics=metrics, pack=factory, notes=[], warnings=[], report=None), 5)
    listed = [ln for ln in capsys.readouterr().out.splitlines() if ln.startswith("    ")]
    assert listed == ["    0.12 at drive 24 dB, tone 8000 Hz", "    0.01 at drive 0 dB, tone 1500 Hz"]


def test_train_effect_help_says_where_the_name_comes_from_with_input(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["train", "effect", "--help"])
    assert "with --input, the --out file's: amp.hatpack -> amp)" in " ".join(capsys.readouterr().out.split())


def test_train_synth_scores_are_rounded_and_said_in_words() -> None:
    from hatbox.cmd_synth import summary_lines
    lines = summary_lines({"eval_set": "heldout", "heldout_pitch_median_abs_cents": 0.00029622495160725875,
                           "heldout_mrstft": 1.104265570640564, "train_seconds": 18.2, "train_steps": 78})
    text = "\n".join(lines)
    # p41: said as `pack inspect` says them, not by their metrics.json keys
    assert "pitch error on held-out notes under 0.1 cents (median:" in text
    assert "spectral distance to the held-out notes 1.10 (" in text and "lower is better" in text
    assert "0.000296" not in text and "1.10426" not in text
    assert lines[-1] == "  trained 78 steps in 18.2 s"


def test_train_synth_without_held_out_notes_names_the_pitches_not_a_formula() -> None:
    from hatbox.cmd_synth import summary_lines
    lines = summary_lines({"eval_set": "train_set", "train_set_pitch_median_abs_cents": 3.0,
                           "train_set_mrstft": 2.0, "train_seconds": 1.0, "train_steps": 4})
    assert lines[0].startswith("  no held-out notes (every C#, F and A is held out")
    assert "MIDI % 4" not in "\n".join(lines) and "pitch error on training notes 3.0 cents" in lines[1]


def _midi_state(on: bool) -> dict:
    return {"midi": "on" if on else "off", "port": "hatbox" if on else None,
            "note": None if on else "this API runs without the box's MIDI (python -m device.api --sim)",
            "bindings": [], "off": [], "overridden": [], "learning": None, "warnings": []}


def test_box_midi_with_midi_off_does_not_promise_cc_70_85() -> None:
    from hatbox.cmd_midi import describe
    off = describe(_midi_state(False))
    assert off[1] == "  no CC turns a knob while the box's MIDI is off" and "70-85" not in "\n".join(off)
    on = describe(_midi_state(True))
    assert "CC 70-85 turn the effect's knobs once an effect pack is loaded" in on[1]
