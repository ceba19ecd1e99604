"""p57 F2 1: the replicate check (trainer/effect/replicates.py) had its own ESR (its own 1e-20 floor) beside
trainer/data/metrics.esr, the one the benchmarks use (its 1e-12 floor, the estimate first).  Now there is one ESR:
replicates.esr (the target first, as the effect trainer calls it) is metrics.esr with its arguments in that order,
so the two agree to the last bit, also on a target so quiet that the floors differ."""
from __future__ import annotations

import numpy as np
import pytest

from trainer.data import metrics
from trainer.effect import replicates


@pytest.mark.parametrize("scale", [1.0, 1e-3, 1e-8])
def test_the_replicate_esr_is_the_metrics_esr_target_first(scale: float) -> None:
    rng = np.random.default_rng(0)
    target = (scale * rng.standard_normal(16)).astype(np.float32)
    estimate = np.zeros(16, np.float32) if scale == 1e-8 else target + 0.1 * scale
    assert replicates.esr(target, estimate) == metrics.esr(estimate, target)


def test_the_target_is_the_denominator() -> None:
    x = np.ones(8, np.float32)
    assert replicates.esr(x, 2 * x) == pytest.approx(1.0)      # sum((1 - 2)^2) / sum(1^2)
    assert replicates.esr(2 * x, x) == pytest.approx(0.25)     # sum((2 - 1)^2) / sum(2^2)
