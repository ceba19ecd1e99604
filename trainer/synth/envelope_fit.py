"""The synth pack's envelope, fitted from the training notes' loudness curves, in the terms the box's synth plays an
envelope (device.audio.synth_voices._voices_step, one step a frame):

- ``attack`` s: the level rises linearly in amplitude from 0 to 1 (0 dB);
- ``decay`` s, ``sustain`` (a linear level, 0..1): it then falls linearly in amplitude to ``sustain`` ...
- ``fall`` dB a second: ... and goes on falling this fast while the key is held (a piano's decay; 0: it holds there,
  an organ's sustain; a box from before the key ignores it and holds);
- ``release`` s: after the key is let go the level falls 60 dB in this long (exponentially).

The box's loudness input is the velocity map's level plus 20 log10 of that level, so the fit works on each note's
loudness curve in dB re its peak (frames of ``frame_s`` seconds: trainer.synth.features.loudness_db).  Each
instrument's curve is the median, frame by frame, of its notes' curves from the end of their attack to the end of
their hold (where a recorded release begins, or the note stops sounding, or the file ends: a short note counts for
the frames it has, and a frame too few notes reach is not fitted).  A release is measured where notes hold a release
tail (a fall much steeper than the hold's), else :data:`DEFAULT_ENVELOPE`'s is kept.  The pack has one envelope:
the median of the instruments' own fits, which are kept beside it.  Pure numpy (no torch).
"""
from __future__ import annotations

import math

from dataclasses import dataclass, field

import numpy as np

DEFAULT_ENVELOPE = {"attack": 0.01, "decay": 0.15, "sustain": 0.8, "release": 0.25}   # a pack's before 2026-12-06
FLOOR_DB = -60.0            # curves and fits are clipped here (the box ends a release at -60 dB: SILENT)
SMOOTH_FRAMES = 5           # curves are averaged (dB) over this many frames: a flute's tremolo is no peak or release
PEAK_DB = -2.0              # the attack ends where a note first comes within this of its held level ...
START_DB = -20.0            # ... and is timed from where it first comes within this of it; its hold begins where
#                             it first comes within PEAK_DB of its peak
WOBBLE_DB = 6.0             # the held level: the median over HOLD_REF_S from where a note first comes within this
HOLD_REF_S = 0.4            # of its peak (at most this far under it), so a late swing of a tremolo is no peak
TROUGH_DB = 5.0             # the attack ends at a swinging hold's troughs, this far under its level at most
MARGIN_DB = 1.0             # ... and this under its lowest trough (a trough as flat as a threshold is no end)
SOUNDING_DB = -50.0         # a note sounds while it is within this of its peak ...
OVER_FLOOR_DB = 10.0        # ... and this far over the lowest it falls after it (a recording's noise floor) ...
FLOOR_AT_MOST_DB = -30.0    # ... which counts as a floor when it is this far under the peak at least (a piano at
#                             the end of a 1.5 s file is some 25 dB down: its own decay, no floor)
SILENCE_DB = -90.0          # a note whose loudness never reaches this (dB re a full-scale sine) is silence
RELEASE_DB_S = 15.0         # a release tail falls at least this fast (dB a second: 60 dB in 4 s) ...
RELEASE_STEEPER = 3.0       # ... this many times as fast as the hold before it (the knee: relative, so an
#                             organ's release of some 37 dB a second after a flat hold is one, a steady decay none) ...
RELEASE_DROP_DB = 8.0       # ... by this much at least (its fitted line's fall; a tremolo swings less) ...
RELEASE_MIN_S = 0.04        # ... over this long at least ...
RELEASE_FRAMES = 3          # ... and this many frames (a file cut mid-note drops in one or two) ...
RELEASE_RESIDUAL = 0.2      # ... steadily: the tail's RMS distance from its line at most this share of its drop ...
RELEASE_BELOW_HOLD_DB = 10.0    # ... and down past the hold's lowest frame by this much: the key is up there (a
#                             tremolo's last downswing cut by the crop's end reaches its earlier troughs, no deeper)
RELEASE_SHARE = 1 / 3       # an instrument's release is measured when this share of its notes that count holds a
#                             tail (2 at least); a note counts when it has a tail or still sounds at the crop's end
#                             (one that fell silent before, a long-held piano's top note, says nothing of a release)
END_FRAMES = 3              # a note still sounds at the crop's end when it sounds this near its last frame
ATTACK_RANGE = (0.001, 2.0)         # seconds
RELEASE_RANGE = (0.02, 20.0)        # seconds
MAX_FALL = 60.0                     # dB a second (the pack check's limit for an envelope value)
HOLD_DB = 1.0                       # a curve that stays within this (or a fall that moves it less) holds
SUSTAIN_GRID_DB = np.arange(0.0, -40.5, -0.5)        # the decay's end levels tried, dB
DECAY_GRID_S = np.geomspace(0.01, 4.0, 48)           # the decay times tried, s


