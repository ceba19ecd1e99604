"""p52 QA1 finding 10 (K's 6): OSC ``/hatbox/note_on/sampler/extra`` played nothing and logged nothing: a few bad
notes sent just before had used the drop log's burst (5 lines per 10 s), so the unknown address went unsaid.  An
address hatbox does not know is now said within a rate of its own; and the dropped-note words no longer read as if
``/hatbox/note_on`` were for the kit only."""
from __future__ import annotations

import logging

import pytest

from device.osc import DropLog, OscMap


def _lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "hatbox.osc"]


def test_p52_K_an_unknown_address_after_a_burst_of_bad_notes_is_said(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="hatbox.osc")
    now = [0.0]
    osc = OscMap(drops=DropLog(clock=lambda: now[0]))
    for args in ([200, 100], [36, -1], ["kick", 100], [], [True, 100], [36, 500]):     # the QA's bad notes
        assert osc.translate("/hatbox/note_on/sampler", args) == []
    now[0] = 1.0
    assert osc.translate("/hatbox/note_on/sampler/extra", [36, 100]) == []
    said = _lines(caplog)
    assert any("ignored OSC address '/hatbox/note_on/sampler/extra'" in line and
               "/hatbox/note_on/SLOT takes synth or sampler" in line for line in said), said
    assert len(said) == 6                       # the bad notes still within their own burst of 5


def test_p52_K_unknown_addresses_have_a_rate_of_their_own(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="hatbox.osc")
    now = [0.0]
    drops = DropLog(burst=5, window_s=10.0, setup_burst=3, clock=lambda: now[0])
    assert [drops.note(f"/unknown/{i}", setup=True) for i in range(5)] == [True] * 3 + [False] * 2
    now[0] = 10.0
    assert drops.note("/unknown/later", setup=True)
    assert "2 other OSC messages went without a line" in _lines(caplog)[-1]


def test_p52_K_the_dropped_note_on_words_name_the_kit_address_as_one_way() -> None:
    from device.osc import TAKES
    assert "kit only" not in TAKES["note_on"]
    assert TAKES["note_on"] == "a note 0..127, a velocity 0..127 or 0..1 (note_on/sampler: kit alone)"
