"""What a capture recorded, judged and kept (off the audio thread): the round trip found from the sync blip, the
take lined up with the dry signal, its levels, and whether it is a good take, in words when it is not.

A capture's folder (on the box: STORE/captures/ID/) holds ``dry.wav`` (the capture signal), ``take.wav`` (the gear's
return, lined up sample for sample with ``dry.wav``, as long) and ``capture.json`` (:func:`record`), written in that
order, each atomically: a folder with ``capture.json`` is complete.  A take that is silent, clipped or in which the
blip is not found is not kept as a take: its record says why (``problem``) and holds no ``take.wav``.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from device.audio.capture_signal import VERSION, blip_span, signal_sha256

SILENT_DBFS = -60.0          # a return quieter than this (RMS) is no return (the trainer's own silence line)
CLIP_LEVEL = 0.999           # |x| at or over this is a clipped sample ...
CLIP_FRACTION = 0.001        # ... and more than this share of them is a clipped take (the trainer's 0.1 %)
MIN_MATCH = 0.3              # the blip's normalised correlation below this: not found
ALIGN_MARGIN_S = 0.001       # the take is lined up this much late, never early: the blip's correlation peaks a
                             # sample or so after the gear's onset (its own filters' delay), and a causal model can
                             # learn a delay but never a lookahead (the trainer's alignment takes the rest)
RECORD = "capture.json"
DRY, TAKE = "dry.wav", "take.wav"


def dbfs(x: float) -> float:
    """Linear -> dBFS (-120 for silence)."""
    return float(20.0 * np.log10(max(float(x), 1e-6)))


def find_latency(rec: np.ndarray, dry: np.ndarray, span: tuple[int, int], most: int) -> tuple[int, float]:
    """(lag in samples, match 0..1) of the dry signal's blip ``dry[span]`` in the recording ``rec`` (recorded from
    the first sample of ``dry`` on): the lag ``0 <= lag < most`` where the correlation is strongest (either sign: a
    gear may invert), and the normalised correlation there."""
    a, b = span
    tpl = dry[a:b].astype(np.float64)
    seg = rec[a:min(rec.shape[0], b + most)].astype(np.float64)
    lags = seg.shape[0] - tpl.shape[0] + 1
    if lags <= 0 or not np.any(tpl):
        return 0, 0.0
    size = 1 << int(np.ceil(np.log2(seg.shape[0] + tpl.shape[0])))
    corr = np.fft.irfft(np.fft.rfft(seg, size) * np.conj(np.fft.rfft(tpl, size)), size)[:lags]
    lag = int(np.argmax(np.abs(corr)))
    energy = float(np.dot(seg[lag:lag + tpl.shape[0]], seg[lag:lag + tpl.shape[0]]))
    match = abs(float(corr[lag])) / max(np.sqrt(energy * float(np.dot(tpl, tpl))), 1e-12)
    return lag, min(1.0, match)


def levels(take: np.ndarray) -> dict[str, float]:
    """The take's peak and RMS (dBFS) and the share of its samples at full scale."""
    x = np.abs(take.astype(np.float64))
    return {"peak_dbfs": dbfs(float(x.max()) if x.size else 0.0),
            "rms_dbfs": dbfs(float(np.sqrt(np.mean(x * x))) if x.size else 0.0),
            "clipped_fraction": float(np.mean(x >= CLIP_LEVEL)) if x.size else 0.0}


def problem(level: dict[str, float], match: float) -> str | None:
    """Why a take with these ``levels`` and blip ``match`` is no good take, in words (None: it is)."""
    if level["rms_dbfs"] < SILENT_DBFS:
        return (f"nothing came back: the box's input heard only silence (peak {level['peak_dbfs']:.0f} dBFS) while "
                "it played the capture signal; connect the box's output to the gear's input and the gear's output "
                "to the box's input, switch the gear on, and capture again")
    if level["clipped_fraction"] > CLIP_FRACTION:
        return (f"the return clipped at the box's input ({100 * level['clipped_fraction']:.1f} % of its samples at "
                "full scale): turn the gear's output level down (or its gain) and capture again")
    if match < MIN_MATCH:
        return (f"the capture signal's sync blip did not come back recognisably (match {match:.2f}, under "
                f"{MIN_MATCH}): is the gear's output the box's input, with no other sound on it? Capture again")
    return None


def judge(rec: np.ndarray, dry: np.ndarray, seconds: float, rate: int, most: int) -> tuple[np.ndarray, dict[str, Any]]:
    """(the take lined up with ``dry`` [len(dry)] float32, :data:`ALIGN_MARGIN_S` late; the figures:
    ``latency_samples`` and ``latency_ms`` (the round trip found), ``shift_samples`` (what the take was moved by),
    ``blip_match``, the levels, ``problem``) for a recording ``rec`` [len(dry) + most] made while ``dry`` played."""
    lag, match = find_latency(rec, dry, blip_span(seconds, rate), most)
    moved = max(0, lag - int(round(ALIGN_MARGIN_S * rate)))
    take = np.zeros(dry.shape[0], np.float32)
    got = rec[moved:moved + dry.shape[0]]
    take[:got.shape[0]] = got
    level = levels(take)
    figures = {"latency_samples": lag, "latency_ms": 1000.0 * lag / rate, "shift_samples": moved,
               "blip_match": float(match), **level}
    return take, {**figures, "problem": problem(level, match)}


def record(base: dict[str, Any], dry: np.ndarray, figures: dict[str, Any], take: np.ndarray | None) -> dict[str, Any]:
    """The capture's record (capture.json): ``base`` (id, name, knobs, seconds, rate), ``state`` (done, failed,
    cancelled), the figures, the dry signal's version and sha256, and the take's sha256 (None without a take)."""
    state = "cancelled" if figures.get("cancelled") else "failed" if figures.get("problem") else "done"
    return {**base, **figures, "state": state, "signal_version": VERSION, "dry_sha256": signal_sha256(dry),
            "take_sha256": signal_sha256(take) if take is not None else None, "finished_at": time.time()}


def save(folder: Path, rec: dict[str, Any], dry: np.ndarray, take: np.ndarray | None, rate: int) -> None:
    """Write ``dry.wav``, ``take.wav`` (when ``take``) and last ``capture.json`` into ``folder``, each atomically."""
    from device.audio import audiofile
    from export.atomic import atomic_output
    folder.mkdir(parents=True, exist_ok=True)
    if take is not None:
        audiofile.write(folder / DRY, dry, rate)
        audiofile.write(folder / TAKE, take, rate)
    with atomic_output(folder / RECORD) as fh:
        fh.write(json.dumps(rec, indent=1).encode())


def read_record(folder: Path) -> dict[str, Any] | None:
    """A capture folder's record (None: not finished, or unreadable)."""
    try:
        got = json.loads((folder / RECORD).read_text())
    except (OSError, ValueError):
        return None
    return got if isinstance(got, dict) else None
