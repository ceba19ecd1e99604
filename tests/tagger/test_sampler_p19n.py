"""SamplerSource re-QA (p19n): a sample being decoded holds up no note (``sample`` travels on the engine
process's pack channel, the decode runs outside the sampler's lock), a loop cut at max_seconds wraps
without a click (its end crossfades into its start), a note can be unmapped, an 88-key multisample of
8 s notes fits the pinned cap, and a re-struck loop note restarts its loop instead of stacking voices.

The QA case: a note_on sent during a Library tap of a 20-minute file waited 0.25-0.78 s; a 90 s loop
stepped by 0.473 at its 60 s wrap; the 600 s cap refused note 75 of an 8 s-per-note multisample."""
from __future__ import annotations

import threading
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from device.audio import audiofile
from device.audio import sampler as sampler_mod
from device.audio.alsa_io import AudioConfig
from device.audio.server import EngineProcess, ServerConfig
from device.control import validate
from device.audio.sampler import SamplerSource
from hatbox.errors import AudioFileError, HatboxError
from tests.tagger.conftest import SAMPLER_BLOCK, SAMPLER_RATE, render_sampler, write_wav

RATE, BLOCK = SAMPLER_RATE, SAMPLER_BLOCK


def sine(freq: float, seconds: float, rate: int = RATE, level: float = 0.5) -> np.ndarray:
    return (level * np.sin(2 * np.pi * freq * np.arange(int(seconds * rate)) / rate)).astype(np.float32)


# ---------------------------------------------------------------------------------------------- 1. decode vs notes
def test_a_sample_decode_in_the_engine_process_holds_up_no_note(tmp_path: Path) -> None:
    # cut at 60 s, stereo FLAC, resampled: slow to decode (a 16-bit mono WAV took 0.06 s on a warm cache, and the
    # "it took a while" below failed: the decode was too quick for the test to mean anything)
    long = write_wav(tmp_path / "long.flac", np.stack([sine(111.0, 61.0, 44100)] * 2, 1), 44100, "PCM_24")
    kick = write_wav(tmp_path / "kick.wav", sine(55.0, 0.2))
    cfg = ServerConfig(audio=AudioConfig(rate=RATE, period=BLOCK), backend="file", pace=True, realtime=False,
                       output_wav=str(tmp_path / "out.wav"))
    engine = EngineProcess(cfg).start()
    try:
        engine.send({"op": "sample", "path": str(kick), "velocity": 0, "note": 36})
        done: list[float] = []
        tap = threading.Thread(target=lambda: (engine.send({"op": "sample", "path": str(long), "velocity": 100}),
                                               done.append(time.perf_counter())), daemon=True)
        t0 = time.perf_counter()
        tap.start()
        delays = []
        while tap.is_alive():
            t = time.perf_counter()
            engine.send({"op": "note_on", "note": 36, "velocity": 100})
            delays.append(time.perf_counter() - t)
            time.sleep(0.01)
        tap.join(30)
        took = done[0] - t0
        assert took > 0.05                                            # the decode took a while ...
        assert len(delays) >= 3 and max(delays) < took / 2            # ... and the notes went on meanwhile
        with pytest.raises(HatboxError, match="no audio file"):      # a bad file still says so to the sender
            engine.send({"op": "sample", "path": str(tmp_path / "gone.wav"), "velocity": 100})
    finally:
        engine.stop()


def test_a_note_never_waits_for_another_threads_decode_and_plays_its_old_mapping(tmp_path: Path,
                                                                                 monkeypatch) -> None:
    old, new = write_wav(tmp_path / "old.wav", sine(220.0, 0.5)), write_wav(tmp_path / "new.wav", sine(440.0, 0.5))
    src = SamplerSource(RATE)
    src.handle({"op": "sample", "path": str(old), "velocity": 0, "note": 40})
    started, release = threading.Event(), threading.Event()
    real = audiofile.read

    def slow(p, **kw):
        started.set()
        release.wait(10)
        return real(p, **kw)

    monkeypatch.setattr(audiofile, "read", slow)
    remap = threading.Thread(target=src.handle, daemon=True,
                             args=({"op": "sample", "path": str(new), "velocity": 0, "note": 40},))
    remap.start()
    assert started.wait(5)
    t = time.perf_counter()
    src.handle({"op": "note_on", "note": 40, "velocity": 127})        # while new.wav decodes
    assert time.perf_counter() - t < 0.5 and remap.is_alive()
    np.testing.assert_allclose(render_sampler(src, 4800), sine(220.0, 0.1), atol=1e-4)  # the old mapping played
    release.set()
    remap.join(10)
    src.handle({"op": "panic"})
    render_sampler(src, 4800)
    src.handle({"op": "note_on", "note": 40, "velocity": 127})
    np.testing.assert_allclose(render_sampler(src, 4800), sine(440.0, 0.1), atol=1e-4)  # then the new one


# ---------------------------------------------------------------------------------------------- 2. loop seam
@pytest.mark.parametrize("file_rate", [RATE, 44100])
def test_a_loop_cut_at_max_seconds_wraps_without_a_click(tmp_path: Path, file_rate: int) -> None:
    path = write_wav(tmp_path / "ambient.wav", sine(111.37, 1.5, file_rate), file_rate, "PCM_16")
    src = SamplerSource(RATE, max_seconds=1.0)
    src.handle({"op": "sample", "path": str(path), "velocity": 0, "note": 50, "loop": True})
    src.handle({"op": "note_on", "note": 50, "velocity": 127})
    y = render_sampler(src, int(3.6 * RATE))
    natural = 2 * np.pi * 111.37 / RATE * 0.5                         # the tone's own largest step
    assert np.abs(np.diff(y)).max() < 1.2 * natural                   # was 0.47 at every wrap
    n, tail = RATE, int(round(sampler_mod.LOOP_XFADE_SECONDS * RATE))
    assert src.load(path).shape[0] == n                               # a one-shot still plays the first 1 s
    start = n + tail                                                  # from the first wrap on: cycles of n
    np.testing.assert_allclose(y[start + n:], y[start:y.shape[0] - n], atol=1e-6)
    assert np.abs(y[n - tail:n + tail]).max() > 0.3                   # the seam is no dip to silence
    assert src.warnings() == [f"{tmp_path.name}/ambient.wav is 0:02 long: the sampler plays only its first 1 s",
                              f"{tmp_path.name}/ambient.wav loops every 1 s, not at its own end (0:02 long): it "
                              "wraps mid-phrase; trim it to under 1 s at a bar line"]


