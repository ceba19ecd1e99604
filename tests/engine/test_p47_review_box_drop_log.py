"""Forty-seventh stop, review of the box side (K2): DropLog forgets no count unsaid.

Past KEPT_REASONS (256) reasons the one said longest ago was forgotten with its drops not yet said, so the server's
stop (flush) never said them: a TouchOSC layout of 256 unknown addresses reaches it.  Now a reason with nothing unsaid
is forgotten first, and one with drops unsaid has them said before it goes."""
from __future__ import annotations

import logging
import re

import pytest

from device.osc import KEPT_REASONS, DropLog


def _said(caplog: pytest.LogCaptureFixture) -> dict[str, int]:
    """address -> the drops said in "(the last of N like it ...)" lines."""
    out: dict[str, int] = {}
    for rec in caplog.records:
        m = re.match(r"OSC: (\S+) \(the last of ([\d,]+) like it", rec.getMessage())
        if m:
            out[m.group(1)] = out.get(m.group(1), 0) + int(m.group(2).replace(",", ""))
    return out


def _full_log(now: list[float]) -> DropLog:
    drops = DropLog(burst=10 ** 6, clock=lambda: now[0])
    for i in range(KEPT_REASONS):
        now[0] += 0.001
        assert drops.note(f"/unknown/{i}")                  # said once, remembered
    return drops


def test_every_reasons_drops_are_said_when_more_reasons_come(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="hatbox.osc")
    now = [0.0]
    drops = _full_log(now)
    for i in range(KEPT_REASONS):
        assert not drops.note(f"/unknown/{i}") and not drops.note(f"/unknown/{i}")   # two unsaid drops each
    for i in range(KEPT_REASONS, KEPT_REASONS + 10):                                # ten new addresses
        now[0] += 0.001
        assert drops.note(f"/unknown/{i}")
    drops.flush()
    said = _said(caplog)
    assert said == {f"/unknown/{i}": 2 for i in range(KEPT_REASONS)}


def test_a_reason_with_nothing_unsaid_is_forgotten_first(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="hatbox.osc")
    now = [0.0]
    drops = _full_log(now)
    assert not drops.note("/unknown/0")                     # the oldest has one drop unsaid: the next oldest goes
    now[0] += 0.001
    assert drops.note("/unknown/new")
    assert _said(caplog) == {}                              # nothing had to be said early
    assert drops.flush() == 1 and _said(caplog) == {"/unknown/0": 1}
