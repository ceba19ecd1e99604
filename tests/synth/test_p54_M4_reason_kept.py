"""The reason no note was held out reaches the summary, the report and `pack inspect` through the pack's metrics
(``no_holdout_why``), and report.md counts a pitch share over few notes (QA of the fifty-fourth stop, finding 3)."""
from __future__ import annotations

from pathlib import Path

from tests.synth.conftest import harmonic_tone


def test_train_synth_says_why_no_note_was_held_out_in_its_summary_and_report(tmp_path: Path, capsys) -> None:
    from device.audio import audiofile
    from export.pack import read_pack
    from hatbox.cli import main
    for inst, name, pitch in (("flute", "A3", 57), ("nylon", "G3", 55)):
        audiofile.write(tmp_path / "notes" / inst / f"{name}.wav", harmonic_tone(pitch, 24000, 0.6), 24000)
    out = tmp_path / "s.hatpack"
    assert main(["train", "synth", str(tmp_path / "notes"), "--out", str(out), "--minutes", "0.01",
                 "--seconds", "0.5"]) == 0
    said = capsys.readouterr().out
    why = "your only C#, F or A, flute's A3, is its instrument's only note"
    assert f"  no held-out notes ({why}" in said and "these notes have none" not in said, said
    assert why in read_pack(out).manifest.metrics["no_holdout_why"]
    page = (tmp_path / "s_report" / "report.md").read_text()
    assert "cents for 1 of 2 notes" in page and "9 notes in 10" not in page
