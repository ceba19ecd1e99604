"""The hi-hat pedal (forty-eighth stop, an e-drummer's QA): an electronic kit's module sends the pedal's position
as CC 4 (0 open .. 127 closed); closing it past 90 on the kit's channel chokes the ringing open hi-hat (a 4 ms
fade), as the pedal note does; the pedal moving within its open range, and CC 4 on a
channel the synth plays, choke nothing."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from device.audio.sampler import SamplerSource
from device.control import validate
from device.midi import HAT_CLOSED_AT, KnobRanges, MidiMap
from device.midi_channels import Channels
from tests.tagger.conftest import SAMPLER_BLOCK, SAMPLER_RATE, render_sampler, write_wav

RATE, BLOCK = SAMPLER_RATE, SAMPLER_BLOCK
OPEN_HAT, CLOSED_HAT, RIDE = 46, 42, 51


def ring(seconds: float = 2.0, level: float = 0.2) -> np.ndarray:
    """A sample that rings on at ``level`` for ``seconds`` (an open hi-hat) [n] float32."""
    return np.full(int(seconds * RATE), level, np.float32)


def kit(tmp_path: Path) -> SamplerSource:
    src = SamplerSource(RATE)
    for note in (OPEN_HAT, CLOSED_HAT, RIDE):
        src.handle({"op": "sample", "path": str(write_wav(tmp_path / f"{note}.wav", ring(), subtype="FLOAT")),
                    "velocity": 0, "note": note})
    return src


def pedal(midi: MidiMap, src: SamplerSource, values: range | list[int], channel: int = 9) -> np.ndarray:
    """CC 4 through ``values`` on ``channel``, one a block (2.7 ms: a slow foot), into ``src``: the output."""
    out = []
    for value in values:
        for msg in midi.translate({"type": "control_change", "channel": channel, "control": 4, "value": value}):
            validate(msg)
            src.handle(msg)
        out.append(render_sampler(src, BLOCK))
    return np.concatenate(out)


def test_closing_the_pedal_past_90_fades_the_open_hat_within_20_ms(tmp_path: Path) -> None:
    """Open hat ringing, the pedal swept 0 -> 127 with no note: the hat sounds on while it is under 90, then is gone
    within 20 ms of the value 90 (a fade, not a step); the ride rings on."""
    src, midi = kit(tmp_path), MidiMap()
    src.handle({"op": "note_on", "note": OPEN_HAT, "velocity": 127})
    src.handle({"op": "note_on", "note": RIDE, "velocity": 127})
    render_sampler(src, RATE // 10)
    out = pedal(midi, src, range(0, 128, 2))
    shut = (HAT_CLOSED_AT // 2) * BLOCK                      # the block whose value first reaches 90
    assert out[:shut] == pytest.approx(0.4, abs=1e-3)        # open range: nothing choked
    after = out[shut + int(0.02 * RATE):]
    assert after == pytest.approx(0.2, abs=1e-3)             # the hat gone within 20 ms, the ride on
    assert np.all(np.diff(out[shut - 1:shut + int(0.02 * RATE)]) <= 1e-6)      # a fade, never a step up
    assert np.abs(np.diff(out)).max() < 0.01                 # no click


def test_the_pedal_within_its_open_range_and_jitter_near_90_choke_once(tmp_path: Path) -> None:
    """Moving the pedal under 90 does nothing; once closed it chokes again only after opening under 82: a pedal
    resting near 90 (89, 91, 88, 92) does not cut the hat struck meanwhile."""
    src, midi = kit(tmp_path), MidiMap()
    src.handle({"op": "note_on", "note": OPEN_HAT, "velocity": 127})
    render_sampler(src, RATE // 10)
    assert pedal(midi, src, [0, 40, 89, 60, 10, 89]) == pytest.approx(0.2, abs=1e-3)
    assert pedal(midi, src, [90] + [127] * 7)[-1] == 0.0    # closed: choked
    src.handle({"op": "note_on", "note": OPEN_HAT, "velocity": 127})
    render_sampler(src, RATE // 10)
    assert pedal(midi, src, [89, 91, 88, 92, 83, 120]) == pytest.approx(0.2, abs=1e-3)
    assert pedal(midi, src, [81, 90] + [127] * 7)[-1] == 0.0    # opened under 82, closed again: choked again


def test_a_hat_struck_as_the_pedal_closes_is_spared(tmp_path: Path) -> None:
    """The module sends the pedal's chick (or a closed hat) as the pedal closes, about when CC 4 passes 90: a closed or
    pedal hat voice struck under 20 ms before the pedal's choke sounds on; the open hat struck long before is choked,
    and so is an open hat struck with the pedal half open (40) and shut 5 ms later (p48 review: it was spared, and rang
    its whole length: no second choke comes while the pedal stays shut)."""
    src, midi = kit(tmp_path), MidiMap()
    src.handle({"op": "note_on", "note": OPEN_HAT, "velocity": 127})
    pedal(midi, src, [0, 40, 80])
    src.handle({"op": "note_on", "note": CLOSED_HAT, "velocity": 127})   # cuts the open hat (its group), as before
    render_sampler(src, BLOCK)
    src.handle({"op": "note_on", "note": OPEN_HAT, "velocity": 127})     # an open strike...
    render_sampler(src, 20 * BLOCK)                                       # ...53 ms before the pedal closes
    out = pedal(midi, src, [0, 127, 127, 127])                            # (opened and shut again)
    assert out[-1] == 0.0
    src.handle({"op": "note_on", "note": CLOSED_HAT, "velocity": 127})
    out = pedal(midi, src, [0, 127, 127])                                 # the chick's CC 4 right after it
    assert out[-1] == pytest.approx(0.2, abs=1e-3)
    pedal(midi, src, [40])                                                # half open (re-armed)
    src.handle({"op": "note_on", "note": OPEN_HAT, "velocity": 127})     # (cuts the closed hat: its group)
    render_sampler(src, 2 * BLOCK)                                        # 5 ms
    out = pedal(midi, src, [127] * 8)                                     # shut: the open hat goes, spare or not
    assert out[-1] == 0.0
    assert np.abs(np.diff(out)).max() < 0.01                              # a fade, no click


@pytest.mark.parametrize("channels,channel", [(Channels(), 0), (Channels(kit=9), 0), (Channels(), 3),
                                              (Channels(kit=4, synth=4), 4)])
def test_cc4_on_a_channel_the_synth_plays_chokes_nothing(tmp_path: Path, channels: Channels, channel: int) -> None:
    """A keyboard's foot controller (CC 4) on a channel the synth plays (alone, or beside the kit) never chokes the
    kit's hi-hat."""
    src, midi = kit(tmp_path), MidiMap(channels=channels)
    src.handle({"op": "note_on", "note": OPEN_HAT, "velocity": 127})
    assert pedal(midi, src, [0, 127, 0, 127], channel=channel) == pytest.approx(0.2, abs=1e-3)