@dataclass
class NoteShape:
    """One note's curve in dB re its peak [F], the frame its hold begins (first within PEAK_DB of the peak), where
    its hold ends (exclusive), its attack in seconds and its release (seconds to fall 60 dB; None: no release tail
    recorded); ``to_end``: it still sounds at the crop's end (within END_FRAMES of its last frame)."""

    curve: np.ndarray
    peak_at: int
    hold_end: int
    attack: float
    release: float | None
    to_end: bool = True


@dataclass
class EnvelopeFit:
    """The pack's envelope (the box's keys and units) and how it was found."""

    envelope: dict[str, float]
    notes: int = 0                              # notes whose curves were fitted
    release_measured: bool = False              # False: the default release (no note holds a release tail)
    instruments: dict[str, dict[str, float]] = field(default_factory=dict)   # each instrument's own fit
    measured_in: list[str] = field(default_factory=list)    # the instruments whose release was measured ([]: all
    #                                                         those fitted, when release_measured: a pack before p52)
    tails: dict[str, list[int]] = field(default_factory=dict)   # each instrument's [notes with a tail, notes that
    #                                                             count] (:func:`counted_tails`)
    cut: dict[str, float] = field(default_factory=dict)     # instrument -> the --seconds its notes would need:
    #                                                         most still sound where the crop cut them
    #                                                         (:func:`cut_by_crop`)
    crop_s: float = 0.0                                     # the notes' length, --seconds (0: not known)

    def to_dict(self) -> dict:
        """What the pack's extras keep beside the envelope (``envelope_fit``) and the checkpoint holds."""
        return {"from": "notes" if self.notes else "default", "notes": self.notes,
                "release_from": release_source(self), "release_measured_in": self.measured_in,
                "instruments": self.instruments, "release_tails": self.tails, "words": envelope_words(self),
                **({"cut_by_crop": self.cut, "crop_s": self.crop_s} if self.cut else {})}


CUT_MARGIN_S = 0.25     # past a cut note's end (-40 dB), so a tail that falls on to -60 dB is fitted whole


def cut_by_crop(past: dict[str, list[float]], crop_s: float, most: float = 30.0) -> dict[str, float]:
    """{instrument: the --seconds that would hold its notes' ends} for each instrument of ``past`` (instrument ->
    each note's seconds sounding past the crop, trainer.synth.note.sounding_past) whose notes mostly still sound
    where the crop (``crop_s``) cut them: the median of their ends (at -40 dB) and :data:`CUT_MARGIN_S` for the fit
    to see the tail fall, rounded up to half a second, at most ``most``
    (a release tail can only be fitted inside the crop: p60 QA's keys went up at 1.6-2.0 s, --seconds 1.5 cut them,
    and the words blamed the notes)."""
    out: dict[str, float] = {}
    for name, own in past.items():
        cut = [p for p in own if p > 0]
        if own and len(cut) * 2 >= len(own):
            out[name] = min(most, math.ceil((crop_s + float(np.median(cut)) + CUT_MARGIN_S) * 2.0) / 2.0)
    return out


