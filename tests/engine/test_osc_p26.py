"""OSC from a musician's controller (twenty-sixth stop, from a hands-on pass with TouchOSC- and Wekinator-style
messages): a fader at full reaches the knob's top whatever its range, a 32-bit float of a knob's end is that end, an
unknown address is said in the log, booleans and strings are not numbers, sustain and bypass are on from 0.5, a
one-output Wekinator project leaves the pad's other coordinate alone, the volume has a 0..1 fader, knob names in
any case scale, and a logarithmic knob is swept as the panel's dial turns."""
from __future__ import annotations

import logging

from device.midi import KnobRanges
from device.osc import DropLog, OscMap
from export.manifest import Knob, Manifest


def _manifest(*knobs: Knob) -> Manifest:
    from device.ui.demo import manifest
    return manifest("effect", "probe", knobs=list(knobs))


def _map(*knobs: Knob) -> OscMap:
    ranges = KnobRanges()
    ranges.loaded("effect", _manifest(*knobs))
    return OscMap(knobs=ranges)


def test_a_fader_at_full_gives_the_knobs_top_for_every_range() -> None:
    """Before: 0.3..0.9 at 1.0 scaled to 0.9000000000000001, which the engine refused (12 of 820 ranges)."""
    bad = []
    for i in range(1, 41):
        for j in range(i + 1, 42):
            lo, hi = i * 0.05, j * 0.05
            m = _map(Knob("mix", lo, hi, lo))
            value = m.translate("/hatbox/fader/effect/mix", [1.0])[0]["value"]
            if value > hi or m.translate("/hatbox/fader/effect/mix", [0.0])[0]["value"] < lo:
                bad.append((lo, hi))
    assert bad == []
    knob = Knob("mix", 0.3, 0.9, 0.3)
    assert knob.check(0.9000000000000001) == 0.9 and knob.check(float.fromhex("0x1.cccccdp-1")) == 0.9


def test_a_32_bit_float_of_a_knobs_end_is_that_end() -> None:
    import numpy as np
    knob = Knob("amount", 0.0, 0.3, 0.1)
    assert knob.check(float(np.float32(0.3))) == 0.3
    import pytest

    from hatbox.errors import KnobError
    with pytest.raises(KnobError):
        knob.check(0.31)


def test_an_unknown_address_is_said_in_the_log(caplog) -> None:
    m = OscMap(knobs=KnobRanges(), drops=DropLog())
    with caplog.at_level(logging.WARNING):
        assert m.translate("/1/fader1", [0.5]) == [] and m.translate("/hatbox/Volume", [0.5]) == []
    said = [r.getMessage() for r in caplog.records]
    assert any("ignored OSC address '/1/fader1'" in s and "/wek/outputs" in s for s in said)
    assert any("'/hatbox/Volume'" in s for s in said)


def test_booleans_and_strings_are_not_numbers_and_on_is_from_a_half() -> None:
    m = _map(Knob("drive", 0.0, 10.0, 5.0))
    assert m.translate("/hatbox/note_on", [False]) == [] and m.translate("/hatbox/note_on", [True]) == []
    assert m.translate("/hatbox/knob/effect/drive", ["5"]) == []
    assert m.translate("/hatbox/sustain", [0.0001]) == [{"op": "sustain", "on": False}]
    assert m.translate("/hatbox/sustain", [1.0]) == [{"op": "sustain", "on": True}]
    assert m.translate("/hatbox/bypass", ["effect", 0.0001])[0]["on"] is False


def test_a_one_output_wekinator_project_moves_x_and_leaves_y() -> None:
    m = OscMap(knobs=KnobRanges(), wek_targets=["x"])
    m.translate("/hatbox/xy", [0.2, 0.2])
    assert m.translate("/wek/outputs", [0.9]) == [{"op": "xy", "x": 0.9, "y": 0.2}]


def test_the_volume_has_a_fader_across_its_range() -> None:
    from device.control import VOLUME_DB_RANGE
    m = OscMap(knobs=KnobRanges())
    assert m.translate("/hatbox/fader/volume", [0.0]) == [{"op": "volume", "db": VOLUME_DB_RANGE[0]}]
    assert m.translate("/hatbox/fader/volume", [1.0]) == [{"op": "volume", "db": VOLUME_DB_RANGE[1]}]


def test_a_knob_name_in_another_case_scales_and_is_remembered() -> None:
    m = _map(Knob("drive", 0.0, 10.0, 5.0))
    assert m.translate("/hatbox/fader/effect/Drive", [1.0])[0]["value"] == 10.0
    m.knobs.set_value("effect", "DRIVE", 2.0)
    assert m.knobs.values[("effect", "drive")] == 2.0 and m.knobs.fraction("effect", "Drive") == 0.2


def test_a_logarithmic_knob_is_swept_as_the_panels_dial() -> None:
    """Before: fader 0.5 on a 20..20000 Hz log knob gave 10010 Hz; the panel's dial at half travel is 632 Hz."""
    knob = Knob("cutoff", 20.0, 20000.0, 1000.0, "Hz", scale="log")
    m = _map(knob)
    half = m.translate("/hatbox/fader/effect/cutoff", [0.5])[0]["value"]
    assert abs(half - knob.denormalize(0.5)) < 1e-9 and 600 < half < 650
    assert abs(m.knobs.fraction("effect", "cutoff") - knob.normalize(1000.0)) < 1e-12



def test_a_fader_to_a_knob_no_pack_has_is_said_in_the_log(caplog) -> None:
    """It was dropped without a line, while /hatbox/knob to the same knob got the engine's refusal logged
    (thirty-fourth stop's QA)."""
    m = _map(Knob("drive", 0.0, 10.0, 5.0))
    with caplog.at_level(logging.WARNING):
        assert m.translate("/hatbox/fader/synth/cutoff", [0.5]) == []
        assert m.translate("/hatbox/fader/effect/tone", [0.5]) == []
    said = [r.getMessage() for r in caplog.records]
    assert any("/hatbox/fader/synth/cutoff" in s and "slot is empty" in s for s in said)
    assert any("no knob 'tone' in slot 'effect'" in s and "its knobs: drive" in s for s in said)
