"""SynthSource voices (MIDI QA): panic fades instead of cutting, all_notes_off releases like note-offs,
CC 123 / CC 120 in a MIDI file, same-pitch re-strikes, notes shorter than a frame, stolen voices fade."""
from __future__ import annotations

from pathlib import Path

import mido
import numpy as np

from device.audio.synth import SynthSource, midi_events, render_events, render_midi
from export.pack import Pack

RATE = 48000
HOP = 240                               # the test pack's 5 ms frame at 48 kHz
CHORD = (55, 60, 64)


def on(note: int, vel: int = 100) -> dict:
    return {"op": "note_on", "note": note, "velocity": vel}


def off(note: int) -> dict:
    return {"op": "note_off", "note": note}


def play(pack: Pack, events: list[tuple[int, dict]], total: int, **kw: int) -> tuple[np.ndarray, SynthSource]:
    src = SynthSource(pack, RATE, **kw)
    return render_events(src, events, total), src


def rms(y: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(y.astype(np.float64)))))


def test_panic_fades_the_voices_over_one_frame(synth_pack: Pack) -> None:
    t = 40 * HOP                                           # a frame boundary, voices in sustain
    ev = [(0, {"op": "sustain", "on": True})] + [(0, on(n)) for n in CHORD] + [(t, {"op": "panic"})]
    y, src = play(synth_pack, ev, t + 10 * HOP)
    before = rms(y[t - HOP:t])
    assert before > 1e-3
    assert rms(y[t:t + HOP // 8]) > 0.5 * before           # still sounding as the fade starts (no cut)
    steps = np.abs(np.diff(y.astype(np.float64)))
    assert steps[t - 1:t + HOP].max() <= 1.05 * steps[t - 4 * HOP:t - 1].max()
    assert np.all(y[t + HOP:] == 0.0)                       # silent one frame later
    assert src.active_voices == 0 and src.held_notes() == [] and src.sustain is False


def test_panic_clears_the_pedal(synth_pack: Pack) -> None:
    ev = [(0, {"op": "sustain", "on": True}), (0, on(60)), (HOP, {"op": "panic"}), (4 * HOP, on(62)),
          (8 * HOP, off(62))]
    y, src = play(synth_pack, ev, 8 * HOP + RATE)
    assert src.active_voices == 0                           # 62 released by its note-off: no pedal held it


def test_all_notes_off_releases_as_note_offs_do(synth_pack: Pack) -> None:
    t, total = 30 * HOP, 30 * HOP + RATE // 2
    notes = [(0, on(n)) for n in CHORD]
    ref, _ = play(synth_pack, notes + [(t, off(n)) for n in CHORD], total)
    got, src = play(synth_pack, notes + [(t, {"op": "all_notes_off"})], total)
    assert np.max(np.abs(ref[:t])) > 1e-3
    np.testing.assert_array_equal(got, ref)
    assert src.held_notes() == []


def test_all_notes_off_respects_the_sustain_pedal(synth_pack: Pack) -> None:
    ev = [(0, {"op": "sustain", "on": True})] + [(0, on(n)) for n in CHORD] + [(HOP, {"op": "all_notes_off"})]
    y, src = play(synth_pack, ev, RATE // 2)
    assert src.active_voices == len(CHORD) and rms(y[-HOP:]) > 1e-3      # the pedal holds them
    render_events(src, [(0, {"op": "sustain", "on": False})], RATE)
    assert src.active_voices == 0


def test_all_notes_off_after_a_restrike_releases_the_note(synth_pack: Pack) -> None:
    _, src = play(synth_pack, [(0, on(60)), (HOP, on(60)), (3 * HOP, {"op": "all_notes_off"})], RATE)
    assert src.active_voices == 0


def write_midi(path: Path, messages: list[mido.Message]) -> str:
    mid = mido.MidiFile(type=0, ticks_per_beat=480)           # 120 bpm: 480 ticks = 0.5 s
    mid.tracks.append(mido.MidiTrack(messages))
    mid.save(path)
    return str(path)


def test_midi_file_cc123_releases_and_cc120_fades(tmp_path: Path) -> None:
    path = write_midi(tmp_path / "cc.mid", [mido.Message("note_on", note=48, velocity=100),
                                            mido.Message("control_change", control=123, value=0, time=480),
                                            mido.Message("control_change", control=120, value=0, time=0)])
    ops = [m["op"] for _, m in midi_events(path, RATE)]
    assert ops == ["note_on", "all_notes_off", "panic"]


def test_played_midi_file_cc123_ends_the_note(synth_pack: Pack, tmp_path: Path) -> None:
    """A note, CC 123 at 0.5 s, another note 1.5 s later: the first note is released at 0.5 s."""
    release = synth_pack.manifest.extras["envelope"]["release"]
    path = write_midi(tmp_path / "cc123.mid", [mido.Message("note_on", note=48, velocity=100),
                                               mido.Message("control_change", control=123, value=0, time=480),
                                               mido.Message("note_on", note=72, velocity=100, time=1440),
                                               mido.Message("note_off", note=72, time=480)])
    y = render_midi(synth_pack, path, rate=RATE)
    assert rms(y[int(0.4 * RATE):int(0.5 * RATE)]) > 1e-3
    gap = y[int((0.52 + 1.5 * release) * RATE):int(1.95 * RATE)]
    assert np.max(np.abs(gap)) == 0.0


def test_a_restrike_in_a_midi_file_sounds_until_its_own_note_off(synth_pack: Pack, tmp_path: Path) -> None:
    """on 60 at 0, on 60 again at 0.5 s written before the first note's off (same tick), off at 1 s."""
    path = write_midi(tmp_path / "restrike.mid", [mido.Message("note_on", note=60, velocity=100),
                                                  mido.Message("note_on", note=60, velocity=100, time=480),
                                                  mido.Message("note_off", note=60, time=0),
                                                  mido.Message("note_off", note=60, time=480)])
    y = render_midi(synth_pack, path, rate=RATE)
    level = rms(y[int(0.3 * RATE):int(0.45 * RATE)])
    assert level > 1e-3
    assert rms(y[int(0.8 * RATE):int(0.95 * RATE)]) > 0.5 * level


def test_the_same_note_on_two_channels_sounds_until_both_are_off(synth_pack: Pack) -> None:
    y, src = play(synth_pack, [(0, on(60)), (20 * HOP, on(60)), (60 * HOP, off(60))], 100 * HOP)
    assert src.held_notes() == [60] and src.active_voices == 1     # one voice, struck twice
    assert rms(y[-10 * HOP:]) > 0.5 * rms(y[10 * HOP:20 * HOP])
    render_events(src, [(0, off(60))], RATE)
    assert src.held_notes() == [] and src.active_voices == 0


def test_a_note_shorter_than_a_frame_plays_one_frame_of_attack_then_releases(synth_pack: Pack) -> None:
    """On and off inside one frame sound exactly like a note whose off lands in the next frame."""
    total = RATE // 2
    short, _ = play(synth_pack, [(10, on(60, 127)), (58, off(60))], total)         # 1 ms, same frame
    zero, _ = play(synth_pack, [(0, on(60, 127)), (0, off(60))], total)            # zero length
    one_frame, src = play(synth_pack, [(0, on(60, 127)), (HOP, off(60))], total)
    later, _ = play(synth_pack, [(10, on(60, 127)), (HOP + 10, off(60))], total)   # on in frame 1, off in 2
    assert np.max(np.abs(one_frame)) > 1e-3
    np.testing.assert_allclose(zero, one_frame, atol=1e-7)
    np.testing.assert_allclose(short, later, atol=1e-7)       # (blocks split elsewhere: float rounding)
    assert src.active_voices == 0                                                # and they end


def test_a_midi_file_of_zero_length_notes_is_heard(synth_pack: Pack, tmp_path: Path) -> None:
    msgs = []
    for k in range(4):
        msgs += [mido.Message("note_on", note=60, velocity=120, time=0 if k == 0 else 240),
                 mido.Message("note_off", note=60, time=0)]
    y = render_midi(synth_pack, write_midi(tmp_path / "zero.mid", msgs), rate=RATE)
    assert np.max(np.abs(y)) > 1e-3


def test_a_stolen_voice_fades_out_over_a_frame(synth_pack: Pack) -> None:
    """One voice: a second note steals it.  Against the same notes with two voices (same slots, so
    the new note renders identically) the stolen voice leaves gradually, gone after a frame."""
    t = 40 * HOP
    ev = [(0, on(45, 120)), (t, on(76, 100))]
    stolen, src = play(synth_pack, ev, t + 6 * HOP, max_voices=1)
    both, _ = play(synth_pack, ev, t + 6 * HOP, max_voices=2)
    alone, _ = play(synth_pack, ev[:1], t + 6 * HOP)
    level = np.max(np.abs(alone[t - 2 * HOP:t]))
    assert level > 1e-3
    d = np.abs(stolen - both)
    assert np.all(d[:t] == 0.0)
    ramp = level * (np.arange(HOP) + 1) / HOP                          # the linear fade's room
    assert np.all(d[t:t + HOP] <= 1.1 * ramp + 1e-6)
    np.testing.assert_allclose(stolen[t + HOP:] - both[t + HOP:], -alone[t + HOP:], atol=1e-6)
    assert src.active_voices == 1 and src.held_notes() == [76]


def test_stealing_many_voices_in_one_frame_keeps_the_polyphony(synth_pack: Pack) -> None:
    ev = [(0, on(30 + i)) for i in range(16)] + [(20 * HOP, on(60 + i)) for i in range(24)]
    y, src = play(synth_pack, ev, 30 * HOP, max_voices=16)
    assert src.active_voices == 16 and src.held_notes() == list(range(68, 84))
    assert np.all(np.isfinite(y))
