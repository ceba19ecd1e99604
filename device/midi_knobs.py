"""The knobs MIDI and OSC turn: :class:`KnobRanges`, each loaded pack's knob ranges (in the knob's units) and the
value each knob holds now, which the box's control keeps as packs load and knobs move and MIDI pick-up compares a
CC with (device/midi.py).  Copy-on-write, shared between threads.  Split out of device/midi.py, which re-exports it."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from export.manifest import Knob


@dataclass
class KnobRanges:
    """Knob ranges per slot, ``{(slot, name): (min, max)}`` in the knob's units, and the value each
    knob holds now where known (``values``, same keys and units: what the last load or knob message
    through the box's control set it to; MIDI pick-up compares a CC with it).

    Shared between threads (the box's control and API thread writes as packs load and knobs move, the
    MIDI thread reads, and writes as a CC moves a knob): copy-on-write.  A change builds new dicts
    under :attr:`lock` (so two writers do not lose each other's change) and swaps them in; a dict once
    in ``ranges`` or ``values`` is never changed in place, so a reader needs no lock (it looks at one
    dict, whole, from before or after a change)."""

    ranges: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    values: dict[tuple[str, str], float] = field(default_factory=dict)
    logs: frozenset[tuple[str, str]] = frozenset()       # the knobs whose travel is logarithmic (Knob.scale "log")
    packs: dict[str, str] = field(default_factory=dict)  # slot -> the name of the pack loaded there (knobs or none)
    pad: tuple[float, float] = (0.0, 0.0)                # the synth's pad (x, y) in 0..1: where it rests at start
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def set_from_manifest(self, slot: str, manifest: Any) -> None:
        """Replace the slot's knobs with a pack manifest's (export.manifest.Manifest); the slot's
        knob values become unknown (:meth:`loaded` also sets them to the pack's defaults)."""
        self._load(slot, manifest, with_values=False)

    def loaded(self, slot: str, manifest: Any) -> None:
        """The slot now plays the pack with this manifest: its knobs' ranges, each knob at its default
        (as the engine starts a freshly loaded pack, device/audio/swap.py)."""
        self._load(slot, manifest, with_values=True)

    def _load(self, slot: str, manifest: Any, with_values: bool) -> None:
        with self.lock:
            ranges = {k: v for k, v in self.ranges.items() if k[0] != slot}
            values = {k: v for k, v in self.values.items() if k[0] != slot}
            logs = {k for k in self.logs if k[0] != slot}
            for knob in manifest.knobs:
                ranges[(slot, knob.name)] = (float(knob.min), float(knob.max))
                if knob.scale == "log":
                    logs.add((slot, knob.name))
                if with_values:
                    values[(slot, knob.name)] = float(knob.default)
            self.ranges, self.values, self.logs = ranges, values, frozenset(logs)
            self.packs = {**self.packs, slot: str(getattr(manifest, "name", "") or "")}

    def key(self, slot: str, name: str, ranges: dict[tuple[str, str], tuple[float, float]] | None = None
            ) -> tuple[str, str] | None:
        """The key of knob ``name`` of ``slot`` in ``ranges`` (default: :attr:`ranges` now), its name in any case (as
        the engine finds a knob: "Drive" is "drive"); None for an unknown knob."""
        ranges = self.ranges if ranges is None else ranges
        if (slot, name) in ranges:
            return (slot, name)
        folded = name.lower()
        return next((k for k in ranges if k[0] == slot and k[1].lower() == folded), None)

    def forget(self, slot: str) -> None:
        """The slot plays nothing now (its pack was unloaded): its knobs' ranges and values are dropped, so
        MIDI and OSC no longer scale or send knobs for a pack that is gone."""
        with self.lock:
            self.ranges = {k: v for k, v in self.ranges.items() if k[0] != slot}
            self.values = {k: v for k, v in self.values.items() if k[0] != slot}
            self.packs = {s: n for s, n in self.packs.items() if s != slot}

    def set_pad(self, x: float, y: float) -> None:
        """The synth's pad is at (``x``, ``y``) now (0..1 each: an ``xy`` message through the box's control)."""
        with self.lock:
            self.pad = (min(1.0, max(0.0, float(x))), min(1.0, max(0.0, float(y))))

    def set_value(self, slot: str, name: str, value: float) -> None:
        """Knob ``name`` of ``slot`` (any case) was set to ``value`` (its units); ignored for an unknown knob."""
        with self.lock:
            key = self.key(slot, name)
            if key is not None:
                self.values = {**self.values, key: float(value)}

    def fraction(self, slot: str, name: str) -> float | None:
        """The knob's current value as a fraction of its travel, in [0, 1], as the panel's dial shows it (a
        logarithmic knob's in log terms); None: knob or value unknown."""
        found, values = self._knob(slot, name), self.values
        value = values.get(found[0]) if found is not None else None
        if found is None or value is None:
            return None
        knob = found[1]
        return 0.0 if knob.max <= knob.min else knob.normalize(min(knob.max, max(knob.min, value)))

    def scale(self, slot: str, name: str, fraction: float) -> float | None:
        """A fraction of the knob's travel in [0, 1] -> its units, always inside its range (the float arithmetic can
        land one ULP past an end: 0.3..0.9 at 1.0 is 0.9000000000000001, which the engine refuses); a logarithmic
        knob's travel in log terms, as the panel's dial (export.manifest.Knob.denormalize).  None: unknown knob."""
        found = self._knob(slot, name)
        return None if found is None else found[1].denormalize(float(fraction))

    def _knob(self, slot: str, name: str) -> tuple[tuple[str, str], Knob] | None:
        """(key, the knob as a manifest knob: range and scale, for the one implementation of its travel) of knob
        ``name`` of ``slot``, from one look at :attr:`ranges` (a writer may swap it meanwhile); None: unknown."""
        ranges = self.ranges
        key = self.key(slot, name, ranges)
        if key is None:
            return None
        lo, hi = ranges[key]
        return key, Knob(key[1], lo, hi, lo, scale="log" if key in self.logs else "linear")

    def names(self, slot: str) -> list[str]:
        """The slot's knob names in manifest order ([] when none are known)."""
        return [name for s, name in self.ranges if s == slot]
