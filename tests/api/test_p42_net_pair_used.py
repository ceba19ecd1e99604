"""p42 network QA: a pairing code just used (a second laptop, a retry after a lost answer) was answered "wrong or
expired pairing code" and counted toward the pause after 5 wrong codes.  Now it is said to be used, and no guess."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from device.api.auth import CODE_TTL_S, FREE_MISSES, AuthError, Pairing, PairingPaused
from tests.api.conftest import make_box
from tests.api.test_pairing import Clock, _miss


def test_a_used_code_is_said_used_and_is_not_a_guess() -> None:
    codes: list[str] = []
    clock = Clock()
    p = Pairing(codes.append, clock=clock)
    used = p.current()
    p.redeem(used)
    for _ in range(FREE_MISSES + 2):                     # would have paused pairing after 5
        with pytest.raises(AuthError, match="this pairing code was already used; the box shows a new one") as info:
            p.redeem(used.lower())
        assert not isinstance(info.value, PairingPaused)
    for _ in range(FREE_MISSES - 1):
        _miss(p)                                          # still 4 free wrong codes
    last = codes[-1]
    p.redeem(last)
    clock.t += CODE_TTL_S + 1                             # long after: a used code is just wrong
    p.current()
    with pytest.raises(AuthError, match="wrong or expired pairing code"):
        p.redeem(last)


def test_the_box_answers_a_used_code_in_words(tmp_path) -> None:
    box = make_box(tmp_path)                             # paired with codes[-2]
    r = TestClient(box.app).post("/pair", json={"code": box.codes[-2], "name": "second"})
    assert r.status_code == 401
    assert r.json()["message"] == "this pairing code was already used; the box shows a new one"
