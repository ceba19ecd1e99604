"""p56 read RD3 finding 2: takes.bypass_esr imported the ESR inside the function from trainer.effect.data (an import
loop that is gone since esr moved to trainer.effect.replicates); now one import at the top of takes.py."""
from __future__ import annotations

import numpy as np
import pytest

from trainer.effect import replicates, takes


def test_takes_uses_the_one_esr_imported_at_the_top() -> None:
    assert takes.esr is replicates.esr
    x = np.ones(8, np.float32)
    assert takes.bypass_esr(x, 2 * x) == pytest.approx(replicates.esr(2 * x, x))
