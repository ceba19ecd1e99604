"""The XY pad's position and the slots the player bypassed, kept with the knobs across a restart (p55 QA_B #4).

A power cut brought the knobs and the volume back (device/knob_store.py) but the pad at the synth's own position and
every slot playing: a synth the player had muted sounded again, with another timbre.  Both now go in the knob file
(STORE/knobs.json), written by the knob keeper as the knobs are (whole or not at all, at most once a second while
they change)::

    "xy": [0.9, 0.898],                                       # the pad's x, y (0..1), as last sent to the synth
    "bypassed": {"synth": {"pack": "<store id>", "name": "gm4", "version": "1.0.0"}}    # only the bypassed slots

A slot's bypass is tied to the pack it was set on (its store id; ``""`` for the box's own sampler): a pack switched
in plays, as while the box runs, so a bypass kept for a pack that no longer plays in its slot is not carried to the
one there now, and the start line says so.  The pad's position goes on from synth to synth, as it does while the box
runs (device/audio/held.Performance).  A file from before has neither key: the box starts as before.
"""
from __future__ import annotations

import json
import math
from typing import Any

from device.control import XY_RANGE
from device.store import installed_in

Bypassed = dict[str, dict[str, str]]      # slot -> {"pack": store id ("" for a built-in unit), "name", "version"}
Pad = tuple[float, float]                 # the pad's x, y, each in XY_RANGE


class NotKept(ValueError):
    """A kept pad position or bypass that is none (edited by hand)."""


def pad_of(value: Any) -> Pad:
    """The pad position a knob file's ``xy`` keeps; :class:`NotKept` when it is not two numbers in XY_RANGE."""
    lo, hi = XY_RANGE
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise NotKept("not two numbers")
    for c in value:
        if isinstance(c, bool) or not isinstance(c, (int, float)) or not (math.isfinite(c) and lo <= c <= hi):
            raise NotKept("not two numbers")
    return float(value[0]), float(value[1])


def bypassed_of(value: Any) -> Bypassed:
    """The bypassed slots a knob file's ``bypassed`` keeps; :class:`NotKept` when it is not one."""
    from device.audio.engine import EFFECT_SLOTS, SOURCE_SLOTS
    if not isinstance(value, dict):
        raise NotKept("not a bypass")
    out: Bypassed = {}
    for slot, entry in value.items():
        if slot not in (*EFFECT_SLOTS, *SOURCE_SLOTS) or not isinstance(entry, dict) \
                or not all(isinstance(entry.get(k, ""), str) for k in ("pack", "name", "version")):
            raise NotKept("not a bypass")
        out[slot] = {k: str(entry.get(k, "")) for k in ("pack", "name", "version")}
    return out


def kept_play(raw: Any, name: str) -> tuple[Bypassed, Pad | None, list[str]]:
    """(the bypassed slots, the pad position or None, start warnings) a knob file's JSON object ``raw`` keeps;
    ``name``: the file's, for the warnings.  A value that is none is left out and said: the box starts playing
    that slot, the pad where the synth puts it."""
    raw = raw if isinstance(raw, dict) else {}
    bypassed, pad, said = {}, None, []
    if "bypassed" in raw:
        try:
            bypassed = bypassed_of(raw["bypassed"])
        except NotKept:
            said.append(_not_one("bypass", raw["bypassed"], name, "every slot starts playing"))
    if "xy" in raw:
        try:
            pad = pad_of(raw["xy"])
        except NotKept:
            said.append(_not_one("pad position", raw["xy"], name, "the pad starts where the synth puts it"))
    return bypassed, pad, said


def _not_one(what: str, value: Any, name: str, then: str) -> str:
    return f"the kept {what} ({json.dumps(value)[:40]} in {name}) was not one: {then}"


def play_fields(bypassed: Bypassed, pad: Pad | None) -> dict[str, Any]:
    """The knob file's keys for ``bypassed`` and ``pad`` (each left out when there is none)."""
    out: dict[str, Any] = {"bypassed": dict(sorted(bypassed.items()))} if bypassed else {}
    if pad is not None:
        out["xy"] = [float(pad[0]), float(pad[1])]
    return out


def pack_entry(info: dict[str, Any] | None) -> dict[str, str] | None:
    """What the file keeps of the pack a slot plays (its engine ``info``: path, name, version): its store id, ``""``
    for a unit that is no pack (the sampler); None for an empty slot or a pack from outside a store (kept nowhere,
    as its knobs)."""
    if not info:
        return None
    path = str(info.get("path") or "")
    found = installed_in(path) if path else None
    if path and found is None:
        return None
    pack = found[1] if found else ""
    return {"pack": pack, "name": str(info.get("name", "")), "version": str(info.get("version", ""))}


def play_words(back: list[str], pad: Pad | None) -> list[str]:
    """The start line's words for the slots bypassed again (``back``) and the pad put back: "synth bypassed",
    "xy 0.90, 0.90"."""
    out = [f"{slot} bypassed" for slot in sorted(back)]
    return out + ([f"xy {pad[0]:.2f}, {pad[1]:.2f}"] if pad is not None else [])


def not_carried_words(slot: str, was: dict[str, str], now: dict[str, str] | None) -> str:
    """Why the bypass kept for ``slot`` on pack ``was`` was not carried: ``now`` plays there (None: nothing does)."""
    if now is None:
        return f"{slot} bypass dropped: {was['name']} no longer plays there"
    old, new = was["name"], now["name"]
    if old == new:                       # another upload of the same pack
        old, new = f"{old} {was['version']}".strip(), f"{new} {now['version']}".strip()
    return f"{slot} plays: the bypass was on {old}, not on {new}"
