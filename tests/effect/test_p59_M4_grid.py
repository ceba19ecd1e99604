"""p59 Q2 finding 6: a knob grid with a setting missing (the QA's 3 x 2 drive/tone grid without drive 1 / tone 200)
was said nowhere, and the pack's error there was 2.3 times the recorded settings'; now a warning names the missing
combinations (trainer/effect/knob_checks.missing_settings), and scattered settings (no grid) say nothing."""
from __future__ import annotations

from pathlib import Path

from tests.effect.synth import drive, plucks, write
from trainer.effect.data import load_folder
from trainer.effect.knob_checks import missing_settings

X = plucks(1.0)
COLUMNS = [("drive[dB]", "drive", "dB"), ("tone[Hz]", "tone", "Hz")]


def test_a_missing_setting_of_the_knob_grid_is_named(tmp_path: Path) -> None:
    settings = [(d, t) for d in (0, 6, 12) for t in (200, 800) if (d, t) != (12, 200)]
    folder = tmp_path / "g"
    write(folder / "in.wav", X)
    rows = ["input,output,drive[dB],tone[Hz]"] + [
        f"in.wav,{write(folder / f'out_{d}_{t}.wav', drive(X, d + t / 400))},{d},{t}" for d, t in settings]
    (folder / "pairs.csv").write_text("\n".join(rows) + "\n")
    said = [w for w in load_folder(folder).warnings if "combination" in w]
    assert len(said) == 1 and "5 of the 6 combinations" in said[0] and "drive 12 dB, tone 200 Hz" in said[0], said


def test_scattered_settings_and_a_full_grid_say_nothing() -> None:
    scattered = [{"drive": d, "tone": t} for d, t in [(0, 1), (3, 2), (5, 5), (9, 3)]]
    full = [{"drive": d, "tone": t} for d in (0, 6) for t in (200, 800)]
    assert missing_settings(COLUMNS, scattered) == [] and missing_settings(COLUMNS, full) == []
    twelve = [{"drive": d, "tone": t} for d in (0, 1, 2, 3) for t in (1, 2, 3) if (d, t) not in [(1, 1), (2, 2)]]
    said = missing_settings(COLUMNS, twelve)
    assert len(said) == 1 and "drive 1 dB, tone 1 Hz; drive 2 dB, tone 2 Hz" in said[0] and "rows" in said[0], said
