"""The low limit's words (final read of the fifty-second stop, FR3 #3): "their harmonics under 20 Hz are left out",
while the fade (full at 20 Hz, none at 16 Hz) keeps 86 % of note 15's fundamental (19.4 Hz): the box and play now
say "faded out (gone under 16 Hz)", as the mask does."""
from __future__ import annotations

import numpy as np

from device.audio.harmonic import LOW_FADE_HZ, LOW_HZ, harmonic_mask, midi_to_hz
from device.audio.synth import SynthSource
from device.audio.synth_low import bent_low_text, low_notes_text
from export.pack import Pack


def _fundamental_kept(note: int) -> float:
    """The fade's weight on ``note``'s fundamental, as the box's frames apply it."""
    f0 = np.array([float(midi_to_hz(note))])
    return float(harmonic_mask(f0, 4, 20000.0, low=LOW_HZ, fade=LOW_FADE_HZ)[0, 0])


def test_the_words_say_the_fade_the_mask_does(synth_pack: Pack) -> None:
    """Before: "its harmonics under 20 Hz are left out" for note 15, whose fundamental the mask keeps at 86 %."""
    assert 0.8 < _fundamental_kept(15) < 0.9 and _fundamental_kept(11) == 0.0   # 19.4 Hz kept in part, 15.4 Hz none
    synth = SynthSource(synth_pack, 48000)
    gone = f"{LOW_HZ - LOW_FADE_HZ:g} Hz"
    low = low_notes_text(synth, [15])
    assert low == (f"note 15 lies under 20 Hz (from 19.4 Hz) on 'small': its harmonics under 20 Hz are faded out "
                   f"(gone under {gone}); the lowest note that keeps its fundamental is 16"), low
    bent = bent_low_text(synth, [16, 17])
    assert "left out" not in bent and "lose" not in bent
    assert bent.endswith(f"their harmonics under 20 Hz are faded out (gone under {gone}) while the bend lasts"), bent
