"""Small wordings from the twenty-eighth stop's first-use QA: `library query --failed` with nothing failed, and
`pack inspect`'s two pitch figures told apart."""
from __future__ import annotations

import pytest

from hatbox import cmd_tag
from hatbox.cli import main


def test_failed_with_nothing_failed_says_so(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """Before: it printed nothing at all, exit 0."""
    from device import library
    monkeypatch.setattr(library, "failures", lambda db, status=None: [])
    monkeypatch.setattr(library, "untagged_count", lambda db: 0)
    cmd_tag._print_failures("lib.db")
    assert capsys.readouterr().err.strip() == "no file failed or was skipped: every audio file of the library is tagged"


def test_pack_inspect_tells_the_median_pitch_error_from_the_ninetieth_percentile(capsys) -> None:
    """Before: "pitch error on held-out notes 0.000371 cents (median)" and, four lines on, "pitch error on held-out
    notes 0.00342 cents (9 in 10 notes closer)": one label, two numbers."""
    from pathlib import Path
    assert main(["pack", "inspect", str(Path(__file__).resolve().parents[2] / "factory" / "synth-gm4.hatpack")]) == 0
    lines = [line for line in capsys.readouterr().out.splitlines() if "cents" in line]
    assert len([line for line in lines if line.startswith("  pitch error on held-out notes")]) == 1
    assert any(line.startswith("  9 in 10 held-out notes are off their pitch by ") for line in lines)
