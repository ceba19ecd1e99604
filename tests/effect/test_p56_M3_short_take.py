"""p56 review R3 finding 6: a wet take shorter than its input was always said to have stopped early, with a sox line
cutting the input's end; for a take that started late that cut was wrong ("the output leads the input by 23968
samples" after following it).  Where the take's start is found in the input, the words say which it is and the
line cuts the right part; where it is not, they ask ("stopped early, or started late?") with a line for each."""
from __future__ import annotations

import shlex
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from hatbox.errors import DataError
from tests.effect.synth import RATE, drive, plucks, write
from trainer.effect.data import load_folder


def _set(folder: Path, wet: np.ndarray) -> tuple[str, str]:
    x = plucks(2.0)
    write(folder / "takes" / "di.wav", x)
    write(folder / "takes" / "out_0.wav", drive(x, 0))
    write(folder / "takes" / "out_12.wav", wet if wet.size else drive(x, 12)[int(0.5 * RATE):])
    (folder / "pairs.csv").write_text("input,output,drive\ntakes/di.wav,takes/out_0.wav,0\n"
                                      "takes/di.wav,takes/out_12.wav,12\n")
    with pytest.raises(DataError) as caught:
        load_folder(folder)
    return caught.value.args[0], caught.value.hint or ""


def test_a_take_that_started_late_is_said_so_and_its_line_cuts_the_head(tmp_path: Path) -> None:
    said, hint = _set(tmp_path, np.zeros(0, np.float32))
    assert "0.50 s shorter: it started 0.50 s late" in said and "stopped early" not in said, said
    assert "trim 0.5 1.5" in hint and "list takes/di_from0.5s.wav as its input" in hint, hint
    words = shlex.split(hint[hint.index("(sox ") + 1:hint.index(")", hint.index("(sox "))])
    src, dst, _trim, start, length = words[1:]
    x, rate = sf.read(src, dtype="float32")
    sf.write(dst, x[int(float(start) * rate):int((float(start) + float(length)) * rate)], rate, subtype="FLOAT")
    (tmp_path / "pairs.csv").write_text("input,output,drive\ntakes/di.wav,takes/out_0.wav,0\n"
                                        "takes/di_from0.5s.wav,takes/out_12.wav,12\n")
    assert len(load_folder(tmp_path).pairs) == 2                 # followed literally, it trains


def test_a_take_whose_start_is_not_found_asks_and_gives_both_lines(tmp_path: Path) -> None:
    noise = (0.1 * np.random.default_rng(5).standard_normal(int(1.5 * RATE))).astype(np.float32)
    said, hint = _set(tmp_path, noise)
    assert "stopped early, or started late?" in said, said
    assert "trim 0 1.5" in hint and "trim -1.5" in hint, hint
