"""p56 review R3 findings 4 and 5.  4: a take with the DI on one channel whose gear channel was recorded late (another
rig) was refused for its DI channel "putting its latency at 332 samples", which a DI cannot do (it pulls the latency
toward 0).  The DI is blamed for the latency only when the take's latency is below the others'; otherwise the rig's
latency refusal names the take, and its DI channel is refused beside it in the same run.  5: the DI warning (a take
whose latency is the others') gave a sox line relative to the CSV's folder and did not say to list the new file."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hatbox.errors import DataError
from tests.effect.synth import drive, plucks, write
from trainer.effect.data import load_folder

LATE = 32


def _delayed(y: np.ndarray, by: int) -> np.ndarray:
    return np.concatenate([np.zeros(by, np.float32), y])[: y.size]


def _set(folder: Path, gear_late: int, di_level: float = 1.0, cell_folder: str = "", gear_level: float = 1.0) -> Path:
    """in.wav; out_0, out_12 the pedal LATE late; out_24 the pedal ``gear_late`` late (at ``gear_level``) on channel 1
    beside the DI (at ``di_level``) on channel 2.  Cells under ``cell_folder``."""
    x = plucks(2.0)
    where = folder / cell_folder if cell_folder else folder
    pre = f"{cell_folder}/" if cell_folder else ""
    write(where / "in.wav", x)
    rows = ["input,output,drive[dB]"]
    for d in (0, 12):
        rows.append(f"{pre}in.wav,{pre}{write(where / f'out_{d}.wav', _delayed(drive(x, d), LATE))},{d}")
    stereo = np.stack([gear_level * _delayed(drive(x, 24), gear_late), di_level * x], 1)
    rows.append(f"{pre}in.wav,{pre}{write(where / 'out_24.wav', stereo)},24")
    (folder / "pairs.csv").write_text("\n".join(rows) + "\n")
    return folder


def test_a_late_gear_channel_beside_a_di_gives_the_rig_error_and_the_di_problem(tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        load_folder(_set(tmp_path, LATE + 300, di_level=0.25))
    text = str(caught.value)
    assert "puts its latency" not in text, text                       # the DI does not make a take late
    assert "different latencies" in text and "out_24.wav" in text.split("different latencies", 1)[1], text
    assert "channel 2 is nearly the input itself" in text and "remix 1" in text, text     # both in one run


def test_a_take_the_di_pulls_early_is_still_blamed_on_its_di(tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        load_folder(_set(tmp_path, LATE, gear_level=0.25))
    said = caught.value.args[0]
    assert "that dry channel puts its latency at" in said and "different latencies" not in str(caught.value), said


def test_the_di_warning_gives_a_line_that_runs_anywhere_and_the_cell_to_list(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    data = load_folder(_set(folder, LATE, di_level=0.05, cell_folder="takes"))      # the gear sets the latency
    said = " ".join(w for w in data.warnings if "nearly the input itself" in w)
    assert f"sox {folder / 'takes' / 'out_24.wav'} {folder / 'takes' / 'out_24-ch1.wav'} remix 1" in said, said
    assert "list takes/out_24-ch1.wav in its place in pairs.csv" in said, said
