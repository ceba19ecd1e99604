"""p58 M3 (R1 finding 2): what "nothing else holds it" means in reference counts is measured on a throwaway chain
(device/audio/unit_release.py ``counts_work``), not assumed: Python 3.10 counts one more at each step (the caller's
reference), 3.14 may count one less (borrowed references).  Faked here both ways, and a probe that comes out wrong
turns the release off."""
from __future__ import annotations

import hashlib
import os
import sys
from typing import Callable

import pytest

from device.audio import unit_release

MIB = 1 << 20


class Pack:
    def __init__(self, members: dict[str, bytes]) -> None:
        self.members = members


class Unit:
    def __init__(self, pack: Pack) -> None:
        self.pack = pack


def chain() -> Unit:
    """A unit -> pack -> members -> 3 MiB of random bytes, nothing else holding any of them."""
    return Unit(Pack({"model.onnx": os.urandom(3 * MIB)}))


def fake_counts(monkeypatch: pytest.MonkeyPatch, fake: Callable[[int], int]) -> None:
    """Another interpreter: every count seen goes through ``fake``; the baselines are measured again."""
    real = sys.getrefcount
    monkeypatch.setattr(sys, "getrefcount", lambda obj: fake(real(obj)))
    monkeypatch.setattr(unit_release, "_BASE", [], raising=False)


def let_go_alone() -> int:
    return unit_release.let_go([chain()])


def let_go_held(what: str) -> tuple[int, bool]:
    """Let go of a chain with one more holder of ``what``: (bytes given back, whether the model is whole)."""
    unit = chain()
    model = unit.pack.members["model.onnx"]
    digest = hashlib.sha256(model).hexdigest()
    kept = {"unit": unit, "pack": unit.pack, "members": unit.pack.members, "member": model}[what]
    units = [unit]
    del unit
    given = unit_release.let_go(units)
    return given, hashlib.sha256(model).hexdigest() == digest and kept is not None


@pytest.mark.parametrize("extra", [0, 3, -1, -3], ids=["this", "3.10-like", "3.14-like", "fewer"])
def test_the_release_takes_a_chain_alone_and_refuses_one_held_whatever_the_counts(monkeypatch, extra):
    fake_counts(monkeypatch, lambda count: count + extra)
    assert unit_release.counts_work()
    assert let_go_alone() >= 3 * MIB - 2 * unit_release.PAGE
    for what in ("unit", "pack", "members", "member"):
        given, whole = let_go_held(what)
        assert (given, whole) == (0, True), what


@pytest.mark.parametrize("fake", [lambda count: 1, lambda count: count // 8], ids=["constant", "coarse"])
def test_counts_that_do_not_tell_held_from_alone_turn_the_release_off(monkeypatch, fake):
    fake_counts(monkeypatch, fake)
    assert not unit_release.counts_work()
    units = [chain(), chain()]
    assert unit_release.let_go(units) == 0 and units == []    # freed as before
    given, whole = let_go_held("member")
    assert (given, whole) == (0, True)
