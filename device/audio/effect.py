"""The box's effect processor: run an effect pack block by block on live (or offline) audio.

Contract of an effect pack (written by export/onnx_effect.py, ``extras["contract"] == "effect-v1"``):

- inputs ``audio_in`` [1, T] float32 (mono, any T >= 1), ``knobs`` [1, T, K] float32 in [0, 1]
  (absent when the pack has no knobs), plus explicit state inputs;
- outputs ``audio_out`` [1, T] plus the state outputs (manifest.state pairs them);
- causal, ``latency_samples == 0``, ``block_multiple == 1``.

Knobs arrive in the gear's units (``set_knob``), are checked against the manifest
(:class:`KnobError`), normalised, and smoothed per sample (device/audio/smoothing.py) before
the model sees them, so the output is the same for every block size even while knobs move.
Non-finite model output never leaves the processor: the block is muted, the state reset,
and ``faults`` counts it.

A network's zero state is not where it rests: from zeros, the factory drive answers silence with a
decaying -30 dBFS blip (about 5 ms, a click at the start of every render and after every reset).
So the processor lets the model come to rest on a short pre-roll of silence (:meth:`EffectProcessor.settle`,
at load and before each render) and its :meth:`~EffectProcessor.reset` returns there, not to zeros:
the output starts as if silence had gone in before it.
"""
from __future__ import annotations

import contextlib
import re
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from device.audio.effect_render import SlotRun, box_gain_limits, fault_line, no_gear_gain_line, play_in_slot
from device.audio.smoothing import DEFAULT_TIME_S, KnobSmoother
from device.audio.stream import StreamingModel
from device.knob_words import decimals, rounded
from export.manifest import Knob, Manifest
from export.pack import Pack, read_pack
from hatbox.errors import AudioFileError, HatboxError, KnobError, PackError
from hatbox.text import count_words, knob_words

CONTRACT = "effect-v1"
AUDIO_IN, KNOBS_IN, AUDIO_OUT = "audio_in", "knobs", "audio_out"
KnobValue = float | np.ndarray
SETTLE_STEP_S = 0.01      # silence per pre-roll step (s)
SETTLE_MAX_S = 0.5        # the longest pre-roll (s): a model that never comes to rest stops there
SETTLE_FLAT = 1e-5        # at rest: the output moved less than this (-100 dBFS) over one step


def check_effect_manifest(m: Manifest) -> None:
    """Refuse a pack that does not follow the effect contract (PackError, check "contract")."""
    def bad(why: str) -> PackError:
        return PackError(f"pack '{m.name}' is not a streaming effect: {why}", check="contract")
    if m.kind != "effect":
        other = {"synth": "play a synth pack with hatbox play PACK --midi SONG.mid --out OUT.wav",
                 "tagger": "a tagger pack tags a sample library: hatbox tag LIBRARY --pack PACK"}.get(m.kind)
        err = bad(f"its kind is '{m.kind}'")
        raise PackError(err.args[0], check="contract", hint=other) if other else err
    names = {t.name for t in m.inputs}
    if AUDIO_IN not in names or AUDIO_OUT not in {t.name for t in m.outputs}:
        raise bad(f"it needs inputs '{AUDIO_IN}' and outputs '{AUDIO_OUT}'")
    if m.knobs and KNOBS_IN not in names:
        raise bad(f"it declares knobs but has no '{KNOBS_IN}' input")
    _check_knob_input(m, bad)
    if m.latency_samples != 0 or m.block_multiple != 1 or m.channels_in != 1 or m.channels_out != 1:
        raise bad("effect packs must be mono, latency 0, block_multiple 1")


def _check_knob_input(m: Manifest, bad: Callable[[str], PackError]) -> None:
    """The model's ``knobs`` input [1, T, K] takes one value per knob the manifest declares: a pack whose manifest
    lost (or gained) a knob passed every check and then failed in the engine and in `hatbox render` as "a bug in
    hatbox" (thirty-third stop's QA)."""
    spec = next((t for t in m.inputs if t.name == KNOBS_IN), None)
    if spec is None:
        return
    if not m.knobs:
        raise bad(f"its model has a '{KNOBS_IN}' input but its manifest declares no knobs")
    k = spec.shape[-1] if spec.shape else None
    if len(spec.shape) != 3 or (isinstance(k, int) and k != len(m.knobs)):
        raise bad(f"its manifest declares {count_words(len(m.knobs), 'knob')} but its '{KNOBS_IN}' input has shape "
                  f"{list(spec.shape)}, not [1, 'T', {len(m.knobs)}]")


