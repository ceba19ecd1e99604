"""The level checks an effect's output must pass on the box (device.validate's ``golden``, ``knobs`` and ``realtime``
checks): finite numbers, no peak over the engine's runaway level, no DC offset the slot guard would cut, nothing
sounding on silence over the guard's floor; and their hints.  No torch here."""
from __future__ import annotations

import numpy as np

from export.manifest import Manifest
from hatbox.errors import PackError
from hatbox.text import knob_words


class TooLoud(PackError):
    """An effect's output peaks over the engine's runaway level (:func:`check_output_level`): the one refusal the
    ``knobs`` check words as recordings that loud when every setting gives it (:data:`HOT_HINT`)."""


def check_output_level(m: Manifest, outputs: dict[str, np.ndarray], when: str, check: str = "golden",
                       hint: str | None = None) -> None:
    """PackError (of ``check``) when ``outputs`` (name -> array) hold NaN/inf, or an effect's audio output
    peaks above the engine's runaway level (device/audio/protect.py: the engine would bypass the effect at once).
    ``hint``: what to do about either, instead of each one's own."""
    from device.audio.protect import ProtectConfig, lin_to_db

    for name, array in outputs.items():
        if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
            raise PackError(f"the model outputs NaN/inf in '{name}' {when}", check=check,
                            hint=hint or "the box refuses a model that does not give finite numbers")
    audio = outputs.get("audio_out") if m.kind == "effect" else None
    if audio is not None and audio.size:
        peak, limit_db = float(np.max(np.abs(audio))), ProtectConfig().peak_max_db
        if lin_to_db(peak) > limit_db:
            raise TooLoud(f"the effect's output peaks at {lin_to_db(peak):+.1f} dBFS {when}: over the "
                            f"{limit_db:+.0f} dBFS the engine bypasses as a runaway", check=check,
                            hint=hint or "train it again on recordings at ordinary levels (peaks under 0 dBFS)")


KNOBS_HINT = ("the model breaks at that setting: record the gear there too (a pairs.csv row at that setting) and "
              "train it again, or train again with another --seed")


HOT_HINT = ("the recordings of the gear are about that loud: lower the level of the output recordings (peaks under "
            "0 dBFS; sox FILE OUT gain -n -1) and train it again")


DC_HINT = ("a model that adds a constant to what it plays: check the recordings for a DC offset (sox FILE -n stats: "
           "'DC offset'), remove it (sox FILE OUT highpass 10), and train it again")


def dc_fault(audio: np.ndarray, rate: int, block: int) -> float | None:
    """The DC level at which the engine's slot guard (device.audio.protect.SlotGuard, its DC tracker) would bypass
    an effect whose output is ``audio`` [N] played in ``block``-sample blocks, or None when it would not.  (A pack
    that put out +0.3 installed, and each time it played the guard cut it to dry with a -10 dBFS step: twenty-seventh
    stop's QA.)"""
    from device.audio.protect import DC, SlotGuard
    guard = SlotGuard(rate)
    for start in range(0, audio.shape[0] - block + 1, block):
        if guard.check(audio[start:start + block]) == DC:
            return float(guard.dc)
    return None


IDLE_HINT = ("an effect that sounds with nothing played is taken for a runaway by the box's guard (the output louder "
             "than its input, past a tail's length): check that the output recordings are of this input and hold no "
             "hum or noise of their own, and train it again")


def check_idle_level(audio: np.ndarray | None) -> None:
    """PackError (check ``realtime``) when an effect's output on silence (``audio``, its first block from rest) is
    over the slot guard's floor (device.audio.protect.ProtectConfig.gain_floor_db): the engine would bypass it as a
    runaway ten seconds into any pause (effect QA of the fortieth stop: a pack trained on a recording with a DC offset
    of 0.1 installed, then was bypassed on the box at idle as "far too loud")."""
    from device.audio.protect import ProtectConfig, lin_to_db
    if audio is None or not audio.size:
        return
    x = np.asarray(audio, np.float64).reshape(-1)
    rms, floor_db, offset = float(np.sqrt(np.mean(x ** 2))), ProtectConfig().gain_floor_db, float(np.mean(x))
    if lin_to_db(rms) <= floor_db:
        return
    dc = abs(offset) >= 0.5 * rms
    raise PackError(f"the effect puts out {lin_to_db(rms):.0f} dBFS on silence"
                    + (f" (a DC offset of {offset:+.2f})" if dc else "")
                    + f": over the {floor_db:.0f} dBFS the box's guard lets an effect sound with nothing played, so "
                      "the box would bypass it at every pause", check="realtime", hint=DC_HINT if dc else IDLE_HINT)


def with_setting(setting: dict[str, float], units: dict[str, str]) -> str:
    """Where a knob setting's trial failed, in words: "with drive 6 dB, tone 3500 Hz"; "on the box's test signal"
    for a pack without knobs (it said "with none")."""
    return f"with {knob_words(setting, units)}" if setting else "on the box's test signal"
