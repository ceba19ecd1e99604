"""The unseen kits heard as a producer's library may hold them: quieter (soft layers, unnormalised exports) and
band-limited (22.05 kHz files, or old 8-bit ones resampled); used by ``bench/tagger_accuracy.py --conditions``.

Each condition maps the test clips [I, N] (at the front-end's ``rate`` Hz, onset-aligned as the tagger aligns them)
to new clips [I, N]: a gain is the same clip at another level, since the onset is found relative to the peak; a
band limit goes down to the lower rate with the box's resampler and back up, so nothing above its Nyquist remains.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

GAINS_DB = (-30.0, -60.0)            # dB: a soft velocity layer; a very quiet export (peak about -60 dBFS)
LOW_RATES = (22050, 11025)           # Hz: what a 22.05 kHz or an 11 kHz sample file holds
BIT_PEAKS_DB = (-40.0, -60.0)        # dBFS: the peaks of quiet 16-bit files (rounding noise 61 and 41 dB below them)
DC_OFFSET = 0.01                     # linear: an offset a tenth of the peak of ...
DC_PEAK_DB = -20.0                   # dBFS: ... a sound peaking here (an old converter's offset under a soft sample)
DC_LEAD_SECONDS = 0.05               # s of leading silence (at the offset) before the sound


def quieter(clips: np.ndarray, db: float) -> np.ndarray:
    """[I, N] float32 scaled by ``db`` dB."""
    return (clips * np.float32(10.0 ** (db / 20.0))).astype(np.float32)


def band_limited(clips: np.ndarray, rate: int, low: int) -> np.ndarray:
    """[I, N] at ``rate`` Hz -> [I, N]: through ``low`` Hz and back (the training's own trainer.tagger.augment
    .band_limit), cut or zero-padded to N."""
    from trainer.tagger.augment import band_limit
    return np.stack([band_limit(x, low, rate) for x in clips])


def as_16_bit(clips: np.ndarray, db: float) -> np.ndarray:
    """[I, N] each clip as a 16-bit file whose peak is ``db`` dBFS holds it (rounded to that grid), back at its level."""
    from trainer.tagger.augment import quantised
    return np.stack([quantised(c, db, 16) for c in clips])


def with_dc(clips: np.ndarray, rate: int, remove: bool = True) -> np.ndarray:
    """[I, N] each clip as a file holding it at :data:`DC_PEAK_DB` dBFS on a :data:`DC_OFFSET` offset after
    :data:`DC_LEAD_SECONDS` of silence, prepared as the tagger prepares a file (``remove``:
    :func:`device.audio.mel.tagger_clip`, which takes the offset out) or without the offset's removal (only
    onset-aligned and fitted, :func:`device.audio.mel.fit_clip`: the preparation before the thirtieth stop)."""
    from device.audio.mel import fit_clip, tagger_clip
    n = clips.shape[1]
    lead = np.zeros(int(DC_LEAD_SECONDS * rate), np.float32)
    gain = np.float32(10.0 ** (DC_PEAK_DB / 20.0))
    files = [np.concatenate([lead, c]) * gain + np.float32(DC_OFFSET) for c in clips]
    return np.stack([tagger_clip(f, rate, rate, n) if remove else fit_clip(f, n) for f in files])


def conditions(clips: np.ndarray, rate: int) -> dict[str, np.ndarray]:
    """Name -> the test clips [I, N] under that condition (``rate``: their rate in Hz)."""
    out = {f"gain {db:+.0f} dB": quieter(clips, db) for db in GAINS_DB}
    out.update({f"16-bit, peak {db:+.0f} dBFS": as_16_bit(clips, db) for db in BIT_PEAKS_DB})
    out.update({f"as a {low / 1000:g} kHz file": band_limited(clips, rate, low) for low in LOW_RATES if low < rate})
    dc = f"DC offset {DC_OFFSET:g}, peak {DC_PEAK_DB:+.0f} dBFS"
    out[dc] = with_dc(clips, rate)
    out[f"{dc}, offset kept"] = with_dc(clips, rate, remove=False)
    return out


def score(clips: np.ndarray, rate: int, y: np.ndarray, tags: list[str],
          systems: dict[str, Callable[[np.ndarray], np.ndarray]]) -> dict[str, dict[str, float]]:
    """Condition -> system -> macro-F1 of argmax decisions; ``systems`` map clips [I, N] to probabilities [I, T]."""
    from trainer.tagger.report import evaluate
    return {name: {sys: round(evaluate(fn(c), y, tags)["macro_f1"], 4) for sys, fn in systems.items()}
            for name, c in conditions(clips, rate).items()}
