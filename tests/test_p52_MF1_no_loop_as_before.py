"""p52 final read FR1 finding 5: `hatbox box-kit --no-loop C2` on a note that already played once said "C2: plays
its file once per strike now (no loop, no latch)", as if it had changed; now "as before", as --no-latch says of a
note with no loop to latch.  A loop made a one-shot is still said to have changed."""
from __future__ import annotations

import pytest

from hatbox import cmd_kit
from hatbox.kit_options import once_lines
from tests.test_p52_K_kit_words import Box, _args


def test_p52_MF1_no_loop_on_a_one_shot_says_as_before(monkeypatch: pytest.MonkeyPatch) -> None:
    box = Box()
    monkeypatch.setattr(cmd_kit, "_call", box)
    _kit, lines = cmd_kit.set_options(None, _args(no_loop="C2"))          # C2 (36): a one-shot already
    assert lines == ["C2: plays its file once per strike, as before (no loop to take off)"], lines
    _kit, lines = cmd_kit.set_options(None, _args(no_loop="C3"))          # C3 (48): a loop until now
    assert lines == ["C3: plays its file once per strike now (no loop, no latch)"], lines


def test_p52_MF1_no_loop_lines_of_both_kinds_at_once() -> None:
    lines = once_lines([36, 38, 48], {36: (False, False), 38: (False, False), 48: (True, True)})
    assert lines == ["C3: plays its file once per strike now (no loop, no latch)",
                     "C2, D2: play their files once per strike, as before (no loop to take off)"], lines
    assert once_lines([50], {}) == ["D3: plays its file once per strike now (no loop, no latch)"]   # not known: now
