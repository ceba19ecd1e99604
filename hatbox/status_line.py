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


LOAD_WINDOW_BLOCKS = 1 << 14    # device.audio.engine.EngineConfig().stats_blocks: the blocks the load figures cover
PEAK_MINUTE_S = 62              # device.audio.engine.PEAK_MINUTE_S: the whole seconds peak_minute_db covers (and one
                                # under way)


def status_words(st: dict[str, Any]) -> str:
    """The engine's status (device/audio/server.py) in one line: the share of each block's time the audio
    computation takes (:func:`load_words`), the xruns (dropouts: the sound card ran dry) since the engine started,
    the output's loudest peak of the last minute (:func:`peak_words`), the slot faults (a pack bypassed for bad
    output), what plays."""
    return (f"audio load {load_words(st, 1)} | xruns (dropouts) {st['xruns']}"
            f"{since_words(st)} | {peak_words(st)} | faults {st.get('fault_count', 0)} | "
            f"{active_words(st.get('active', {}), st)}")


def peak_words(st: dict[str, Any]) -> str:
    """"peak -1.0 dBFS in the last 1 min" (or "... in the last 12 s" in the engine's first minute): the loudest
    output peak over the last minute (``peak_minute_db``), so that a line printed once a minute says what was
    played since the one before; p60 QA_B: the line said the 1 s meter (``peak_db``), -120 dBFS 43 s after a -1 dBFS
    chord.  A status without it (another hatbox version): "peak -9.5 dBFS", its meter as before."""
    loudest = st.get("peak_minute_db")
    if not _number(loudest):
        return f"peak {st['peak_db']:.1f} dBFS"
    secs = _played_s(st)
    span = "" if secs is None else f" in the last {duration_words(min(secs, PEAK_MINUTE_S))}"
    return f"peak {loudest:.1f} dBFS{span}"


def load_words(st: dict[str, Any], digits: int = 0) -> str:
    """The engine's load figures (compute time / block time; over 100 % a block came later than its time) in words:
    "12% over the last 44 s (99.9% of blocks under 30%, slowest 120%)".  The engine keeps them over its last
    :data:`LOAD_WINDOW_BLOCKS` blocks (~44 s at 128 / 48 kHz), not since its start: the mean, ``load_p999`` (the
    99.9th percentile: what all but one block in a thousand stayed under) and ``load_max`` (the slowest block of
    those).  p45 soak QA: "worst 30%" was the percentile, said beside a block that took 120 % of its time.
    A figure the status lacks (another hatbox version) is left out; '?' for no mean."""
    mean, p999, top = (st.get(k) for k in ("load_mean", "load_p999", "load_max"))
    said = [f"99.9% of blocks under {_percent(p999, digits)}" if _number(p999) else "",
            f"slowest {_percent(top, digits)}" if _number(top) else ""]
    inner = ", ".join(w for w in said if w)
    return (f"{_percent(mean, digits) if _number(mean) else '?'}{_window_words(st)}"
            + (f" ({inner})" if inner else ""))


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _percent(value: float, digits: int) -> str:
    return f"{value:.{digits}%}"


def _window_words(st: dict[str, Any]) -> str:
    """" over the last 44 s": the time the load figures cover (the last :data:`LOAD_WINDOW_BLOCKS` blocks, or every
    block played when fewer); "" when the status lacks blocks, block or rate."""
    secs = _played_s({**st, "blocks": min(st.get("blocks"), LOAD_WINDOW_BLOCKS)}) if _number(st.get("blocks")) else None
    return "" if secs is None else f" over the last {duration_words(secs)}"


def since_words(st: dict[str, Any]) -> str:
    """How long the engine has played, from its status (blocks x block / rate), as " in 42 s", " in 12 min",
    " in 2 h 05 min": the time the xruns count over; "" when the status lacks any of them (another version)."""
    secs = _played_s(st)
    return "" if secs is None else f" in {duration_words(secs)}"


def _played_s(st: dict[str, Any]) -> float | None:
    """Seconds the engine has played (blocks x block / rate); None when the status lacks any of them."""
    blocks, block, rate = st.get("blocks"), st.get("block"), st.get("rate")
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (blocks, block, rate)) or not rate:
        return None
    return blocks * block / rate


def duration_words(secs: float) -> str:
    """"42 s", "12 min", "2 h 05 min" (whole units, rounded down)."""
    whole = int(secs)
    if whole < 60:
        return f"{whole} s"
    if whole < 3600:
        return f"{whole // 60} min"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"