def normalize_track(knob: Knob, values: np.ndarray) -> np.ndarray:
    """Gear units [N] -> [0, 1] [N] (float64); KnobError naming the first bad value."""
    v = np.asarray(values, dtype=np.float64)
    bad = ~np.isfinite(v) | (v < knob.min) | (v > knob.max)
    if np.any(bad):
        knob.check(float(v[np.argmax(bad)]))
    if knob.scale == "log":
        return np.log(v / knob.min) / np.log(knob.max / knob.min)
    return (v - knob.min) / (knob.max - knob.min)


class EffectProcessor:
    """One effect pack, its state and its knobs.  ``process`` is the per-block verb."""

    def __init__(self, pack: Pack | str | Path, *, threads: int = 1,
                 smoothing_s: float = DEFAULT_TIME_S) -> None:
        self.pack = pack if isinstance(pack, Pack) else read_pack(pack)
        self.manifest = self.pack.manifest
        check_effect_manifest(self.manifest)
        self.model = StreamingModel(self.pack, threads=threads)
        self.knobs = list(self.manifest.knobs)
        defaults = [k.normalize(k.default) for k in self.knobs]
        self.smoother = KnobSmoother(np.array(defaults), self.manifest.sample_rate, smoothing_s)
        self.faults = 0
        self._reset_due = False    # a panic from another thread: reset at the start of the next process()
        self.settled_s = self.settle()

    @property
    def sample_rate(self) -> int:
        return self.manifest.sample_rate

    @property
    def knob_names(self) -> list[str]:
        return [k.name for k in self.knobs]

    def _index(self, name: str) -> int:
        return self.knobs.index(self.manifest.knob(name))   # KnobError for unknown names

    def set_knob(self, name: str, value: float) -> None:
        """Set a knob in the gear's units; it glides there over the smoothing time."""
        i = self._index(name)
        target = self.smoother.target.copy()
        target[i] = self.knobs[i].normalize(float(value))
        self.smoother.set_target(target)

    def set_knobs(self, values: Mapping[str, float]) -> None:
        for name, value in values.items():
            self.set_knob(name, value)

    def knob_values(self) -> dict[str, float]:
        """Current knob targets in the gear's units."""
        return {k.name: k.denormalize(float(t)) for k, t in zip(self.knobs, self.smoother.target)}

    def reset(self) -> None:
        """Back to the rest state of the last :meth:`settle` (cheap: the audio thread may call it).
        The knobs restart where that rest was found and glide to their targets over the smoothing
        time: a knob turned since then moves the resting model as turning it in silence would,
        where a jump (or zeroed state) would click."""
        self.model.reset()
        self.smoother.state[:] = self._rest_knobs

    def settle(self) -> float:
        """Let the model come to rest on silence at the current knob targets, in steps of
        ``SETTLE_STEP_S`` until one step's output is flat within ``SETTLE_FLAT`` (at most
        ``SETTLE_MAX_S``), and make that state (and these knobs) what :meth:`reset` returns to; knobs
        jump to their targets.  Returns the pre-roll used (s).  A few ms of compute: not for the audio
        thread."""
        self.smoother.jump()
        self._rest_knobs = self.smoother.target.copy()
        self.model.set_rest(None)
        self.model.reset()
        self.rest_dc = 0.0
        n = max(1, round(SETTLE_STEP_S * self.sample_rate))
        feeds = self._silence(n)
        steps = max(1, round(SETTLE_MAX_S / SETTLE_STEP_S))
        for step in range(1, steps + 1):
            try:
                y = self.model.run(feeds)[AUDIO_OUT]
            except Exception:  # noqa: BLE001 - a model that cannot run is the golden check's to report
                y = np.full(1, np.nan, np.float32)
            if not np.all(np.isfinite(y)):          # rests at zeros: process() catches and counts it
                self.model.reset()
                return 0.0
            if float(np.ptp(y)) < SETTLE_FLAT:
                break
        self.rest_dc = float(np.mean(y))                # what it puts out at rest: the slot's DC blocker starts there
        self.model.set_rest(self.model.snapshot())
        return step * n / self.sample_rate

    def _silence(self, n: int) -> dict[str, np.ndarray]:
        """Model feeds for ``n`` samples of silence at the knobs' targets: audio [1, n], knobs [1, n, K]."""
        feeds = {AUDIO_IN: np.zeros((1, n), np.float32)}
        if self.knobs:
            feeds[KNOBS_IN] = np.tile(self.smoother.target.astype(np.float32), (1, n, 1))
        return feeds

    def handle(self, msg: Mapping[str, object]) -> None:
        """Control messages for the effect slot: ``knob`` (name, value) and ``panic``.  Safe from any
        thread: a panic only marks the state for a :meth:`reset` at the start of the next :meth:`process`
        (resetting it here would race a block being processed).  The engine does not route panic here: it
        clears the effect itself on its audio thread, behind a fade (device/audio/engine.py ``Slot.clear``)."""
        if msg.get("op") == "knob":
            self.set_knob(str(msg["name"]), float(msg["value"]))  # type: ignore[arg-type]
        elif msg.get("op") == "panic":
            self._reset_due = True

    def process(self, block: np.ndarray, knob_targets: np.ndarray | None = None) -> np.ndarray:
        """Process mono audio ``block`` [n] -> [n] float32.

        ``knob_targets`` [n, K] (normalised, per sample) is optional automation; without it
        the knobs hold (or glide to) the targets set by :meth:`set_knob`.
        """
        x = np.asarray(block, dtype=np.float32).reshape(1, -1)
        n = x.shape[1]
        if n == 0:
            return np.zeros(0, np.float32)
        if self._reset_due:
            self._reset_due = False
            self.reset()
        feeds = {AUDIO_IN: x}
        if self.knobs:
            feeds[KNOBS_IN] = self.smoother.run(n, knob_targets)[None]
        y = self.model.run(feeds)[AUDIO_OUT].reshape(-1)
        if not np.all(np.isfinite(y)):
            self.faults += 1
            self.reset()
            return np.zeros(n, np.float32)
        return y

    def process_into(self, block: np.ndarray, out: np.ndarray) -> None:
        """Engine-style verb: process ``block`` [n] and write the result into ``out`` [n] in place."""
        out[:] = self.process(block)


