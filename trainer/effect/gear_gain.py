"""The gear's gain over its recordings, as the box's runaway-level guard is told it (pack metric ``gear_max_gain_db``).

The box sets a pack's runaway limit no lower than this figure plus a margin (device/audio/swap.py), so one stray
block must not set it.  Before, it was the largest output-over-input RMS of any 128-sample block
(device.audio.protect.max_block_gain_db), and a pop at a take's start (an overdrive's start transient, an interface's
click: the output at -16 dBFS while the input sat at -89 dBFS) made a 12 dB overdrive read 73 dB, and the guard's
limit 79 dB: no guard at all.  Now (:func:`robust_gain_db`) a block counts only while the input holds a real share
of the recording (no more than :data:`INPUT_RANGE_DB` under its loudest block), and the figure is the highest of
those blocks' gains once the :func:`left_out` highest are left out (:data:`POP_BLOCKS`, 21 ms, or 0.1 % of them in a
long take), so a few blocks of pop anywhere do not move it, while a real gain, which a take shows over and over,
does.  A block far
above it (:data:`POP_DB`) whose output is loud for the take (within :data:`POP_LOUD_DB` of its loudest output block)
is named in a warning (:func:`pop_times`).  The loudness test keeps the warning from hanging on the output level: an
ordinary sox overdrive's own start transient (output 21 dB under the take's loudest block while the input sits 58 dB
under its own) is measured by the guard only once the output is over the guard's floor, which a `sox gain -n 0` of
the same file reaches and a -0.5 dBFS one does not; a real interface click (7 dB under the loudest block, the input
80 dB under) is said at every normalisation.

Measured (scratch /tmp/p43/fix-fmt/probe_gain.py; 48 kHz, 128-sample blocks):

=========================================================  ===========  ========
recording                                                  every block  robust
=========================================================  ===========  ========
the QA's hot pair (sox overdrive 10, pop at 0.00 s)        73.0         18.9
a 40 dB linear gain pedal on decaying plucks               40.0         40.0
a tanh fuzz, 40 dB of small-signal gain, decaying plucks   40.0         39.8
=========================================================  ===========  ========
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from device.audio.protect import block_rms

INPUT_RANGE_DB = 50.0     # a block whose input RMS is further than this under the take's loudest block: near silence
POP_BLOCKS = 8            # the highest this many block gains are left out (2.7 ms each at 48 kHz) ...
POP_SHARE = 1e-3          # ... or this share of the counted blocks, when more (a 20 s take: 7500 blocks, 8 left out)
POP_DB = 10.0             # a block this far over the robust figure is a pop, said in a warning ...
POP_LOUD_DB = 14.0        # ... when its output is no further than this under the take's loudest output block
SHOWN_POPS = 3            # pop times named in one warning


def block_gains(x: np.ndarray, y: np.ndarray, block: int, floor: float, rate: int
                ) -> tuple[np.ndarray, np.ndarray]:
    """(gain in dB of each block [B], -inf where the guard does not measure it; [B] bool: the blocks whose input is
    within :data:`INPUT_RANGE_DB` of the take's loudest input block) of input ``x`` [N] and output ``y`` [N].
    Measured as the box's guard measures (device.audio.protect.max_block_gain_db: output above ``floor``, linear,
    and the input present by the guard's own rule)."""
    from device.audio.protect import measured_blocks
    r_in, r_out, measured = measured_blocks(x, y, block, floor, rate=rate)
    if not r_in.size:
        return np.zeros(0), np.zeros(0, bool)
    with np.errstate(divide="ignore"):
        gains = np.where(measured, 20.0 * np.log10(np.maximum(r_out, 1e-30) / np.maximum(r_in, 1e-30)), -np.inf)
    real = r_in > 0.0
    if real.any():
        real &= r_in >= r_in.max() * 10.0 ** (-INPUT_RANGE_DB / 20.0)
    return gains, real


def left_out(count: int) -> int:
    """How many of ``count`` counted blocks' highest gains are left out as a possible pop: :data:`POP_BLOCKS` or
    :data:`POP_SHARE` of them, whichever is more, but never more than a tenth (a short take keeps its figure)."""
    return min(max(POP_BLOCKS, int(count * POP_SHARE)), count // 10)


def robust_gain_db(gains: np.ndarray, real: np.ndarray) -> float:
    """The gear's gain (dB) from :func:`block_gains`: the highest gain of the measured blocks whose input holds a
    real share, once the :func:`left_out` highest of them are left out; -inf when none is measured."""
    counted = np.sort(gains[real & np.isfinite(gains)])[::-1]
    return float(counted[left_out(counted.size)]) if counted.size else -np.inf


def loud_blocks(y: np.ndarray, block: int) -> np.ndarray:
    """[N // block] bool: the blocks of output ``y`` [N] within :data:`POP_LOUD_DB` of its loudest block (RMS)."""
    rms = block_rms(y, block)
    return rms >= (rms.max() if rms.size else 0.0) * 10.0 ** (-POP_LOUD_DB / 20.0)


def pop_times(gains: np.ndarray, robust: float, block: int, loud: np.ndarray | None = None
              ) -> list[tuple[int, float]]:
    """(first block, gain in dB) of each run of neighbouring blocks :data:`POP_DB` over ``robust`` (and, given
    ``loud`` [B] bool from :func:`loud_blocks`, loud for the take), loudest first."""
    over_mask = np.isfinite(gains) & (gains > robust + POP_DB)
    if loud is not None:
        over_mask &= loud[:gains.shape[0]]
    over = np.flatnonzero(over_mask)
    runs: list[list[int]] = []
    for i in over:
        if runs and i - runs[-1][-1] <= 1:
            runs[-1].append(int(i))
        else:
            runs.append([int(i)])
    return sorted(((r[0], float(gains[r].max())) for r in runs), key=lambda t: -t[1])


def pop_words(name: str, pops: list[tuple[int, float]], robust: float, block: int, offset: int, rate: int) -> str:
    """The warning for ``pops`` (:func:`pop_times`) in output file ``name`` whose aligned audio starts ``offset``
    samples into the file: "a pop at 0.00 s in amp.wav: 73 dB of gain where the rest of the recording has 19; ..."."""
    at = lambda i: f"{(i * block + offset) / rate:.2f} s"          # noqa: E731
    shown = ", ".join(at(i) for i, _g in pops[:SHOWN_POPS]) + (
        f" and {len(pops) - SHOWN_POPS} more" if len(pops) > SHOWN_POPS else "")
    which = "a pop" if len(pops) == 1 else "pops"
    return (f"{which} at {shown} in {name}: {pops[0][1]:.0f} dB of gain where the rest of the recording has "
            f"{robust:.0f}; {'it is' if len(pops) == 1 else 'they are'} left out of the level guard (the box's "
            f"runaway-level limit is set from the {robust:.0f} dB)")


def gear_gain(pairs: list, rate: int, block: int = 128) -> tuple[float | None, list[str]]:
    """(the gear's gain over ``pairs`` (trainer.effect.data.Pair) in dB, rounded to 0.1, None when no block is
    measured; warnings naming the pops left out of it, one per pair that has any)."""
    from device.audio.protect import ProtectConfig, db_to_lin
    from trainer.effect.align import MARGIN
    floor = db_to_lin(ProtectConfig().gain_floor_db)
    figures, said = [], []
    for p in pairs:
        gains, real = block_gains(p.input, p.output, block, floor, rate)
        robust = robust_gain_db(gains, real)
        if not np.isfinite(robust):
            continue
        figures.append(robust)
        n = min(p.input.shape[0], p.output.shape[0])
        pops = pop_times(gains, robust, block, loud_blocks(p.output[:n], block))
        if pops:
            name = Path(p.files[1]).name or p.name
            said.append(pop_words(name, pops, robust, block, max(0, p.shifted - MARGIN), rate))
    return (round(max(figures), 1) if figures else None), said