def test_the_kits_own_channel_and_a_bound_cc4_knob() -> None:
    """With the kit on channel 5 alone (``--kit-channel 5``), its pedal chokes there; a CC 4 bound to a knob by name
    still turns it, beside the choke."""
    kit5 = MidiMap(channels=Channels(kit=4))
    closed = {"type": "control_change", "channel": 4, "control": 4, "value": 127}
    assert kit5.translate(closed) == [{"op": "choke", "note": 44, "group": True}]
    assert kit5.translate({**closed, "channel": 9}) == []     # channel 10 plays the synth then
    bound = MidiMap(knobs=KnobRanges(ranges={("effect", "drive"): (0.0, 10.0)}))   # value unknown: follows at once
    bound.bind(4, "effect", "drive")
    got = bound.translate({**closed, "channel": 9})
    assert got == [{"op": "choke", "note": 44, "group": True}, {"op": "knob", "slot": "effect", "name": "drive",
                                                               "value": 10.0}]


def test_the_pedal_s_choke_reaches_the_kit_s_sampler_alone_with_its_group(tmp_path: Path) -> None:
    """Through the engine (device/audio/engine.py): the pedal's choke goes to the sampler alone, "group" kept, and the
    box's sampler fades the hat; the synth hears nothing."""
    from device.audio.engine import Engine, EngineConfig
    heard: list[dict] = []

    class Synth:
        def handle(self, msg: dict) -> None:
            heard.append(msg)
    engine = Engine(EngineConfig())
    src = kit(tmp_path)
    engine.slots["synth"].unit, engine.slots["sampler"].unit = Synth(), src
    src.handle({"op": "note_on", "note": OPEN_HAT, "velocity": 127})
    render_sampler(src, RATE // 10)
    for msg in MidiMap().translate({"type": "control_change", "channel": 9, "control": 4, "value": 127}):
        engine.handle(validate(msg))
    assert heard == [] and render_sampler(src, 4 * BLOCK)[-1] == 0.0
