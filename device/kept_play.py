"""The XY pad's position and the slots the player bypassed, kept with the knobs across a restart (p55 QA_B #4).

A power cut brought the knobs and the volume back (device/knob_store.py) but the pad at the synth's own position and
every slot playing: a synth the player had muted sounded again, with another timbre.  Both now go in the knob file
(STORE/knobs.json), written by the knob keeper as the knobs are (whole or not at all, at most once a second while
they change)::

    "xy": [0.9, 0.898],                                       # the pad's x, y (0..1), as last sent to the synth
    "bypassed": {"synth": {"pack": "<store id>", "name": "gm4", "version": "1.0.0"}}    # only the bypassed slots

A slot's bypass is tied to the pack it was set on (its store id; ``""`` for the box's own sampler): a pack switched
in plays, as while the box runs, so a bypass kept for a pack that no longer plays in its slot is not carried to the
one there now, and a start warning says so.  The pad's position goes on from synth to synth, as it does while the box
runs (device/audio/held.Performance).  A file from before has neither key: the box starts as before.

p55 review: a bypass sent over the network keeps who sent it (``"by": "osc"|"api"``, ``"source"``: the OSC sender's
address or the paired device's name, ``"set_at"``: seconds since the epoch), as the engine keeps it while the box
runs: the box started again says it (the start line, the engine status's ``bypass_set``).  The engine keeps who set
its volume the same way (:func:`who_of`, :func:`volume_set`; device/knob_store.py writes it).  The pad's position
is written on its own cadence (device/knob_store.py ``PAD_REST_S``, ``PAD_EVERY_S``).

Who set a volume or a bypass is kept once, by the engine (device/audio/engine.py; the API's simulated engine,
device/api/sim.py, keeps it by the same rules): OSC (device/osc.py) and the API (PUT /volume, PUT /bypass/{slot}) say
it in the message itself (``by``: :data:`OSC` or :data:`API`, ``source``), and GET /status, GET /volume and GET
/bypass read the engine's ``volume_set`` and ``bypass_set``.  The main process kept a second copy, written after the
send, until p57 (F1 for the volume, M4 for a bypass): a panel toggle in between was credited to the network.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from device.control import SLOTS, XY_RANGE
from device.finite_numbers import finite_number
from device.store import installed_in

Bypassed = dict[str, dict[str, Any]]      # slot -> {"pack": store id ("" for a built-in unit), "name", "version",
                                          #          and who set it where known: "by", "source", "set_at"}
Pad = tuple[float, float]                 # the pad's x, y, each in XY_RANGE
Who = dict[str, Any]                      # who bypassed a slot or set the volume: {"by", "source", "set_at"}, or {}
                                          # (the panel, MIDI)
OSC, API = "osc", "api"                   # how a volume or bypass was set over the network: a message's ``by``
WHO_LEN = 80                              # the most characters of a source kept
BY_WORDS = {"osc": "OSC "}                # the start line's "by OSC 10.0.0.7"; another ``by`` names the source alone


class NotKept(ValueError):
    """A kept pad position or bypass that is none (edited by hand)."""


def pad_of(value: Any) -> Pad:
    """The pad position a knob file's ``xy`` keeps; :class:`NotKept` when it is not two numbers in XY_RANGE."""
    lo, hi = XY_RANGE
    if not isinstance(value, (list, tuple)) or len(value) != 2:
        raise NotKept("not two numbers")
    for c in value:
        if not (finite_number(c) and lo <= c <= hi):
            raise NotKept("not two numbers")
    return float(value[0]), float(value[1])


def bypassed_of(value: Any, said: list[str] | None = None, name: str = "") -> Bypassed:
    """The bypassed slots a knob file's ``bypassed`` keeps, each with who set it where it says (:func:`who_of`);
    :class:`NotKept` when it is not one.  A who that is none (edited by hand) is left out and said in ``said`` (the
    bypass still comes back: quieter, never louder); ``name``: the file's, for that warning."""
    if not isinstance(value, dict):
        raise NotKept("not a bypass")
    out: Bypassed = {}
    for slot, entry in value.items():
        if slot not in SLOTS or not isinstance(entry, dict) \
                or not all(isinstance(entry.get(k, ""), str) for k in ("pack", "name", "version")):
            raise NotKept("not a bypass")
        out[slot] = {k: str(entry.get(k, "")) for k in ("pack", "name", "version")}
        who = who_of(entry)                 # a kept entry has its own time, or no who (p55 FR2 #6: none, not 1970)
        if not who and any(k in entry for k in ("by", "source", "set_at")) and said is not None:
            shown = json.dumps({k: entry[k] for k in ("by", "source", "set_at") if k in entry})[:60]
            said.append(f"the kept bypass of the {slot} slot says who set it in a way that is none ({shown} in "
                        f"{name}): it is put back, without who")
        out[slot].update(who)
    return out


def who_of(msg: dict[str, Any], now: float | None = None) -> Who:
    """Who a bypass or volume message (or a kept entry) says set it: ``{"by", "source", "set_at"}`` (``set_at``: its
    own, in seconds since the epoch, else ``now``: a message as it arrives), or {} when it says nobody or that is none
    (the panel's, MIDI's; a kept entry, ``now`` None, with no ``set_at`` of its own: an edit by hand, not a 1970
    bypass)."""
    by, source, at = msg.get("by"), msg.get("source"), msg.get("set_at", now)
    timed = finite_number(at)
    if not (isinstance(by, str) and by and isinstance(source, str) and timed):
        return {}
    return {"by": _plain(by), "source": _plain(source), "set_at": float(at)}


