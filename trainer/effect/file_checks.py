"""Checks of a pair's files as files (p43 formats QA): a float target over full scale, a pair at two rates.

A float target peaking at +6 dBFS trained with no word, and the box's output limiter (-1 dBFS ceiling,
device.audio.protect) then took about 7 dB off the pack's peaks: :func:`over_full_scale` says it as `train synth`
says it of a note (device.audio.audiofile.over_full_scale_words).  A pair whose input and output are at two rates was
refused with "record (or resample) both at the same rate" and no command: :func:`rates_differ` gives the sox line
the pairs.csv sets' rate check gives (trainer.effect.checks.resample_line).
"""
from __future__ import annotations

import math
import shlex
from pathlib import Path

from device.audio.audiofile import over_full_scale_words
from hatbox.errors import DataError

BOX_CEILING_DB = -1.0       # the box's output limiter's ceiling (device.audio.protect.ProtectConfig.ceiling_db)


def over_full_scale(name: str, peak: float) -> str | None:
    """The warning for an output file ``name`` whose samples peak at ``peak`` (linear) over full scale, None when
    it does not (device.audio.audiofile.OVER_FULL_SCALE): the pack learns the level, the box's limiter takes it off."""
    said = over_full_scale_words(peak, name)
    if said is None:
        return None
    cut = 20.0 * math.log10(peak) - BOX_CEILING_DB
    out = f"{name.rsplit('.', 1)[0]}_0dB.wav"
    return (f"{said}: the pack learns to play that loud, and the box's limiter takes about {cut:.0f} dB off its "
            f"peaks; normalise it to 0 dBFS or under (sox {shlex.quote(name)} {shlex.quote(out)} gain -n) and train "
            "on that")


def rates_differ(src: Path, rate_in: int, dst: Path, rate_out: int, where: str) -> DataError:
    """The DataError for a pair whose input ``src`` is at ``rate_in`` Hz and output ``dst`` at ``rate_out`` Hz, with a
    sox line resampling each file not at the box's rate to it (both, when neither is)."""
    from device.validate import EngineSpec
    from trainer.effect.checks import resample_line
    box = EngineSpec().sample_rate
    odd = [f for f, r in ((src, rate_in), (dst, rate_out)) if r != box]
    new = " and ".join(f.with_name(f"{f.stem}-{box // 1000}k.wav").name for f in odd)     # as resample_line names it
    return DataError(f"{where}: input is {rate_in} Hz but output is {rate_out} Hz",
                     hint=f"record (or resample) both at the same rate, the box's {box} Hz: "
                          f"{'; '.join(resample_line(f, box) for f in odd)}; then use {new} in "
                          f"{'its' if len(odd) == 1 else 'their'} place")
