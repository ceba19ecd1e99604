"""What the player is holding on the synth, kept by the engine so that a synth pack switched in mid-performance
carries on from it (:class:`Performance`): the keys down and their velocities, the notes the sustain pedal holds
after their keys came up, the pedal, the bend and the pad.  Before (twenty-eighth stop's QA), a pack switched in
while a chord was held went silent at once, a note played on it under the pedal died, and the pad jumped to corner
A while the panel and OSC still showed it where it was.

And the knobs the player set on each slot's pack (:class:`KnobMemory`): a pack switched in takes each one it has under
the same name, in the same unit or one of its prefixed forms (6000 Hz is 6 kHz), whose range holds the value
(forty-second stop), else starts it at its default with a note; the memory keeps a knob a pack could not take, so a
pack switched back carries it again.  A slot emptied keeps them for the next pack loaded there (forty-sixth stop's
QA: `box-pack --deactivate` then `--activate` of the same pack brought the drive back at its default; the engine's
unload forgot them).  What it holds is kept in the box's store across a restart (device/knob_store.py, forty-third
stop): :meth:`KnobMemory.recall` puts it back before the start-up packs load.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple


class Performance:
    """Fed every note-side message that reaches the synth (:meth:`see`, any control thread); :meth:`replay` gives
    the messages that put a fresh synth unit in the same place."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.keys: dict[int, int] = {}          # note -> velocity, keys down
        self.pedalled: dict[int, int] = {}      # note -> velocity: keys that came up under the pedal, which holds them
        self.pedal = False
        self.bend = 0.0
        self.xy: tuple[float, float] | None = None     # None: no pad position was sent yet

    def see(self, msg: dict[str, Any], heard: bool = True) -> None:
        """Take in one validated control message the synth is handed (device/control.py shapes); ``heard``: a synth
        unit played it.  A key struck while no synth played (``heard`` False) is not held on the synth, and is not
        carried to one loaded later: a drum hit sent to every source with no note-off (OSC /hatbox/note_on 36) droned
        as a C2 once a synth was activated (p51 beatmaker QA); its key coming up still counts."""
        op = msg["op"]
        with self._lock:
            if op == "note_on" and int(msg["velocity"]) > 0:
                if not heard:                           # struck with no synth: held on none (nor the pedal)
                    self.keys.pop(int(msg["note"]), None)
                    self.pedalled.pop(int(msg["note"]), None)
                    return
                self.keys[int(msg["note"])] = int(msg["velocity"])
                self.pedalled.pop(int(msg["note"]), None)
            elif op in ("note_on", "note_off"):
                self._key_up(int(msg["note"]))
            elif op == "all_notes_off":
                for note in list(self.keys):
                    self._key_up(note)
            elif op == "sustain":
                self.pedal = bool(msg["on"])
                if not self.pedal:
                    self.pedalled.clear()
            elif op == "bend":
                self.bend = float(msg["value"])
            elif op == "xy":
                self.xy = (float(msg["x"]), float(msg["y"]))
            elif op == "panic":
                self.keys.clear()
                self.pedalled.clear()
                self.pedal, self.bend = False, 0.0

    def _key_up(self, note: int) -> None:
        velocity = self.keys.pop(note, None)
        if velocity is not None and self.pedal:
            self.pedalled[note] = velocity

    def replay(self) -> list[dict[str, Any]]:
        """The messages, in order, that give a new synth unit this performance: the pad, the bend, the pedal, the
        keys down (at their velocities), then the pedal's notes (struck and let go under the pedal, so it holds
        them and lets them go when it lifts, as on the old unit)."""
        with self._lock:
            out: list[dict[str, Any]] = []
            if self.xy is not None:
                out.append({"op": "xy", "x": self.xy[0], "y": self.xy[1]})
            if self.bend:
                out.append({"op": "bend", "value": self.bend})
            if self.pedal:
                out.append({"op": "sustain", "on": True})
            out += [{"op": "note_on", "note": n, "velocity": v} for n, v in sorted(self.keys.items())]
            for note, velocity in sorted(self.pedalled.items()):
                out += [{"op": "note_on", "note": note, "velocity": velocity}, {"op": "note_off", "note": note}]
            return out