# ---------------------------------------------------------------------------------------------- 3. mapping limits
def test_a_note_can_be_unmapped_and_its_file_is_freed(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "kick.wav", sine(55.0, 0.2))
    src = SamplerSource(RATE)
    src.handle({"op": "sample", "path": str(path), "velocity": 0, "note": 36})
    unmap = validate({"op": "sample", "note": 36, "path": "", "velocity": 0})   # a valid control message
    src.handle(unmap)
    assert 36 not in src.note_map and src._pinned() == set()
    src.handle({"op": "note_on", "note": 36, "velocity": 127})
    render_sampler(src, BLOCK)
    assert src.active_voices == 0
    src.handle(unmap)                                                 # unmapping twice is no error
    with pytest.raises(AudioFileError, match="names no file"):
        src.handle({"op": "sample", "path": "", "velocity": 100})


def test_an_88_key_multisample_of_8_s_notes_fits_and_the_cap_is_said_in_seconds_and_mb(tmp_path: Path) -> None:
    rate = 8000                                                       # the cap is in seconds: a low rate is quick
    src = SamplerSource(rate)
    for note in range(21, 109):                                       # was refused from note 96 (the 76th) on
        path = write_wav(tmp_path / f"n{note}.wav", sine(27.5 * 2 ** ((note - 21) / 12), 8.0, rate), rate, "PCM_16")
        src.handle({"op": "sample", "path": str(path), "velocity": 0, "note": note})
    assert len(src.note_map) == 88 and len(src._pinned()) == 88
    assert src.cache_seconds == sampler_mod.CACHE_SECONDS == 1800
    small = SamplerSource(RATE, cache_seconds=1.5)
    small.map_note(60, write_wav(tmp_path / "a.wav", sine(220.0, 1.0)))
    with pytest.raises(HatboxError, match=r"the 1\.5 s \(0 MB\) it keeps decoded") as err:
        small.map_note(61, write_wav(tmp_path / "b.wav", sine(330.0, 1.0)))
    assert '"path": ""' in err.value.hint                             # says how to unmap


def test_a_re_struck_loop_note_restarts_its_loop_instead_of_stacking(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "pad.wav", sine(110.0, 1.0))
    src = SamplerSource(RATE)
    src.handle({"op": "sample", "path": str(path), "velocity": 0, "note": 50, "loop": True})
    src.handle({"op": "sustain", "on": True})
    ys = []
    for _ in range(4):                                                # strike, release, strike again ...
        src.handle({"op": "note_on", "note": 50, "velocity": 127})
        ys.append(render_sampler(src, 20 * BLOCK))
        src.handle({"op": "note_off", "note": 50})
        ys.append(render_sampler(src, 20 * BLOCK))
        assert src.active_voices == 1                                 # one voice per loop note (was 1, 2, 3, 4)
    src.handle({"op": "note_on", "note": 50, "velocity": 127})        # a double note-on while held
    src.handle({"op": "note_on", "note": 50, "velocity": 127})
    ys.append(render_sampler(src, 20 * BLOCK))
    assert src.active_voices == 1
    assert np.abs(np.diff(np.concatenate(ys))).max() < 0.05           # each restart fades the old voice (4 ms)
    src.handle({"op": "note_off", "note": 50})
    render_sampler(src, 20 * BLOCK)
    assert src.active_voices == 1                                     # the pedal holds it ...
    src.handle({"op": "sustain", "on": False})
    render_sampler(src, 20 * BLOCK)
    assert src.active_voices == 0                                     # ... until it lifts: the loop fades out
    shot = write_wav(tmp_path / "shot.wav", sine(110.0, 1.0))
    src.handle({"op": "sample", "path": str(shot), "velocity": 0, "note": 51})
    for _ in range(2):
        src.handle({"op": "note_on", "note": 51, "velocity": 127})
    render_sampler(src, BLOCK)
    assert src.active_voices == 2                                     # one-shots still stack


def test_render_allocates_nothing_with_cut_loops_wrapping_and_restarting(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "cut.wav", sine(110.0, 0.3))
    src = SamplerSource(RATE, max_voices=8, max_seconds=0.1)          # a 0.1 s loop wraps every 1.2 blocks
    src.handle({"op": "sample", "path": str(path), "velocity": 0, "note": 50, "loop": True})
    block = 4096
    out = np.zeros(block, np.float32)
    for note in (50, 50):
        src.handle({"op": "note_on", "note": note, "velocity": 127})
    src.render(out)                                                   # first-call costs
    tracemalloc.start()
    peak = 0
    try:
        for _ in range(20):                                           # restarts (a fade each), wraps at the seam
            src.handle({"op": "note_on", "note": 50, "velocity": 127})
            base = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            src.render(out)                                           # only render is measured
            peak = max(peak, tracemalloc.get_traced_memory()[1] - base)
    finally:
        tracemalloc.stop()
    assert peak < 4 * block and src.active_voices <= 2
