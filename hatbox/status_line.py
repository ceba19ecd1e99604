"""The one-line engine status `hatbox device run` (headless) and `hatbox demo` print every few seconds."""
from __future__ import annotations

from typing import Any


def active_words(active: dict[str, Any], status: dict[str, Any] | None = None) -> str:
    """What plays, by slot: "effect hatbox-drive, synth gm4, sampler" (a slot whose pack is named as the slot is,
    the sampler, by its name alone); "nothing loaded" when no slot holds anything.  With the whole engine ``status``
    a slot that does not play says why (:func:`bypass_words`): "effect hatbox-drive BYPASSED (runaway level)"."""
    said = [(k if v.get("name") in (None, "", k) else f"{k} {v['name']}") + bypass_words(status or {}, k)
            for k, v in active.items() if v]
    return ", ".join(said) or "nothing loaded"


def bypass_words(status: dict[str, Any], slot: str) -> str:
    """" BYPASSED (runaway level)" when a fault of the pack ``slot`` plays has bypassed it (device.ui.faults), " (bypassed)"
    when the musician bypassed it, else "": a status line that named the effect alone while it was cut out read as
    if it played (twenty-seventh stop's QA).  The same words as :func:`cut_out_words`, the fault's verb in capitals."""
    words = cut_out_words(status, slot)
    done, _, why = words.partition(" ")
    return f" {done.upper()} {why}" if why else f" ({words})" if words else ""


def cut_out_words(status: dict[str, Any], slot: str) -> str:
    """How the engine's ``slot`` is cut out now: "silenced (runaway level)" (the synth) or "bypassed (runaway
    level)" (the effect) after a fault, "bypassed" by the musician, "" when it plays.  `hatbox box-pack ID
    --activate` on the pack it holds then loads it again, and a pack loaded starts playing: before (thirty-third
    stop's QA) a synth silenced by a fault could be turned back on only on the panel, and the command said the pack
    was active already."""
    from device.ui.faults import fault_words, faulted, slot_fault
    if faulted(status, slot):
        return (f"{'bypassed' if slot == 'effect' else 'silenced'} "
                f"({fault_words(slot_fault(status, slot) or {})[1]})")
    bypassed = status.get("bypassed")
    return "bypassed" if isinstance(bypassed, dict) and bypassed.get(slot) else ""


def status_words(st: dict[str, Any]) -> str:
    """The engine's status (device/audio/server.py) in one line: the share of each block's time the audio
    computation takes (on average, and at its worst 0.1 %: over 100 % there means dropouts), the xruns (dropouts:
    the sound card ran dry), the output's peak, the slot faults (a pack bypassed for bad output), what plays."""
    return (f"audio load {st['load_mean']:.1%} (worst {st['load_p999']:.1%}) | xruns (dropouts) {st['xruns']}"
            f"{since_words(st)} | peak {st['peak_db']:.1f} dBFS | faults {st.get('fault_count', 0)} | "
            f"{active_words(st.get('active', {}), st)}")


def since_words(st: dict[str, Any]) -> str:
    """How long the engine has played, from its status (blocks x block / rate), as " in 42 s", " in 12 min",
    " in 2 h 05 min": the time the xruns count over; "" when the status lacks any of them (another version)."""
    blocks, block, rate = st.get("blocks"), st.get("block"), st.get("rate")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (blocks, block, rate)) or not rate:
        return ""
    secs = int(blocks * block / rate)
    if secs < 60:
        return f" in {secs} s"
    if secs < 3600:
        return f" in {secs // 60} min"
    return f" in {secs // 3600} h {secs % 3600 // 60:02d} min"
