"""p60 lead: `hatbox device run --input` says what it does with a multi-channel input in render's words
(device.audio.channel_choice.words): since p60 F2 the box hears only the channels that hold the sound, and its note
still said "its 2 channels are mixed to mono" for a DI on one side of a stereo take."""
from __future__ import annotations

import numpy as np

from device.audio.effect import mono_mix
from device.audio.io_open import InputScan
from hatbox.box_start_checks import input_notes


def _notes(path, channels: int, mixed: list[int], loudest: int | None = None) -> list[str]:
    scan = InputScan(frames=10, channels=channels, peak=0.5, mixed=np.array(mixed), loudest=loudest)
    return [n for n in input_notes(str(path), scan) if "channel" in n]


def test_one_sided_input_names_the_channel_it_plays(tmp_path):
    assert _notes(tmp_path / "di.wav", 2, [1]) == [f"note: {tmp_path / 'di.wav'}: plays channel 2 alone (the other is "
                                                   "silent)"]


def test_cancelling_and_partial_inputs_are_said_as_render_says_them(tmp_path):
    assert "plays channel 1 alone" in _notes(tmp_path / "x.wav", 2, [0], loudest=0)[0]
    assert "plays the 2 of its 4 channels that hold sound" in _notes(tmp_path / "x.wav", 4, [0, 2])[0]
    assert _notes(tmp_path / "x.wav", 2, [0, 1]) == [f"note: {tmp_path / 'x.wav'}: its 2 channels are mixed to mono "
                                                     "(the box's input is mono)"]


def test_render_and_the_box_choose_and_word_alike():
    x = np.sin(np.linspace(0, 60, 4800)).astype(np.float32) * 0.3
    _, said = mono_mix(np.stack([np.zeros_like(x), x]))
    assert said == "rendered channel 2 alone (the other is silent)"
    _, said = mono_mix(np.stack([x, -x]))
    assert said.endswith("rendered channel 1 alone") or said.endswith("rendered channel 2 alone")
