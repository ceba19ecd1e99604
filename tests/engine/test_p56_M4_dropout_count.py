"""p56 review R4 finding 2: the panel, the API's workers and the status watch read the engine's status on their own
threads, so DropoutLog may be handed an older status after a newer one.  It took the smaller count for a count that
went back and counted the same dropouts again ("1 dropout (xrun) in the last minute, 6 since the box started" in a
minute that had none, the lines adding up to 7 for a count of 6).  Within a run the engine's count only grows: a
smaller one is a late status, and changes nothing (nor the total, nor the time the stop line says)."""
from __future__ import annotations

from typing import Any

from hatbox.dropout_log import DropoutLog


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _status(xruns: int, seconds: float) -> dict[str, Any]:
    return {"xruns": xruns, "load_max": 0.5, "blocks": int(seconds * 375), "block": 128, "rate": 48000}


def test_a_late_older_status_neither_counts_dropouts_again_nor_moves_the_total_back() -> None:
    clock = Clock()
    log = DropoutLog(clock)
    clock.now += 60.0
    assert log.seen(_status(6, 60.0)).startswith("6 dropouts (xruns) in the last minute, 6 since the box started")
    assert log.seen(_status(5, 59.5)) is None            # read just before the one above, handed over after it
    assert (log.total, log.last["blocks"]) == (6, 60 * 375)
    said = []
    for second in range(1, 61):                          # a quiet minute
        clock.now += 1.0
        said.append(log.seen(_status(6, 60.0 + second)))
    assert [s for s in said if s] == []
    assert log.final() == (None, "this run had 6 dropouts (xruns) in 2 min: box.log says when (hatbox box-logs)")


def test_the_time_the_stop_says_only_moves_forward() -> None:
    clock = Clock()
    log = DropoutLog(clock)
    log.seen(_status(3, 120.0))
    log.seen(_status(3, 90.0))                           # the same count, read earlier
    assert log.last["blocks"] == 120 * 375
    assert log.final()[1] == "this run had 3 dropouts (xruns) in 2 min: box.log says when (hatbox box-logs)"