@dataclass(frozen=True)
class SetKnob:
    """A knob the player set (a knob message the engine took): its ``name`` as the pack it was set on names it,
    ``value`` in that pack's units, that ``unit`` (None: not known, a knob turned while a pack loaded that the pack
    playing lacks), whether it was turned while the new pack loaded (``during_load``), and the name of the pack it
    was set on (``on``; "" when not known); ``restored``: kept in the store when the box stopped, put back at its start
    (:meth:`KnobMemory.recall`); ``told``: a switch in the slot has already said the pack it brought did not take it
    (it is kept for a later pack that has it, said again only when it was carried and then dropped again: p52 QA2,
    every push ended in a block of warnings about pedals no longer playing); ``dial``: the range and scale (min, max,
    "linear"|"log") of the knob it was set on, for its value's words only (:func:`value_words`; None: not known)."""

    name: str
    value: float
    unit: str | None
    during_load: bool = False
    on: str = ""
    restored: bool = False
    told: bool = field(default=False, compare=False)     # what was said, not what the player set
    dial: tuple[float, float, str] | None = field(default=None, compare=False)    # its words' rounding only


def knob_spec(unit: Any, name: str) -> Any:
    """The knob (export.manifest.Knob) that engine ``unit`` declares under ``name`` in any case (its ``knobs``, as
    device/audio/effect.EffectProcessor has them), or None: it declares no such knob, or no knobs at all."""
    folded = name.lower()
    return next((k for k in getattr(unit, "knobs", None) or () if str(k.name).lower() == folded), None)


def unit_words(unit: str | None) -> str:
    return f"'{unit}'" if unit else "no unit"


class KnobMemory:
    """The knobs the player set on each slot's pack, so that a pack switched in (a better capture of the same pedal
    pushed, a roll back) carries them on where it has a knob of the same name and unit whose range holds the value
    (forty-second stop's QA: a push snapped drive 1.0 / tone 750 back to the new pack's defaults mid-play).

    Control side only, under the engine's knob lock (device/audio/engine.py): no lock of its own."""

    def __init__(self) -> None:
        self.knobs: dict[str, dict[str, SetKnob]] = {}      # slot -> folded name -> what the player set
        self.packs: dict[str, str] = {}                     # slot -> the name of the pack they were set on

    def saw(self, slot: str, unit: Any, name: str, value: float) -> None:
        """Knob ``name`` of the pack in ``slot`` (engine ``unit``) was set to ``value``: it replaces what the memory
        held under that name (any case)."""
        spec, pack = knob_spec(unit, name), self.packs.get(slot, "")
        known = SetKnob(str(spec.name), float(value), str(spec.unit), on=pack, dial=dial_of(spec)) \
            if spec is not None else None
        self.knobs.setdefault(slot, {})[name.lower()] = known or SetKnob(name, float(value), None, on=pack)

    def plan(self, slot: str, turned: dict[str, float]) -> list[SetKnob]:
        """What to set on a pack switched into ``slot``: the knobs set on the pack before it, then (overriding them)
        those ``turned`` while it loaded (with the unit they were set in when the pack playing had them)."""
        out = dict(self.knobs.get(slot, {}))
        for name, value in turned.items():
            before = out.get(name.lower())
            unit = before.unit if before is not None and before.value == value else None
            out[name.lower()] = SetKnob(name, float(value), unit, during_load=True)
        return list(out.values())

    def installed(self, slot: str, pack: str, unit: Any, kept: list[SetKnob]) -> None:
        """Pack ``pack`` (engine ``unit``) now plays in ``slot`` with the knobs ``kept`` from :meth:`plan` (in its
        units).  What the player set that it could not take stays remembered as it was set (value, unit, pack), and
        marked ``told`` (this switch said so: :func:`untold`), so that a pack switched in later (a roll back) carries
        it again (forty-second stop's regression QA: rolling back after a pack without 'tone' lost the player's
        tone); a knob turned on this pack replaces it.  (A knob
        :meth:`recall` put back that this pack could not take is remembered so too, as set before.)"""
        self.packs[slot] = pack
        taken = {knob.name.lower() for knob in kept}
        held = self.knobs.get(slot, {})
        self.knobs[slot] = {k: replace(v, restored=False, told=True) for k, v in held.items() if k not in taken}
        for knob in kept:
            self.saw(slot, unit, knob.name, knob.value)

    def recall(self, slot: str, pack: str, knobs: list[SetKnob]) -> None:
        """The box starts: ``knobs``, set on pack ``pack`` in ``slot`` before it stopped (device/knob_store.py), are
        what the player set, so the pack loaded first into ``slot`` carries them as a pack switched in would."""
        self.packs[slot] = pack
        self.knobs[slot] = {k.name.lower(): replace(k, during_load=False, restored=True) for k in knobs}

    def hold(self, slot: str, knobs: list[SetKnob]) -> None:
        """The box started the pack it played when it stopped in ``slot``: ``knobs``, kept then for packs before it
        (which it did not take), are remembered again as they were set, for a later pack that has them; said
        nowhere (forty-fifth stop's QA: every start warned they were "not restored").  A knob of the same name
        remembered already (set on this pack) stays.  So too for a slot that starts empty (p46): all its knobs.  Held
        while a pack plays in ``slot``, they are ``told`` (the pack it plays did not take them: its switch said so);
        for an empty slot not: the first pack loaded there says which it does not take."""
        held, told = self.knobs.setdefault(slot, {}), slot in self.packs
        for knob in knobs:
            held.setdefault(knob.name.lower(), replace(knob, during_load=False, restored=False, told=told))


