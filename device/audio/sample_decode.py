"""Decoding a file for the sampler: what device/audio/sampler.py plays, made outside the audio engine's process.

The box decodes in its API process (device/audio/server.py ``EngineProcess.send``) and hands the audio to the engine
process in shared memory (device/audio/sample_handoff.py): decoding there held the interpreter for tens of ms at a
time while the audio thread waited (bench/engine_kit_decode.py).  A :class:`SamplerSource` on its own (tests, offline
rendering) decodes with the same functions.

:func:`decode_file` reads the first ``max_seconds`` of a file (a longer one is cut, and the warning says so; as a
loop, its end crossfades into its start over :data:`LOOP_XFADE_SECONDS`; as a one-shot, its last
:data:`END_FADE_SECONDS` fade out), mixes its channels to mono as the tagger does, a side that holds next to
nothing left out (device.library.decode.play_mix: a sound on one side of a stereo file plays at its own level), and
resamples it to the engine rate; a one-shot that stops on a sample louder than :data:`END_STEP` fades out over its
last :data:`END_CLICK_SECONDS`.  A loop of a file at another rate gets its cycle resampled around the wrap
(:func:`loop_cycle`; device.audio.resample.resample_cycle).  A file of more than two channels (5.1, B-format) is
said to be played as a mix of them (:func:`mixed_words`, one of the warnings).
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import NamedTuple

import numpy as np

from device.audio import audiofile
from device.audio.resample import resample, resample_cycle
from device.control import file_label
from device.audio.file_length import seconds_or_nan
from device.library.decode import play_mix
from device.loop_names import bar_seconds
from hatbox.errors import AudioFileError
from hatbox.text import count_words

LOOP_XFADE_SECONDS = 0.05    # a loop cut at max_seconds crossfades its end into its start over this
END_FADE_SECONDS = 0.01      # a one-shot cut at max_seconds fades out over its last this (no click at the cut)
END_CLICK_SECONDS = 0.002    # a one-shot that ends on a step (trimmed mid-sound) fades out over its last this
END_STEP = 0.01              # ... a last sample over this (-40 dBFS) is such a step
LOOP_EXACT_SECONDS = 10.0    # a loop from another rate is repeated up to this long to keep its length whole


class Decoded(NamedTuple):
    """A decoded file, mono float32 at the engine rate.

    ``data[:n]`` is the file (its first ``max_seconds``; all of it, what a one-shot plays, when it was
    not cut).  A file cut there has a ``tail`` after it: the ``tail`` samples that follow the cut,
    crossfaded (equal power) into the file's first ``tail`` samples; a loop plays ``data[:n + tail]``
    and wraps to ``data[tail]``: every cycle is ``n`` samples long, and both seams (the cut, the wrap)
    are continuous.  Last come ``fade`` samples: the file's last ``fade`` before the cut, faded out
    (:func:`_faded_end`); a one-shot of a cut file plays ``data[:n - fade]`` and then those, so it
    ends without a click."""

    data: np.ndarray          # [n + tail + fade] float32
    n: int                    # samples of the file itself
    fade: int = 0             # samples of a cut (or hard-ended) one-shot's faded end, stored last (0: none)
    rate: int = 0             # the file's own rate, Hz
    cycle: np.ndarray | None = None   # a loop of a file at another rate, resampled around its wrap (made on demand)

    @property
    def tail(self) -> int:
        return self.data.shape[0] - self.n - self.fade

    @property
    def size(self) -> int:
        return self.data.shape[0] + (0 if self.cycle is None else self.cycle.shape[0])

    def wants_cycle(self, rate: int) -> bool:
        """Whether a loop of it at ``rate`` Hz needs :attr:`cycle`: a file not cut (a cut one wraps through its
        seam) at another rate, whose cycle is not made yet."""
        return self.cycle is None and self.tail == 0 and 0 < self.rate != rate


def decode_file(key: str, rate: int, max_seconds: float, loop: bool = False) -> tuple[Decoded, list[str]]:
    """The first ``max_seconds`` of file ``key`` -> (mono float32 at ``rate`` Hz, see :class:`Decoded`; the warnings
    the user should see: a file cut at ``max_seconds``); with ``loop``, its loop cycle too where it needs one
    (:meth:`Decoded.wants_cycle`), from the same decode.  Raises AudioFileError."""
    if not Path(key).is_file():
        raise AudioFileError(audiofile.not_a_file(Path(key)))
    own, _, frames = audiofile.info(key)
    head = int(math.ceil(max_seconds * own))
    more = int(math.ceil(LOOP_XFADE_SECONDS * own)) if frames > head else 0    # for a cut loop's seam
    audio, own = audiofile.read(key, max_frames=head + more)      # only the head of a long file is decoded
    problem = audiofile.float_peak_problem(max(float(audio.max()), -float(audio.min())))
    if problem:                      # the upload check's own words (device/library/archive.audio_problem)
        raise AudioFileError(f"{key}: {problem}", hint=audiofile.FLOAT_PEAK_HINT.format(name=Path(key).name))
    warnings = []
    if frames > head and audio.shape[1] >= head:
        warnings.append(f"{file_label(key)} is {_duration(frames / own, max_seconds)} long: the sampler plays only its "
                        f"first {max_seconds:g} s")
    mono = play_mix(audio)
    if audio.shape[0] > 2:           # 5.1, B-format: played as a plain mix, said (p50 QA: unsaid before)
        warnings.append(mixed_words(key, audio.shape[0]))
    data = resample(mono, own, rate).astype(np.float32, copy=False)
    if audio.shape[1] <= head:
        end = _hard_end(data, int(round(END_CLICK_SECONDS * rate)))
        cycle = _cycle_of(mono, own, rate) if loop and own != rate else None
        got = Decoded(np.concatenate([data, end]) if end.size else data, data.shape[0], end.shape[0], own, cycle)
        return got, warnings
    n = int(math.ceil(head * rate / own))             # resample's length for the head alone
    tail = _seam(data, n, int(round(LOOP_XFADE_SECONDS * rate)))
    end = _faded_end(data[:n], int(round(END_FADE_SECONDS * rate)))
    return Decoded(np.concatenate([data[:n], tail, end]), n, end.shape[0], own), warnings


def mixed_words(key: str, channels: int) -> str:
    """The note for a file of more than two channels (5.1, B-format), which the sampler plays as one mix of them:
    `box-library ID --play` prints it (hatbox.library_fixes.sampler_warnings)."""
    return (f"{file_label(key)} is played as its {channels} channels mixed to one (the sampler plays one channel; "
            "a surround or B-format file is not decoded for speakers)")


SEAM_STEP = 0.05        # a whole file's wrap that steps more than this (of full scale) ...
SEAM_RATIO = 4.0        # ... and this many times the file's own largest step near its ends clicks as a loop
SEAM_EDGE_S = 0.001     # that step is measured this far in from each end: a file resampled to the engine's rate
                        # rings there (a 110 Hz loop at 44.1 kHz: 0.116 in its last samples, 0.0072 of its own)


SILENT_PEAK = 3.5 / 2.0 ** 15      # a decoded file peaking under this (-79 dBFS, 3 steps of 16-bit) holds no sound


def silent_words(key: str, got: Decoded, note: int) -> str | None:
    """What to tell of a file mapped to ``note`` that holds no sound: all zeros, or only a 16-bit file's dither or
    rounding noise around its DC offset (the panel's QA of the forty-first stop: a sox export of silence, peak 1
    step, was mapped with no word, while the tagger had skipped it as silent); None when it sounds."""
    x = got.data[:got.n]
    if x.size and np.any(x):
        centre = float(np.median(x))
        peak = float(np.max(np.abs(x - centre)))
        if peak >= SILENT_PEAK:
            return None
        what = (f"peak {20.0 * math.log10(peak):.0f} dBFS: only dither or rounding noise" if peak > 0
                else "a constant DC offset")
    else:
        what = "all zeros"
    return f"{file_label(key)} is silent ({what}): note {note} plays nothing"


def seam_words(key: str, got: Decoded) -> str | None:
    """What to tell of a file mapped as a loop whose end does not meet its start (kit QA of the fortieth stop: 1 s of
    a 440.7 Hz sine stepped 0.48 at every wrap, 436 times its own step; a loop longer than the sampler keeps is cut
    and crossfaded, one shorter is played as it is, so that a drum loop keeps its length); None when it meets."""
    x = got.data[:got.n]
    if got.tail or x.shape[0] < 8:                       # a cut file wraps through its crossfaded seam
        return None
    w = max(2, min(x.shape[0] // 2, int(0.005 * (got.rate or 48000))))
    m = int(SEAM_EDGE_S * (got.rate or 48000))
    m = m if x.shape[0] >= 2 * (w + m) else 0
    own = max(float(np.abs(np.diff(x[m:m + w])).max()), float(np.abs(np.diff(x[-m - w:x.shape[0] - m])).max()))
    step = abs(float(x[-1]) - float(x[0]))
    if step <= max(SEAM_STEP, SEAM_RATIO * own):
        return None
    return (f"{file_label(key)} does not end where it starts (a step of {step:.2f} where the loop wraps): it clicks "
            "each time it comes round; trim it at a zero crossing, or crossfade its ends, in an audio editor")


def loop_cut_words(key: str, got: Decoded, max_seconds: float) -> str | None:
    """What to tell of a file mapped as a loop that the sampler cut at ``max_seconds`` (p49 QA: a 1:50 loop wrapped at
    60.0 s mid-bar, and the warning said only that the sampler plays its first 60 s): it repeats every
    ``max_seconds``, not at its own end, and where to trim it (a bar line, judged from a tempo or a bar count in its
    name: "break_92bpm.wav", "groove (32 bars).wav"); None for a file not cut."""
    if not got.tail:
        return None
    length = seconds_or_nan(key)
    bar = bar_seconds(Path(key).name, length)
    head = f"{file_label(key)} loops every {max_seconds:g} s, not at its own end"
    head += f" ({_duration(length, max_seconds)} long)" if math.isfinite(length) else ""
    if bar is None or bar > max_seconds:
        return f"{head}: it wraps mid-phrase; trim it to under {max_seconds:g} s at a bar line"
    bars = max_seconds / bar
    whole = int(math.floor(bars + 1e-6))
    if abs(bars - round(bars)) * bar < 0.001:
        return f"{head}: it wraps on a bar line (after {round(bars)} bars of {bar:.3f} s), a {max_seconds:g} s loop"
    return (f"{head}: it wraps {_into_bar(bars - whole, bar, whole)} (a bar of {bar:.3f} s); trim it to "
            f"{count_words(whole, 'bar')} ({whole * bar:.2f} s) at a bar line")


def _into_bar(part: float, bar: float, whole: int) -> str:
    """Where a cut falls in bar ``whole + 1`` (``part`` of the way into it, a bar ``bar`` s long): "0.42 of the way
    into bar 2", or in ms off the bar line where that would print as 0.00 or 1.00 ("5 ms before the bar line after
    bar 30": p49 review, a 64.005 s "groove (32 bars).wav" wrapped "1.00 of the way into bar 30")."""
    if f"{part:.2f}" == "1.00":
        return f"{round((1.0 - part) * bar * 1000):.0f} ms before the bar line after bar {whole + 1}"
    if f"{part:.2f}" == "0.00":
        return f"{round(part * bar * 1000):.0f} ms after the bar line, into bar {whole + 1}"
    return f"{part:.2f} of the way into bar {whole + 1}"