def _mono(audio: np.ndarray) -> np.ndarray:
    """[N] or [C, N] -> [N] float32 by the rule training mixes recordings by (:func:`mono_mix`)."""
    return mono_mix(audio)[0]


def mono_mix(audio: np.ndarray) -> tuple[np.ndarray, str]:
    """Audio [N] or [C, N] -> (mono [N] float32, what was done with its channels: "" for one channel).  The rule
    training mixes a recording by (device.library.decode.held_mix), which `hatbox device run --input` plays by too
    (device.audio.channel_choice, p60): the mean of the channels that hold it (an empty one would halve the level, so
    the drive, a pack hears); the louder one alone when they cancel in a mix (a mean of x and -x is silence)."""
    from device.audio.channel_choice import heard, mono_of, sums_of, words
    a = np.asarray(audio, dtype=np.float32)
    if a.ndim == 1:
        return a, ""
    if a.ndim != 2:
        raise AudioFileError(f"audio must be [N] or [C, N], got shape {list(np.shape(audio))}")
    if a.shape[0] == 1 or not a.shape[1]:
        return a[0], ""
    chosen, loudest = heard(sums_of(a))
    return mono_of(a, chosen), words(a.shape[0], chosen, loudest, "rendered", "were mixed")


def knob_tracks(proc: EffectProcessor, knobs: Mapping[str, KnobValue] | None,
                n: int) -> np.ndarray | None:
    """Per-sample normalised targets [n, K] from {name: value or [n] values}, or None if constant."""
    targets = np.tile(proc.smoother.target, (n, 1))
    moving = False
    for name, value in (knobs or {}).items():
        i = proc._index(name)
        arr = np.asarray(value, dtype=np.float64)
        if arr.ndim == 0:
            targets[:, i] = proc.knobs[i].normalize(float(arr))
            continue
        if arr.shape != (n,):
            raise KnobError(f"automation for knob '{name}' has {arr.size} values for {n} samples")
        targets[:, i] = normalize_track(proc.knobs[i], arr)
        moving = True
    return targets if moving else None


