"""The synth's 20 Hz low limit, review of the fifty-second stop (R2 F3, F4, F5): the cut was on/off per frame, so a
wheel resting where a note's fundamental is 20 Hz, jittering by one 14-bit step, switched the fundamental fully on
and off (a sub-bass flutter); the mask copied harmonic_mask; offline `hatbox play` cut the sub-20 Hz harmonics
without a word, and notes bent under 20 Hz were never named (on the box either)."""
from __future__ import annotations

from pathlib import Path

import mido
import numpy as np

from device.audio import harmonic as dsp
from device.audio.synth import LOW_HZ, SynthSource
from device.audio.synth_low import LOW_PITCH
from device.audio.synth_render import render_midi
from export.pack import Pack

RATE, BLOCK = 48000, 128


def _wheel_at_20_hz(pack: Pack, jitter: bool, note: int = 16, seconds: float = 0.6) -> np.ndarray:
    """``note`` held with the wheel where its fundamental is 20 Hz, +-1 LSB of a 14-bit wheel every 10 ms when
    ``jitter`` (the same random steps each run): the output [N]."""
    synth = SynthSource(pack, RATE)
    rest = (LOW_PITCH - note) / synth.bend_range
    synth.handle({"op": "note_on", "note": note, "velocity": 110})
    rng = np.random.default_rng(1)
    out = np.zeros(int(seconds * RATE) // 480 * 480, np.float32)
    for i in range(0, len(out), 480):                                      # 10 ms of blocks of 120 samples
        step = float(rng.integers(0, 2)) * 2 - 1 if jitter else 0.0
        synth.handle({"op": "bend", "value": rest + step * 0.5 / 8192})
        for j in range(i, i + 480, 120):
            synth.render(out[j:j + 120])
    return out


def test_a_wheel_jittering_at_20_hz_does_not_flutter_the_fundamental(synth_pack: Pack) -> None:
    """Before: the jittered render differed from the steady one by -23 dB of the note (its fundamental on and off
    each frame); now by -58 dB."""
    steady, jittered = _wheel_at_20_hz(synth_pack, False), _wheel_at_20_hz(synth_pack, True)
    assert float(np.max(np.abs(steady))) > 1e-3
    ratio = float(np.sum((jittered - steady) ** 2.0) / np.sum(steady.astype(np.float64) ** 2))
    assert ratio < 1e-5, 10 * np.log10(ratio)


def test_the_low_limit_fades_between_16_and_20_hz() -> None:
    m = dsp.harmonic_mask(np.array([18.0, 15.0, 20.0, 9.0]), 3, 50.0, low=LOW_HZ, fade=4.0)
    assert np.allclose(m, [[0.5, 1, 0], [0, 1, 1], [1, 1, 0], [0, 0.5, 1]]) and m.dtype == np.float32
    assert np.array_equal(dsp.harmonic_mask(np.array([19.9, 20.0]), 2, 50.0, low=LOW_HZ), [[0, 1], [1, 1]])
    assert np.array_equal(dsp.harmonic_mask(np.array([1000.0]), 6, 5500.0), [[1, 1, 1, 1, 1, 0]])


def test_the_mask_is_written_in_place_when_given_buffers() -> None:
    out, scratch = np.full((2, 4), 9.0, np.float32), np.zeros((2, 4), np.float64)
    got = dsp.harmonic_mask(np.array([17.0, 100.0]), 4, 350.0, LOW_HZ, 4.0, out, scratch)
    assert got is out and np.allclose(out, [[0.25, 1, 1, 1], [1, 1, 1, 0]])


def _midi(path: Path, notes: list[int], bend: int | None = None) -> str:
    """A MIDI file playing ``notes`` together for 0.2 s, the wheel set to ``bend`` (-8192..8191) at once."""
    mid, track = mido.MidiFile(ticks_per_beat=480), mido.MidiTrack()
    mid.tracks.append(track)
    track += [mido.Message("note_on", note=n, velocity=100, time=0) for n in notes]
    track += [mido.Message("pitchwheel", pitch=bend, time=0)] if bend is not None else []
    track += [mido.Message("note_off", note=n, velocity=0, time=192 if i == 0 else 0) for i, n in enumerate(notes)]
    mid.save(str(path))
    return str(path)


def test_play_names_the_notes_under_20_hz_and_those_bent_there(synth_pack: Pack, tmp_path: Path) -> None:
    said: list[str] = []
    render_midi(synth_pack, _midi(tmp_path / "low.mid", [3, 12, 40]), tail_s=0.0, warn=said.append)
    assert said == [f"{tmp_path / 'low.mid'}: notes 3, 12 lie under 20 Hz (from 9.7 Hz) on 'small': their harmonics "
                    "under 20 Hz are faded out (gone under 16 Hz); the lowest note that keeps its fundamental is 16"]
    said.clear()
    render_midi(synth_pack, _midi(tmp_path / "bent.mid", [17, 40], bend=-8192), tail_s=0.0, warn=said.append)
    assert said == [f"{tmp_path / 'bent.mid'}: note 17 is bent under 20 Hz on 'small': its harmonics under "
                    "20 Hz are faded out (gone under 16 Hz) while the bend lasts"], said


def test_the_box_names_a_note_bent_under_20_hz(synth_pack: Pack) -> None:
    synth = SynthSource(synth_pack, RATE)
    synth.handle({"op": "note_on", "note": 17, "velocity": 100})
    synth.handle({"op": "bend", "value": -0.4})                            # 17 - 0.8: 20.6 Hz, over the limit
    assert synth.warnings() == []
    synth.handle({"op": "bend", "value": -1.0})
    synth.handle({"op": "note_on", "note": 30, "velocity": 100})           # 30 - 2: far over it
    assert synth.warnings() == ["note 17 is bent under 20 Hz on 'small': its harmonics under 20 Hz are faded out "
                                "(gone under 16 Hz) while the bend lasts"]
    synth.handle({"op": "note_off", "note": 17})
    synth.handle({"op": "bend", "value": 0.0})
    synth.handle({"op": "note_on", "note": 16, "velocity": 100})
    synth.handle({"op": "bend", "value": -1.0})
    assert synth.warnings() == ["notes 16, 17 are bent under 20 Hz on 'small': their harmonics under 20 Hz are "
                                "faded out (gone under 16 Hz) while the bend lasts"]