def loop_cycle(key: str, rate: int) -> np.ndarray:
    """File ``key`` (not cut: whole), decoded first as a one-shot, as one loop cycle [M] float32 at ``rate`` Hz."""
    audio, own = audiofile.read(key)
    return _cycle_of(play_mix(audio), own, rate)


def _seam(data: np.ndarray, n: int, fade: int) -> np.ndarray:
    """A cut file's loop seam: ``data`` [m > n] float32 (the file to the cut at ``n``, then what follows it)
    -> the ``t`` (at most ``fade``, at most n // 2) samples [t] to play after ``data[:n]``: they fade from
    what follows the cut (missing samples: silence, the file's end) into ``data[:t]`` (equal-power curves).
    Wrapping from their end to ``t`` then continues the audio as if the file went on from its start."""
    t = max(1, min(int(fade), n // 2))
    after = np.zeros(t, np.float32)
    got = min(t, data.shape[0] - n)
    after[:got] = data[n:n + got]
    w = (np.arange(t, dtype=np.float64) + 0.5) * (0.5 * np.pi / t)      # a quarter period over the seam
    return (after * np.cos(w) + data[:t] * np.sin(w)).astype(np.float32)


def _faded_end(head: np.ndarray, fade: int) -> np.ndarray:
    """A cut one-shot's end: the last ``f`` (``fade``, at most len // 2) samples of ``head`` [n] float32
    times a raised-cosine fade-out [f] from just under 1 to just over 0 -> [f] float32."""
    f = max(0, min(int(fade), head.shape[0] // 2))
    w = 0.5 + 0.5 * np.cos(np.pi * (np.arange(f, dtype=np.float64) + 1.0) / (f + 1))
    return (head[head.shape[0] - f:] * w).astype(np.float32)


def _cycle_of(mono: np.ndarray, rate: int, to: int) -> np.ndarray:
    """A whole file's mono ``mono`` [N] at ``rate`` Hz as one loop cycle at ``to`` Hz, resampled around its wrap
    (device.audio.resample.resample_cycle) -> [M] float32."""
    return resample_cycle(mono, rate, to, int(LOOP_EXACT_SECONDS * rate))


def _hard_end(data: np.ndarray, fade: int) -> np.ndarray:
    """A one-shot's end when it stops on a step (its last sample over :data:`END_STEP`: a file trimmed mid-sound):
    its last ``fade`` samples faded out (:func:`_faded_end`) -> [fade] float32; else (it ends quietly, or it is
    under four fades long) [0]."""
    if data.shape[0] < 4 * fade or abs(float(data[-1])) <= END_STEP:
        return np.zeros(0, np.float32)
    return _faded_end(data, fade)


def _duration(seconds: float, limit: float | None = None) -> str:
    """``seconds`` as m:ss (h:mm:ss past an hour); a length over ``limit`` (the sampler's 60 s) that m:ss would round
    to it or under gets as many decimals as it needs, up to 3, to read as over it ("1:00.1" for 60.1 s: p49 regression
    QA "loops2": "is 1:00 long: the sampler plays only its first 60 s" of a 60.1 s file)."""
    places = 0                           # (a hair over: 3 decimals, rounded up)
    if limit is not None and seconds > limit:
        places = next((d for d in range(4) if round(seconds, d) > limit), 3)
        seconds = max(round(seconds, places), math.ceil(seconds * 1000.0) / 1000.0 if places == 3 else 0.0)
    else:
        seconds = round(seconds)         # whole seconds (round half to even, as before)
    whole = int(seconds)                 # ``seconds`` holds ``places`` decimals from here: the clock, then its seconds
    clock = f"{whole // 3600}:{whole // 60 % 60:02d}:" if whole >= 3600 else f"{whole // 60}:"
    return clock + f"{seconds - whole // 60 * 60:0{2 + places + (places > 0)}.{places}f}"
