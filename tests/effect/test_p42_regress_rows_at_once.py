"""Forty-second stop's regression QA: a pairs.csv with a missing output, a 44.1 kHz output, a silent one, one 2 s too
long, input = output and a `banana` knob cell took three runs (the cell alone, then the missing file alone, then the
other four), though docs/effect.md says every row is checked before the error is raised.  The cells that are no
number and the files that do not exist now join the other rows' problems in the one error."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hatbox.errors import DataError
from tests.effect.synth import drive, plucks, write
from trainer.effect.data import load_folder


def _set(folder: Path, *rows: str) -> Path:
    x = plucks(0.5)
    write(folder / "in.wav", x)
    write(folder / "good.wav", drive(x, 0))
    write(folder / "o44.wav", drive(x, 3), 44100)
    write(folder / "quiet.wav", np.zeros_like(x))
    write(folder / "long.wav", np.concatenate([drive(x, 6), np.zeros(48000, np.float32)]))
    write(folder / "fine.wav", drive(x, 9))
    (folder / "pairs.csv").write_text("\n".join(["input,output,drive[dB]", *rows]) + "\n")
    return folder


def test_missing_files_and_bad_cells_join_the_other_problems(tmp_path: Path) -> None:
    _set(tmp_path, "in.wav,good.wav,0", "in.wav,gone.wav,1", "in.wav,o44.wav,3", "in.wav,quiet.wav,4",
         "in.wav,long.wav,6", "in.wav,in.wav,8", "in.wav,fine.wav,banana")
    with pytest.raises(DataError) as caught:
        load_folder(tmp_path)
    text = str(caught.value)
    assert "pairs.csv: 6 problems found (every row was checked)" in text, text
    for part in ("1 listed file does not exist", "gone.wav (line 3, output column)",
                 "pairs.csv line 4: input is 48000 Hz but output is 44100 Hz",
                 "pairs.csv line 5: its output quiet.wav is silent", "pairs.csv line 6: input is 0.50 s but output",
                 "pairs.csv line 7: input and output are the same file", "pairs.csv line 8: knob value 'banana'"):
        assert part in text, (part, text)
    assert text.index("does not exist") < text.index("line 4:") < text.index("line 7:") < text.index("line 8:")


def test_one_missing_file_or_one_bad_cell_alone_is_said_as_before(tmp_path: Path) -> None:
    _set(tmp_path / "a", "in.wav,good.wav,0", "in.wav,gone.wav,1", "in.wav,fine.wav,9")
    with pytest.raises(DataError) as caught:
        load_folder(tmp_path / "a")
    assert str(caught.value).startswith("pairs.csv: 1 listed file does not exist"), str(caught.value)
    _set(tmp_path / "b", "in.wav,good.wav,0", "in.wav,fine.wav,x9")
    with pytest.raises(DataError) as caught:
        load_folder(tmp_path / "b")
    assert str(caught.value).startswith("pairs.csv line 3: knob value 'x9' in column 'drive[dB]' is not a number")
