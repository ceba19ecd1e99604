"""SamplerSource (p20): a one-shot cut at max_seconds fades out over its last END_FADE_SECONDS instead of
stopping on a step (a click), made once at decode; its loop and files that were not cut play as before,
bit for bit; a panic costs the audio thread no allocation."""
from __future__ import annotations

import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from device.audio import sampler as sampler_mod
from device.audio.sampler import SamplerSource
from tests.tagger.conftest import SAMPLER_BLOCK, SAMPLER_RATE, render_sampler, write_wav

RATE, BLOCK = SAMPLER_RATE, SAMPLER_BLOCK


def sine(freq: float, seconds: float, rate: int = RATE, amp: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


@pytest.mark.parametrize("file_rate", [RATE, 44100])
def test_a_cut_one_shot_fades_out_at_the_cut(tmp_path: Path, file_rate: int) -> None:
    path = write_wav(tmp_path / "long.wav", sine(110.25, 1.5, file_rate), file_rate, "FLOAT")  # at a crest at 1 s
    src = SamplerSource(RATE, max_seconds=1.0)
    src.handle({"op": "sample", "path": str(path), "velocity": 127})
    y = render_sampler(src, int(1.2 * RATE))
    head = src.load(path)
    n = head.shape[0]
    assert n == RATE and not y[n:].any() and src.active_voices == 0
    assert abs(float(y[n - 1])) < 1e-3                                # it stopped on a 0.5 step
    f = int(round(sampler_mod.END_FADE_SECONDS * RATE))
    natural = 2 * np.pi * 110.25 / RATE * 0.5 * 1.01                   # the tone's own largest step
    assert np.abs(np.diff(y[n - 2 * f:])).max() <= natural            # no click at the end: the tone's own steps
    np.testing.assert_array_equal(y[:n - f], head[:n - f])            # untouched up to the fade
    assert np.all(np.abs(y[n - f:n]) <= np.abs(head[n - f:n]))
    assert abs(float(y[n - f] - head[n - f])) < 1e-4                  # the fade starts from the file's level
    got = src.cache[src._key(path)]
    np.testing.assert_array_equal(got.data[got.size - got.fade:], y[n - f:n])   # made once, at decode


def test_the_loop_of_a_cut_file_and_an_uncut_one_shot_play_as_before(tmp_path: Path) -> None:
    long = write_wav(tmp_path / "long.wav", sine(110.25, 1.5), RATE, "FLOAT")
    src = SamplerSource(RATE, max_seconds=1.0)
    src.handle({"op": "sample", "path": str(long), "velocity": 0, "note": 50, "loop": True})
    src.handle({"op": "note_on", "note": 50, "velocity": 127})
    y = render_sampler(src, int(2.5 * RATE))
    got = src.cache[src._key(long)]
    n, t = got.n, got.tail
    assert t == int(round(sampler_mod.LOOP_XFADE_SECONDS * RATE))
    seam = got.data[:n + t]                                           # no faded end in it
    np.testing.assert_array_equal(y[:n + t], seam)                    # the first pass: the file, then the seam
    np.testing.assert_array_equal(y[n + t:2 * n + t], seam[t:])       # then cycles of n from the wrap
    assert abs(float(y[n - 1])) > 0.45                                # the loop is not faded at the cut

    short = sine(110.25, 0.5)
    path = write_wav(tmp_path / "short.wav", short, RATE, "FLOAT")
    src.handle({"op": "panic"})
    render_sampler(src, 4 * BLOCK)
    src.handle({"op": "sample", "path": str(path), "velocity": 127})
    y = render_sampler(src, int(0.6 * RATE))
    shot = src.cache[src._key(path)]
    assert shot.n == short.shape[0] and shot.tail == 0                # no seam
    # it stops mid-cycle (its last sample 0.3): since the thirty-fourth stop its last 2 ms fade out, so it does not
    # click where it stops; up to there it plays bit-exact
    f = int(round(sampler_mod.END_CLICK_SECONDS * RATE))
    assert shot.fade == f and abs(float(short[-1])) > 0.2
    np.testing.assert_array_equal(y[:short.shape[0] - f], short[:-f])
    assert abs(float(y[short.shape[0] - 1])) < 0.01 and not y[short.shape[0]:].any()


def test_a_cut_one_shot_stolen_or_panicked_in_its_fade_still_ends_quietly(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "long.wav", sine(110.25, 1.5), RATE, "FLOAT")
    src = SamplerSource(RATE, max_seconds=0.2)
    src.handle({"op": "sample", "path": str(path), "velocity": 127})
    n = int(0.2 * RATE)
    y = [render_sampler(src, n - 240, block=1)]                       # 5 ms before the cut: in its fade
    src.handle({"op": "panic"})
    y.append(render_sampler(src, 960, block=1))
    y = np.concatenate(y)
    assert src.active_voices == 0 and not y[n:].any()
    assert np.abs(np.diff(y)).max() <= 2 * np.pi * 110.25 / RATE * 0.5 * 1.01


def test_panic_allocates_nothing_on_the_audio_thread(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "a.wav", sine(110.0, 1.0))
    src = SamplerSource(RATE, max_voices=32)
    for note in range(40, 72):
        src.handle({"op": "sample", "path": str(path), "velocity": 0, "note": note, "loop": note % 2 == 0})
    out = np.zeros(BLOCK, np.float32)

    def render_after(msg: dict | None) -> int:
        """Bytes allocated at peak by the render that picks up ``msg`` (every voice sounding)."""
        for note in range(40, 72):
            src.handle({"op": "note_on", "note": note, "velocity": 100})
        src.render(out)
        src.render(out)
        if msg is not None:
            src.handle(msg)
        tracemalloc.start()
        try:
            base = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            src.render(out)                                           # only render is measured
            peak = tracemalloc.get_traced_memory()[1] - base
        finally:
            tracemalloc.stop()
        render_sampler(src, 20 * BLOCK)
        return peak

    render_after({"op": "panic"})                                     # first-call costs
    plain = min(render_after(None) for _ in range(3))
    # the least of a few tries, as plain's: tracemalloc counts every thread (one another test left running
    # allocated 2000 bytes once in a full run); a rebuild on the audio path shows up in every try
    panic = min(render_after({"op": "panic"}) for _ in range(5))
    assert src.active_voices == 0
    assert panic <= plain + 256                                       # rebuilt voice arrays: ~6 kB more
