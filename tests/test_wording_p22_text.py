"""Knob settings and training progress as a musician reads them (hatbox/text.py): ``drive 6 dB, tone 3500 Hz``,
not a Python dict; a progress bar over seconds that reads "120 of 300 s", not tqdm's "1.00s/s"."""
from __future__ import annotations

import io

import numpy as np
import pytest
from tqdm import tqdm

from hatbox.progress import bar_format
from hatbox.text import knob_words, number_words


@pytest.mark.parametrize(("x", "text"), [(6.0, "6"), (0.5, "0.5"), (0.4567, "0.457"), (12.345, "12.3"),
                                         (3500.0, "3500"), (999.7, "1000"), (0.00001, "0.00001"), (-0.0, "0"),
                                         (-3.25, "-3.25"), (float("inf"), "inf")])
def test_numbers_read_with_three_digits_and_no_exponent(x: float, text: str) -> None:
    assert number_words(x) == text


def test_knob_settings_read_as_words_with_their_units() -> None:
    assert knob_words({"drive": 6.0, "tone": 3500.0}, {"drive": "dB", "tone": "Hz"}) == "drive 6 dB, tone 3500 Hz"
    assert knob_words({"drive": 0.5, "mix": 0.3}) == "drive 0.5, mix 0.3"
    assert knob_words({}) == "none"


def test_the_seconds_bar_shows_seconds_of_the_budget_and_no_rate() -> None:
    """The live bar's format since p44 (hatbox.progress: the words first, the bar after them on a wide terminal)."""
    out = io.StringIO()
    bar = tqdm(total=300, desc="train gru", bar_format=bar_format("seconds", wide=True), file=out, ascii=True,
               ncols=60)
    bar.update(120)
    bar.set_postfix(loss="0.0123")
    bar.close()
    last = out.getvalue().split("\r")[-1].strip()
    assert last == "train gru:  40% 120 of 300 s, loss=0.0123 |######4         |"


def test_a_render_names_its_knobs_in_words_with_units(tmp_path):
    """`hatbox render` printed the knobs as a Python dict ({'drive': 24.0, ...})."""
    import soundfile as sf

    from device.audio.effect import render_file
    from pathlib import Path

    src = tmp_path / "in.wav"
    sf.write(src, np.zeros(4800, np.float32), 48000, subtype="FLOAT")
    pack = Path(__file__).resolve().parents[1] / "factory" / "effect-drive.hatpack"
    first = render_file(pack, src, tmp_path / "out.wav", {"drive": 24.0})[0]
    assert "{" not in first and "knobs drive 24 dB, tone 3500 Hz)" in first
