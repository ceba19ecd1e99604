"""p57 QA_C 9b: the same kept drive was written "<0.1 dB" in one run and "0.0183 dB" in the next (a signed-only start
with its slot empty): the knob file kept no dial, so a knob read back from it and said before any pack of its own
loaded fell back to three significant digits.  The file keeps each knob's dial now; one rounding in both runs."""
from __future__ import annotations

from device.audio.held import SetKnob, value_words
from device.knob_store import kept_bytes, parse_kept


def test_a_kept_knob_reads_back_with_its_dial_and_the_dial_s_rounding() -> None:
    knob = SetKnob("drive", 0.0183, "dB", on="hatbox-drive", dial=(0.0, 24.0, "linear"))
    assert value_words(knob) == "<0.1"
    kept = {"effect": {"pack": "effect-hatbox-drive-0.1.0-d78d6ba5ae1f", "name": "hatbox-drive", "version": "0.1.0",
                       "knobs": [knob]}}
    back = parse_kept(kept_bytes(kept))["effect"]["knobs"][0]
    assert back.dial == (0.0, 24.0, "linear") and value_words(back) == "<0.1"


def test_a_file_without_dials_still_reads() -> None:
    raw = (b'{"version": 1, "slots": {"effect": {"pack": "p", "name": "n", "version": "1", "knobs": '
           b'[{"name": "drive", "value": 0.0183, "unit": "dB", "on": "n", "dial": "junk"}]}}}')
    back = parse_kept(raw)["effect"]["knobs"][0]
    assert back.dial is None and back.value == 0.0183