def render(pack: Pack | str | Path | EffectProcessor, audio: np.ndarray,
           knobs: Mapping[str, KnobValue] | None = None, block: int = 128,
           rate: int | None = None, progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    """Render ``audio`` ([N] or [C, N], mixed to mono) through an effect pack -> [N] float32 (the model's output:
    no slot guard, no DC blocker, no limiter; :func:`render_file` adds what the box does).

    ``knobs`` maps knob names to a value in the gear's units, or to an array [N] of values
    (automation, smoothed per sample).  Unset knobs sit at their defaults.  ``rate`` (Hz), if
    given, must equal the pack's sample rate.  The output does not depend on ``block``.  The model
    starts at rest (:meth:`EffectProcessor.settle` at the first knob values), as if silence preceded.
    ``progress(done, total)`` (samples) is told every second of audio or so.
    """
    proc = pack if isinstance(pack, EffectProcessor) else EffectProcessor(pack)
    _check_rate_and_block(proc, rate, block)
    x = _mono(audio)
    tracks = start_at(proc, knobs, x.shape[0])
    return _run_blocks(proc, x, tracks, int(block), progress)


def _check_rate_and_block(proc: EffectProcessor, rate: int | None, block: int, most: int | None = None) -> None:
    """AudioFileError unless ``rate`` (Hz; None: not known) is the pack's and ``block`` is 1 .. ``most`` samples."""
    if rate is not None and int(rate) != proc.sample_rate:
        raise AudioFileError(f"the audio is {rate} Hz but pack '{proc.manifest.name}' runs at "
                             f"{proc.sample_rate} Hz", hint=f"resample it to {proc.sample_rate} Hz first")
    if int(block) < 1 or (most is not None and int(block) > most):
        raise AudioFileError(f"block size must be 1 .. {most} samples (the box's largest block), got {block}"
                             if most is not None else f"block size must be >= 1, got {block}")


def start_at(proc: EffectProcessor, knobs: Mapping[str, KnobValue] | None, n: int) -> np.ndarray | None:
    """Set ``proc``'s knobs for a render of ``n`` samples (:func:`knob_tracks`) and let it come to rest there (knobs
    jump to their first values; no click: the model starts from rest, not zeros).  Returns the automation [n, K]
    (normalised), or None for knobs that hold."""
    tracks = knob_tracks(proc, knobs, n)
    if tracks is None:
        proc.set_knobs({k: float(v) for k, v in (knobs or {}).items()})
    else:
        proc.smoother.set_target(tracks[0])
    proc.settle()
    return tracks


def _run_blocks(proc: EffectProcessor, x: np.ndarray, tracks: np.ndarray | None,
                block: int, progress: Callable[[int, int], None] | None = None) -> np.ndarray:
    out = np.empty_like(x)
    every = max(1, proc.sample_rate // block)              # blocks between progress reports: about a second
    for k, start in enumerate(range(0, x.shape[0], block)):
        stop = min(start + block, x.shape[0])
        seg = None if tracks is None else tracks[start:stop]
        out[start:stop] = proc.process(x[start:stop], seg)
        if progress is not None and k % every == every - 1:
            progress(stop, x.shape[0])
    return out


LEADING_NUMBER = re.compile(r"\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(.*?)\s*")


def unit_scale(given: str, unit: str) -> float | None:
    """What a number written in ``given`` units is multiplied by to be in the knob's ``unit``: 1 for the unit itself
    (case ignored: "db" for "dB"), 1000 for it with a kilo prefix ("kHz", "khz" or a bare "k" for "Hz"), 0.001
    with a milli one ("ms" for "s"), and the other way round ("s" for "ms": 1000); None for anything else."""
    g, u = given.strip(), unit.strip()
    if g.casefold() == u.casefold():
        return 1.0
    if g[:1] in ("k", "K") and (g[1:].casefold() == u.casefold() or (g[1:] == "" and u.casefold() == "hz")):
        return 1000.0
    if g[:1] == "m" and g[1:].casefold() == u.casefold():
        return 0.001
    if u[:1] == "m" and u[1:].casefold() == g.casefold():       # seconds for a knob in ms
        return 1000.0
    if u[:1] in ("k", "K") and u[1:].casefold() == g.casefold():  # Hz for a knob in kHz
        return 0.001
    return None


PREFIXES = {"k": 1e3, "K": 1e3, "M": 1e6, "G": 1e9, "m": 1e-3, "u": 1e-6, "\u00b5": 1e-6, "\u03bc": 1e-6}
_DECIMAL_COMMA = re.compile(r"\s*([+-]?\d*),(\d+)\s*(.*?)\s*")


def prefixed_scale(given: str, unit: str) -> float | None:
    """What a number in ``given`` units is multiplied by to be in ``unit`` when the two are one unit with SI prefixes
    (``PREFIXES``: "MHz" for "Hz" 1e6, "us" for "ms" 0.001); None when they are not.  Only for suggesting the number:
    :func:`unit_scale` says which units a value may be written in."""
    def split(text: str) -> list[tuple[float, str]]:
        bare = [(1.0, text)]
        return bare + [(PREFIXES[text[0]], text[1:])] if len(text) > 1 and text[0] in PREFIXES else bare
    for gs, gb in split(given.strip()):
        for us, ub in split(unit.strip()):
            if gb and gb.casefold() == ub.casefold():
                return gs / us
    return None


def _plain(value: float) -> str:
    """``value`` as a person types it: no exponent, no float dust (3e6 -> "3000000", 1.5e-3 -> "0.0015")."""
    return np.format_float_positional(float(f"{value:.12g}"), trim="-")


def knob_number(knob: Knob, text: str, example: Callable[[str], str] | None = None) -> float:
    """A knob value as a person writes it -> the number, in the gear's units: "7", or "7dB" / "7 db" with the
    knob's own unit after it (ignoring case: "%", "Hz", "ms", ...).  KnobError for anything else, suggesting what to
    type where that is known: the number converted for a unit with another prefix ("3MHz" for a knob in Hz:
    3000000), the number with a point for a decimal comma ("1,5"), the number only for another unit ("7dB" for a knob
    in %); no number when the text has none that can be trusted ("3..5").  ``example``: what to type for a value,
    in the command's own form (default `hatbox render --knob`'s ``drive=5``; `hatbox box-knob effect.drive 5`)."""
    try:
        return float(text)
    except ValueError:
        pass
    say = example or (lambda value: f"{knob.name}={value}")
    its = f"its unit is {knob.unit}" if knob.unit else "it has no unit"
    said = f"knob '{knob.name}': {text!r} is not a number ({its})"
    comma = _DECIMAL_COMMA.fullmatch(text)
    if comma:
        whole, part, unit = comma.groups()
        dot = f"{whole if whole.lstrip('+-') else whole + '0'}.{part}"
        if unit and (not knob.unit or unit_scale(unit, knob.unit) is None):
            raise KnobError(f"{said}; write the decimal with a point, e.g. {say(dot)}")
        same = f" (or {say(whole + part + unit)}, if the comma separates thousands)" if len(part) == 3 else ""
        raise KnobError(f"{said}; write the decimal with a point: {say(dot + unit)}{same}")
    m = LEADING_NUMBER.fullmatch(text)
    if m is None:
        raise KnobError(f"knob '{knob.name}': {text!r} is not a number")
    number, unit = m.groups()
    scale = unit_scale(unit, knob.unit) if knob.unit else None
    if scale is not None:
        return float(number) * scale
    scale = prefixed_scale(unit, knob.unit) if knob.unit else None
    if scale is not None:
        raise KnobError(f"{said}; give the number in {knob.unit}: {say(_plain(float(number) * scale))}")
    if not (unit[:1].isalpha() or unit[:1] in "%\u00b0"):         # no unit after the number: what was meant is unclear
        raise KnobError(f"{said}; give a plain number" + (f" in {knob.unit}" if knob.unit else ""))
    if unit == "%":
        raise KnobError(f"{said}; {percent_hint(knob, float(number), say)}")
    raise KnobError(f"{said}; give the number only: {say(number)}{range_note(knob, float(number))}")


def range_words(knob: Knob) -> str:
    """``knob``'s range as a person reads it: "0.2 to 0.8", "0 to 24 dB"."""
    return f"{knob.min:g} to {knob.max:g}" + (f" {knob.unit}" if knob.unit else "")


def range_note(knob: Knob, value: float) -> str:
    """" (it goes from 0 to 24 dB)" when ``value`` is outside ``knob``'s range, else ""."""
    return "" if knob.min <= value <= knob.max else f" (it goes from {range_words(knob)})"


def percent_hint(knob: Knob, percent: float, say: Callable[[str], str]) -> str:
    """What to type for ``percent`` % of a knob that is not in %: the value that far along its travel (its own
    scale, log or linear), with its range ("70 % of its travel, 0.2 to 0.8: fuzz=0.62"); the number itself on a
    knob that goes from 0 to 100 (p52 QA2: "fuzz=70%" was told "fuzz=70" on a 0.2 .. 0.8 knob)."""
    if knob.min == 0 and knob.max == 100:
        return f"give the number only: {say(_plain(percent))}"
    if not 0 <= percent <= 100:
        return f"it goes from {range_words(knob)}: give a number in that range"
    places = decimals(knob.min, knob.max) or 0    # a hundredth of its range, the panel's dial's rule (p55 FR2 #4)
    value = min(knob.max, max(knob.min, rounded(knob.denormalize(percent / 100), places)))   # as the dial (p56 FR2
    # 5: round() told 1.5 % of 0..10 "0.1", the dial reads 0.15 "0.2"); rounded past an end:
    # the end itself (24.37 at 100 % was told 24.4, which the knob refuses: p52 review R4 #2)
    travel = f"{_plain(percent)} % of its travel, {range_words(knob)}: {say(_plain(value))}"
    if knob.max - knob.min <= 1 and knob.min <= percent <= knob.max:   # "mix=0.5%" on a 0 .. 1 knob: the number
        # with a stray %, most likely; on a wider knob (drive=20% of 0 .. 24 dB) the travel only (p52 FR2)
        return f"give the number only: {say(_plain(percent))}, or for {travel}"
    return travel


def knob_settings(manifest: Manifest, given: Mapping[str, float | str]) -> dict[str, float]:
    """``given`` knob values (numbers, or text for :func:`knob_number`) -> {name as given: number}, checked
    against ``manifest``'s knobs: KnobError for an unknown name (Manifest.knob: "has no knobs" for a pack
    without any), or a value that is no number of the knob's unit.  Ranges are checked when they are set."""
    settings: dict[str, float] = {}
    for name, value in given.items():
        knob = manifest.knob(name)                  # every name, numbers too: before any decoding
        settings[name] = knob_number(knob, value) if isinstance(value, str) else value
    return settings


def check_box_plays(pack: Pack, session: Any = None) -> None:
    """PackError when the box would not play ``pack`` (device.validate.check_box_plays): before (thirty-third stop's
    QA) `hatbox render` ran such packs and exited 0 with 8 s of muted silence, or a blast held at -1 dBFS."""
    from device.validate import check_box_plays as box_plays
    box_plays(pack, session, doing="rendered")


def slot_dc_block(y: np.ndarray, rate: int, rest_dc: float = 0.0) -> np.ndarray:
    """An effect's output ``y`` [N] float32 less its DC, in place, as the box's effect slot takes it off
    (device.audio.slot.EFFECT_DC_HZ, its blocker started at the effect's output at rest, ``rest_dc``)."""
    from device.audio.protect import DcBlocker
    from device.audio.slot import EFFECT_DC_HZ
    blocker = DcBlocker(rate, EFFECT_DC_HZ)
    blocker.reset(rest_dc)
    return blocker.process(y)


def render_file(pack: Pack | str | Path, src: str | Path, dst: str | Path,
                knobs: Mapping[str, float | str] | None = None, block: int = 128,
                bar: Callable[[int, int], Any] | None = None, force: bool = False) -> Sequence[str]:
    """Render a file through a pack as the box plays it (the engine's output stage included: DC
    removed, peaks limited at -1 dBFS), as a running box plays it: not the 10 ms fade in of a box's start nor the
    glide of a take's end (a render is the whole take: hatbox.cmd_effect.RENDER_WORDS); returns a few
    human-readable lines about what was done.
    The output path is checked before any work, the ``knobs`` (numbers or text such as "7 dB":
    :func:`knob_settings`) before any decoding; the WAV is replaced atomically.  ``bar(samples, rate)``: a context
    manager giving a ``progress(done, total)`` callback, or None (hatbox.text.audio_bar); ``force``: write over a file
    at ``dst`` that hatbox did not write (audiofile.check_output)."""
    from device.audio import audiofile
    from device.audio.protect import box_output
    from export.atomic import same_path
    if same_path(src, dst):
        raise HatboxError(f"--out {dst} is the input file: the render would be written over your take; "
                          "nothing was done", hint="give the rendered file a name of its own (--out)")
    audiofile.check_output(dst, force)
    proc = EffectProcessor(pack)
    settings = knob_settings(proc.manifest, knobs or {})       # before any decoding: a typo costs nothing
    from device.audio.slot import MAX_BLOCK
    _check_rate_and_block(proc, None, block, MAX_BLOCK)
    check_box_plays(proc.pack, proc.model.session)
    from device.validate import EngineSpec
    box_rate = EngineSpec().sample_rate
    off_box = (f"pack '{proc.manifest.name}' runs at {proc.sample_rate} Hz, but the box runs at {box_rate} Hz and "
               f"refuses it: train it again from {box_rate} Hz recordings") if proc.sample_rate != box_rate else ""
    try:
        audio, rate = audiofile.read(src, expect_rate=proc.sample_rate)
    except AudioFileError as exc:
        if off_box:
            raise AudioFileError(exc.args[0], hint=f"{off_box}; to hear it here all the same: {exc.hint}") from None
        raise
    _check_rate_and_block(proc, rate, block)
    lines = [f"warning: {off_box}"] if off_box else []
    problem = audiofile.header_problem(src)        # WAV, AIFF, W64: told by the file's bytes, not its name
    if problem:
        lines.append("warning: " + audiofile.truncated_words(src, problem, "rendered what it holds"))
    mono, channels = mono_mix(audio)
    if channels:
        lines.append(f"note: {src}: {channels}")
    limits = box_gain_limits(proc, block)                    # as the box's loader measures them
    start_at(proc, settings, mono.shape[0])
    with bar(len(mono), rate) if bar is not None else contextlib.nullcontext() as progress:
        run = play_in_slot(proc, mono, block, limits, progress)
    y, reduced_db = box_output(run.out, rate, block)
    audiofile.write(dst, y, rate)
    return _render_lines(proc, run, y, reduced_db, block, dst, rate) + lines


def _render_lines(proc: EffectProcessor, run: SlotRun, y: np.ndarray, reduced_db: float, block: int,
                  dst: str | Path, rate: int) -> list[str]:
    """What :func:`render_file` says of its render: what went through what, the level, and what the box's guard did."""
    peak = float(np.max(np.abs(run.out))) if run.out.size else 0.0
    limited = (f"; the limiter took up to {reduced_db:.1f} dB off the peaks (-1 dBFS ceiling)"
               if reduced_db > 0.05 else "")
    said = (f"knobs {knob_words(proc.knob_values(), {k.name: k.unit for k in proc.manifest.knobs})}"
            if proc.knobs else "no knobs")
    lines = [f"rendered {y.shape[0] / rate:.2f} s through '{proc.manifest.name}' (block {block}, {said}) -> {dst}",
             f"peak {20 * np.log10(max(peak, 1e-12)):.1f} dBFS before the box's output limiter{limited}" +
             (f", {proc.faults} faults muted" if proc.faults else "")]
    if run.fault:
        lines.append(fault_line(proc.manifest.name, run, rate))
    return lines + [line for line in [no_gear_gain_line(proc.manifest)] if line]
