"""The cymbal grab (thirty-seventh stop): an electronic kit's polyphonic aftertouch is a ``choke`` message, which fades
the sampler's voices of that note out in 4 ms; the synth is not touched."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from device.audio.sampler import SamplerSource
from device.control import ControlError, validate
from tests.engine.test_p37_note_timing import RATE, block
from tests.tagger.conftest import write_wav


def test_a_choke_fades_its_notes_voices_out_and_leaves_the_rest(tmp_path: Path) -> None:
    """An electronic kit's cymbal grab (polyphonic aftertouch): the crash's one-shots stop in 4 ms, the ride and an
    audition of the same file ring on."""
    ring = np.full(RATE, 0.2, np.float32)
    src = SamplerSource(RATE)
    for note in (49, 51):
        src.handle({"op": "sample", "path": str(write_wav(tmp_path / f"c{note}.wav", ring)), "velocity": 0,
                    "note": note})
    src.handle({"op": "note_on", "note": 49, "velocity": 127})
    src.handle({"op": "note_on", "note": 49, "velocity": 127})      # struck twice: both voices stop
    src.handle({"op": "note_on", "note": 51, "velocity": 127})
    src.handle({"op": "sample", "path": str(tmp_path / "c49.wav"), "velocity": 127})   # the Library page's play
    block(src)
    src.handle({"op": "choke", "note": 49})
    out = np.concatenate([block(src) for _ in range(4)])           # 10.7 ms: the 4 ms fade is over
    assert out[0] == pytest.approx(0.8, abs=0.01) and out[-1] == pytest.approx(0.4, abs=0.01)
    assert np.all(np.diff(out[:int(0.004 * RATE)]) <= 1e-6)        # a fade, not a step
    assert src.active_voices == 2


def test_the_drum_module_s_grab_reaches_the_sampler_alone() -> None:
    from device.audio.engine import Engine, EngineConfig
    from device.midi import MidiMap
    kit = MidiMap()
    grab = kit.translate({"type": "polytouch", "channel": 9, "note": 49, "value": 127})
    assert grab == [{"op": "choke", "note": 49}]
    assert kit.translate({"type": "polytouch", "channel": 9, "note": 49, "value": 127}) == []   # still held: once
    assert kit.translate({"type": "polytouch", "channel": 9, "note": 49, "value": 0}) == []     # let go: nothing
    assert kit.translate({"type": "polytouch", "channel": 9, "note": 49, "value": 90}) == grab  # grabbed again
    kit.translate({"type": "note_on", "channel": 9, "note": 49, "velocity": 0})       # the module's note-off
    kit.translate({"type": "note_on", "channel": 0, "note": 49, "velocity": 100})     # a keyboard's note 49
    assert kit.translate({"type": "polytouch", "channel": 9, "note": 49, "value": 127}) == []   # still held
    kit.translate({"type": "note_on", "channel": 9, "note": 49, "velocity": 100})
    assert kit.translate({"type": "polytouch", "channel": 9, "note": 49, "value": 127}) == grab  # struck, grabbed
    validate(grab[0])
    with pytest.raises(ControlError, match="note"):
        validate({"op": "choke", "note": 128})
    heard: dict[str, list] = {"synth": [], "sampler": []}

    class Source:
        def __init__(self, name: str) -> None:
            self.name = name

        def handle(self, msg: dict) -> None:
            heard[self.name].append(msg["op"])
    engine = Engine(EngineConfig())
    for name in heard:
        engine.slots[name].unit = Source(name)
    engine.handle(grab[0])
    assert heard == {"synth": [], "sampler": ["choke"]}


def test_a_keyboards_poly_pressure_never_chokes_the_note_it_holds() -> None:
    """QA: a pad controller or poly-pressure keyboard sends polyphonic aftertouch while a key is held; on any channel
    but the drums' it is expression, not a grab (it cut the held note within 4 ms)."""
    from device.midi import MidiMap
    keys = MidiMap()
    keys.translate({"type": "note_on", "channel": 0, "note": 60, "velocity": 100})
    for value in (20, 45, 70, 127):
        assert keys.translate({"type": "polytouch", "channel": 0, "note": 60, "value": value}) == []