def _crossing(curve: np.ndarray, level: float, end: int) -> float:
    """The frame (fractional, linear between frames) where ``curve`` first reaches ``level`` within [0, end)."""
    idx = int(np.argmax(curve[:end] >= level))
    if idx == 0 or curve[idx] < level:
        return float(idx)
    lo, hi = curve[idx - 1], curve[idx]
    return idx - 1 + float((level - lo) / max(hi - lo, 1e-9))


def _line_sse(y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For each split k of ``y`` [n]: (SSE of a line fitted to y[:k], SSE of one fitted to y[k:], the second's
    slope per frame); index k, for k in 0..n (segments under 2 points: SSE 0, slope 0)."""
    n = len(y)
    x = np.arange(n, dtype=np.float64)
    sums = [np.concatenate([[0.0], np.cumsum(v)]) for v in (np.ones(n), x, y, x * x, x * y, y * y)]

    def sse(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        c, sx, sy, sxx, sxy, syy = (s[b] - s[a] for s in sums)
        cc = np.maximum(c, 1.0)
        vxx, vxy, vyy = sxx - sx * sx / cc, sxy - sx * sy / cc, syy - sy * sy / cc
        ok = vxx > 1e-12
        slope = np.where(ok, vxy / np.where(ok, vxx, 1.0), 0.0)
        return np.maximum(vyy - slope * vxy, 0.0), slope
    k = np.arange(n + 1)
    first, _ = sse(np.zeros_like(k), k)
    second, slope = sse(k, np.full_like(k, n))
    return first, second, slope


def find_release(curve: np.ndarray, start: int, end: int, frame_s: float) -> tuple[int, float] | None:
    """(frame the release begins, seconds it takes to fall 60 dB) when ``curve`` [F] (dB re peak) falls, between
    frame ``start`` and its last sounding frame ``end``, first as a hold does and then much faster: two lines
    fitted, at the split that fits best (the knee), the second steeper than the first by RELEASE_STEEPER and
    RELEASE_DB_S at least, falling steadily by RELEASE_DROP_DB over RELEASE_MIN_S at least, and down past the
    hold's lowest frame by RELEASE_BELOW_HOLD_DB (where the key is up: the file's note lengths are not known, so a
    fall that stays within what the hold swung is a tremolo's downswing at the crop's end, no release); None when it
    holds no such tail."""
    y = curve[start:end + 1].astype(np.float64)
    least = max(RELEASE_FRAMES, int(np.ceil(RELEASE_MIN_S / frame_s - 1e-9)))
    if len(y) < least + RELEASE_FRAMES:
        return None
    first, second, slope2 = _line_sse(y)
    ks = np.arange(RELEASE_FRAMES, len(y) - least + 1)
    k = int(ks[np.argmin(first[ks] + second[ks])])
    hold_slope = float(np.polyfit(np.arange(k), y[:k], 1)[0]) / frame_s if k >= 2 else 0.0
    tail_slope, tail = float(slope2[k]) / frame_s, len(y) - k
    drop = -tail_slope * (tail - 1) * frame_s
    steady = np.sqrt(float(second[k]) / tail) <= RELEASE_RESIDUAL * drop
    key_up = float(np.min(y[k:])) <= float(np.min(y[:k])) - RELEASE_BELOW_HOLD_DB
    if tail_slope > -RELEASE_DB_S or tail_slope > RELEASE_STEEPER * min(hold_slope, 0.0) \
            or drop < RELEASE_DROP_DB or not steady or not key_up:
        return None
    return start + k, float(np.clip(60.0 / -tail_slope, *RELEASE_RANGE))


def note_shape(loud: np.ndarray, frame_s: float) -> NoteShape | None:
    """A note's shape from its loudness curve ``loud`` [F] dB (None: it never sounds, e.g. a silent pad)."""
    if float(np.max(loud)) < SILENCE_DB:
        return None
    half = SMOOTH_FRAMES // 2
    level = np.convolve(np.pad(loud.astype(np.float64), half, mode="edge"), np.ones(SMOOTH_FRAMES) / SMOOTH_FRAMES,
                        mode="valid")
    curve = np.maximum(level - float(np.max(level)), FLOOR_DB)
    raw = np.maximum(loud.astype(np.float64) - float(np.max(level)), FLOOR_DB)   # a cut stays a cut: not smoothed
    peak_at = int(np.argmax(curve >= PEAK_DB))
    floor = float(np.min(raw[peak_at:]))
    sounding = np.flatnonzero(raw >= max(SOUNDING_DB, min(floor + OVER_FLOOR_DB, FLOOR_AT_MOST_DB)))
    if len(sounding) < 2:
        return None
    last = int(sounding[-1])
    release = find_release(raw, peak_at, last, frame_s)
    # no release: the hold lasts to the last sounding frame but one (its window reaches past a file's end)
    hold_end = release[0] if release else max(peak_at + 1, last - 1)
    attack = attack_seconds(curve, hold_end, frame_s)
    return NoteShape(curve, peak_at, hold_end, attack, release[1] if release else None,
                     last >= len(raw) - 1 - END_FRAMES)


