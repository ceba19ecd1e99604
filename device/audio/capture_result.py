"""What a capture recorded, judged and kept (off the audio thread): the round trip found (device/audio/align.py, the
trainer's own method), the take lined up with the dry signal, its levels, and whether it is a good take, in words
when it is not.

A capture's folder (on the box: STORE/captures/ID/) holds ``dry.wav`` (the capture signal), ``take.wav`` (the gear's
return, lined up sample for sample with ``dry.wav``, as long) and ``capture.json`` (:func:`record`), written in that
order, each atomically: a folder with ``capture.json`` is complete.  A take that is silent, clipped or in which the
round trip is not found is not kept as a take: its record says why (``problem``) and holds no ``take.wav``.
"""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from device.audio.capture_signal import VERSION, signal_sha256
from device.audio.protect import lin_to_db

SILENT_DBFS = -60.0          # a return quieter than this (RMS) is no return (the trainer's own silence line)
CLIP_LEVEL = 0.999           # |x| at or over this is a clipped sample ...
CLIP_FRACTION = 0.001        # ... and more than this share of them is a clipped take (the trainer's 0.1 %)
ALIGN_MARGIN_S = 0.001       # the take is lined up this much late, never early: the impulse response's onset tap
                             # sits a sample or so after the gear's onset (its own filters' delay), and a causal
                             # model can learn a delay but never a lookahead (the trainer's alignment takes the rest)
RECORD = "capture.json"
DRY, TAKE = "dry.wav", "take.wav"


def round_trip(rec: np.ndarray, dry: np.ndarray, rate: int, most: int) -> tuple[int, str | None]:
    """(the round trip in samples, ``0 <= lag < most``; why it was not found, or None) of the recording ``rec``
    [len(dry) + most] made while ``dry`` [S] played (recorded from its first sample on):
    :func:`device.audio.align.find_delay`, the trainer's own method (the onset of the impulse response of the whole
    return against the dry signal, with its confidence check), searched over 0..``most``."""
    from device.audio.align import find_delay
    from hatbox.errors import DataError
    x = np.zeros(rec.shape[0], np.float32)
    x[:dry.shape[0]] = dry
    try:
        return find_delay(x, rec, rate, 1000.0 * most / rate)[0], None
    except DataError as exc:
        return 0, str(exc)


def levels(take: np.ndarray) -> dict[str, float]:
    """The take's peak and RMS (dBFS) and the share of its samples at full scale."""
    x = np.abs(take.astype(np.float64))
    return {"peak_dbfs": lin_to_db(float(x.max()) if x.size else 0.0),
            "rms_dbfs": lin_to_db(float(np.sqrt(np.mean(x * x))) if x.size else 0.0),
            "clipped_fraction": float(np.mean(x >= CLIP_LEVEL)) if x.size else 0.0}


def problem(level: dict[str, float], unfound: str | None) -> str | None:
    """Why a take with these ``levels`` is no good take, in words (None: it is); ``unfound``: why its round trip was
    not found (:func:`round_trip`), or None."""
    if level["rms_dbfs"] < SILENT_DBFS:
        return (f"nothing came back: the box's input heard only silence (peak {level['peak_dbfs']:.0f} dBFS) while "
                "it played the capture signal; connect the box's output to the gear's input and the gear's output "
                "to the box's input, switch the gear on, and capture again")
    if level["clipped_fraction"] > CLIP_FRACTION:
        return (f"the return clipped at the box's input ({100 * level['clipped_fraction']:.1f} % of its samples at "
                "full scale): turn the gear's output level down (or its gain) and capture again")
    if unfound is not None:
        return (f"the capture signal did not come back recognisably ({unfound[0].lower() + unfound[1:]}): is the "
                "gear's output the box's input, with no other sound on it? Capture again")
    return None


def judge(rec: np.ndarray, dry: np.ndarray, rate: int, most: int) -> tuple[np.ndarray, dict[str, Any]]:
    """(the take lined up with ``dry`` [len(dry)] float32, :data:`ALIGN_MARGIN_S` late; the figures:
    ``latency_samples`` and ``latency_ms`` (the round trip found), ``shift_samples`` (what the take was moved by),
    the levels, ``problem``) for a recording ``rec`` [len(dry) + most] made while ``dry`` played."""
    lag, unfound = round_trip(rec, dry, rate, most)
    take, moved = lined_up(rec, dry.shape[0], lag, rate)
    level = levels(take)
    figures = {"latency_samples": lag, "latency_ms": 1000.0 * lag / rate, "shift_samples": moved, **level}
    return take, {**figures, "problem": problem(level, unfound)}


def lined_up(rec: np.ndarray, length: int, lag: int, rate: int) -> tuple[np.ndarray, int]:
    """(the recording ``rec`` [M] lined up with the dry signal by :func:`device.audio.align.shift`, the trainer's
    own, left :data:`ALIGN_MARGIN_S` late and never early, as ``length`` [length] float32 (its end silence if ``rec``
    falls short); the samples it was moved by) for a round trip of ``lag`` samples at ``rate`` Hz."""
    from device.audio import align
    margin = int(round(ALIGN_MARGIN_S * rate))
    take = np.zeros(length, np.float32)
    got = align.shift(take, rec, lag, margin)[1]
    take[:got.shape[0]] = got
    return take, align.moved_by(lag, margin)


def record(base: dict[str, Any], dry: np.ndarray, figures: dict[str, Any], take: np.ndarray | None) -> dict[str, Any]:
    """The capture's record (capture.json): ``base`` (id, name, knobs, seconds, rate), ``state`` (done, failed,
    cancelled), the figures, the dry signal's version and sha256, and the take's sha256 (None without a take)."""
    state = "cancelled" if figures.get("cancelled") else "failed" if figures.get("problem") else "done"
    return {**base, **figures, "state": state, "signal_version": VERSION, "dry_sha256": signal_sha256(dry),
            "take_sha256": signal_sha256(take) if take is not None else None, "finished_at": time.time()}


def save(folder: Path, rec: dict[str, Any], dry: np.ndarray, take: np.ndarray | None, rate: int) -> None:
    """Write ``dry.wav`` and ``take.wav`` (both only with a ``take``) and last ``capture.json`` into ``folder``, each
    atomically."""
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
