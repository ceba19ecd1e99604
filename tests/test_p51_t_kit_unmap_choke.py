"""p51 T7: a note taken out of the kit (push-library --replace, a library deleted, box-kit --unmap, a new kit) goes
silent for real: a loop the sustain pedal holds, or a latched one, stops, as the laptop says ("went silent"); the kit
sent the sampler a note-off, which the pedal held (and a latched loop ignores)."""
from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from device.api.kit_routes import KitKeeper
from device.audio import audiofile
from device.audio.sampler import SamplerSource
from device.kit import KitNote, map_message

from tests.sampler_helpers import RATE
from tests.sampler_helpers import level as _level



@pytest.mark.parametrize("how", ["pedal", "latch"])
def test_a_note_taken_out_of_the_kit_stops_sounding(tmp_path: Path, how: str) -> None:
    t = np.arange(RATE * 2) / RATE
    audiofile.write(tmp_path / "loop.wav", (0.3 * np.sin(2 * np.pi * 220 * t))[None, :].astype(np.float32), RATE)
    s = SamplerSource(RATE)
    box = SimpleNamespace(control=SimpleNamespace(send=s.handle))
    entry = KitNote(note=60, library="lib", file="loop.wav", loop=True, latch=how == "latch")
    s.handle(map_message(entry, tmp_path))
    if how == "pedal":
        s.handle({"op": "sustain", "on": True})
    s.handle({"op": "note_on", "note": 60, "velocity": 100})
    s.handle({"op": "note_off", "note": 60})            # the key lifts: the pedal, the latch hold it
    assert _level(s) > 0.1
    keeper = KitKeeper(tmp_path / "kit.json")
    keeper.notes = {60: entry}
    assert [e.note for e in keeper.drop(box, [60])] == [60] and keeper.notes == {}   # (box-kit --unmap's, DELETE)
    _level(s, 8)                                        # its fade
    assert _level(s) == 0.0 and s.active_voices == 0, how