def held_level(curve: np.ndarray, hold_end: int, frame_s: float) -> tuple[float, float]:
    """(dB re the peak: the level a note's attack rises to, dB: how far under it the attack ends).  The level is the
    median of ``curve`` [F] (dB re peak) over HOLD_REF_S from where it first comes within WOBBLE_DB of its peak (up
    to ``hold_end``), WOBBLE_DB under the peak at most (an organ's beating or a tremolo swings some 3 dB either side
    of it, its loudest swing comes late); the attack ends within -PEAK_DB of it, or MARGIN_DB under its lowest
    trough there where it swings deeper (TROUGH_DB under it at most)."""
    start = int(np.argmax(curve >= -WOBBLE_DB))
    window = curve[start:max(start + 1, min(hold_end, start + int(round(HOLD_REF_S / frame_s))))]
    level = max(float(np.median(window)), -WOBBLE_DB)
    return level, float(np.clip(level - np.min(window) + MARGIN_DB, -PEAK_DB, TROUGH_DB))


def attack_seconds(curve: np.ndarray, hold_end: int, frame_s: float) -> float:
    """A note's attack, s: the time from where ``curve`` [F] (dB re peak) first comes within -START_DB of its held
    level to where its attack ends (:func:`held_level`), as the box's linear ramp (0 to 1) crosses those levels."""
    level, under = held_level(curve, hold_end, frame_s)
    end = _crossing(curve, level - under, len(curve))
    begun = _crossing(curve, level + START_DB, int(end) + 1)
    ramp = 10 ** (-under / 20) - 10 ** (START_DB / 20)
    return float(np.clip((end - begun) * frame_s / ramp, *ATTACK_RANGE))


def median_hold(shapes: list[NoteShape], min_share: float = 1 / 3) -> np.ndarray:
    """[T] dB: frame by frame from each note's attack end, the median of the notes still in their hold there, up to
    the first frame fewer than ``min_share`` of them (and at least one) reach."""
    length = max(s.hold_end - s.peak_at for s in shapes)
    rows = np.full((len(shapes), length), np.nan)
    for i, s in enumerate(shapes):
        rows[i, :s.hold_end - s.peak_at] = s.curve[s.peak_at:s.hold_end]
    counts = np.sum(~np.isnan(rows), axis=0)
    need = max(1, int(np.ceil(min_share * len(shapes))))
    upto = int(np.argmax(counts < need)) if np.any(counts < need) else length
    return np.nanmedian(rows[:, :upto], axis=0) if upto else np.zeros(1)


