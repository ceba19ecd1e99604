"""`hatbox pack inspect` says a synth pack's playing level (p59 Q1 8: the factory synth's ``extras.level_db`` +15.9 dB,
and how it was fitted, were shown nowhere a musician looks): text, and on stderr beside --json's manifest."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from hatbox.cli import main
from tests.synth.test_p58_F7_level import _with_extras as with_extras

FACTORY = Path(__file__).resolve().parents[2] / "factory" / "synth-gm4.hatpack"


def _with_extras(dst: Path, **extras: object) -> Path:
    """The factory synth with ``extras`` set in its manifest (None: the key taken out)."""
    return with_extras(FACTORY, dst, **extras)


def _level_line(capsys: pytest.CaptureFixture[str], pack: Path) -> str:
    assert main(["pack", "inspect", str(pack)]) == 0
    lines = [s.strip() for s in capsys.readouterr().out.splitlines() if s.strip().startswith("level:")]
    assert len(lines) == 1, lines
    return lines[0]


def test_the_factory_synths_level_and_its_fit_are_said(capsys: pytest.CaptureFixture[str]) -> None:
    line = _level_line(capsys, FACTORY)
    assert line.startswith("level: plays 15.9 dB louder than its training notes: levelled so that a note at "
                           "velocity 100 peaks at -6 dBFS"), line
    assert "its notes peaked at -21.9 dBFS before (median of 12)" in line


def test_json_keeps_the_manifest_on_stdout_and_says_the_level_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pack", "inspect", str(FACTORY), "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["extras"]["level_db"] == 15.9
    assert err.startswith("level: plays 15.9 dB louder than its training notes: levelled")


def test_quieter_unfitted_unlevelled_and_bad_levels(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    quiet = _level_line(capsys, _with_extras(tmp_path / "q.hatpack", level_db=-3.25, level_fit=None))
    assert quiet == "level: plays 3.2 dB quieter than its training notes (extras.level_db; the pack does not say " \
                    "how it was set)", quiet
    moved = _level_line(capsys, _with_extras(tmp_path / "m.hatpack", level_db=4.0))     # its fit is of +15.9
    assert moved.startswith("level: plays 4.0 dB louder") and "does not say how" in moved, moved
    old = _level_line(capsys, _with_extras(tmp_path / "o.hatpack", level_db=None, level_fit=None))
    assert old.startswith("level: plays at its training notes' level (no playing level set"), old
    for i, bad in enumerate((1e308, "loud", True, 61.0)):
        line = _level_line(capsys, _with_extras(tmp_path / f"b{i}.hatpack", level_db=bad))
        assert "is not a playing level (-60..+60 dB): the box refuses the pack" in line, line


def test_a_fit_with_junk_in_it_says_what_it_can(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fit = {"level_db": 15.9, "velocity": 100, "target_peak_dbfs": -6.0,
           "before": {"median_peak_dbfs": "x", "peaks_dbfs": []},
           "after": {"median_peak_dbfs": -6.04, "peaks_dbfs": {"flute": {"60": -6.0, "61": None}}}}
    line = _level_line(capsys, _with_extras(tmp_path / "j.hatpack", level_fit=fit))
    assert line.endswith("about -4 dBFS); its notes peak at -6.0 dBFS at this level (median)"), line
    nofit = _level_line(capsys, _with_extras(tmp_path / "n.hatpack", level_fit={"level_db": 15.9, "velocity": "a"}))
    assert "does not say how it was set" in nofit
