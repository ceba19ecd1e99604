"""Guitar-like DI audio: random phrases written as MIDI (mido), rendered by fluidsynth from the
General MIDI guitar programs of Debian's ``fluid-soundfont-gm``.

The result is mono float32 at 48 kHz, peak-normalised, with phrase-level dynamics (velocity)
and gaps between phrases, which exercise compressors and denoisers.
"""
from __future__ import annotations

import mido
import numpy as np

from trainer.data.fluid import RATE, SOUNDFONT, render  # noqa: F401  (re-exported)

GUITAR_PROGRAMS = (24, 25, 26, 27, 28)   # nylon, steel, jazz, clean, muted (GM, 0-based)
SCALE = (0, 2, 3, 5, 7, 9, 10)           # E dorian steps, over E2..E5
TICKS = 480
CHORD_SHAPES = ((0, 7, 12, 16, 19, 24), (0, 7, 12, 15, 19, 24), (0, 5, 10, 15, 19), (0, 7, 10, 16))


def compose(seconds: float, seed: int) -> mido.MidiFile:
    """A MIDI file of about ``seconds`` of guitar phrases (lines, strums, mutes, bends, rests)."""
    rng = np.random.default_rng(seed)
    mid = mido.MidiFile(ticks_per_beat=TICKS)
    track = mido.MidiTrack()
    mid.tracks.append(track)
    track.append(mido.MetaMessage("set_tempo", tempo=mido.bpm2tempo(120), time=0))
    events: list[tuple[float, mido.Message]] = []
    now = 0.0
    while now < seconds:
        now = _phrase(events, now, rng)
        now += float(rng.uniform(0.1, 0.8))   # rest between phrases
    _append_timed(track, events, seconds)
    return mid


def guitar_take(seconds: float, seed: int, peak: float = 0.5) -> np.ndarray:
    """Compose and render ``seconds`` of guitar-like DI, peak-normalised to ``peak``: float32 [N]."""
    audio = render(compose(seconds, seed), seconds)
    top = float(np.max(np.abs(audio)))
    return (audio * (peak / top)).astype(np.float32) if top > 0 else audio


def _phrase(events: list, start: float, rng: np.random.Generator) -> float:
    program = int(rng.choice(GUITAR_PROGRAMS))
    events.append((start, mido.Message("program_change", program=program, channel=0)))
    velocity = int(rng.integers(25, 127))
    kind = rng.choice(["line", "strum", "line", "mute"])
    if kind == "strum":
        return _strums(events, start, velocity, rng)
    return _line(events, start, velocity, rng, staccato=kind == "mute")


def _line(events: list, t: float, velocity: int, rng: np.random.Generator, staccato: bool) -> float:
    step = float(rng.choice([0.125, 0.1667, 0.25, 0.375]))
    degree = int(rng.integers(0, 14))
    for _ in range(int(rng.integers(4, 16))):
        degree = int(np.clip(degree + rng.integers(-2, 3), 0, 20))
        note = 40 + 12 * (degree // 7) + SCALE[degree % 7]
        hold = step * (0.4 if staccato else float(rng.uniform(0.8, 2.5)))
        vel = int(np.clip(velocity + rng.integers(-15, 16), 1, 127))
        _note(events, t, hold, note, vel)
        if not staccato and rng.random() < 0.15:
            _bend(events, t, hold)
        t += step
    return t + step


def _strums(events: list, t: float, velocity: int, rng: np.random.Generator) -> float:
    for _ in range(int(rng.integers(2, 6))):
        root = int(rng.integers(40, 52))
        hold = float(rng.choice([0.25, 0.5, 1.0, 1.5]))
        down = rng.random() < 0.7
        shape = CHORD_SHAPES[int(rng.integers(len(CHORD_SHAPES)))]
        strings = shape if down else shape[::-1]
        for i, offset in enumerate(strings):
            _note(events, t + 0.012 * i, hold, root + offset, int(np.clip(velocity - 3 * i, 1, 127)))
        t += hold
    return t


def _note(events: list, t: float, hold: float, note: int, velocity: int) -> None:
    events.append((t, mido.Message("note_on", note=note, velocity=velocity, channel=0)))
    events.append((t + hold, mido.Message("note_off", note=note, velocity=0, channel=0)))


def _bend(events: list, t: float, hold: float) -> None:
    for i, amount in enumerate((0, 1024, 2048, 4096, 2048, 0)):
        events.append((t + hold * i / 6, mido.Message("pitchwheel", pitch=amount, channel=0)))


def _append_timed(track: mido.MidiTrack, events: list, seconds: float) -> None:
    """Events at absolute seconds -> delta ticks at 120 bpm (960 ticks per second)."""
    previous = 0
    for t, msg in sorted(events, key=lambda e: (e[0], e[1].type != "note_off")):
        tick = int(round(min(t, seconds + 2.0) * 2 * TICKS))
        track.append(msg.copy(time=tick - previous))
        previous = tick