def hold_db(t: np.ndarray, decay: float, sustain: float, fall: float) -> np.ndarray:
    """The box's envelope in dB, ``t`` [T] s after its attack ends (level 1): linear in amplitude down to
    ``sustain`` over ``decay`` s, then falling ``fall`` dB a second; clipped at :data:`FLOOR_DB`
    (device.audio.synth_voices._voices_step, per frame; a test checks they agree)."""
    amp = np.maximum(sustain, 1.0 - (1.0 - sustain) * t / max(decay, 1e-4))
    db = 20.0 * np.log10(np.maximum(amp, 1e-9)) - fall * np.maximum(t - decay, 0.0)
    return np.maximum(db, FLOOR_DB)


def fit_hold(curve: np.ndarray, frame_s: float) -> tuple[float, float, float]:
    """(decay s, sustain level, fall dB/s) whose :func:`hold_db` comes closest, in dB squared, to ``curve`` [T]
    (dB from the attack's end); the fall after the decay is the least-squares slope, clipped to 0..MAX_FALL.  A
    curve that stays within a dB holds: (the default decay, 1.0, 0.0); a fall that moves it less than a dB over
    the curve is none (an organ's 0.5 dB a second in 1 s is its wobble)."""
    y = np.maximum(curve.astype(np.float64) - float(curve[0]), FLOOR_DB)
    if len(y) < 3 or float(np.min(y)) > -HOLD_DB:
        return DEFAULT_ENVELOPE["decay"], 1.0, 0.0
    t = np.arange(len(y)) * frame_s
    best = (np.inf, DEFAULT_ENVELOPE["decay"], 1.0, 0.0)
    for s_db in SUSTAIN_GRID_DB:
        s = 10.0 ** (s_db / 20.0)
        for d in DECAY_GRID_S:
            after = t > d
            dt = t[after] - d
            fall = float(np.clip(-np.sum(dt * (y[after] - s_db)) / np.sum(dt * dt), 0.0, MAX_FALL)) if dt.size \
                else 0.0
            fall = fall if dt.size and fall * dt[-1] >= HOLD_DB else 0.0     # under a dB over the curve: it holds
            err = float(np.mean((hold_db(t, d, s, fall) - y) ** 2))
            if err < best[0] - 1e-9:
                best = (err, float(d), float(s), fall)
    return best[1], best[2], best[3]


def counted_tails(shapes: list[NoteShape]) -> list[int]:
    """[notes with a release tail, notes that count]: those with a tail and those that still sound at the crop's
    end without one (p52 final read: a piano held 4 s of 5 had tails on its 4 lower notes of 14, the upper 10 fell
    silent before the key-up, and the share over all 14 threw its 0.5 s release away)."""
    tails = sum(s.release is not None for s in shapes)
    return [tails, tails + sum(s.release is None and s.to_end for s in shapes)]


def fit_instrument(shapes: list[NoteShape], frame_s: float) -> dict[str, float]:
    """One instrument's envelope (the box's keys; ``release`` 0 when fewer than RELEASE_SHARE of its notes that
    count (:func:`counted_tails`), or fewer than 2 notes, hold a release tail: a tail on a few notes of many still
    sounding is no instrument's release)."""
    decay, sustain, fall = fit_hold(median_hold(shapes), frame_s)
    tails = [s.release for s in shapes if s.release is not None]
    enough = len(tails) >= max(min(2, len(shapes)), RELEASE_SHARE * counted_tails(shapes)[1] - 1e-9)
    return {"attack": float(np.median([s.attack for s in shapes])), "decay": decay, "sustain": sustain,
            "fall": fall, "release": float(np.median(tails)) if tails and enough else 0.0}


