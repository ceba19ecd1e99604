"""Synth notes above the band limit (p21): the live warning (the engine status's synth warnings) named only the
first silent note played, in other words than ``hatbox play``'s, which named them all.  Now one function,
device.audio.synth_render.silent_notes_text, words both, naming every silent note."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from device.audio.engine import Engine, EngineConfig
from device.audio.synth import SynthSource
from device.audio.synth_render import silent_notes
from device.control import slot_warnings
from export.pack import read_pack

SYNTH = Path(__file__).resolve().parents[2] / "factory" / "synth-gm4.hatpack"


@pytest.fixture(scope="module")
def pack():
    return read_pack(SYNTH)


def _played(pack, rate: int, notes: list[int]) -> list[str]:
    """The engine status's slot warnings after ``notes`` are played on the factory synth at ``rate``."""
    engine = Engine(EngineConfig(rate=rate, block=128, live_input=False))
    engine.install("synth", SynthSource(pack, rate), {"name": "synth-gm4"})
    engine.process(np.zeros(128, np.float32), np.zeros(128, np.float32))
    for note in notes:
        engine.handle({"op": "note_on", "note": note, "velocity": 100})
    return slot_warnings(engine.status())


def test_the_live_warning_names_every_silent_note_played(pack) -> None:
    assert _played(pack, 48000, [60, 127, 125, 126]) == [
        "notes 126, 127 are above the band limit of 'synth-gm4' (11.5 kHz at 48000 Hz) and play as silence; "
        "the highest note it plays is 125"]
    assert _played(pack, 16000, [127, 60, 119, 121, 120, 124, 123, 122]) == [    # top note 118 at 16 kHz
        "notes 119-124, 127 are above the band limit of 'synth-gm4' (7.8 kHz at 16000 Hz) and play as silence; "
        "the highest note it plays is 118"]
    assert _played(pack, 48000, [60, 125, 24]) == []
    assert _played(pack, 48000, [60, 125, 0]) == [                   # p52: not silent, but its sub-audio is left out
        "note 0 lies under 20 Hz (from 8.2 Hz) on 'synth-gm4': its harmonics under 20 Hz are faded out (gone under "
        "16 Hz); the lowest note that keeps its fundamental is 16"]
    assert _played(pack, 48000, [127, 127]) == [
        "note 127 is above the band limit of 'synth-gm4' (11.5 kHz at 48000 Hz) and plays as silence; "
        "the highest note it plays is 125"]


def test_live_and_offline_words_come_from_one_function(pack) -> None:
    from device.audio.synth_render import silent_notes_text
    src = SynthSource(pack, 48000)
    for note in (127, 126):
        src.handle({"op": "note_on", "note": note, "velocity": 100})
    events = [(0, {"op": "note_on", "note": n, "velocity": 100}) for n in (126, 60, 127)]
    assert src.warnings() == [silent_notes_text(src, [126, 127])]
    assert silent_notes(src, events, "song.mid") == "song.mid: " + src.warnings()[0]
    assert silent_notes(src, events[1:2], "song.mid") == "" == silent_notes_text(src, [])


def test_runs_of_notes_are_named_first_to_last() -> None:
    from device.audio.synth_render import note_runs
    assert note_runs([60, 100, 101, 102, 127]) == "60, 100-102, 127"
    assert note_runs([126, 127]) == "126, 127"
    assert note_runs(list(range(96, 128))) == "96-127"
    assert note_runs([5]) == "5" and note_runs([]) == ""
