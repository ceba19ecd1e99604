"""Pairing codes against guessing: wrong codes never change the code the owner reads, and pause
pairing for a bounded, growing time.  The clock is injected: nothing sleeps."""
from __future__ import annotations

import pytest

from device.api.auth import (CODE_TTL_S, FIRST_PAUSE_S, FREE_MISSES, MAX_PAUSE_S, QUIET_S, AuthError, Pairing,
                             PairingPaused)
from tests.api.conftest import BoxUnderTest


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _pairing(codes: list[str], clock: Clock) -> Pairing:
    p = Pairing(codes.append, clock=clock)
    p.current()
    return p


def _wrong(p: Pairing) -> str:
    return "AAAAAA" if p.current() != "AAAAAA" else "BBBBBB"


def _miss(p: Pairing) -> None:
    """A wrong code refused as wrong (no pause)."""
    with pytest.raises(AuthError, match="wrong or expired pairing code") as info:
        p.redeem(_wrong(p))
    assert not isinstance(info.value, PairingPaused)


def _pausing_miss(p: Pairing) -> PairingPaused:
    with pytest.raises(PairingPaused, match="wrong pairing code; too many wrong codes") as info:
        p.redeem(_wrong(p))
    return info.value


def test_a_stranger_guessing_cannot_change_the_code_the_owner_reads(box: BoxUnderTest) -> None:
    """Wrong codes used to replace the code after 5, so a stranger looping wrong codes kept the owner
    from ever pairing.  Now the code stays; pairing pauses, then the owner's code works."""
    clock = Clock()
    box.app.state.box.pairing = _pairing(box.codes, clock)
    shown = box.codes[-1]
    for _ in range(FREE_MISSES - 1):
        r = box.client.post("/pair", json={"code": "AAAAAA"})
        assert r.status_code == 401 and r.json()["message"] == "wrong or expired pairing code"
    r = box.client.post("/pair", json={"code": "AAAAAA"})
    assert r.status_code == 429 and "pairing is paused for 30 s" in r.json()["message"]
    assert r.headers["Retry-After"] == "30"
    assert "shown on the terminal the box runs in" in r.json()["hint"] and "30 s" in r.json()["hint"]    # no panel here
    assert box.codes[-1] == shown                                     # the panel's code is still good
    r = box.client.post("/pair", json={"code": shown})                # refused unchecked while paused
    assert r.status_code == 429 and r.json()["message"] == "too many wrong pairing codes: pairing is paused for 30 s"
    clock.t += 29.5
    assert "paused for 1 s" in box.client.post("/pair", json={"code": shown}).json()["message"]
    clock.t += 0.5
    r = box.client.post("/pair", json={"code": shown.lower(), "name": "owner"})
    assert r.status_code == 200 and r.json()["token"]
    assert box.codes[-1] != shown                                     # single use: a new code is shown


def test_pauses_double_up_to_a_bound_and_a_success_ends_them() -> None:
    codes: list[str] = []
    clock = Clock()
    p = _pairing(codes, clock)
    for _ in range(FREE_MISSES - 1):
        _miss(p)
    pauses = []
    for _ in range(7):
        paused = _pausing_miss(p)
        pauses.append(paused.retry_after)
        assert paused.status_code == 429 and paused.headers == {"Retry-After": str(paused.retry_after)}
        assert p.paused_for() == pytest.approx(paused.retry_after)
        with pytest.raises(PairingPaused, match=f"paused for {paused.retry_after} s"):
            p.redeem(p.current())                                     # even the right code waits
        clock.t += paused.retry_after
    assert pauses == [30, 60, 120, 240, 300, 300, 300]
    assert (FIRST_PAUSE_S, MAX_PAUSE_S) == (30.0, 300.0)
    p.redeem(p.current())
    for _ in range(FREE_MISSES - 1):                                  # back to the free wrong codes
        _miss(p)
    assert p.paused_for() == 0.0


def test_an_hour_without_wrong_codes_forgets_them() -> None:
    clock = Clock()
    p = _pairing([], clock)
    for _ in range(FREE_MISSES - 1):
        _miss(p)
    _pausing_miss(p)
    clock.t += QUIET_S
    for _ in range(FREE_MISSES - 1):
        _miss(p)


def test_guesses_per_hour_are_bounded_as_documented() -> None:
    """A stranger guessing as fast as the box answers: at most 20 in the first hour, 12 an hour after
    (the numbers docs/api.md and the module docstring give)."""
    clock = Clock()
    p = Pairing(clock=clock, ttl_s=CODE_TTL_S)
    start, guesses = clock.t, []
    while clock.t < start + 4 * 3600:
        try:
            p.redeem(_wrong(p))
        except AuthError as exc:
            if str(exc).startswith("wrong"):                          # checked (not refused while paused)
                guesses.append(clock.t)
        clock.t += 1.0
    per_hour = [sum(start + h * 3600 <= t < start + (h + 1) * 3600 for t in guesses) for h in range(4)]
    assert per_hour[0] <= 20 and max(per_hour[1:]) <= 12 and min(per_hour[1:]) >= 11, per_hour


def test_an_expired_code_shows_a_new_one_and_is_not_counted_as_a_guess() -> None:
    codes: list[str] = []
    clock = Clock()
    p = _pairing(codes, clock)
    old = codes[-1]
    clock.t += CODE_TTL_S
    with pytest.raises(AuthError, match="expired.*shows a new one"):
        p.redeem(old)
    assert len(codes) == 2
    for _ in range(FREE_MISSES - 1):
        _miss(p)                                                      # still 4 free wrong codes
    p.redeem(codes[-1])