def fit_envelope(loud: np.ndarray, inst: np.ndarray, names: list[str], frame_s: float) -> EnvelopeFit:
    """The pack's envelope from the training notes' loudness curves ``loud`` [N, F] dB (frames of ``frame_s`` s)
    of instruments ``inst`` [N] (indices into ``names``): the median of the instruments' own fits; the release's
    median counts DEFAULT_ENVELOPE's for each instrument whose release was not measured (one instrument's tail is
    not every instrument's release), the default when none was.  No note that sounds: the default envelope."""
    per: dict[str, dict[str, float]] = {}
    tails: dict[str, list[int]] = {}
    used = 0
    for k, name in enumerate(names):
        shapes = [s for s in (note_shape(row, frame_s) for row in loud[inst == k]) if s is not None]
        if shapes:
            per[name] = _rounded(fit_instrument(shapes, frame_s))
            tails[name] = counted_tails(shapes)
            used += len(shapes)
    if not per:
        return EnvelopeFit(dict(DEFAULT_ENVELOPE))
    env = {key: float(np.median([e[key] for e in per.values()])) for key in ("attack", "decay", "sustain", "fall")}
    measured = [name for name, e in per.items() if e["release"] > 0]
    env["release"] = float(np.median([e["release"] if e["release"] > 0 else DEFAULT_ENVELOPE["release"]
                                      for e in per.values()]))
    return EnvelopeFit(_rounded(env), used, bool(measured), per, measured, tails)


def _rounded(env: dict[str, float]) -> dict[str, float]:
    """An envelope with its times to the millisecond, its level to 1/1000 and its fall to 0.1 dB a second."""
    return {k: round(float(v), 1 if k == "fall" else 3) for k, v in env.items()}


def envelope_words(fit: EnvelopeFit) -> str:
    """The envelope in words: "from your notes (27): attack 8 ms, falls to -3.0 dB over 0.20 s, then 9.5 dB a
    second while held; release 0.40 s (measured on the notes' release tails)"."""
    e = fit.envelope
    if not fit.notes:
        return "the default envelope (no note sounded long enough to fit one)"
    held = envelope_hold_words(e)
    return f"from your notes ({fit.notes}): attack {e['attack'] * 1000:.0f} ms, {held}; {release_words(fit)}"


def release_source(fit: EnvelopeFit) -> str:
    """Where the pack's release comes from: "notes" (every instrument's tails), "some" (the median of the measured
    ones and the default for the others) or "default" (no instrument's notes hold a release tail)."""
    if not fit.release_measured:
        return "default"
    unmeasured = [name for name in fit.instruments if name not in fit.measured_in]
    return "some" if fit.measured_in and unmeasured else "notes"


def release_words(fit: EnvelopeFit) -> str:
    """"release 0.25 s (the default: ...)", "release 0.40 s (from the notes' release tails)" or, when only some
    instruments' notes hold a tail, "release 0.25 s (the median of flute's measured 1.13 s and the default 0.25 s
    for organ, piano and strings, whose notes hold no release tail)"; where an instrument's notes hold tails, but
    too few: "release 0.25 s (the default: release tails on only 3 of 39 notes (not counting ...), too few)"."""
    said = f"release {fit.envelope['release']:.2f} s"
    source = release_source(fit)
    if source == "default":
        why = _no_tail_words(fit, list(fit.instruments)) or _cut_words(fit, list(fit.instruments), "the notes") or \
            "the notes hold no release tail"
        return f"{said} (the default: {why})"
    if source == "notes":
        return f"{said} (from the notes' release tails)"
    ones = _and_words([f"{name}'s measured {fit.instruments[name]['release']:.2f} s" for name in fit.measured_in])
    unmeasured = [name for name in fit.instruments if name not in fit.measured_in]
    return f"{said} (the median of {ones} and the default {DEFAULT_ENVELOPE['release']:.2f} s for " \
           f"{_unmeasured_words(fit, unmeasured)})"


