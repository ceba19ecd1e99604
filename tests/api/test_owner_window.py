"""The panel's "new code" button against a stranger who keeps pairing paused: a fresh code and an
owner window in which the pause does not apply, without giving the stranger more than a few
checked guesses per press, and never reachable over HTTP.  The clock is injected: nothing sleeps."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from device.api.auth import (FREE_MISSES, MAX_PAUSE_S, OWNER_CLIENT_MISSES, OWNER_MISSES, OWNER_WINDOW_S, AuthError,
                             Pairing, PairingPaused)
from tests.api.conftest import BoxUnderTest

STRANGER, OWNER = "10.0.0.66", "10.0.0.5"


class Clock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _wrong(p: Pairing) -> str:
    return "AAAAAA" if p.current() != "AAAAAA" else "BBBBBB"


def _attempt(p: Pairing, code: str, client: str) -> str:
    """'ok', 'wrong' (checked and refused) or 'paused' (refused unchecked)."""
    try:
        p.redeem(code, client=client)
    except PairingPaused as exc:
        return "wrong" if str(exc).startswith("wrong") else "paused"
    except AuthError:
        return "wrong"
    return "ok"


def _paused_by_stranger(clock: Clock, codes: list[str]) -> Pairing:
    """A pairing the stranger has kept paused for a while (one wrong code a second, 20 minutes)."""
    p = Pairing(codes.append, clock=clock)
    p.current()
    for _ in range(1200):
        _attempt(p, _wrong(p), STRANGER)
        clock.t += 1.0
    assert p.paused_for() > 0
    return p


def test_the_button_lets_the_owner_pair_while_a_stranger_keeps_guessing() -> None:
    """The bug: a stranger sending wrong codes kept pairing paused, so the owner at the box could not
    pair.  Now the panel's button makes a new code the owner can pair with at once; the stranger,
    still guessing every second, gets only OWNER_CLIENT_MISSES codes checked in the window."""
    clock, codes = Clock(), []
    p = _paused_by_stranger(clock, codes)
    assert _attempt(p, codes[-1], OWNER) == "paused"               # the right code, refused unchecked
    before = list(codes)
    shown = p.owner_window()
    assert codes == [*before, shown] and shown == p.current()      # a fresh code, shown on the panel
    assert p.owner_window_for() == pytest.approx(OWNER_WINDOW_S)
    stranger = []
    for _ in range(30):                                             # the owner reads the code and types it
        stranger.append(_attempt(p, _wrong(p), STRANGER))
        clock.t += 1.0
    assert stranger.count("wrong") == OWNER_CLIENT_MISSES and set(stranger[OWNER_CLIENT_MISSES:]) == {"paused"}
    assert _attempt(p, shown.lower(), OWNER) == "ok"
    assert p.paused_for() == 0.0 and p.owner_window_for() == 0.0  # a success ends the pauses and the window
    assert len(codes) == len(before) + 2                            # single use: a new code is shown


def test_wrong_codes_in_the_window_still_count_and_close_it_after_a_few() -> None:
    clock, codes = Clock(), []
    p = _paused_by_stranger(clock, codes).attach_panel()           # the button's panel runs beside the API
    pause_before = p.paused_for()
    p.owner_window()
    for i in range(OWNER_MISSES):                                   # several addresses, one wrong code each
        assert _attempt(p, _wrong(p), f"10.0.1.{i}") == "wrong"
        assert p.paused_for() == pytest.approx(MAX_PAUSE_S)        # each one still pauses as before
    assert pause_before <= MAX_PAUSE_S and p.owner_window_for() == 0.0
    assert _attempt(p, codes[-1], OWNER) == "paused"               # window used up: the pause is back
    with pytest.raises(PairingPaused) as info:
        p.redeem(codes[-1], client=OWNER)
    assert "new code" in info.value.hint                           # what the owner can do about it


def test_the_window_ends_after_its_time_and_an_address_after_its_share() -> None:
    clock, codes = Clock(), []
    p = _paused_by_stranger(clock, codes)
    p.owner_window()
    for _ in range(OWNER_CLIENT_MISSES):
        assert _attempt(p, _wrong(p), OWNER) == "wrong"            # the owner's typos, checked
    assert _attempt(p, codes[-1], OWNER) == "paused"               # that address has had its share ...
    assert _attempt(p, _wrong(p), STRANGER) == "wrong"             # ... others have not
    clock.t += OWNER_WINDOW_S
    assert p.owner_window_for() == 0.0
    assert _attempt(p, codes[-1], "10.0.2.1") == "paused"          # the window is over for everyone
    p.owner_window()                                                # pressed again: a new window
    assert _attempt(p, codes[-1], OWNER) == "ok"


def test_the_window_does_not_reset_or_shorten_the_pauses() -> None:
    """After a window the stranger faces the longest pause again: wrong codes in it count."""
    clock, codes = Clock(), []
    p = Pairing(codes.append, clock=clock)
    p.current()
    p.owner_window()
    results = [_attempt(p, _wrong(p), f"10.0.3.{i}") for i in range(OWNER_MISSES)]
    assert results == ["wrong"] * OWNER_MISSES                     # 5 wrong codes: the 5th pauses ...
    assert p.paused_for() > 0 and _attempt(p, codes[-1], STRANGER) == "paused"   # ... once the window closed


@pytest.mark.parametrize("press_every_s", [600.0, 121.0])
def test_guesses_stay_bounded_as_documented_with_the_button(press_every_s: float) -> None:
    """A stranger guessing every second from many addresses (the worst case for the window) while
    the owner presses the button every ``press_every_s``: at most 20 checked guesses in the first
    hour and 12 an hour after, plus OWNER_MISSES per press (the figures of the module docstring)."""
    clock = Clock()
    p = Pairing(clock=clock)
    p.current()
    start, guesses, presses, next_press, n = clock.t, [], [], clock.t + 300.0, 0
    while clock.t < start + 4 * 3600:
        if clock.t >= next_press:
            p.owner_window()
            presses.append(clock.t)
            next_press += press_every_s
        n += 1
        if _attempt(p, _wrong(p), f"10.9.{n % 250}.{n // 250 % 250}") == "wrong":
            guesses.append(clock.t)
        clock.t += 1.0

    def per_hour(times: list[float]) -> list[int]:
        return [sum(start + h * 3600 <= t < start + (h + 1) * 3600 for t in times) for h in range(4)]

    g, b = per_hour(guesses), per_hour(presses)
    assert g[0] <= 20 + OWNER_MISSES * b[0], (g, b)
    assert all(g[h] <= 12 + OWNER_MISSES * b[h] for h in range(1, 4)), (g, b)
    assert sum(g) >= OWNER_MISSES * (len(presses) - 1), (g, b)    # the stranger does get its 5 a press


def test_over_http_the_stranger_is_paused_while_the_owner_pairs(box: BoxUnderTest) -> None:
    """The route passes the caller's address: the stranger's share of the window does not keep the
    owner (another address) out."""
    clock = Clock()
    pairing = box.app.state.box.pairing = Pairing(box.codes.append, clock=clock)
    pairing.current()
    stranger = TestClient(box.app, client=(STRANGER, 40000))
    owner = TestClient(box.app, client=(OWNER, 40001))
    for _ in range(FREE_MISSES):
        stranger.post("/pair", json={"code": "AAAAAA"})
    assert owner.post("/pair", json={"code": box.codes[-1]}).status_code == 429
    pairing.owner_window()                                           # the panel's button (not HTTP)
    answers = [stranger.post("/pair", json={"code": "AAAAAA"}) for _ in range(OWNER_CLIENT_MISSES + 3)]
    checked = [r.json()["message"].startswith("wrong") for r in answers]
    assert checked == [True] * OWNER_CLIENT_MISSES + [False] * 3    # its share, then the pause, unchecked
    assert [r.status_code for r in answers] == [401] * (OWNER_CLIENT_MISSES - 1) + [429] * 4
    r = owner.post("/pair", json={"code": box.codes[-1], "name": "owner"})
    assert r.status_code == 200 and r.json()["token"]


def _probe_path(path: str) -> str:
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: "effect" if m.group(1) == "slot" else "x", path)


def test_no_http_route_ends_the_pause(box: BoxUnderTest, tmp_path: Path) -> None:
    """Physical presence only: every route the API serves, called with every method it takes, with a
    valid token and with the right code in the body, leaves pairing paused, opens no owner window
    and shows no new code; the right code is still refused unchecked afterwards."""
    clock = Clock()
    pairing = box.app.state.box.pairing = Pairing(box.codes.append, clock=clock)
    pairing.current()
    for _ in range(FREE_MISSES):
        box.client.post("/pair", json={"code": "AAAAAA"})
    paused, shown, n_codes = pairing.paused_for(), box.codes[-1], len(box.codes)
    assert paused > 0
    body = {"code": shown, "name": "probe", "path": "x", "tags": ["x"]}
    called = set()
    for route in box.app.routes:
        methods = sorted(route.methods or {"GET"}) if hasattr(route, "methods") else ["GET"]
        path = _probe_path(getattr(route, "path", "/"))
        for method in methods:
            r = box.client.request(method, path, json=body, headers=box.auth)
            assert r.status_code < 500, (method, path, r.text)
            called.add((method, getattr(route, "path", "/")))
            assert pairing.paused_for() == pytest.approx(paused), (method, path)
            assert pairing.owner_window_for() == 0.0 and len(box.codes) == n_codes, (method, path)
    api = {(m, r.path) for r in box.app.routes if isinstance(r, APIRoute) for m in r.methods}
    assert api <= called and ("POST", "/pair") in called and len(api) >= 15
    r = box.client.post("/pair", json={"code": shown, "name": "owner"})
    assert r.status_code == 429 and box.codes[-1] == shown
