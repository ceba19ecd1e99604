"""p57 M3 (review R3, 2): when the demo's box stops, its hint fits a demo (run it again; where its log is), never
the real box's steps (`hatbox device run`, `hatbox box-logs`, turning the box off and on), and it is said once."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hatbox import demo_box
from hatbox.errors import HatboxError

REAL_BOX = ("device run", "box-logs", "off and on", "device service")


class _Ended:
    """A stand-in engine process that has ended (``code``: its exit code; ``error``/``hint``: what it said)."""

    def __init__(self, code: int, error: str | None = None, hint: str | None = None) -> None:
        self.code, self.error, self.error_hint, self.bug = code, error, hint, None

    def alive(self) -> bool:
        return False

    def wait(self, timeout: Any = None) -> int:
        return self.code


@pytest.mark.parametrize("code", [-9, -15, 2])
def test_a_stopped_demo_box_hints_at_the_demo_not_the_real_box(code: int, tmp_path: Path) -> None:
    log = tmp_path / "box.log"
    step = HatboxError("demo step failed: hatbox push x: the audio engine is not running")
    for err in (demo_box.setup_stopped_words(step, _Ended(code), log),
                demo_box.stopped_words(_Ended(code), 1.0, 16.0, log)):
        words = f"{err.args[0]} {err.hint}"
        assert not [w for w in REAL_BOX if w in words], words
        assert "the box has stopped" not in words
        assert f"run hatbox demo again; the box's log: {log}" in err.hint
        assert ("journalctl -k" in err.hint) == (code == -9)


def test_the_engine_s_own_hint_is_kept() -> None:
    err = demo_box.stopped_words(_Ended(2, "cannot write demo-out.wav", "free some disk space"), 1.0, 16.0, None)
    assert "cannot write demo-out.wav" in err.args[0]
    assert err.hint == "free some disk space; the box kept no log (see the warning above)"
