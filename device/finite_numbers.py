"""One check of "a real, finite number" for what a file, a status or a message says (JSON, a knob file, the box's API).

The sixtieth stop found it written about ten times over device/ and hatbox/ (``isinstance(v, (int, float)) and not
isinstance(v, bool) and math.isfinite(v)``, in several spellings); both packages use this one (device/ never imports
hatbox/, so it lives here; it imports math only, so `hatbox --help` stays light).

What counts: a Python ``int`` or ``float`` that is finite, never a ``bool`` (JSON's true/false is no figure).  Of
numpy's scalars, ``np.float64`` counts (it is a subclass of ``float``); ``np.float32``, ``np.float16``, ``np.int64``
and ``np.bool_`` do not (they are no ``int`` or ``float``): what every caller's check did before.  Callers that mean
to take numpy's scalars too use ``numbers.Real`` (device/control.py).  An int too large for a float (``10**400``)
is no finite number here: ``math.isfinite`` raised OverflowError on it in the callers' own checks, a crash where
they meant "not a number".
"""

from __future__ import annotations

import math
from typing import TypeGuard


def finite_number(value: object) -> TypeGuard[int | float]:
    """Whether ``value`` is an ``int`` or ``float`` (not a bool) that is finite: False for NaN, +-inf, an int past
    a float's range, None, text ("5"), a bool, and numpy scalars other than ``np.float64`` (see the module's text)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:                  # an int past a float's range
        return False


def finite_or_none(value: object) -> float | None:
    """``value`` as a float when it is a finite number (:func:`finite_number`), else None."""
    return float(value) if finite_number(value) else None