def unit_factor(given: str, unit: str) -> float | None:
    """What a number in ``given`` units is multiplied by to be in ``unit``: 1 for the same unit, the ratio of the
    prefixes for one unit with SI prefixes (Hz -> kHz: 0.001, ms -> s: 0.001; device.audio.effect.prefixed_scale,
    which `hatbox render --knob` reads "6kHz" by), None for units of another kind (dB and %, Hz and s)."""
    if given == unit:
        return 1.0
    if not given or not unit:
        return None
    from device.audio.effect import prefixed_scale       # (the engine process has it loaded: it plays effects)
    return prefixed_scale(given, unit)


def in_units(knob: SetKnob, unit: Any, pack: str) -> SetKnob | str:
    """``knob`` with its value in the units engine ``unit`` (pack ``pack``) has for a knob of its name (6000 Hz
    -> 6 kHz; as it is where the unit has no such knob or its unit is not known), or why it cannot be."""
    spec = knob_spec(unit, knob.name)
    if spec is None or knob.unit is None or str(spec.unit) == knob.unit:
        return knob
    factor = unit_factor(knob.unit, str(spec.unit))
    if factor is None:
        return units_apart(knob, str(spec.name), str(spec.unit), pack)
    value = float(f"{knob.value * factor:.12g}")          # no float dust: 4000 Hz is 4 kHz, not 4.000000000000001
    return replace(knob, value=value, unit=str(spec.unit), dial=None)


def units_apart(knob: SetKnob, name: str, unit: str, pack: str) -> str:
    """Why ``knob`` cannot go to pack ``pack``'s knob ``name`` in ``unit`` (units of another kind, or one of them has
    none), in plain words: "pack 'b' has 'drive' in 'dB', not '%'", "... in 'dB', while 'DRIVE' on 'a' has no unit",
    "... with no unit, not 'dB' (its unit on 'a')" (p56 QA_B: "in 'dB', not no unit"); "... while 'DRIVE' was
    turned with no unit" for a knob turned while the pack loaded (``during_load``), "... while 'DRIVE' has no unit"
    for another the memory has no pack name for (p56 final read FR1 6: a knobs.json entry without one is no turn)."""
    if unit and knob.unit:
        return f"pack '{pack}' has '{name}' in {unit_words(unit)}, not {unit_words(knob.unit)}"
    if unit:
        return f"pack '{pack}' has '{name}' in {unit_words(unit)}, while '{knob.name}' {_no_unit_words(knob)}"
    its = f"its unit on '{knob.on}'" if knob.on else "the unit it was set in"
    return f"pack '{pack}' has '{name}' with no unit, not {unit_words(knob.unit)} ({its})"


def _no_unit_words(knob: SetKnob) -> str:
    """How a note says ``knob`` has no unit: on the pack it was set on, turned while a pack loaded, or neither."""
    if knob.on:
        return f"on '{knob.on}' has no unit"
    return "was turned with no unit" if knob.during_load else "has no unit"


def untold(knob: SetKnob, unit: Any) -> bool:
    """Whether a switch to engine ``unit`` that does not take ``knob`` (a :meth:`KnobMemory.plan` entry) says so: not
    when an earlier switch said it already (``told``), it was not turned while this pack loaded, and the pack has
    no knob of its name (one it has, in another unit or a range without the value, starts at its default: said)."""
    return knob.during_load or not knob.told or knob_spec(unit, knob.name) is not None


def dial_of(spec: Any) -> tuple[float, float, str] | None:
    """(min, max, scale) of a manifest knob ``spec`` (None where it does not say them)."""
    try:
        return float(spec.min), float(spec.max), str(getattr(spec, "scale", "linear"))
    except (AttributeError, TypeError, ValueError):
        return None


def value_words(knob: SetKnob) -> str:
    """``knob``'s value as the dial it was set on showed it (device/knob_words.py ``knob_number``, the panel's rule:
    "3.6" on a 0..24 knob, p55 R3 review 4), three significant digits where that dial is not known."""
    from device.knob_words import knob_number
    return knob_number(knob.value, *(knob.dial or (None, None, "linear")))


