"""Offline playing (hatbox play): a MIDI file -> control messages with sample times, and a
SynthSource driven through them the way the engine drives it.
"""
from __future__ import annotations

import contextlib
import math
from typing import TYPE_CHECKING, Any, Callable, Iterable

import numpy as np

from device.audio.synth_low import HeldNotes, bent_low_notes, low_notes
from device.midi import ALL_NOTES_OFF, ALL_SOUND_OFF, DRUM_CHANNEL, SUSTAIN_CC
from export.manifest import RATE_RANGE
from export.pack import Pack
from hatbox.errors import HatboxError
from hatbox.text import count_words

if TYPE_CHECKING:
    from device.audio.synth import SynthSource

XYPath = list[tuple[float, float, float]]     # (time s, x, y), sorted by time


MAX_TAIL_S = 60.0


def midi_events(path: str, rate: int) -> list[tuple[int, dict[str, Any]]]:
    """A MIDI file -> [(sample time, control message)] (all channels merged, the drums' channel 10 notes left out:
    on the box they play the sampler's kit, not the synth)."""
    return _read_midi(path, rate)[0]


def _read_midi(path: str, rate: int) -> tuple[list[tuple[int, dict[str, Any]]], int, int]:
    """(events, the file's end in samples: its last message, meta messages included, how many notes on channel 10
    were left out: see :func:`_control_of`).  Formats 0 and 1;
    metrical timing (ticks per beat, following tempo changes) or SMPTE timing (frames per second x
    ticks per frame, tempo changes ignored as the standard says)."""
    import os

    import mido
    if not os.path.isfile(path):
        raise HatboxError(f"cannot read MIDI file {path}: " + ("it is a folder" if os.path.isdir(path)
                                                               else "no such file"))
    try:
        mid = mido.MidiFile(path)
    except Exception as exc:  # noqa: BLE001 - mido raises several types for bad files
        raise _unreadable(path, exc) from None
    _check_midi_header(path, mid.type, mid.ticks_per_beat)
    try:
        events, t, drums = [], 0.0, 0
        for t, m in _timed_messages(mid):
            msg = _control_of(m)
            if msg is not None:
                events.append((int(round(t * rate)), msg))
            elif m.type == "note_on" and m.velocity > 0:
                drums += getattr(m, "channel", None) == DRUM_CHANNEL
    except Exception as exc:  # noqa: BLE001 - mido raises several types for bad files
        raise _unreadable(path, exc) from None
    return events, int(round(t * rate)), drums


def _unreadable(path: str, exc: Exception) -> HatboxError:
    """The error for a file mido could not read (``exc``), in words."""
    import os
    why = str(exc).strip()
    if not why:
        why = "empty file" if os.path.getsize(path) == 0 else f"truncated or malformed file ({type(exc).__name__})"
    return HatboxError(f"cannot read MIDI file {path}: {why}", hint="is it a standard MIDI file (.mid)?")


SMPTE_FPS = {24: 24.0, 25: 25.0, 29: 30000 / 1001, 30: 30.0}   # header byte -> frames per second (29: 29.97 drop)


def _check_midi_header(path: str, kind: int, division: int) -> None:
    """HatboxError for a MIDI file whose timing cannot be played: format 2 (independent patterns,
    no common timeline) or an SMPTE division with a frame rate the standard does not define.
    ``division`` is the header's 16 bits, as read signed or unsigned."""
    division &= 0xFFFF
    if kind == 2:
        raise HatboxError(f"cannot play MIDI file {path}: it is a format 2 file (independent patterns), "
                          "which is not supported", hint="save it as a format 0 or format 1 MIDI file")
    if division & 0x8000:
        fps, per_frame = 256 - (division >> 8), division & 0xFF
        if fps not in SMPTE_FPS or per_frame == 0:
            raise HatboxError(f"cannot play MIDI file {path}: its SMPTE timing ({fps} frames/s x {per_frame} "
                              "ticks/frame) is not valid (frame rates: 24, 25, 29.97, 30)",
                              hint="save it with ticks per beat (metrical timing)")
    elif division == 0:
        raise HatboxError(f"cannot play MIDI file {path}: its header gives 0 ticks per beat",
                          hint="is it a standard MIDI file (.mid)?")


def _timed_messages(mid: Any) -> Any:
    """Yield (seconds from the start, message) for every message of a format 0/1 ``mid``, in order."""
    import mido
    division = mid.ticks_per_beat & 0xFFFF      # mido reads the header's division as a signed short
    if not division & 0x8000:                  # metrical: mido follows the tempo map
        t = 0.0
        for m in mid:
            t += m.time
            yield t, m
        return
    seconds_per_tick = 1.0 / (SMPTE_FPS[256 - (division >> 8)] * (division & 0xFF))
    ticks = 0
    for m in mido.merge_tracks(mid.tracks):    # delta times in ticks; tempo does not apply
        ticks += m.time
        yield ticks * seconds_per_tick, m


