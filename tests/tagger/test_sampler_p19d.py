"""SamplerSource QA fixes (p19d): loud polyphony stays under the slot guard, auditions replace each other,
integer-scale float files are refused, long files are cut (and said), mapped files stay decoded, out-of-phase
stereo is heard, stolen voices fade, short loops cost no Python pass per wrap, render allocates nothing."""
from __future__ import annotations

import math
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from device.audio import audiofile
from device.audio import sampler as sampler_mod
from device.audio.engine import Engine, EngineConfig
from device.audio.protect import ProtectConfig, db_to_lin
from device.audio.sampler import SamplerSource
from hatbox.errors import AudioFileError, HatboxError
from tests.tagger.conftest import SAMPLER_BLOCK, SAMPLER_RATE, render_sampler, write_wav

RATE, BLOCK = SAMPLER_RATE, SAMPLER_BLOCK
GUARD = db_to_lin(ProtectConfig().peak_max_db)


def kick(seconds: float = 1.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    return (0.9 * np.sin(2 * np.pi * 55 * t) * np.exp(-t * 6)).astype(np.float32)


def saw(freq: float, seconds: float = 1.0) -> np.ndarray:
    """A normalised (peak 1.0) saw-like tone."""
    t = np.arange(int(seconds * RATE)) / RATE
    x = sum(np.sin(2 * np.pi * freq * k * t) / k for k in range(1, 12))
    return (x / np.abs(x).max()).astype(np.float32)


def engine_with_sampler(src: SamplerSource) -> Engine:
    eng = Engine(EngineConfig(rate=RATE, block=BLOCK, live_input=False))
    eng.install("sampler", src, {"name": "sampler"})
    eng.process(None, np.zeros(BLOCK, np.float32))
    return eng


def run_source(eng: Engine, blocks: int) -> float:
    """Process ``blocks`` blocks; the largest peak of the sampler slot's own output."""
    out, peak = np.zeros(BLOCK, np.float32), 0.0
    for _ in range(blocks):
        eng.process(None, out)
        peak = max(peak, float(np.abs(eng._tmp[:BLOCK]).max()))
    return peak


# ---------------------------------------------------------------------------------------------- 1. polyphony
def test_five_kicks_at_once_do_not_trip_the_slot_guard(tmp_path: Path) -> None:
    path = write_wav(tmp_path / "kick.wav", kick())
    src = SamplerSource(RATE)
    eng = engine_with_sampler(src)
    for note in range(36, 41):
        eng.handle({"op": "sample", "path": str(path), "velocity": 127, "note": note})
    peak = run_source(eng, 200)
    st = eng.status()
    assert st["faults"] == [] and st["bypassed"]["sampler"] is False
    assert 1.0 < peak <= sampler_mod.CEILING + 1e-6 < GUARD           # loud, bounded, under the guard


def test_a_six_note_chord_of_normalised_loops_and_32_voices_stay_under_the_guard(tmp_path: Path) -> None:
    notes = (48, 55, 60, 64, 67, 72)
    src = SamplerSource(RATE)
    eng = engine_with_sampler(src)
    for n in notes:
        path = write_wav(tmp_path / f"pad{n}.wav", saw(440 * 2 ** ((n - 69) / 12)))
        eng.handle({"op": "sample", "path": str(path), "velocity": 0, "note": n, "loop": True})
    for n in notes:
        eng.handle({"op": "note_on", "note": n, "velocity": 127})
    peak = run_source(eng, 400)
    assert eng.status()["faults"] == [] and 1.0 < peak <= sampler_mod.CEILING + 1e-6
    for _ in range(40):                                               # every voice (and steals) at once
        for n in notes:
            eng.handle({"op": "note_on", "note": n, "velocity": 127})
    assert run_source(eng, 400) <= sampler_mod.CEILING + 1e-6
    st = eng.status()
    assert st["faults"] == [] and st["bypassed"]["sampler"] is False


class _Offset:
    """A source whose output sits at +0.5: a model drifting off zero."""

    def render(self, out: np.ndarray) -> None:
        out.fill(0.5)

    def reset(self) -> None:
        pass


def test_sub_bass_loops_are_no_dc_fault_while_a_drifting_source_still_is(tmp_path: Path) -> None:
    t = np.arange(RATE) / RATE
    path = write_wav(tmp_path / "sub20.wav", np.sin(2 * np.pi * 20 * t).astype(np.float32))
    src = SamplerSource(RATE)
    eng = engine_with_sampler(src)
    for note in (30, 31, 32, 33):                                     # one full-scale 20 Hz loop, then four
        eng.handle({"op": "sample", "path": str(path), "velocity": 127, "note": note, "loop": True})
        run_source(eng, 100)
    st = eng.status()
    assert st["faults"] == [] and st["bypassed"]["sampler"] is False
    eng.install("synth", _Offset(), {"name": "offset"})
    run_source(eng, 400)
    assert [(f["slot"], f["reason"]) for f in eng.status()["faults"]] == [("synth", "dc")]


def test_the_limiter_is_continuous_and_does_not_depend_on_the_block_size() -> None:
    x = np.concatenate([np.zeros(100), np.sin(np.arange(20000) * 2 * np.pi * 60 / RATE) * 5.0]).astype(np.float32)
    outs = []
    for block in (1, 64, 4096):
        lim, y = sampler_mod.Limiter(RATE), x.copy()
        for s in range(0, y.shape[0], block):
            lim.process(y[s:s + block])
        outs.append(y)
    for y in outs[1:]:
        np.testing.assert_allclose(y, outs[0], atol=1e-5)
    y = outs[0]
    assert np.abs(y).max() <= sampler_mod.CEILING + 1e-6
    assert np.abs(np.diff(y)).max() < 0.05                            # a 60 Hz tone's own step is ~0.016


# ---------------------------------------------------------------------------------------------- 1b. auditions
def test_auditions_of_one_file_replace_each_other_with_a_quick_fade(tmp_path: Path) -> None:
    drone = write_wav(tmp_path / "drone.wav", saw(55, 8.0))
    src = SamplerSource(RATE)
    eng = engine_with_sampler(src)
    out, ys = np.zeros(BLOCK, np.float32), []
    for _ in range(9):                                                # tap "play" every 0.2 s
        eng.handle({"op": "sample", "path": str(drone), "velocity": 100})
        for _ in range(int(0.2 * RATE) // BLOCK):
            eng.process(None, out)
            ys.append(eng._tmp[:BLOCK].copy())
        assert src.active_voices == 1                                # the older one has faded out
    st = eng.status()
    assert st["faults"] == [] and st["bypassed"]["sampler"] is False
    y = np.concatenate(ys)
    assert np.abs(np.diff(y)).max() < 0.2                             # no click where one replaces the other
    other = write_wav(tmp_path / "other.wav", saw(110, 8.0))
    eng.handle({"op": "sample", "path": str(other), "velocity": 100})   # another file replaces it too (34th stop)
    run_source(eng, 4)
    assert src.active_voices == 1


# ---------------------------------------------------------------------------------------------- 2. float scale
def test_a_float_file_of_integer_scale_values_is_refused_and_a_hot_one_plays(tmp_path: Path) -> None:
    tone = 0.5 * np.sin(2 * np.pi * 440 * np.arange(RATE) / RATE)
    bad = write_wav(tmp_path / "int_scaled.wav", (tone * 32767).astype(np.float32), subtype="FLOAT")
    src = SamplerSource(RATE)
    with pytest.raises(AudioFileError, match="far beyond full scale") as err:
        src.handle({"op": "sample", "path": str(bad), "velocity": 127})
    assert "32768" in str(err.value) and err.value.hint
    hot = write_wav(tmp_path / "hot.wav", (tone * 3).astype(np.float32), subtype="FLOAT")  # peak 1.5: valid
    assert src.load(hot).max() == pytest.approx(1.5, rel=1e-3)


# ---------------------------------------------------------------------------------------------- 3. long files
def test_only_the_head_of_a_long_file_is_decoded_and_the_cut_is_said(tmp_path: Path, monkeypatch) -> None:
    path = write_wav(tmp_path / "long.wav", np.full(5 * 44100, 0.25, np.float32), rate=44100)
    asked: list[int | None] = []
    real = audiofile.read

    def spy(p, **kw):
        asked.append(kw.get("max_frames"))
        return real(p, **kw)

    monkeypatch.setattr(audiofile, "read", spy)
    src = SamplerSource(RATE, max_seconds=1.5)
    eng = engine_with_sampler(src)
    assert eng.status()["active"]["sampler"] == {"name": "sampler"}
    eng.handle({"op": "sample", "path": str(path), "velocity": 100})
    assert asked == [math.ceil(1.5 * 44100) + math.ceil(sampler_mod.LOOP_XFADE_SECONDS * 44100)]   # + a loop's seam
    assert src.load(path).shape[0] == math.ceil(1.5 * 44100 * RATE / 44100)
    words = eng.status()["active"]["sampler"]["warnings"]
    assert words == [f"{tmp_path.name}/long.wav is 0:05 long: the sampler plays only its first 1.5 s"]
    short = write_wav(tmp_path / "short.wav", np.full(44100, 0.25, np.float32), rate=44100)
    src.load(short)
    assert src.warnings() == words                                    # a file that fits is not said


# ---------------------------------------------------------------------------------------------- 4. pinning
def test_mapped_files_stay_decoded_and_a_mapping_past_the_cap_is_refused(tmp_path: Path, monkeypatch) -> None:
    one_s = np.full(RATE, 0.1, np.float32)
    files = [write_wav(tmp_path / f"l{i}.wav", one_s) for i in range(8)]
    decodes: list[str] = []
    real = audiofile.read

    def spy(p, **kw):
        decodes.append(Path(p).name)
        return real(p, **kw)

    monkeypatch.setattr(audiofile, "read", spy)
    src = SamplerSource(RATE, cache_seconds=3.01)        # three 1 s files and their 2 ms faded ends (they end on 0.1)
    for i in range(3):
        src.handle({"op": "sample", "path": str(files[i]), "velocity": 0, "note": 48 + i, "loop": True})
    for i in range(3, 6):                                             # auditions: they may evict each other
        src.handle({"op": "sample", "path": str(files[i]), "velocity": 100})
    decodes.clear()
    for _ in range(3):
        for i in range(3):
            src.handle({"op": "note_on", "note": 48 + i, "velocity": 100})
    assert decodes == []                                              # no mapped note re-decodes
    with pytest.raises(HatboxError, match=f"cannot map note 51 to {tmp_path.name}/l6.wav"):
        src.handle({"op": "sample", "path": str(files[6]), "velocity": 0, "note": 51})
    assert 51 not in src.note_map
    src.handle({"op": "sample", "path": str(files[6]), "velocity": 0, "note": 50})    # a remap frees note 50's
    assert src.note_map[50][0] == str(files[6].resolve())


# ---------------------------------------------------------------------------------------------- 5. stereo
def test_out_of_phase_stereo_is_heard(tmp_path: Path) -> None:
    tone = (0.5 * np.sin(2 * np.pi * 440 * np.arange(RATE) / RATE)).astype(np.float32)
    path = write_wav(tmp_path / "inv.wav", np.stack([tone, -tone], 1), subtype="PCM_16")
    src = SamplerSource(RATE)
    src.handle({"op": "sample", "path": str(path), "velocity": 127})
    assert np.abs(render_sampler(src, 4800)).max() == pytest.approx(0.5, abs=1e-3)


# ---------------------------------------------------------------------------------------------- 6. stealing
def test_a_stolen_voice_fades_instead_of_clicking() -> None:
    s = SamplerSource(RATE, max_voices=4)
    s._start(np.full(RATE, 0.3, np.float32), 127, False, 40)         # the quietest one-shot, mid-waveform (a held
                                                                     # loop is stolen last since the fortieth stop,
    for note in (41, 43, 45):                                        # the quietest voice first since the 48th)
        s._start(np.full(RATE, 0.4, np.float32), 127, False, note)
    y0 = render_sampler(s, BLOCK)
    s._start(np.zeros(RATE, np.float32), 127, False, -1)             # steals it mid-waveform
    y = np.concatenate([y0, render_sampler(s, 4 * BLOCK)])
    assert y[BLOCK - 1] == pytest.approx(1.5) and np.abs(np.diff(y)).max() < 0.01
    assert y[-1] == pytest.approx(1.2) and s.active_voices == 4       # faded out, four voices left


# ---------------------------------------------------------------------------------------------- 7. short loops
@pytest.mark.parametrize("n", [1, 7, 300])
def test_a_very_short_loop_costs_no_python_pass_per_wrap(n: int) -> None:
    s = SamplerSource(RATE)
    data = (0.1 * np.sin(np.linspace(0, 2 * np.pi, n, endpoint=False)) + 0.05).astype(np.float32)
    for v in range(8):
        s._start(data, 127, True, 60 + v)
    calls = 0
    mix = s._mix

    def counted(*args):
        nonlocal calls
        calls += 1
        return mix(*args)

    s._mix = counted
    y = render_sampler(s, 100 * BLOCK)
    assert calls <= 100 * 8 * 2                                        # at most one wrap per voice per block
    np.testing.assert_allclose(y, 8 * np.resize(data, y.shape[0]), atol=1e-5)


# ---------------------------------------------------------------------------------------------- render
def test_render_allocates_no_numpy_buffers() -> None:
    s = SamplerSource(RATE, max_voices=8)
    data = saw(110, 0.5)
    block = 4096
    out = np.zeros(block, np.float32)
    for v in range(6):
        s._start(data, 127, v % 2 == 0, 60 + v)
    s.render(out)                                                     # first-call costs
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        for i in range(20):                                           # limiting, steals, fades, wraps
            s.render(out)
            s._start(data, 127, True, 70 + i)
            s.handle({"op": "note_off", "note": 60 + i})
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    assert peak < 4 * block                                          # less than one float32 block
