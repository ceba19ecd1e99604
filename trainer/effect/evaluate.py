"""Score an effect pack on recordings, through the box's own processor (device/audio/effect.py).

ESR per pair is measured on ``[start, end)`` of each aligned pair: the stretch held out in training
(:func:`trainer.effect.split.held_out`: the last ``val_fraction``, or an earlier stretch as long when the
gear's output is silent there, where ESR is undefined), or the whole recording for fresh recordings;
the model always runs from the pair's first sample so its state is warmed up honestly.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from device.audio.effect import EffectProcessor, render
from export.pack import Pack, read_pack
from trainer.effect.data import EffectData, Pair, esr, load_folder
from trainer.effect.split import held_out


def scored_span(pair: Pair, val_fraction: float | None) -> tuple[int, int]:
    """``[start, end)`` of ``pair`` that is scored: its held-out stretch, or all of it (``val_fraction`` None)."""
    return held_out(pair.output, val_fraction) if val_fraction else (0, pair.output.shape[0])


def render_pair(proc: EffectProcessor, pair: Pair, block: int = 4096) -> np.ndarray:
    """The pack's output [N] for the pair's input at the pair's knob setting."""
    return render(proc, pair.input, pair.setting, block=block)


def evaluate_data(pack: Pack | str | Path, data: EffectData,
                  val_fraction: float | None = None) -> dict[str, Any]:
    """{"esr": mean over pairs, "esr_pooled", "per_pair": {name: esr}, "per_setting": {key: esr}}."""
    proc = EffectProcessor(pack if isinstance(pack, Pack) else read_pack(pack))
    per_pair: dict[str, float] = {}
    by_setting: dict[str, list[float]] = {}
    err = energy = 0.0
    for pair in data.pairs:
        y_hat = render_pair(proc, pair)
        a, b = scored_span(pair, val_fraction)
        e = esr(pair.output[a:b], y_hat[a:b])
        per_pair[pair.name] = e
        by_setting.setdefault(pair.key, []).append(e)
        energy_p = float(np.sum(np.square(pair.output[a:b], dtype=np.float64)))
        err, energy = err + e * energy_p, energy + energy_p
    return {"esr": float(np.mean(list(per_pair.values()))), "esr_pooled": err / max(energy, 1e-20),
            "per_pair": per_pair, "per_setting": {k: float(np.mean(v)) for k, v in by_setting.items()},
            "latency": data.latencies}


def evaluate_folder(pack: str | Path, folder: str | Path, *, csv_name: str = "pairs.csv",
                    val_fraction: float | None = None, allow_clipping: bool = False) -> dict[str, Any]:
    """Score ``pack`` on every recording of ``folder/<csv_name>`` (e.g. unseen knob settings).

    Recordings are checked and latency-aligned like training data; knob values must lie in
    the pack's ranges (KnobError otherwise).
    """
    data = load_folder(folder, allow_clipping=allow_clipping, keep_all_columns=True, csv_name=csv_name)
    return evaluate_data(pack, data, val_fraction)
