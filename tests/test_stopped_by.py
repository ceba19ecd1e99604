"""What stopped a command is said as what it was: Ctrl-C, or SIGTERM (hatbox.errors.stopped_by)."""
from __future__ import annotations

import pytest

from hatbox.errors import Terminated, stopped_by


def _raised_in_handling(first: BaseException) -> BaseException:
    """The KeyboardInterrupt a library raises while handling ``first``, ``from None`` as device.library.tag does."""
    try:
        try:
            raise first
        except KeyboardInterrupt:
            raise KeyboardInterrupt() from None
    except KeyboardInterrupt as exc:
        return exc


@pytest.mark.parametrize("exc, word", [(KeyboardInterrupt(), "Ctrl-C"), (Terminated(), "SIGTERM")])
def test_the_signal_is_named_directly_and_through_a_rethrow(exc: BaseException, word: str) -> None:
    assert stopped_by(exc) == word
    assert stopped_by(_raised_in_handling(exc)) == word


def test_a_cycle_of_causes_ends() -> None:
    a, b = KeyboardInterrupt(), KeyboardInterrupt()
    a.__context__, b.__context__ = b, a
    assert stopped_by(a) == "Ctrl-C"
