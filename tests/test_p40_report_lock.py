"""Fortieth stop (synth QA): two trainings of different packs given one --report folder both wrote it: the one
that ended last left its report beside both packs.  The report folder is locked as the pack is."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from hatbox.cli import main
from tests.effect.synth import drive_folder
from tests.test_early_stop import _notes


@pytest.mark.parametrize("kind", ["effect", "synth"])
def test_a_training_into_a_report_folder_another_one_writes_is_refused(tmp_path: Path, capsys, kind: str) -> None:
    src = {"effect": lambda: drive_folder(tmp_path / "data", seconds=1.0, settings=(0, 8)),
           "synth": lambda: _notes(tmp_path / "notes")}[kind]()
    report = tmp_path / "shared_report"
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time; from export.atomic import training_lock\n"
                               "with training_lock(sys.argv[1], 'its report in '):\n print('held', flush=True); "
                               "time.sleep(60)", str(report)],
                              stdout=subprocess.PIPE, cwd=Path(__file__).resolve().parents[1], text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        out = tmp_path / "mine.hatpack"
        assert main(["train", kind, str(src), "--out", str(out), "--report", str(report), "--minutes", "0.05"]) == 2
        err = capsys.readouterr().err
        assert f"another training is writing its report in {report} now (pid {holder.pid})" in err
        assert "another --report" in err and not out.exists() and not report.exists()
    finally:
        holder.kill()
        holder.wait()
