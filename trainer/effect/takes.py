"""Is a pair's output a recording of its input (the same take, through the gear)?

:func:`trainer.effect.align.find_delay` only needs one impulse-response tap 9x above the median, which two different
phrases on one note grid can give (forty-second stop's denoiser QA: a wrong take trained, and another row's input was
said to be a swapped output's, polarity 0.25).  The measure here is :func:`linear_share`: the share of the output's
power that some linear filter of the input explains (the output-power-weighted magnitude-squared coherence).  It does
not mind gain, polarity, EQ or noise on the input; distortion, modulation and reverb lower it only partly.

Measured (48 kHz, 20 s takes; /tmp/p42 denoiser set, pedalboard gear on a FluidSynth guitar):

=============================================================  ===========  =============
pair                                                           bypass ESR   linear share
=============================================================  ===========  =============
six denoiser pairs (noise -42..-52 dB)                         0.001-0.021  0.993-1.000
a denoiser pair whose noise is louder than the playing        4.71         0.669
distortion 25 / 40 dB, phaser, chorus, compressor 8:1          0.75-5.6     0.52-0.86
a wet-only reverb (no dry), a 4-bit crusher                    2.27 / 0.08  0.73 / 0.92
the wrong take of the same piece (QA's wrongtake run)         1.95         0.062
different phrases of the set on one note grid (30 pairs)       1.7-3.7      0.001-0.028
=============================================================  ===========  =============

So a bypass ESR above 1 alone refuses real gear (a compressor with make-up gain, 5.6) and the noisiest denoiser pair;
the share tells a different take apart.
"""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from hatbox.errors import DataError
from trainer.effect.align import OutputLeads, find_delay, shift
from trainer.effect.checks import listed_as, sox_seconds
from trainer.effect.replicates import esr

TAKE_SHARE = 0.15       # under this share (with a bypass ESR above 1) the output is another take: refused
SWAP_SHARE = 0.3        # another row's input must explain at least this share before a swap is claimed
SEGMENT = 4096          # samples per coherence segment (85 ms at 48 kHz; 50 % overlap: ~500 segments in 20 s)
MAX_SAMPLES = 1 << 20   # samples of each file measured (22 s at 48 kHz), as the latency search uses


def linear_share(x: np.ndarray, y: np.ndarray, rate: int) -> float:
    """The share (0..1) of the power of ``y`` [N] that a linear filter of ``x`` [N] explains (both aligned): the
    magnitude-squared coherence averaged over frequency, weighted by the power of ``y``.  Unrelated audio scores
    about 1 / the number of segments (0.002 for 20 s)."""
    from scipy import signal
    n = min(x.shape[0], y.shape[0], MAX_SAMPLES)
    if n < 2 * SEGMENT:
        return 1.0              # too short to tell: nothing is claimed
    a, b = np.asarray(x[:n], np.float64), np.asarray(y[:n], np.float64)
    _f, coherence = signal.coherence(a, b, rate, nperseg=SEGMENT)
    _f, power = signal.welch(b, rate, nperseg=SEGMENT)
    total = float(np.sum(power))
    return float(np.sum(np.nan_to_num(coherence) * power) / total) if total > 0 else 1.0


def bypass_esr(x: np.ndarray, y: np.ndarray) -> float:
    """The ESR of the aligned input ``x`` [N] taken as the output ``y`` [N]: above 1, further off than silence."""
    n = min(x.shape[0], y.shape[0])
    return esr(y[:n], x[:n])


def another_take(x: np.ndarray, y: np.ndarray, rate: int, where: str, src: Path, dst: Path,
                 find_other: Callable[[], tuple[str, Path] | None] | None = None) -> DataError | None:
    """The DataError for row ``where`` whose aligned output ``y`` [N] is not a processed copy of its input ``x`` [N]
    (a bypass ESR above 1 and under :data:`TAKE_SHARE` of it explained by the input: a different take); None when
    it is.  ``find_other()``: the other row whose input the output is a recording of (asked only on a refusal)."""
    err = bypass_esr(x, y)
    if err <= 1.0:
        return None
    share = linear_share(x, y, rate)
    if share >= TAKE_SHARE:
        return None
    swapped = find_other() if find_other else None
    other = (f"; it is a recording of the input of {swapped[0]} ({swapped[1].name}): are the rows' outputs (or "
             "inputs) swapped?" if swapped else "")
    return DataError(f"{where}: the output {dst.name} is not a recording of the input {src.name} through the gear: "
                     f"the input passed through unchanged is further from it than silence (bypass ESR {err:.2f}) "
                     f"and only {100 * share:.1f}% of its sound follows the input (real gear, noise removal "
                     f"included: over {100 * TAKE_SHARE:.0f}%), so it is another take{other}",
                     hint="swap the files back in pairs.csv" if swapped else
                     "record the input and the output at once (one take through the gear), or list the matching "
                     "files in this row")


