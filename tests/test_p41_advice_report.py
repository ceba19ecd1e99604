"""`train effect` writes a report only with --report (the synth and the tagger write theirs by default): when none
was written, its summary's "next:" block says how to get one (QA, p41: the option was not mentioned)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from hatbox.cmd_effect import print_summary

REPORT_LINE = "--report DIR writes a report of the training (loss curves, error per knob setting, spectrograms)"


def _lines(capsys: pytest.CaptureFixture[str], esr: float, report: str | None) -> list[str]:
    """What `train effect` prints for made-up metrics, with or without a report written."""
    m = {"arch": "gru", "params": 10, "steps": 3000, "train_seconds": 300, "val_esr": esr,
         "val_esr_per_setting": {"fixed": esr}, "latency": {"pair di.wav -> amp.wav": 0}}
    print_summary(SimpleNamespace(metrics=m, pack="amp.hatpack", notes=[], warnings=[], report=report), None, 5.0)
    return capsys.readouterr().out.splitlines()


def test_a_close_capture_without_a_report_is_told_of_the_option(capsys) -> None:
    assert _lines(capsys, 0.004, None)[-1] == f"next: {REPORT_LINE}"


def test_a_poor_capture_without_a_report_has_it_in_its_block(capsys) -> None:
    lines = _lines(capsys, 0.05, None)
    assert lines[-1] == f"  - {REPORT_LINE}" and any(line.startswith("next: held-out error 0.05") for line in lines)


def test_no_mention_once_a_report_was_written(capsys) -> None:
    lines = _lines(capsys, 0.004, "runs/amp/report.md")
    assert "report: runs/amp/report.md" in lines and not any("--report" in line for line in lines)
