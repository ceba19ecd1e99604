"""The sampler's length words (device.audio.sample_decode._duration) after its two clock branches became one (fiftieth
stop): m:ss, h:mm:ss past an hour, and decimals only where m:ss would round a length over the limit to it or under."""
from __future__ import annotations

import pytest

from device.audio.sample_decode import _duration

TABLE = [                                   # (seconds, limit, as said)
    (0.4, None, "0:00"),
    (7.5, None, "0:08"),                    # half to even, as round() does
    (59.6, None, "1:00"),
    (59.6, 60.0, "1:00"),                   # under the limit: whole seconds
    (60.1, None, "1:00"),
    (60.1, 60.0, "1:00.1"),                 # over it: as many decimals as read over it
    (61.2, 60.0, "1:01"),
    (60.04, 60.0, "1:00.04"),
    (60.0004, 60.0, "1:00.001"),            # a hair over: 3 decimals, rounded up
    (110.0, 60.0, "1:50"),
    (3599.5, None, "1:00:00"),              # rounds up into the hour
    (3600.0, None, "1:00:00"),
    (3600.0, 3600.0, "1:00:00"),            # at the limit, not over it
    (3600.05, 3600.0, "1:00:00.1"),
    (3600.0004, 3600.0, "1:00:00.001"),
    (3661.25, 3600.0, "1:01:01"),           # over it already in whole seconds
    (3725.4, None, "1:02:05"),
    (36000.0, None, "10:00:00"),
]


@pytest.mark.parametrize(("seconds", "limit", "said"), TABLE)
def test_a_length_reads_as_the_table_says(seconds: float, limit: float | None, said: str) -> None:
    assert _duration(seconds, limit) == said


def test_decimals_appear_only_over_the_limit() -> None:
    assert all("." not in _duration(s / 10.0) for s in range(0, 80000, 7))
    assert all(_duration(60.0 + d / 1000.0, 60.0) > "1:00" for d in range(1, 1000))
