"""p56 QA_B finding 1: in a pairs.csv set, a wet take carrying the DI on one channel (an interface recording the DI
beside the pedal) pulls that take's latency to the DI's, so the set's latencies differ.  The refusal must name the DI
channel as the cause, with the sox line that exports the gear's channel, and never send the musician to give the
take its own copy of the input (that trains a blend of dry and wet sound)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hatbox.errors import DataError
from tests.effect.synth import drive, plucks, write
from trainer.effect.data import load_folder

LATE = 32       # the rig's latency (samples): the pedal's takes arrive this late, the DI channel at once


def _late(y: np.ndarray) -> np.ndarray:
    return np.concatenate([np.zeros(LATE, np.float32), y])[: y.size]


def _set(folder: Path, odd_late: int | None = None) -> Path:
    """in.wav; out_0/out_12 the pedal (LATE late); out_24 the pedal (quiet) on channel 1 and the DI on channel 2; with
    ``odd_late``, out_18 the pedal at that other latency (another rig)."""
    x = plucks(2.0)
    write(folder / "in.wav", x)
    rows = ["input,output,drive[dB]"]
    for d in (0, 12):
        rows.append(f"in.wav,{write(folder / f'out_{d}.wav', _late(drive(x, d)))},{d}")
    rows.append(f"in.wav,{write(folder / 'out_24.wav', np.stack([0.25 * _late(drive(x, 24)), x], 1))},24")
    if odd_late is not None:
        y = np.concatenate([np.zeros(odd_late, np.float32), drive(x, 18)])[: x.size]
        rows.append(f"in.wav,{write(folder / 'out_18.wav', y)},18")
    (folder / "pairs.csv").write_text("\n".join(rows) + "\n")
    return folder


def test_a_take_with_the_di_on_one_channel_is_refused_for_its_di_not_the_rig(tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        load_folder(_set(tmp_path))
    said, hint = caught.value.args[0], caught.value.hint or ""
    assert "pairs.csv line 4" in said and "out_24.wav" in said, said
    assert "channel 2 is nearly the input itself" in said, said
    assert "latency" in said, said                           # why the set's latencies differ
    assert "sox" in hint and "remix 1" in hint, hint          # the gear's channel alone
    assert "copy of the input" not in hint and "record the odd take" not in hint, hint


def test_another_rig_beside_the_di_take_is_still_said(tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        load_folder(_set(tmp_path, odd_late=LATE + 100))
    text = str(caught.value)
    assert "channel 2 is nearly the input itself" in text, text
    assert "different latencies" in text and "out_18.wav" in text, text
    assert "out_24.wav" not in text.split("different latencies", 1)[1].split("hint:", 1)[0], text