def _control_of(m: Any) -> dict[str, Any] | None:
    """A mido message -> the control message the live path (device/midi.py) sends for it to the synth, or None.
    CC 123 (all notes off) releases every note; CC 120 (all sound off) is a panic.  Notes on channel 10
    (:data:`device.midi.DRUM_CHANNEL`, a drum track) are None: the box plays them on the sampler's kit alone."""
    if m.type in ("note_on", "note_off") and getattr(m, "channel", None) == DRUM_CHANNEL:
        return None
    if m.type == "note_on":
        return {"op": "note_on", "note": m.note, "velocity": m.velocity}
    if m.type == "note_off":
        return {"op": "note_off", "note": m.note}
    if m.type == "pitchwheel":
        return {"op": "bend", "value": m.pitch / 8192.0}
    if m.type == "control_change" and m.control == SUSTAIN_CC:
        return {"op": "sustain", "on": m.value >= 64}
    if m.type == "control_change" and m.control == ALL_NOTES_OFF:
        return {"op": "all_notes_off"}
    if m.type == "control_change" and m.control == ALL_SOUND_OFF:
        return {"op": "panic"}
    return None


def xy_events(path: XYPath, rate: int, end: int, step_s: float = 0.01) -> list[tuple[int, dict[str, Any]]]:
    """Pad positions interpolated along ``path`` every ``step_s`` seconds up to sample ``end``."""
    if len(path) == 1:
        return [(0, {"op": "xy", "x": path[0][1], "y": path[0][2]})]
    ts, xs, ys = (np.array(c, np.float64) for c in zip(*path))
    times = np.arange(0.0, end / rate, step_s)
    return [(int(round(t * rate)), {"op": "xy", "x": float(np.interp(t, ts, xs)), "y": float(np.interp(t, ts, ys))})
            for t in times]


def _check_render_options(rate: Any, block: Any, tail_s: Any) -> None:
    """HatboxError for an offline render option out of range (before any work)."""
    lo, hi = RATE_RANGE
    if isinstance(rate, bool) or not isinstance(rate, (int, np.integer)) or not lo <= rate <= hi:
        raise HatboxError(f"rate {rate!r} Hz is not supported: give {lo}..{hi}")
    if isinstance(block, bool) or not isinstance(block, (int, np.integer)) or block < 1:
        raise HatboxError(f"block must be a whole number of samples >= 1, got {block!r}")
    if isinstance(tail_s, bool) or not isinstance(tail_s, (int, float)) or not 0 <= tail_s <= MAX_TAIL_S:
        raise HatboxError(f"tail must be a number of seconds within 0..{MAX_TAIL_S:g}, got {tail_s!r}")


