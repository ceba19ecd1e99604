"""Does a recording's channels hold one signal, or a stereo effect's different ones?

A pack is mono, so a recording's channels are mixed (trainer/effect/data.py recording_mono).  That is right for a
mono pedal recorded on both sides of an interface, and wrong for a stereo effect: the QA's widener (right = left 10 ms
later) was averaged into a comb filter, the latency found was the delayed copy's, and the pack did worse than bypass
with no word why.  :func:`relation` measures two channels (their correlation at lag 0, the lag of their
cross-correlation's peak and its height, their level difference), :func:`apart_words` says how they differ, and
:func:`channels_warning` warns when the held channels of a file are not one signal.

Measured (scratch /tmp/p43/fix-fmt/probe_stereo.py; 5 s of the QA's FluidSynth guitar DI, 48 kHz):

======================================================  =======  =========  ========  =======  ======
channels                                                r lag 0  peak lag   peak r    level    warned
======================================================  =======  =========  ========  =======  ======
L = R; the QA's amp_st (R = 0.9 L)                      1.00     0          1.00      -0.9 dB  no
mono-ish: R = 0.9 L through a one-pole 8 kHz lowpass    0.997    1          1.00      -0.9 dB  no
  and noise at -60 dBFS
the QA's widener amp_wide (R = L 10 ms later)           0.29     480        0.999     0 dB     yes
a 1 ms Haas widener                                     -0.09    48         1.00      0 dB     yes
two mics 10 cm apart (0.3 ms)                           0.75     14         1.00      -1.9 dB  yes
ping-pong delay (dry left; echoes alternate)            0.37     2180       0.43      -3.8 dB  yes
ping-pong delay (dry in both)                           0.85     0          0.85      +1.4 dB  yes
stereo chorus (dry + 0.8 Hz 5-15 ms sweeps, 180 deg)    0.54     0          0.54      +0.2 dB  yes
a subtle stereo chorus (wet at half level, 1 ms sweep)  0.74     0          0.74      -0.4 dB  yes
one signal panned: R = L at -20 dB                      1.00     0          1.00      -20 dB   yes
======================================================  =======  =========  ========  =======  ======
"""
from __future__ import annotations

import shlex
from typing import NamedTuple

import numpy as np

SAME_R = 0.9            # channels correlating less than this at lag 0 are different signals
DELAY_R = 0.9           # a cross-correlation peak this high away from lag 0 is one signal delayed
LEVEL_DB = 12.0         # channels further apart in level than this (and held: within 40 dB) are said too
MAX_LAG_S = 0.05        # the inter-channel delays looked for (a widener's or a Haas effect's)
MEASURED = 1 << 18      # samples of each channel measured (5.5 s at 48 kHz)


class Relation(NamedTuple):
    """How channel ``b`` relates to channel ``a``: correlation at lag 0, the lag (samples; > 0: ``b`` later) where
    their cross-correlation peaks and its height (normalised, -1..1), and ``b``'s level over ``a``'s (dB)."""

    r0: float
    lag: int
    peak: float
    level_db: float


def relation(a: np.ndarray, b: np.ndarray, rate: int) -> Relation:
    """The :class:`Relation` of channels ``a`` [N] and ``b`` [N] (their first :data:`MEASURED` samples, means
    removed), over lags up to :data:`MAX_LAG_S` either way."""
    n = min(a.shape[0], b.shape[0], MEASURED)
    x = a[:n].astype(np.float64) - float(np.mean(a[:n]))
    y = b[:n].astype(np.float64) - float(np.mean(b[:n]))
    ex, ey = float(x @ x), float(y @ y)
    if ex <= 0 or ey <= 0:
        return Relation(1.0, 0, 1.0, 0.0)
    lag = max(1, min(int(MAX_LAG_S * rate), n - 1))
    size = 1 << int(np.ceil(np.log2(n + lag)))
    cc = np.fft.irfft(np.fft.rfft(y, size) * np.conj(np.fft.rfft(x, size)), size)
    window = np.concatenate([cc[-lag:], cc[:lag + 1]]) / np.sqrt(ex * ey)      # lags -lag..lag
    i = int(np.argmax(np.abs(window)))
    return Relation(float(window[lag]), i - lag, float(window[i]), 10.0 * np.log10(ey / ex))


def apart_words(rel: Relation, rate: int, a: str, b: str) -> str | None:
    """How channels named ``a`` and ``b`` differ ("right is the left 10 ms later"), None when they are one signal
    (correlating :data:`SAME_R` or more at lag 0: a sample's shift through two slightly different paths is one) at
    about one level."""
    if rel.r0 >= SAME_R:
        if abs(rel.level_db) <= LEVEL_DB:
            return None
        low, high = (b, a) if rel.level_db < 0 else (a, b)
        return f"the {low} is {abs(rel.level_db):.0f} dB under the {high}"
    if _delayed(rel):
        first, later = (a, b) if rel.lag > 0 else (b, a)
        return f"{later} is the {first} {1000 * abs(rel.lag) / rate:.3g} ms later"
    return f"they are different signals: their correlation is {rel.r0:.2f}"


def _delayed(rel: Relation) -> bool:
    """Whether two channels that differ at lag 0 are one signal at another lag (:data:`DELAY_R`)."""
    return rel.lag != 0 and rel.peak >= DELAY_R


def channel_name(index: int, count: int) -> str:
    """Channel ``index`` (0-based) of ``count``: left/right for two, else "channel N"."""
    return ("left", "right")[index] if count == 2 else f"channel {index + 1}"


def channels_warning(name: str, audio: np.ndarray, held: np.ndarray, rate: int) -> str | None:
    """The warning for file ``name`` whose held channels (``held`` [C] bool of ``audio`` [C, N]) are not one signal:
    they were mixed to mono, which a stereo effect's sound is not; a sox line to keep one channel.  None when at
    most one channel is held or every held channel is the first one's signal."""
    used = [int(i) for i in np.flatnonzero(held)]
    count = audio.shape[0]
    for other in used[1:]:
        rel = relation(audio[used[0]], audio[other], rate)
        a, b = channel_name(used[0], count), channel_name(other, count)
        said = apart_words(rel, rate, a, b)
        if said is not None:
            keep = keep_channel(rel, used[0], other)
            return (f"{name}'s {a} and {b} differ ({said}): a stereo effect cannot become a mono pack; the mix of "
                    f"{'both' if len(used) == 2 else 'its channels'} was used; train on one channel: "
                    f"{remix_line(name, keep, count)}")
    return None


def keep_channel(rel: Relation, a: int, b: int) -> int:
    """Which of channels ``a`` and ``b`` (0-based) to train on: the earlier of a delayed pair, the louder of two
    levels, else ``a``."""
    if rel.r0 < SAME_R and _delayed(rel):
        return a if rel.lag > 0 else b
    if rel.r0 >= SAME_R and rel.level_db > LEVEL_DB:
        return b
    return a


def remix_line(name: str, channel: int, count: int) -> str:
    """A sox line keeping channel ``channel`` (0-based) of file ``name``: "sox amp.wav amp_left.wav remix 1"."""
    stem = name.rsplit(".", 1)[0] if "." in name else name
    label = channel_name(channel, count).replace("channel ", "ch")
    return f"sox {shlex.quote(name)} {shlex.quote(f'{stem}_{label}.wav')} remix {channel + 1}"
