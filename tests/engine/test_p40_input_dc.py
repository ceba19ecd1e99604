"""Fortieth stop (audio QA): the slot guard judged an effect's output mean, so an input of DC alone passed through
the factory drive got it bypassed as "the model's output drifted off zero"; it judges the DC the unit adds."""
from __future__ import annotations

import numpy as np

from device.audio.protect import DC, SlotGuard

RATE, BLOCK = 48000, 128


def first_fault(out: np.ndarray, inp: np.ndarray) -> str | None:
    guard = SlotGuard(RATE)
    for s in range(0, out.shape[0], BLOCK):
        fault = guard.check(out[s:s + BLOCK], inp[s:s + BLOCK])
        if fault:
            return fault
    return None


def test_dc_in_the_input_passed_through_is_not_the_model_s() -> None:
    inp = np.full(2 * RATE, 0.8, np.float32)
    assert first_fault(inp.copy(), inp) is None                                  # was DC


def test_dc_the_model_adds_is_still_caught() -> None:
    t = np.arange(2 * RATE) / RATE
    inp = (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    assert first_fault(inp + np.float32(0.3), inp) == DC