Loader = Callable[[Path, str], tuple[np.ndarray, int]]     # (file, row) -> (mono [N], rate in Hz)


def recorded_from(y: np.ndarray, rate: int, own: Path, others: list[tuple[str, Path]], load: Loader,
                  same: Callable[[Path, Path], bool], limit: int) -> tuple[str, Path] | None:
    """The first (row, input file) of ``others`` (files other than ``own``, by ``same``) that ``y`` [N] is a clear
    recording of (a delay found, and at least :data:`SWAP_SHARE` of ``y`` explained by it once aligned), trying at
    most ``limit`` files; None if none is."""
    tried: set[Path] = set()
    for where, src in others:
        if src in tried or src == own or same(src, own) or not src.is_file():
            continue
        tried.add(src)
        if len(tried) > limit:
            return None
        try:
            x, got_rate = load(src, where)
            if got_rate == rate and strong_match(x, y, rate):
                return where, src
        except DataError:
            continue
    return None


def strong_match(x: np.ndarray, y: np.ndarray, rate: int) -> bool:
    """Whether ``y`` [N] is a delayed recording of ``x`` [N]: a delay found (DataError if not) and, aligned, at
    least :data:`SWAP_SHARE` of ``y`` explained by ``x``."""
    latency, _polarity = find_delay(x, y, rate)
    xa, ya = shift(x, y, latency)
    return linear_share(xa, ya, rate) >= SWAP_SHARE


def lead_hint(exc: OutputLeads, x: np.ndarray, y: np.ndarray, rate: int, dst: Path,
              cells: tuple[str, str] | None = None) -> str | None:
    """For an output ``dst`` (``y`` [N]) leading its input ``x`` [N] by ``exc.lead`` samples and otherwise a clear
    recording of it (at least :data:`SWAP_SHARE` explained: a clean DI reference ahead of a slower noisy path, the
    natural denoiser capture), the fix as a ready sox line delaying the output (the new file as the row's ``cells``
    should name it); None when it is no such copy."""
    import shlex
    lead = exc.lead
    n = min(x.shape[0] - lead, y.shape[0])
    if n <= 0 or linear_share(x[lead:lead + n], y[:n], rate) < SWAP_SHARE:
        return None
    pad = np.ceil(1000 * lead / rate) / 1000              # s, rounded up to the millisecond: never still leading
    out = dst.with_name(f"{dst.stem}_late{dst.suffix or '.wav'}")
    cell = listed_as(out, cells[1] if cells else None)
    return (f"if the output was recorded ahead of its input (a DAW's latency compensation that overshot, or a take "
            f"moved by hand; for a denoiser, a clean reference ahead of a slower noisy path), delay it by "
            f"{1000 * pad:g} ms and trim it to the input's length: sox {shlex.quote(str(dst))} "
            f"{shlex.quote(str(out))} pad {pad:.3f} trim 0 {sox_seconds(x.shape[0] / rate)}, then use {cell} as the "
            "output; if not, check that the input and output files are not swapped or trimmed")


HEAD_S = 2.0            # s of a short output's start looked for in its input (:func:`output_start`)
START_MATCH = 0.5       # the normalised correlation that finds it (a tanh drive of plucks at 24 dB: 0.84)
EARLY_S = 0.1           # a start found within this of the input's start (a rig's latency): the take stopped early


def output_start(x: np.ndarray, y: np.ndarray, rate: int) -> int | None:
    """Where in the input ``x`` [N] its shorter output ``y`` [M] starts (samples: 0 to N - M plus a rig's latency;
    under ``EARLY_S * rate``: it stopped early, above: it started late), by the normalised cross-correlation of
    ``y``'s first :data:`HEAD_S` with ``x``; None when no offset reaches :data:`START_MATCH` (cannot be told)."""
    m = min(y.shape[0], int(HEAD_S * rate))
    span = min(x.shape[0], x.shape[0] - y.shape[0] + m + int(EARLY_S * rate))
    if m < 2 or span < m:
        return None
    a = np.asarray(y[:m], np.float64) - float(np.mean(y[:m]))
    b = np.asarray(x[:span], np.float64)
    size = 1 << int(np.ceil(np.log2(span + m)))
    cc = np.fft.irfft(np.fft.rfft(b, size) * np.conj(np.fft.rfft(a, size)), size)[:span - m + 1]
    power = np.concatenate([[0.0], np.cumsum(b * b)])
    window = power[m:span + 1] - power[:span - m + 1]          # sum of b^2 over each offset's m samples
    r = np.abs(cc) / np.sqrt(np.maximum(window * float(a @ a), 1e-30))
    best = int(np.argmax(r))
    return best if r[best] >= START_MATCH else None