def _plain(text: str) -> str:
    """``text`` with only printable characters, at most :data:`WHO_LEN` (it goes in the box's log)."""
    return "".join(c for c in text if c.isprintable())[:WHO_LEN]


def published_note(who: Who, now: float) -> dict[str, Any]:
    """How the engine's status says who set a thing (``who``: :func:`who_of`'s, not {}): ``{"by", "source", "at",
    "ago_s"}``, ``at`` in seconds since the epoch, ``ago_s`` (s) since then at ``now`` (never below 0: a clock set
    back).  The one shape of ``bypass_set``'s and ``volume_set``'s notes."""
    return {"by": who["by"], "source": who["source"], "at": who["set_at"], "ago_s": max(0.0, now - who["set_at"])}


def bypass_set(kept: dict[str, tuple[dict[str, Any], Who]], bypassed: dict[str, bool], now: float) -> dict[str, Any]:
    """The engine status's ``bypass_set``: ``{slot: published_note}`` of the slots bypassed now whose bypass said
    who set it (``kept``: Engine.kept_bypass; a box started again says it from knobs.json); {} for none."""
    notes = {slot: published_note(who, now) for slot, (_info, who) in kept.items()
             if who and bypassed.get(slot) is True}
    return {"bypass_set": notes} if notes else {}


def volume_set(volume_db: float, who: Who, now: float) -> dict[str, Any]:
    """The engine status's ``volume_set``: ``{"db", "by", "source", "at", "ago_s"}`` of the volume it plays
    (``volume_db``, dB) when the volume message that set it said who (``who``: :func:`who_of` of it, kept across a
    restart in knobs.json), else {} (the panel's, MIDI's: nobody)."""
    return {"volume_set": {"db": float(volume_db), **published_note(who, now)}} if who else {}


def kept_play(raw: Any, name: str) -> tuple[Bypassed, Pad | None, list[str]]:
    """(the bypassed slots, the pad position or None, start warnings) a knob file's JSON object ``raw`` keeps;
    ``name``: the file's, for the warnings.  A value that is none is left out and said: the box starts playing
    that slot, the pad where the synth puts it."""
    raw = raw if isinstance(raw, dict) else {}
    bypassed, pad, said = {}, None, []
    if "bypassed" in raw:
        try:
            bypassed = bypassed_of(raw["bypassed"], said, name)
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


def play_words(back: Bypassed, pad: Pad | None) -> list[str]:
    """The start line's words for the slots bypassed again (``back``: their kept entries) and the pad put back:
    "synth bypassed", "sampler bypassed (by OSC 10.0.0.7)", "xy 0.90, 0.90"."""
    out = [f"{slot} bypassed" + (f" (by {_who_words(back[slot])})" if back[slot].get("by") else "")
           for slot in sorted(back)]
    return out + ([f"xy {pad[0]:.2f}, {pad[1]:.2f}"] if pad is not None else [])


def _who_words(who: dict[str, Any]) -> str:
    """"OSC 10.0.0.7" (an OSC sender), "'studio-mac'" (a paired device)."""
    by, source = str(who.get("by", "")), str(who.get("source", ""))
    return f"{BY_WORDS[by]}{source}" if by in BY_WORDS else repr(source)


def not_carried_words(slot: str, was: dict[str, str], now: dict[str, Any] | None) -> str:
    """The start warning for the bypass kept for ``slot`` on pack ``was``, not put back: ``now`` starts there (None:
    nothing does; ``"pack"`` None: a pack from outside the store, :func:`starting_entry`)."""
    head = f"the {slot} bypass was not put back: it was set on "
    if now is None:
        return f"{head}{was['name']}, which no longer plays there (the slot starts empty)"
    if now["pack"] is None:              # p55 FR2 #1: it was said "the slot starts empty" while that pack played
        return (f"{head}{was['name']}, and {now['name']}, a pack from outside the store, plays in that slot now, not "
                f"bypassed ({_bypass_it(slot)})")
    old, new = was["name"], now["name"]
    if old == new:                       # another upload of the same pack
        old, new = f"{old} {was['version']}".strip(), f"{new} {now['version']}".strip()
    return f"{head}{old}, and {new} plays in that slot now, not bypassed ({_bypass_it(slot)})"


def _bypass_it(slot: str) -> str:
    return f"hatbox box-knob {slot}.bypass 1 or the panel's bypass button bypasses it"


def starting_entry(path: str) -> dict[str, Any]:
    """:func:`pack_entry` of the pack file at ``path`` about to start (its name and version from its manifest, the
    store id where the manifest cannot be read); for a pack from outside the store (which the file keeps nothing
    of) ``{"pack": None, "name"}``, its manifest's name else the file's, for :func:`not_carried_words`."""
    from export.pack import manifest_bytes_of, manifest_json
    try:
        raw = manifest_json(manifest_bytes_of(path))
    except Exception:  # noqa: BLE001 - a pack its load will refuse (said then): named by its store id here
        raw = {}
    raw = raw if isinstance(raw, dict) else {}
    entry = pack_entry({"path": path, "name": raw.get("name", ""), "version": raw.get("version", "")})
    if entry is None:
        return {"pack": None, "name": str(raw.get("name") or "") or Path(path).name, "version": ""}
    if not entry["name"]:
        entry["name"] = entry["pack"]
    return entry
