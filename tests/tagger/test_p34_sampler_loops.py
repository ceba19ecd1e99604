"""The sampler: loops from files at another rate wrap without a click and keep their pitch; one audition at a time;
a DAW's stop (all notes off) stops it; a one-shot trimmed mid-sound does not click where it stops.

Before (thirty-fourth stop's QA): a seamless 22.05 kHz loop stepped 0.39 at every wrap (its own largest step
0.0105: the resampler padded the file's edges with silence), a 1000-sample cycle at 44.1 kHz stepped 0.56 and played
0.9 cents flat; six Library taps on different files stacked to -15.4 dBFS, and all-notes-off left them playing."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from device.audio import sampler as sampler_mod
from device.audio.resample import resample_cycle
from device.audio.sampler import SamplerSource
from tests.tagger.conftest import SAMPLER_RATE, render_sampler, write_wav

RATE = SAMPLER_RATE


def cosine_cycle(rate: int, n: int, cycles: int = 3) -> np.ndarray:
    """``cycles`` periods of a cosine in exactly ``n`` samples at ``rate``: a loop with no seam of its own."""
    return (0.8 * np.cos(2 * np.pi * cycles * np.arange(n) / n)).astype(np.float32)


@pytest.mark.parametrize("rate, n", [(22050, 11025), (44100, 1000), (44100, 100), (96000, 4801)])
def test_a_loop_from_another_rate_wraps_without_a_step(tmp_path: Path, rate: int, n: int) -> None:
    x = cosine_cycle(rate, n)
    path = write_wav(tmp_path / "loop.wav", x, rate, "FLOAT")
    src = SamplerSource(RATE)
    src.handle({"op": "sample", "path": str(path), "velocity": 0, "note": 60, "loop": True})
    src.handle({"op": "note_on", "note": 60, "velocity": 127})
    y = render_sampler(src, 3 * RATE)[RATE // 10:]                       # past the first block's start
    own = 0.8 * 2 * np.pi * 3 / (n * RATE / rate)                        # the tone's own largest step
    assert np.abs(np.diff(y)).max() < 1.1 * own + 1e-3


@pytest.mark.parametrize("rate, n", [(44100, 1000), (44100, 100), (22050, 777)])
def test_a_short_loop_from_another_rate_keeps_its_pitch(rate: int, n: int) -> None:
    x = cosine_cycle(rate, n, cycles=1)
    cycle = resample_cycle(x, rate, RATE, 10 * rate)
    periods = cycle.shape[0] / (n * RATE / rate)                          # whole cycles of the tone in it
    assert periods == pytest.approx(round(periods), abs=1e-9)
    want = 0.8 * np.cos(2 * np.pi * round(periods) * np.arange(cycle.shape[0]) / cycle.shape[0])
    assert np.abs(cycle - want).max() < 1e-3


def test_a_new_audition_replaces_the_one_sounding_and_all_notes_off_stops_it(tmp_path: Path) -> None:
    tone = (0.5 * np.sin(2 * np.pi * 220 * np.arange(4 * RATE) / RATE)).astype(np.float32)
    files = [write_wav(tmp_path / f"{i}.wav", tone) for i in range(3)]
    src = SamplerSource(RATE)
    for f in files:                                                      # three different files, 0.1 s apart
        src.handle({"op": "sample", "path": str(f), "velocity": 127})
        render_sampler(src, RATE // 10)
    assert src.active_voices == 1
    src.handle({"op": "all_notes_off"})
    render_sampler(src, RATE // 10)
    assert src.active_voices == 0


def test_a_one_shot_trimmed_mid_sound_fades_out_and_one_that_ends_quietly_is_untouched(tmp_path: Path) -> None:
    t = np.arange(RATE // 2) / RATE
    trimmed = (0.9 * np.sin(2 * np.pi * 100 * t + 1.0)).astype(np.float32)     # ends at about 0.76
    quiet = (trimmed * np.linspace(1.0, 0.0, t.size)).astype(np.float32)        # ends at 0
    src = SamplerSource(RATE)
    for x, name in ((trimmed, "trimmed.wav"), (quiet, "quiet.wav")):
        src.handle({"op": "sample", "path": str(write_wav(tmp_path / name, x, RATE, "FLOAT")), "velocity": 127})
        y = render_sampler(src, RATE)
        n = x.shape[0]
        assert abs(float(y[n - 1])) < 0.02 and not y[n:].any()
        f = int(round(sampler_mod.END_CLICK_SECONDS * RATE)) if name == "trimmed.wav" else 0
        np.testing.assert_array_equal(y[:n - f], x[:n - f])


def test_the_closed_hat_cuts_the_open_hat_and_other_notes_stack(tmp_path: Path) -> None:
    ring = (0.5 * np.sin(2 * np.pi * 3000 * np.arange(2 * RATE) / RATE)).astype(np.float32)
    path = str(write_wav(tmp_path / "hat.wav", ring))
    src = SamplerSource(RATE)
    for note in (42, 46, 49, 51):
        src.handle({"op": "sample", "path": path, "velocity": 0, "note": note})
    src.handle({"op": "note_on", "note": 46, "velocity": 127})           # open hat rings ...
    src.handle({"op": "note_on", "note": 49, "velocity": 127})           # ... over a crash
    render_sampler(src, RATE // 4)
    src.handle({"op": "note_on", "note": 42, "velocity": 127})           # the hat closes
    render_sampler(src, RATE // 10)
    assert sorted(int(src.note[v]) for v in range(len(src.buf)) if src.buf[v] is not None) == [42, 49]
    src.handle({"op": "note_on", "note": 51, "velocity": 127})           # a ride does not choke the crash
    render_sampler(src, RATE // 10)
    assert src.active_voices == 3


def test_a_file_no_note_maps_any_more_leaves_the_cache(tmp_path: Path) -> None:
    tone = (0.5 * np.sin(2 * np.pi * 220 * np.arange(RATE) / RATE)).astype(np.float32)
    a, b = (str(write_wav(tmp_path / f"{n}.wav", tone)) for n in "ab")
    src = SamplerSource(RATE)
    for note, path in ((36, a), (37, a), (38, b)):
        src.handle({"op": "sample", "path": path, "velocity": 0, "note": note})
    src.handle({"op": "note_on", "note": 38, "velocity": 127})
    render_sampler(src, 1000)
    src.handle({"op": "sample", "path": "", "velocity": 0, "note": 36})    # a still plays on note 37: kept
    src.handle({"op": "sample", "path": "", "velocity": 0, "note": 38})    # b: on no note any more
    assert src._key(a) in src.cache and src._key(b) not in src.cache
    assert np.abs(render_sampler(src, 1000)).max() > 0.3                 # the voice of b sounds on
    src.handle({"op": "sample", "path": b, "velocity": 0, "note": 37})     # note 37 to b: a goes, b back
    assert src._key(a) not in src.cache and src._key(b) in src.cache


def test_a_loop_mapped_first_decodes_its_file_once(tmp_path: Path, monkeypatch) -> None:
    from device.audio import audiofile
    x = cosine_cycle(44100, 1000)
    path = str(write_wav(tmp_path / "loop.wav", x, 44100, "FLOAT"))
    reads: list[str] = []
    real = audiofile.read
    monkeypatch.setattr(audiofile, "read", lambda p, **kw: (reads.append(str(p)), real(p, **kw))[1])
    src = SamplerSource(RATE)
    src.handle({"op": "sample", "path": path, "velocity": 0, "note": 60, "loop": True})
    assert len(reads) == 1 and src.cache[src._key(path)].cycle is not None