def not_carried(knob: SetKnob, unit: Any, old: str, new: str, why: str) -> str:
    """The note in the new pack's ``warnings`` for a knob the player set that it does not take (set on the pack
    ``knob.on`` names, else on ``old``, the pack it replaces).  Values as the knob shows them, by the panel's dial's
    own rule (:func:`value_words`: p47 soak QA, "set to 3.56375 dB" stayed in `hatbox status`; p55 R3 review 4, the
    dial read "3.6 dB" where the note said "3.56 dB"), the default as the new pack's dial shows it; `hatbox status`
    adds when it happened (hatbox/status_report.py).  A knob the pack has no knob of that name for: the reason names
    the pack's knobs, not again the knob and the pack (:func:`missing_words`: p53 QA)."""
    from device.knob_words import knob_number
    old, value = knob.on or old, value_words(knob)
    spec = knob_spec(unit, knob.name)
    why = missing_words(unit, knob) if spec is None else why
    if knob.during_load:
        return f"knob '{knob.name}' turned to {value} while '{new}' loaded was dropped: {why}"
    units = f" {knob.unit}" if knob.unit else ""
    text = f"knob '{knob.name}' set to {value}{units} on '{old}' was not carried to '{new}': {why}"
    if knob.restored:
        text = f"knob '{knob.name}' at {value}{units} on '{old}' when the box stopped was not restored: {why}"
    if spec is None:
        return f"{text}; {KEPT_FOR} it"
    default = knob_number(float(spec.default), *(dial_of(spec) or (None, None, "linear")))
    return f"{text}; it starts at its default {default}{' ' + spec.unit if spec.unit else ''}"


KEPT_FOR = "kept for a pack that has"      # the end of a note on a knob the memory keeps (hatbox/status_report.py)


def knob_names(unit: Any) -> list[str]:
    """The names of engine ``unit``'s knobs (its pack's), in its order; [] for a unit without any."""
    return [str(k.name) for k in getattr(unit, "knobs", None) or ()]


def missing_words(unit: Any, knob: SetKnob) -> str:
    """Why engine ``unit`` did not take ``knob``, which it has no knob of that name for: "it has no knob of that name
    (its knobs: gain, level)", "it has no knobs" (the pack's name and the knob's are in the note already)."""
    names = knob_names(unit)
    return f"it has no knob of that name (its knobs: {', '.join(names)})" if names else "it has no knobs"


class Note(NamedTuple):
    """A note for a slot's ``warnings`` (``text``: the log, the API and `hatbox status` say it whole) and its
    ``shorter`` wordings, longest first, for a line that cannot hold it (the panel's tab bar: p57 QA_B 5), made
    from the knobs themselves (R2 review 3: read back out of the text, a unit "dB (FS)" gave a false line)."""

    text: str
    shorter: tuple[str, ...] = ()


def carry_notes(dropped: list[tuple[SetKnob, str]], unit: Any, old: str, new: str,
                remembered: dict[str, SetKnob] | None = None) -> list[str]:
    """The texts of :func:`carried_notes` (the notes alone).  Only the tests call it (they compare the texts); the
    engine calls :func:`carried_notes`, whose notes keep their shorter wordings for the panel."""
    return [note.text for note in carried_notes(dropped, unit, old, new, remembered)]


def carried_notes(dropped: list[tuple[SetKnob, str]], unit: Any, old: str, new: str,
                  remembered: dict[str, SetKnob] | None = None) -> list[Note]:
    """The notes in the new pack's ``warnings`` for the knobs ``dropped`` (each with why engine ``unit``, pack
    ``new``, did not take it; ``old``: the pack it replaces; ``remembered``: the memory's knobs by folded name, which
    a knob turned while the pack loaded overrode in the plan).  One note for all the knobs it has no knob of that name
    for that the memory keeps for a later pack (:func:`kept_note`: p53 QA, a pedal switched to one without knobs said
    a line each for drive and tone; p53 review, one with other knobs repeated its knob list a line each), also one
    turned while it loaded whose value set before the memory keeps ("drive (24 dB; the 30 turned while it loaded was
    dropped)": the one-line note had said only the 30 dropped); one a knob for the rest (:func:`not_carried`).  A
    single knob kept, by a pack with other knobs, keeps its line of its own.  The note on kept knobs comes with its
    shorter wordings (:func:`kept_shorter`)."""
    kept: list[tuple[SetKnob, SetKnob | None]] = []
    lines: list[Note] = []
    for knob, why in dropped:
        held = (remembered or {}).get(knob.name.lower()) if knob.during_load else None
        missing = knob_spec(unit, knob.name) is None
        if missing and not knob.during_load:
            kept.append((knob, None))
        elif missing and held is not None and not held.during_load:
            kept.append((held, knob))
        else:
            lines.append(Note(not_carried(knob, unit, old, new, why)))
    if not kept:
        return lines
    shorter = kept_shorter(new, [k for k, _ in kept], not knob_names(unit))
    if knob_names(unit) and len(kept) == 1 and kept[0][1] is None:
        return [Note(not_carried(kept[0][0], unit, old, new, ""), shorter), *lines]
    return [Note(kept_note(kept, unit, old, new), shorter), *lines]


