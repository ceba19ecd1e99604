"""Library sample rows whose file names clash (two kits' Kick.wav) show enough of the path to tell them
apart ("Kit3/Kick.wav", the sampler warnings' rule, device/ui/faults.py sample_label); a name no other
file of the list has stays bare.  Before, every row showed the bare name: two rows read "Kick.wav"."""
from __future__ import annotations

from typing import Any

import pytest

from device.ui import draw as D
from device.ui.data import MemoryData, Sample
from device.ui.events import EncoderTurn
from device.ui.faults import sample_label
from device.ui.panel import Panel
from device.ui.shots import RecordingControl
from tests.ui.conftest import find_text

KIT3, KIT7 = "/box/libraries/drums/Kit3/Kick.wav", "/box/libraries/drums/Kit7/Kick.wav"
SNARE = "/box/libraries/drums/Kit3/Snare.wav"
HAT_A, HAT_B = "/box/libraries/a/files/Hat.wav", "/box/libraries/b/files/Hat.wav"


def test_row_labels_only_lengthen_names_that_clash() -> None:
    from device.ui.pages.library import row_labels
    assert row_labels([KIT3, KIT7, SNARE]) == ["Kit3/Kick.wav", "Kit7/Kick.wav", "Snare.wav"]
    assert row_labels([KIT3, KIT7])[0] == sample_label(KIT3)
    assert row_labels([HAT_A, HAT_B, SNARE]) == ["a/files/Hat.wav", "b/files/Hat.wav", "Snare.wav"]
    assert row_labels([SNARE, SNARE, KIT3]) == ["Snare.wav", "Snare.wav", "Kick.wav"]   # the same file twice
    assert row_labels(["Kick.wav", "/Kick.wav", KIT3]) == ["Kick.wav", "/Kick.wav", "Kit3/Kick.wav"]
    assert row_labels([]) == []


@pytest.mark.parametrize("size", [(800, 480), (480, 800)])
def test_two_kits_kick_wav_read_apart_on_the_page(pg: Any, size: tuple[int, int]) -> None:
    data = MemoryData(library={"kick": [Sample(KIT3, 0.9), Sample(KIT7, 0.8), Sample(SNARE, 0.4)]})
    panel = Panel(RecordingControl(), data, size)
    panel.show_title("Library")
    panel.handle(EncoderTurn(1, 1, 1))                 # select the second row: both kicks drawn unselected too
    surface = pg.Surface(size)
    panel.draw(surface)
    assert find_text(surface, "Kit3/Kick.wav", 24, D.TEXT)
    assert find_text(surface, "Kit7/Kick.wav", 24, D.TEXT)
    assert find_text(surface, "Snare.wav", 24, D.TEXT)
    assert not find_text(surface, "Kit3/Snare.wav", 24, D.TEXT)

    data.library["kick"] = [Sample(KIT3, 0.9), Sample(SNARE, 0.4)]     # no clash left: bare names again
    panel.page.refresh()
    panel.draw(surface)
    assert find_text(surface, "Kick.wav", 24, D.TEXT) and not find_text(surface, "Kit3/Kick.wav", 24, D.TEXT)
