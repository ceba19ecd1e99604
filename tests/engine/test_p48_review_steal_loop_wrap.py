"""A steal weighs a loop as it sounds (p48 review): the level of a voice (``SamplerSource._level``) read the samples
past its audio's end as silence, right for a one-shot about to end, wrong for a loop, which wraps: a held loop near
its wrap point read quieter than it sounds and was stolen before softer one-shots (about 1 in 8 steals with short
loops).  A loop's window now goes on from where it wraps to; a one-shot's is as it was."""
from __future__ import annotations

import numpy as np
import pytest

from device.audio.sampler import LEVEL_WINDOW, SamplerSource
from tests.tagger.conftest import SAMPLER_BLOCK, SAMPLER_RATE, render_sampler

RATE, BLOCK = SAMPLER_RATE, SAMPLER_BLOCK
CYCLE = 9600                                   # a 0.2-s loop (longer than a block: not tiled)


def voice_of(src: SamplerSource, note: int) -> int:
    return next(v for v in range(len(src.buf)) if src.buf[v] is not None and src.note[v] == note)


def sounding(src: SamplerSource) -> set[int]:
    return {int(src.note[v]) for v in range(len(src.buf)) if src.buf[v] is not None}


@pytest.mark.parametrize("before_wrap", [36 * BLOCK, 3 * BLOCK, BLOCK])
def test_a_pedal_held_loop_about_to_wrap_is_not_stolen_before_softer_one_shots(before_wrap: int) -> None:
    """Four voices: a loud loop (its key up, the sustain pedal holding it) and three one-shots 3 dB softer; a fifth
    note steals a one-shot wherever in its cycle the loop is (before: a loop 384 or 128 samples from its wrap read
    at 37 % or 13 % of its level and was the one stolen)."""
    src = SamplerSource(RATE, max_voices=4)
    src.handle({"op": "sustain", "on": True})
    src._start(np.full(CYCLE, 0.1, np.float32), 127, True, 60)
    for note in (61, 62, 63):
        src._start(np.full(2 * RATE, 0.07, np.float32), 127, False, note)
    render_sampler(src, BLOCK)
    src.handle({"op": "note_off", "note": 60})            # the pedal holds it: no longer a held key's loop
    render_sampler(src, CYCLE - before_wrap - BLOCK)
    assert int(src.pos[voice_of(src, 60)]) == CYCLE - before_wrap
    src._start(np.full(RATE, 0.05, np.float32), 127, False, 64)
    render_sampler(src, 4 * BLOCK)                        # the stolen voice's 4 ms fade is over
    assert 60 in sounding(src) and 64 in sounding(src) and len(sounding(src) & {61, 62, 63}) == 2


def test_a_loops_level_reads_on_from_where_it_wraps_to() -> None:
    """A loop that wraps to sample 4000 (a cut loop's start): weighed 128 samples before its end, its window is those
    128 and the 896 from sample 4000 on (0.1 there, 0.5 before it): the level of 0.1, not of 0.5 (wrapping to 0)
    nor 1/8 of it (silence past the end)."""
    data = np.concatenate([np.full(4000, 0.5), np.full(5600, 0.1)]).astype(np.float32)
    src = SamplerSource(RATE)
    src._start(data, 127, True, 60, loop_start=4000)
    render_sampler(src, CYCLE - BLOCK)
    assert src._level(voice_of(src, 60)) == pytest.approx(0.01, rel=1e-4)


def test_a_loop_cycle_shorter_than_the_window_is_weighed_over_what_was_read() -> None:
    """A loop whose cycle (from its loop start to its end) is 300 samples, shorter than the window: the mean square
    over its rest and one cycle, the level it sounds at (0.2 ** 2), not a window padded with silence."""
    data = np.concatenate([np.full(9300, 0.6), np.full(300, 0.2)]).astype(np.float32)
    src = SamplerSource(RATE)
    src._start(data, 127, True, 60, loop_start=9300)
    render_sampler(src, 9300 + 2 * BLOCK)                 # in the short cycle, wrapped a time or more
    v = voice_of(src, 60)
    assert 9300 <= int(src.pos[v]) < CYCLE
    assert src._level(v) == pytest.approx(0.04, rel=1e-4)


def test_a_one_shot_about_to_end_still_reads_quiet() -> None:
    """A one-shot 128 samples from its end: the samples past it count as silence (128 of the window's 1024), as
    before."""
    src = SamplerSource(RATE)
    src._start(np.full(CYCLE, 0.1, np.float32), 127, False, 60)
    render_sampler(src, CYCLE - BLOCK)
    assert src._level(voice_of(src, 60)) == pytest.approx(0.01 * BLOCK / LEVEL_WINDOW, rel=1e-4)
