"""MIDI learn polish on the Effect page (p20d): the page cancels its own learn in one step under the hub's lock
(``MidiHub.cancel(only=...)``), so a learn the API arms for another knob at that moment survives; a learn armed
from the API shows on the page as one armed there does and outlives the page; the hub's warnings are said once."""
from __future__ import annotations

from typing import Any

from device.midi import MidiHub
from device.ui import draw as D
from device.ui.panel import MESSAGE_SIZE
from tests.ui.conftest import find_text
from tests.ui.test_midi_learn_p20b import CC_SIZE, _cc, _dial, _drawn, _hub, _panel, _tap


def test_the_hub_cancels_only_the_knob_asked_for() -> None:
    hub = _hub()
    hub.arm("synth", "brightness")
    assert hub.cancel(only=("effect", "tone")) is None                      # not armed: nothing changes
    assert hub.snapshot()["learning"] == {"slot": "synth", "knob": "brightness"}
    assert hub.cancel(only=("synth", "brightness")) == ("synth", "brightness")
    assert hub.snapshot()["learning"] is None
    hub.arm("effect", "tone")
    assert hub.cancel() == ("effect", "tone") and hub.cancel() is None   # no ``only``: whatever is armed


class _Racing(MidiHub):
    """A hub where something happens right after each cancel (as the API or the MIDI thread may, between
    two of the page's calls): ``between`` is run once the cancel has returned."""

    def __init__(self, base: MidiHub, between: Any) -> None:
        super().__init__(base.map)
        self.port, self.note, self.between = base.port, base.note, between

    def cancel(self, *args: Any, **kwargs: Any) -> Any:
        was = super().cancel(*args, **kwargs)
        self.between(self)
        return was


def _armed_by_api_while_the_page_cancels(between: Any) -> tuple[MidiHub, Any]:
    """The page arms tone, the API then arms brightness; the page cancels its learn (leaving the page) with
    ``between`` run right after the hub's cancel."""
    hub = _Racing(_hub(), lambda h: None)
    panel = _panel(hub)
    _tap(panel, *panel.page.learn_btn.center)
    _tap(panel, *_dial(panel, "tone").center)
    hub.arm("effect", "level")                       # the API takes the learn for another knob of the pack
    hub.between = between
    panel.show_title("Play")
    return hub, panel


def test_a_learn_the_api_arms_while_the_page_cancels_survives() -> None:
    hub, _ = _armed_by_api_while_the_page_cancels(lambda h: h.arm("synth", "brightness"))
    assert hub.snapshot()["learning"] == {"slot": "synth", "knob": "brightness"}    # not put back over it


def test_a_cc_coming_while_the_page_cancels_binds_to_the_knob_the_api_armed() -> None:
    hub, _ = _armed_by_api_while_the_page_cancels(lambda h: h.translate(_cc(21)))
    assert hub.map.cc.get(21) == ("effect", "level") and hub.snapshot()["learning"] is None


def test_a_learn_armed_from_the_api_shows_on_the_page_and_outlives_it(pg: Any) -> None:
    hub = _hub()
    panel = _panel(hub)
    page = panel.page
    hub.arm("effect", "tone")                        # POST /midi/learn
    surface = _drawn(pg, panel)
    assert find_text(surface, "waiting for a CC...", CC_SIZE, D.ACCENT)
    assert page.learn.waiting("tone") and not page.learn.waiting("drive") and page.learn.armed is None
    assert page.learn.lines() is not None and page.learn.lines()[1] == "armed"
    panel.show_title("Play")                         # not the panel's learn: leaving the page leaves it armed
    assert hub.snapshot()["learning"] == {"slot": "effect", "knob": "tone"}
    panel.show_title("Effect")
    hub.translate(_cc(21))
    surface = _drawn(pg, panel)
    assert not page.learn.waiting("tone") and not find_text(surface, "waiting for a CC...", CC_SIZE, D.ACCENT)
    hub.arm("synth", "brightness")                   # another slot's knob: nothing on this page waits
    _drawn(pg, panel)
    assert not any(page.learn.waiting(k.name) for k in page.knobs) and page.learn.lines() is None


def test_the_hubs_warnings_are_said_once_on_the_message_line(pg: Any) -> None:
    hub = _hub()
    hub.warn("an old warning from before the panel")
    hub.warn("the learned MIDI bindings could not be saved in /store/midi-bindings.json (Read-only file "
             "system): they hold until the box stops")
    panel = _panel(hub)
    surface = _drawn(pg, panel)
    assert panel.state.toast.startswith("the learned MIDI bindings could not be saved")     # the newest only
    assert find_text(surface, "MIDI: the learned MIDI bindings could not be saved in /store/midi-bindings.json",
                     MESSAGE_SIZE, D.ACCENT)                                     # where the whole text does not fit
    panel.state.toast = ""
    _drawn(pg, panel)
    assert panel.state.toast == ""                   # once
    hub.warn("a new one")
    _drawn(pg, panel)
    assert panel.state.toast == "a new one"


KIT3, KIT7 = "/box/libraries/drums/Kit3/Kick.wav", "/box/libraries/drums/Kit7/Kick.wav"
SNARE = "/box/libraries/drums/Kit3/Snare.wav"


def test_the_library_status_line_names_a_clashing_sample_as_its_row_does(pg: Any) -> None:
    # before: "retag Kick.wav: tap its tag" and "like Kick.wav", not saying which kit's Kick.wav
    from device.ui.data import MemoryData, Sample
    from device.ui.events import EncoderTurn
    from device.ui.panel import Panel
    from device.ui.shots import RecordingControl
    data = MemoryData(library={"kick": [Sample(KIT3, 0.9), Sample(KIT7, 0.8), Sample(SNARE, 0.4)]},
                      embeddings={KIT3: [1.0, 0.0], KIT7: [0.9, 0.1], SNARE: [0.0, 1.0]})
    panel = Panel(RecordingControl(), data, (800, 480))
    panel.show_title("Library")
    page = panel.page
    panel.handle(EncoderTurn(1, 1, 1))                 # Kit7/Kick.wav
    _tap(panel, *page.retag_btn.center)
    surface = _drawn(pg, panel)
    assert find_text(surface, "retag Kit7/Kick.wav: tap its tag", 20, D.ACCENT)
    assert page.label(page.retag) == "Kit7/Kick.wav"
    _tap(panel, *page.retag_btn.center)                # retag off again
    _tap(panel, *page.more_btn.center)                 # more like Kit7/Kick.wav: Kit3/Kick.wav listed too
    assert [s.path for s in page.samples][:2] == [KIT7, KIT3]
    assert find_text(_drawn(pg, panel), "like Kit7/Kick.wav", 20, D.DIM)
    assert page.label(Sample(SNARE, 0.4)) == "Snare.wav"                            # no clash: bare
