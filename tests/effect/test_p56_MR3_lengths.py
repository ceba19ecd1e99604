"""p56 read RD3 finding 3: check_lengths took the lengths beside the arrays they come from; now it takes the input and
output arrays alone, with the same refusals; _load_rows' cells, which its one caller always gives, has no default."""
from __future__ import annotations

import inspect
from pathlib import Path

import numpy as np
import pytest

from hatbox.errors import DataError
from trainer.effect import data


def test_check_lengths_takes_the_lengths_from_the_arrays() -> None:
    rate = 1000
    x, y = np.zeros(3000, np.float32), np.zeros(2000, np.float32)
    with pytest.raises(DataError) as short:
        data.check_lengths(x, y, rate, "pairs.csv line 2", Path("set/out.wav"), Path("set/di.wav"),
                           ("di.wav", "out.wav"))
    assert "input is 3.00 s but output is 2.00 s (the output is 1.00 s shorter" in short.value.message
    with pytest.raises(DataError) as long:
        data.check_lengths(y, x, rate, "pairs.csv line 2", Path("set/out.wav"), Path("set/di.wav"), None)
    assert "1.00 s longer" in long.value.message and "trim 0 2" in (long.value.hint or "")
    data.check_lengths(x, x[:2900], rate, "pairs.csv line 2", Path("o.wav"), Path("i.wav"), None)   # within slack


def test_load_rows_needs_each_row_s_cells() -> None:
    assert inspect.signature(data._load_rows).parameters["cells"].default is inspect.Parameter.empty