def render_events(source: SynthSource, events: list[tuple[int, dict[str, Any]]], total: int,
                  block: int = 128, progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """Drive ``source`` like the engine: blocks of ``block`` samples, each message delivered before the
    block that contains its time (blocks are split at message times).  Returns [total] float32.
    ``progress(done, total)`` (samples) is told every second of audio or so."""
    if isinstance(block, bool) or not isinstance(block, (int, np.integer)) or block < 1:
        raise HatboxError(f"block must be a whole number of samples >= 1, got {block!r}")
    out = np.zeros(max(0, int(total)), np.float32)
    total = len(out)
    events = sorted(events, key=lambda e: e[0])
    k, pos, told = 0, 0, 0
    while pos < total:
        while k < len(events) and events[k][0] <= pos:
            source.handle(events[k][1])
            k += 1
        stop = min(pos + block, total, events[k][0] if k < len(events) else total)
        source.render(out[pos:stop])
        pos = stop
        if progress is not None and pos - told >= source.rate:
            progress(pos, total)
            told = pos
    return out


def render_midi(pack: Pack, midi: str, *, rate: int = 48000, block: int = 128, corners: list[str] | None = None,
                xy: XYPath | None = None, tail_s: float = 1.0,
                warn: Callable[[str], None] | None = None, bar: Callable[[int, int], Any] | None = None) -> np.ndarray:
    """Play a MIDI file through a fresh SynthSource offline; returns mono [N] float32.

    At the end of the file every note is released (sustain pedal up too), then ``tail_s`` seconds
    follow; if the notes are still fading then, the render goes on until they are silent (at most
    the envelope's release time longer), so the file never ends in a click.  ``warn`` is told, once and
    before the render, of the file's notes above the pack's band limit (:func:`silent_notes`) or bent above it, and
    of those under 20 Hz or bent under it (device.audio.synth_low: their harmonics under 20 Hz are left out).
    ``bar(samples, rate)``:
    a context manager giving a ``progress(done, total)`` callback, or None (hatbox.text.audio_bar)."""
    _check_render_options(rate, block, tail_s)
    notes, end, drums = _read_midi(midi, rate)
    if not any(m["op"] == "note_on" and int(m["velocity"]) > 0 for _, m in notes):
        if drums:
            raise HatboxError(f"{midi} holds only drum notes ({drums} on channel 10): the box plays those on the "
                              "sampler's kit, not on a synth", hint="give a MIDI file with a part on another channel")
        raise HatboxError(f"{midi} holds no notes")
    if drums and warn is not None:
        warn(f"{count_words(drums, 'note')} on channel 10 (the drums') left out: the box plays them on the "
             "sampler's kit, not on the synth")
    from device.audio.synth import SynthSource     # here, not at the top: synth.py imports this module
    src = SynthSource(pack, rate)
    for said in (silent_notes(src, notes, midi), bent_silent_notes(src, notes, midi), low_notes(src, notes, midi),
                 bent_low_notes(src, notes, midi)):
        if said and warn is not None:
            warn(said)
    end = max(end, notes[-1][0])
    release = [(end, {"op": "sustain", "on": False}), (end, {"op": "all_notes_off"})]
    total = max(1, end + int(round(tail_s * rate)))
    events = ([(0, {"op": "corners", "names": list(corners)})] if corners else []) + notes + release
    events += xy_events(xy or [(0.0, 0.0, 0.0)], rate, total)
    with bar(total, rate) if bar is not None else contextlib.nullcontext() as progress:
        out = render_events(src, events, total, block, progress)
    for _, msg in sorted((e for e in events if e[0] >= total), key=lambda e: e[0]):
        src.handle(msg)                                  # the release, when tail_s is 0
    more, done, limit = [out], 0, int((float(src.env_cfg["release"]) + 0.1) * rate) + 2 * src.hop
    while src.active_voices and done < limit:            # still fading: go on until every voice is silent
        more.append(np.zeros(min(block, limit - done), np.float32))
        src.render(more[-1])
        done += len(more[-1])
    out = np.concatenate(more) if len(more) > 1 else out
    if src.active_voices:                                # cannot happen with the envelope's own release
        n = min(len(out), 2 * src.hop)
        out[-n:] *= np.linspace(1.0, 0.0, n, dtype=np.float32)
    return out


def silent_notes(source: SynthSource, events: list[tuple[int, dict[str, Any]]], midi: str) -> str:
    """A warning naming the notes of MIDI file ``midi`` (its ``events``) above ``source``'s band limit
    (:attr:`SynthSource.highest_note`, unbent): they play as silence (:func:`silent_notes_text`).  "" when
    every note is playable."""
    top = source.highest_note
    above = {int(m["note"]) for _, m in events
             if m["op"] == "note_on" and int(m["velocity"]) > 0 and int(m["note"]) > top}
    return silent_notes_text(source, above, where=midi)


def bent_silent_notes(source: SynthSource, events: list[tuple[int, dict[str, Any]]], midi: str) -> str:
    """A warning naming the notes of MIDI file ``midi`` under ``source``'s band limit that a pitch bend carries
    above it while they sound (held by key or pedal): they fall silent for as long as the bend lasts (thirty-third
    stop's QA: note 124 bent up 2 semitones faded out mid-bend without a word).  "" when none is."""
    top, span = source.highest_note, float(source.bend_range)
    limit = 69.0 + 12.0 * math.log2(source.cutoff / 440.0)     # the pitch whose fundamental is the band limit
    notes, bent = HeldNotes(), set()
    for _, m in events:
        if notes.take(m):
            bent |= {n for n in notes.held if n <= top and n + notes.bend * span >= limit}
    if not bent:
        return ""
    many = len(bent) > 1
    return (f"{midi}: note{'s' if many else ''} {note_runs(sorted(bent))} {'are' if many else 'is'} bent above the "
            f"band limit of '{source.pack_name}' ({source.cutoff / 1000:.1f} kHz at {source.rate} Hz) and fall"
            f"{'' if many else 's'} silent while the bend lasts")


def silent_notes_text(source: SynthSource, notes: Iterable[int], where: str = "") -> str:
    """The one wording of the warning that MIDI ``notes`` above ``source``'s band limit play as silence, for
    the offline player (:func:`silent_notes`, ``where`` = the MIDI file, said before the text) and the live
    synth (:meth:`SynthSource.warnings`): every note named, runs of three or more as "96-127" (at most 128
    notes, so the text stays short), e.g. "notes 126, 127 are above the band limit of 'synth-gm4' (11.5 kHz
    at 48000 Hz) and play as silence; the highest note it plays is 125".  "" when ``notes`` is empty."""
    above = sorted(set(int(n) for n in notes))
    if not above:
        return ""
    many = len(above) > 1
    top = source.highest_note
    playable = f"the highest note it plays is {top}" if top >= 0 else "it plays no note"
    return (f"{where + ': ' if where else ''}note{'s' if many else ''} {note_runs(above)} "
            f"{'are' if many else 'is'} above the band limit of '{source.pack_name}' ({source.cutoff / 1000:.1f} kHz "
            f"at {source.rate} Hz) and play{'' if many else 's'} as silence; {playable}")


def note_runs(notes: list[int]) -> str:
    """Sorted, distinct MIDI ``notes`` as text, runs of three or more as first-last: [60, 100, 101, 102, 127]
    -> "60, 100-102, 127"."""
    parts: list[str] = []
    start = 0
    for i in range(1, len(notes) + 1):
        if i == len(notes) or notes[i] != notes[i - 1] + 1:
            run = notes[start:i]
            parts += [f"{run[0]}-{run[-1]}"] if len(run) >= 3 else [str(n) for n in run]
            start = i
    return ", ".join(parts)
