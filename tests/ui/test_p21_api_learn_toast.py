"""A MIDI learn armed from the API (``POST /midi/learn``: ``MidiHub.arm``) that binds a CC is said on the panel's
message line as one armed on the Effect page is ("CC 21 -> tone"); before p21 the page showed the knob waiting,
then nothing when the CC came.  Through the same layer as the panel learn tests (tests/ui/test_midi_learn_p20b.py):
a real MidiHub fed control changes through ``translate``, the Panel drawn a frame at a time."""
from __future__ import annotations

from typing import Any

import pytest

from device.ui import draw as D
from device.ui.panel import MESSAGE_SIZE
from tests.ui.conftest import find_text
from tests.ui.test_midi_learn_p20b import CC_SIZE, _cc, _dial, _drawn, _hub, _panel, _tap


@pytest.mark.parametrize("armed_by", ["panel", "api"])
def test_the_learned_cc_is_said_the_same_whichever_way_the_learn_was_armed(pg: Any, armed_by: str) -> None:
    hub = _hub()
    panel = _panel(hub)
    if armed_by == "panel":
        _tap(panel, *panel.page.learn_btn.center)
        _tap(panel, *_dial(panel, "tone").center)
    else:
        hub.arm("effect", "tone")                      # POST /midi/learn
    _drawn(pg, panel)                                  # a frame sees it armed
    assert hub.snapshot()["learning"] == {"slot": "effect", "knob": "tone"} and not panel.state.toast
    hub.translate(_cc(21))                             # the MIDI thread: a control moved
    surface = _drawn(pg, panel)
    assert panel.state.toast == "CC 21 -> tone"
    assert find_text(surface, "CC 21 -> tone", MESSAGE_SIZE, D.ACCENT)
    assert find_text(surface, "CC 21, 71", CC_SIZE, D.GOOD)                # the learned CC, shown as just bound
    panel.state.toast = ""
    _drawn(pg, panel)
    assert panel.state.toast == ""                     # said once


def test_an_api_learn_cancelled_or_replaced_says_nothing_and_the_next_one_is_said(pg: Any) -> None:
    hub = _hub()
    panel = _panel(hub)
    hub.arm("effect", "tone")
    _drawn(pg, panel)
    hub.cancel()                                       # DELETE /midi/learn: no CC learned
    _drawn(pg, panel)
    assert panel.state.toast == ""
    hub.arm("effect", "tone")
    _drawn(pg, panel)
    hub.arm("effect", "mix")                           # the API moves the learn to another knob
    _drawn(pg, panel)
    assert panel.state.toast == ""
    hub.translate(_cc(22))
    _drawn(pg, panel)
    assert panel.state.toast == "CC 22 -> mix" and hub.map.cc[22] == ("effect", "mix")
    hub.arm("synth", "brightness")                     # another slot's knob: not this page's to say
    _drawn(pg, panel)
    hub.translate(_cc(23))
    panel.state.toast = ""
    _drawn(pg, panel)
    assert hub.map.cc[23] == ("synth", "brightness") and panel.state.toast == ""


def test_an_api_learn_bound_while_another_page_is_shown_is_not_said_later(pg: Any) -> None:
    hub = _hub()
    panel = _panel(hub)
    hub.arm("effect", "tone")
    _drawn(pg, panel)
    panel.show_title("Play")
    hub.translate(_cc(21))
    _drawn(pg, panel)
    panel.show_title("Effect")
    _drawn(pg, panel)
    assert hub.map.cc[21] == ("effect", "tone") and panel.state.toast == ""    # not minutes after, on return
