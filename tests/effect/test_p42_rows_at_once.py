"""Forty-second stop's QA: a set whose first row was at 44.1 kHz and the rest at 48 kHz blamed line 3 ("recorded at
48000 Hz, but earlier rows are 44100 Hz"); the odd take is now named by the rate most of the set is at, with a ready
sox line.  Five problems took five runs: every row is checked and their problems said in one error, each in its own
words; an output longer than its input gets the sox line that trims it."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hatbox.errors import DataError
from tests.effect.synth import drive, plucks, write
from trainer.effect.checks import SHOWN_PROBLEMS
from trainer.effect.data import load_folder, load_single


def _csv(folder: Path, *rows: str) -> Path:
    (folder / "pairs.csv").write_text("\n".join(["input,output,drive", *rows]) + "\n")
    return folder


def _rig(folder: Path, name: str, rate: int, seconds: float = 0.5) -> np.ndarray:
    x = plucks(seconds, rate=rate)
    write(folder / name, x, rate)
    return x


def test_the_odd_rate_is_named_by_the_majority_with_a_sox_line(tmp_path: Path) -> None:
    x44 = _rig(tmp_path, "di_44k.wav", 44100)
    write(tmp_path / "o44.wav", drive(x44, 3), 44100)
    x = _rig(tmp_path, "di.wav", 48000)
    for g in (0, 6, 12):
        write(tmp_path / f"o{g}.wav", drive(x, g))
    with pytest.raises(DataError) as caught:
        load_folder(_csv(tmp_path, "di_44k.wav,o44.wav,3", "di.wav,o0.wav,0", "di.wav,o6.wav,6", "di.wav,o12.wav,12"))
    text = str(caught.value)
    assert "pairs.csv line 2: di_44k.wav and o44.wav are recorded at 44100 Hz" in text, text
    assert "most of the set is at 48000 Hz (the box runs at 48000 Hz)" in text
    assert f"sox {tmp_path / 'di_44k.wav'} -r 48000 {tmp_path / 'di_44k-48k.wav'}" in text
    assert "line 3" not in text and "earlier rows" not in text


def test_every_rows_problem_is_said_in_one_error(tmp_path: Path) -> None:
    x = _rig(tmp_path, "in.wav", 48000)
    write(tmp_path / "good.wav", drive(x, 0))
    write(tmp_path / "quiet.wav", np.zeros_like(x))
    write(tmp_path / "hot.wav", np.clip(4 * drive(x, 6), -1, 1))
    write(tmp_path / "long.wav", np.concatenate([drive(x, 3), drive(x[:24000], 3)]))       # ran on 0.5 s
    _csv(tmp_path, "in.wav,good.wav,0", "in.wav,quiet.wav,1", "in.wav,hot.wav,6", "in.wav,long.wav,3",
         "in.wav,in.wav,9")
    with pytest.raises(DataError) as caught:
        load_folder(tmp_path)
    text = str(caught.value)
    assert "pairs.csv: 4 problems found (every row was checked)" in text, text
    assert "pairs.csv line 3: its output quiet.wav is silent" in text
    assert "pairs.csv line 4: its output hot.wav is clipped" in text
    assert "pairs.csv line 5: input is 0.50 s but output is 1.00 s" in text
    assert f"sox {tmp_path / 'long.wav'} {tmp_path / 'long_trimmed.wav'} trim 0 0.5" in text
    assert "pairs.csv line 6: input and output are the same file (in.wav)" in text
    assert "line 2" not in text
    assert text.index("line 3") < text.index("line 4") < text.index("line 5") < text.index("line 6")


def test_one_problem_is_said_as_before(tmp_path: Path) -> None:
    x = _rig(tmp_path, "in.wav", 48000)
    write(tmp_path / "a.wav", drive(x, 0))
    write(tmp_path / "b.wav", np.zeros_like(x))
    with pytest.raises(DataError) as caught:
        load_folder(_csv(tmp_path, "in.wav,a.wav,0", "in.wav,b.wav,6"))
    assert str(caught.value).startswith("pairs.csv line 3: its output b.wav is silent")
    assert "check the cable" in str(caught.value)


def test_the_list_is_capped(tmp_path: Path) -> None:
    x = _rig(tmp_path, "in.wav", 48000)
    rows = []
    for i in range(SHOWN_PROBLEMS + 3):
        write(tmp_path / f"q{i}.wav", np.zeros_like(x))
        rows.append(f"in.wav,q{i}.wav,{i}")
    with pytest.raises(DataError) as caught:
        load_folder(_csv(tmp_path, *rows))
    text = str(caught.value)
    assert f"{SHOWN_PROBLEMS + 3} problems found" in text and "... and 3 more" in text
    assert text.count("is silent") == SHOWN_PROBLEMS


def test_one_pair_longer_output_gets_the_trim_line(tmp_path: Path) -> None:
    x = _rig(tmp_path, "dry.wav", 48000)
    write(tmp_path / "wet.wav", np.concatenate([drive(x, 3), np.zeros(48000, np.float32)]))
    with pytest.raises(DataError) as caught:
        load_single(tmp_path / "dry.wav", tmp_path / "wet.wav")
    assert "trim 0 0.5" in str(caught.value) and "wet_trimmed.wav" in str(caught.value)


def test_a_row_whose_input_and_output_differ_keeps_its_words_beside_an_odd_row(tmp_path: Path) -> None:
    x = _rig(tmp_path, "di.wav", 48000)
    for g in (0, 6):
        write(tmp_path / f"o{g}.wav", drive(x, g))
    write(tmp_path / "o3.wav", drive(x, 3), 44100)
    x44 = _rig(tmp_path, "di_44k.wav", 44100)
    write(tmp_path / "o9.wav", drive(x44, 9), 44100)
    with pytest.raises(DataError) as caught:
        load_folder(_csv(tmp_path, "di.wav,o0.wav,0", "di.wav,o6.wav,6", "di.wav,o3.wav,3", "di_44k.wav,o9.wav,9"))
    text = str(caught.value)
    assert "pairs.csv line 4: input is 48000 Hz but output is 44100 Hz" in text, text
    assert "pairs.csv line 5: di_44k.wav and o9.wav are recorded at 44100 Hz, but most of the set is at 48000 Hz" \
        in text
