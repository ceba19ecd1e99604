"""device.finite_numbers: the one "real, finite number" check device/ and hatbox/ share (p60 F1)."""

from __future__ import annotations

import math
import subprocess
import sys
from typing import Any

import numpy as np
import pytest

from device.finite_numbers import finite_number, finite_or_none

FINITE = [0, 1, -7, 3.5, -0.0, 1e308, 2**62, np.float64(2.5)]          # np.float64 is a float subclass
NOT = [True, False, math.nan, math.inf, -math.inf, np.float64("nan"), np.float64("inf"), 10**400, -10**400,
       None, "5", "nan", b"1", [1.0], {"v": 1}, 1j,
       np.float32(1.5), np.float16(1.0), np.int64(3), np.int32(3), np.bool_(True)]   # numpy's others: no int/float


@pytest.mark.parametrize("value", FINITE, ids=repr)
def test_a_finite_int_or_float_counts_and_reads_as_a_float(value: Any) -> None:
    assert finite_number(value) is True
    got = finite_or_none(value)
    assert type(got) is float and got == float(value)


@pytest.mark.parametrize("value", NOT, ids=repr)
def test_what_is_no_finite_number_is_refused(value: Any) -> None:
    assert finite_number(value) is False
    assert finite_or_none(value) is None


def test_numpy_scalars_count_as_the_callers_own_check_counted_them() -> None:
    """The check it replaced: isinstance(v, (int, float)) and not bool and isfinite(v) (an int past a float's range
    aside: that check raised OverflowError on it)."""
    def old(v: Any) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
    for value in FINITE + [v for v in NOT if not (isinstance(v, int) and abs(v) > 2**1024)]:
        assert finite_number(value) is old(value), value
    assert not isinstance(np.float32(1.5), float) and isinstance(np.float64(1.5), float)


def test_an_int_past_a_float_s_range_is_no_number_rather_than_an_overflow() -> None:
    with pytest.raises(OverflowError):
        math.isfinite(10**400)
    assert finite_or_none(10**400) is None and finite_or_none(2**1023) == float(2**1023)


def test_the_module_loads_nothing_but_itself() -> None:
    code = ("import sys; import device.finite_numbers; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('device', 'hatbox', 'numpy', 'export')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['device', 'device.finite_numbers']"
