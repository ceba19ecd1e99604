"""`hatbox render` through the box's own effect slot (device/audio/effect.py's render_file uses these).

The take plays through device.audio.slot.Slot with the guard at the limits the box's loader sets for the pack
(device.audio.swap.effect_gain_limit, measured here without the loader's GIL pauses: render has no audio thread),
the bypass to the dry input on a fault and the slot's DC blocker; what the guard did is said in render's lines
(:func:`fault_line`), and so is a pack with no gear-gain figure (:func:`no_gear_gain_line`).  Moved out of
device/audio/effect.py (p52 review R4 #6); device.audio.effect still exports every name.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

import numpy as np

if TYPE_CHECKING:
    from device.audio.effect import EffectProcessor
    from export.manifest import Manifest

# seconds the gain probe sleeps every 4 blocks in render: none (the box's loader leaves the GIL to its audio thread,
# device.audio.swap.YIELD_S; render has no audio thread, and 225 sleeps cost 0.17-0.75 s there: p52 review R4 #3)
RENDER_PROBE_PAUSE_S = 0.0


@dataclass
class SlotRun:
    """What the box's effect slot made of a render (:func:`play_in_slot`)."""

    out: np.ndarray                 # [N] float32: the slot's output (DC taken off; the dry input from a fault on)
    limits: dict[str, Any]          # the guard's limits (device.audio.swap.effect_gain_limit's keys)
    fault: str | None = None        # the guard's reason (device.audio.protect: "runaway", "nonfinite", "dc")
    at: int | None = None           # the sample of the block the slot bypassed the effect in
    why: Any = None                 # which guard rule a "runaway" came from (device.audio.protect.Tripped)


def play_in_slot(proc: EffectProcessor, x: np.ndarray, block: int, limits: dict[str, Any],
                 progress: Callable[[int, int], None] | None = None) -> SlotRun:
    """Mono ``x`` [N] float32 through effect ``proc`` (set and at rest: device.audio.effect.start_at) in
    ``block``-sample blocks in the box's own effect slot (device.audio.slot.Slot: its guard at ``limits``, as the
    box's loader sets them, the bypass to the dry input on a fault, with its fade, and the slot's DC blocker).  The
    effect plays from the first sample (a one-sample switch, where the box crossfades a pack in)."""
    from device.audio.protect import ProtectConfig
    from device.audio.slot import Slot
    slot = Slot("effect", True, proc.sample_rate, 1, block, ProtectConfig(), release=lambda unit: None)
    slot.switch(proc, limits)
    run = SlotRun(np.empty_like(x), limits)
    every = max(1, proc.sample_rate // block)              # blocks between progress reports: about a second
    for k, start in enumerate(range(0, x.shape[0], block)):
        stop = min(start + block, x.shape[0])
        fault = slot.run(x[start:stop], run.out[start:stop])
        if fault and run.fault is None:
            run.fault, run.at, run.why = fault, start, slot.fault_why
        if progress is not None and k % every == every - 1:
            progress(stop, x.shape[0])
    return run


def box_gain_limits(proc: EffectProcessor, block: int) -> dict[str, Any]:
    """The slot guard's limits the box's loader sets for ``proc`` at ``block`` (device.audio.swap.effect_gain_limit:
    its probe over the knobs' corners, about 0.3-0.5 s for two knobs, without the loader's pauses:
    :data:`RENDER_PROBE_PAUSE_S`); leaves ``proc`` reset at its default knobs."""
    from device.audio.swap import effect_gain_limit
    return effect_gain_limit(proc, proc.manifest, block, proc.sample_rate, pause=RENDER_PROBE_PAUSE_S)


def fault_line(name: str, run: SlotRun, rate: int) -> str:
    """The warning for a render the box's slot guard bypassed (``run.fault``): when, why (for a runaway, the rule
    that tripped: device.ui.faults.runaway_words), what plays then."""
    from device.ui.faults import FAULT_WORDS, runaway_words
    why = FAULT_WORDS.get(str(run.fault), (str(run.fault), ""))[0]
    if run.why is not None:             # the rule that tripped: the peak limit, or the gain over the input (p59 Q1 6)
        why += runaway_words({"reason": run.fault, **run.why.as_dict()})
    return (f"warning: the box would bypass effect '{name}' {(run.at or 0) / rate:.2f} s into this take: its output "
            f"{why}; from there this render plays the dry input, as the box does (it stays bypassed until "
            "turned back on: hatbox box-knob effect.bypass 0)")


def no_gear_gain_line(manifest: Manifest) -> str:
    """A note for a pack that carries no gear-gain figure, else "": the box guards it by its test-tone probe and a
    wider margin (device.audio.swap.NO_GEAR_ALLOWANCE_DB).  Two causes, told apart (p52 review R4 #1): no
    ``gear_max_gain_db`` key, a pack made by a hatbox before 2026-12-01 (training it again gives it the figure); the
    key there but null, recordings too quiet for the guard to measure one (training again on them writes null
    again: they must be recorded hotter)."""
    from device.audio.protect import ProtectConfig
    from device.audio.swap import NO_GEAR_ALLOWANCE_DB, gear_gain_db
    if gear_gain_db(manifest) is not None:
        return ""
    metrics = getattr(manifest, "metrics", {}) or {}
    wider = (f"the box sets its runaway limit from a test-tone probe, {NO_GEAR_ALLOWANCE_DB:g} dB wider than for a "
             "pack that has one")
    if "gear_max_gain_db" not in metrics:
        return (f"note: pack '{manifest.name}' carries no gear-gain figure (made by a hatbox before 2026-12-01): "
                f"{wider}; train it again to give the box the gear's own gain")
    if metrics["gear_max_gain_db"] is None:
        floor = ProtectConfig().gain_floor_db
        return (f"note: pack '{manifest.name}' has no gear-gain figure: its recordings never reached {floor:g} dBFS "
                f"in a 128-sample block of the gear's output, so its gain could not be measured; {wider}. "
                "Record hotter (louder into and out of the gear) and train it again to give the box the gear's gain")
    return (f"note: pack '{manifest.name}' carries a gear-gain figure that is no number "
            f"({metrics['gear_max_gain_db']!r}): {wider}; train it again to give the box the gear's own gain")