def or_words(names: list[str]) -> str:
    """"drive", "drive or tone", "drive, tone or level"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def kept_note(kept: list[tuple[SetKnob, SetKnob | None]], unit: Any, old: str, new: str) -> str:
    """"'qa-od' has no knobs: drive (24 dB) and tone (8000 Hz), set on 'hatbox-drive', are kept for a pack that has
    them", "'muff' has no drive or tone (its knobs: gain, level): ...": the one note for the knobs ``kept`` (each with
    the knob turned while pack ``new`` loaded that it dropped, or None) that ``new`` has no knob of that name for and
    the memory keeps for a pack switched in later (a roll back carries them again); set on ``old`` where a knob does
    not say.  The turn dropped reads on the kept knob's dial, said only where it reads otherwise (p55 FR2 #5:
    "drive (20.6 dB; the 20.6 turned while it loaded was dropped)")."""
    knobs = [k for k, _ in kept]
    where = {(k.on or old, k.restored) for k in knobs}

    def item(k: SetKnob, turned: SetKnob | None) -> str:
        at = f" on '{k.on or old}'" + (" when the box stopped" if k.restored else "") if len(where) > 1 else ""
        shown = value_words(k)
        dropped = value_words(replace(turned, dial=k.dial)) if turned is not None else shown
        also = f"; the {dropped} turned while it loaded was dropped" if dropped != shown else ""
        return f"{k.name} ({shown}{' ' + k.unit if k.unit else ''}{at}{also})"
    items = [item(k, turned) for k, turned in kept]
    said = and_words(items)
    if len(where) == 1:
        on, restored = next(iter(where))
        was = "it was" if len(knobs) == 1 else "they were"
        said += f", as {was} on '{on}' when the box stopped," if restored else f", set on '{on}',"
    verb = f"is {KEPT_FOR} it" if len(knobs) == 1 else f"are {KEPT_FOR} them"
    names = knob_names(unit)
    lacks = f"no {or_words([k.name for k in knobs])} (its knobs: {', '.join(names)})" if names else "no knobs"
    return f"'{new}' has {lacks}: {said} {verb}"


def kept_shorter(new: str, knobs: list[SetKnob], knobless: bool) -> tuple[str, ...]:
    """Shorter wordings, longest first, of the note on ``knobs`` that pack ``new`` (``knobless``: it has no knobs)
    lacks and the memory keeps (:func:`kept_note`, or :func:`not_carried`'s for one knob), for a line that cannot
    hold it all (the panel's tab bar: p57 QA_B 5, cut at 800 px before "kept for a pack that has them"): "'fuzzbox'
    has no drive or tone: drive 2.6 dB and tone 1500 Hz are kept for a pack that has them", "fuzzbox has no drive or
    tone: kept for a pack with them" (a pack without knobs: "... no knobs: drive and tone kept ..."), "fuzzbox:
    drive/tone kept for a pack with them", then the knobs alone."""
    names = [k.name for k in knobs]
    values = [f"{k.name} {value_words(k)}{' ' + k.unit if k.unit else ''}" for k in knobs]
    verb, them = ("is", "it") if len(knobs) == 1 else ("are", "them")
    lacks = "knobs" if knobless else or_words(names)
    return (f"{quoted(new)} has no {lacks}: {and_words(values)} {verb} {KEPT_FOR} {them}",
            f"{new} has no {lacks}: {and_words(names) + ' ' if knobless else ''}kept for a pack with {them}",
            f"{new}: {'/'.join(names)} kept for a pack with {them}", f"{'/'.join(names)} kept for a pack with {them}")


def quoted(new: str | None) -> str:
    """"'fuzzbox'" (a pack's name as the notes quote it), "the pack" for none."""
    return f"'{new}'" if new else "the pack"


def and_words(names: list[str]) -> str:
    """"drive", "drive and tone", "drive, tone and level"."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
