"""The noise floor in the gaps of the held-out audio: the levels of the input, the gear and the pack where the gear's
output is quietest, what a denoiser is for and what a noisy pedal adds (the report's "noise floor in the gaps" line).

Every held-out pair whose gear output has gaps is measured (:func:`gap_levels`), and the report gives their median
and names the pair the pack took the least off (:func:`gaps_text`): measuring only the worst pair said nothing when
that one was played all through, though six pairs had gaps (forty-second stop's denoiser QA).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from trainer.effect.data import EffectData

QUIET_FRAME_S = 0.05        # s: the frames the quietest tenth of a held-out stretch is found in
QUIET_SHARE = 0.1
GAP_BELOW_DB = 20.0         # the quietest tenth of a held-out stretch is a gap when this far under its level
RUN_IN_S = 2.0              # s of a pair run through the pack before its held-out stretch: its state warmed up
LEVELS = ("input_db", "gear_db", "pack_db", "gear_level_db")


def quiet_levels(inp: np.ndarray, target: np.ndarray, model: np.ndarray, rate: int) -> dict[str, float] | None:
    """The levels (dBFS RMS) of the input, the gear and the pack over the quietest tenth of the gear's output
    (50 ms frames): the noise floor in the gaps, what a denoiser is for and what a noisy pedal adds (effect QA of
    the fortieth stop: the denoiser's report said only its ESR).  None when the stretch holds under ten frames."""
    n = int(QUIET_FRAME_S * rate)
    frames = min(inp.shape[0], target.shape[0], model.shape[0]) // n
    if frames < 10:
        return None
    energy = {name: np.mean(np.square(x[:frames * n].astype(np.float64)).reshape(frames, n), axis=1)
              for name, x in (("input_db", inp), ("gear_db", target), ("pack_db", model))}
    quiet = np.argsort(energy["gear_db"])[:max(1, int(QUIET_SHARE * frames))]
    levels = {name: float(10 * np.log10(max(float(np.mean(e[quiet])), 1e-20))) for name, e in energy.items()}
    levels["gear_level_db"] = float(10 * np.log10(max(float(np.mean(energy["gear_db"])), 1e-20)))
    return levels


def has_gaps(levels: dict[str, float] | None) -> bool:
    """Whether ``levels`` (:func:`quiet_levels`) come from a stretch with gaps: its quietest tenth at least
    :data:`GAP_BELOW_DB` under its level (continuous playing's quietest tenth is no noise floor, p41)."""
    return levels is not None and levels["gear_db"] <= levels["gear_level_db"] - GAP_BELOW_DB


def gap_levels(pack: Path, data: EffectData, val_fraction: float) -> dict[str, dict[str, float] | None]:
    """{pair: :func:`quiet_levels` of its held-out stretch} for every pair, None for a pair whose held-out gear output
    has no gaps (or is too short); the pack renders only the pairs with gaps, from :data:`RUN_IN_S` before the
    stretch."""
    from device.audio.effect import EffectProcessor, render
    from trainer.effect.evaluate import scored_span
    proc = None
    out: dict[str, dict[str, float] | None] = {}
    for pair in data.pairs:
        a, b = scored_span(pair, val_fraction)
        target = pair.output[a:b]
        if not has_gaps(quiet_levels(target, target, target, data.rate)):
            out[pair.name] = None
            continue
        proc = proc or EffectProcessor(pack)
        start = max(0, a - int(RUN_IN_S * data.rate))
        y_hat = render(proc, pair.input[start:b], pair.setting, block=4096)
        out[pair.name] = quiet_levels(pair.input[a:b], target, y_hat[a - start:], data.rate)
    return out


def median_levels(per_pair: dict[str, dict[str, float] | None]) -> dict[str, float] | None:
    """The median of each level over the pairs with gaps (metrics.json's ``quiet_levels``); None when none has."""
    held = [v for v in per_pair.values() if v]
    return {k: float(np.median([v[k] for v in held])) for k in LEVELS} if held else None


SILENT_DBFS = -190.0        # a level this low is digital silence (quiet_levels' floor is -200 dBFS)


def level_words(db: float, unit: str = "") -> str:
    """A gap's level in words: "-62.3" (``unit`` after it, e.g. " dBFS"), or "digital silence" for a level under
    :data:`SILENT_DBFS` (a clean take's pauses: -200.0 dBFS read as a figure, p60 QA)."""
    return "digital silence" if db <= SILENT_DBFS else f"{db:.1f}{unit}"


def _down(levels: dict[str, float]) -> str:
    down = levels["input_db"] - levels["pack_db"]
    return f"{abs(down):.1f} dB {'under' if down >= 0 else 'over'} the input"


def quiet_text(levels: dict[str, float] | None, pair: str, target: str = "the gear") -> list[str]:
    """report.md's line for one pair's :func:`quiet_levels` ([] without them); ``target``: what the output column
    holds in words ("the clean take" for a denoiser's set)."""
    if not levels:
        return []
    level = levels.get("gear_level_db")
    if level is not None and levels["gear_db"] > level - GAP_BELOW_DB:      # playing all through: no gaps
        return [f"- noise floor in the gaps: none to measure (the held-out stretch of {pair} is played all through: "
                f"its quietest tenth is within {GAP_BELOW_DB:g} dB of its level, {level:.1f} dBFS)"]
    return [f"- noise floor in the gaps (the quietest tenth of the held-out stretch of {pair}, where {target} is "
            f"quietest): input {level_words(levels['input_db'], ' dBFS')}, {target} {level_words(levels['gear_db'])}, "
            f"the pack {level_words(levels['pack_db'])} ({_down(levels)})"]


def gaps_text(per_pair: dict[str, dict[str, float] | None], target: str = "the gear") -> list[str]:
    """report.md's line for :func:`gap_levels` of several pairs: the median over those with gaps, the pair the pack
    took the least off, and how many had none; [] when none has gaps (the caller says so for the worst pair).
    ``target``: what the output column holds in words ("the clean take" for a denoiser's set)."""
    held = {n: v for n, v in per_pair.items() if v}
    if not held and len(per_pair) > 1:
        return [f"- noise floor in the gaps: none to measure (none of the {len(per_pair)} pairs' held-out stretches "
                f"has gaps: each one's quietest tenth is within {GAP_BELOW_DB:g} dB of its level, or too short)"]
    if not held:
        return []
    if len(per_pair) == 1:
        return quiet_text(*[(v, n) for n, v in held.items()][0], target)
    mid = median_levels(held)
    assert mid is not None
    least, lv = min(held.items(), key=lambda kv: kv[1]["input_db"] - kv[1]["pack_db"])
    none = len(per_pair) - len(held)
    return [f"- noise floor in the gaps (the quietest tenth of each held-out stretch, where {target} is quietest; "
            f"median over the {len(held)} of {len(per_pair)} pairs with gaps): input "
            f"{level_words(mid['input_db'], ' dBFS')}, {target} {level_words(mid['gear_db'])}, the pack "
            f"{level_words(mid['pack_db'])} ({_down(mid)}); the least taken down: {least}: input "
            f"{level_words(lv['input_db'])}, {target} {level_words(lv['gear_db'])}, the pack "
            f"{level_words(lv['pack_db'])} ({_down(lv)})"
            + (f"; {none} pair{'s' if none > 1 else ''} played all through (no gaps)" if none else "")]
