"""p55 review R2 finding 2: a stuck engine (alive, not answering) is stopped by the box itself (terminate, then
kill), and the hint was read after that stop: it said "a SIGKILL comes from outside the box ... journalctl -k | grep
-i oom" (-9) or "the engine said nothing before it ended" (-15), under a line that says why.  Now the hint is worked
out with the stop's reason, before the box stops the engine."""
from __future__ import annotations

import signal
from pathlib import Path

import pytest

from tests.engine.test_p55_F3_killed_hint import _Ended, _run_ended

STUCK = "the audio engine stopped answering (nothing for 5 s)"


class _Hung(_Ended):
    """An engine process alive but hung: the box's stop ends it with ``code`` (terminate: -15, kill: -9)."""

    def __init__(self, code: int) -> None:
        super().__init__(None)
        self.ended_with = code

    def hung(self) -> str | None:
        return STUCK if self.code is None else None

    def stop(self) -> int | None:
        self.code = self.ended_with
        return self.code


@pytest.mark.parametrize("code", [-signal.SIGKILL, -signal.SIGTERM])
def test_a_stuck_engine_stopped_by_the_box_keeps_the_hint_of_its_stop(monkeypatch: pytest.MonkeyPatch,
                                                                       tmp_path: Path, code: int) -> None:
    monkeypatch.delenv("INVOCATION_ID", raising=False)
    err = _run_ended(monkeypatch, _Hung(code), tmp_path / "box")
    assert str(err.args[0]).startswith(STUCK)
    assert "oom" not in err.hint and "said nothing" not in err.hint, err.hint
    assert err.hint == "the messages above say why; start it again: hatbox device run (or turn the box off and on)"