def _unmeasured_words(fit: EnvelopeFit, names: list[str]) -> str:
    """Why instruments ``names`` (some, not all) play the default release: "organ and piano: release tails on only
    3 of 39 notes (...), too few" (:func:`_no_tail_words`); else "organ, whose notes hold no release tail and for
    piano, whose notes still sound where --seconds 1.5 cut them, ..." (:func:`_cut_words`: those in ``fit.cut``)."""
    why = _no_tail_words(fit, names)
    if why:
        return f"{_and_words(names)}: {why}"
    cut = [name for name in names if name in fit.cut]
    held = [name for name in names if name not in fit.cut]
    whose = [f"{_and_words(held)}, whose notes hold no release tail"] if held else []
    whose += [f"{_and_words(cut)}, {_cut_words(fit, cut, 'whose notes')}"] if cut else []
    return " and for ".join(whose)


def _cut_words(fit: EnvelopeFit, names: list[str], who: str) -> str:
    """Where ``names``' notes were cut by the crop before their release (``fit.cut``: all of them): "the notes still
    sound where --seconds 1.5 cut them, their tails after it: --seconds 3 would hear them"; "" otherwise."""
    if not names or not all(name in fit.cut for name in names) or not fit.crop_s:
        return ""
    need = max(fit.cut[name] for name in names)
    return f"{who} still sound where --seconds {fit.crop_s:g} cut them, their tails after it: " \
           f"--seconds {need:g} would hear them"


def _no_tail_words(fit: EnvelopeFit, names: list[str]) -> str:
    """Why instruments ``names`` have no measured release where some of their notes hold a tail
    (:func:`counted_tails`): "release tails on only 3 of 39 notes (not counting those that fell silent before the
    crop's end), too few"; "" where none does (the callers say so in their own words)."""
    tails = sum(fit.tails.get(name, [0, 0])[0] for name in names)
    if not tails:
        return ""
    counted = sum(fit.tails[name][1] for name in names if name in fit.tails)
    return f"release tails on only {tails} of {counted} notes (not counting those that fell silent before the " \
           "crop's end), too few"


def _and_words(items: list[str]) -> str:
    """"a", "a and b", "a, b and c"."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def envelope_hold_words(e: dict[str, float]) -> str:
    """What a held note does: "holds its level", "falls to -3.0 dB over 0.20 s, then holds there", "falls to
    -3.0 dB over 0.20 s, then 9.5 dB a second while held", "decays 9.5 dB a second while held"."""
    fall = float(e.get("fall", 0.0))
    level = 20.0 * np.log10(max(float(e["sustain"]), 1e-9))
    if level > -0.5:
        return f"decays {fall:.1f} dB a second while held" if fall >= 0.1 else "holds its level while held"
    first = f"falls to {level:.1f} dB over {e['decay']:.2f} s"
    return f"{first}, then {fall:.1f} dB a second while held" if fall >= 0.1 else f"{first}, then holds there"


def box_levels(envelope: dict[str, float], frames: int, hold: int, frame_s: float) -> np.ndarray:
    """[frames] the level (linear) the box's envelope gives a note struck at frame 0 and let go at frame ``hold``,
    frame by frame: the box's own step (device.audio.synth_voices._voices_step), one voice."""
    from device.audio.synth_voices import ATTACK, RELEASE, _voices_step
    stage, note = np.array([ATTACK], np.int8), np.array([60], np.int64)
    env, ending, pending = np.zeros(1), np.zeros(1, bool), np.zeros(1, bool)
    active, out = np.zeros(1, np.int64), np.zeros(frames)
    for j in range(frames):
        if j == hold and stage[0] != 0:
            stage[0] = RELEASE
        _voices_step(stage, note, env, ending, pending, active, frame_s, envelope["attack"], envelope["decay"],
                     envelope["sustain"], envelope["release"], float(envelope.get("fall", 0.0)))
        out[j] = 0.0 if ending[0] or stage[0] == 0 else env[0]
    return out
