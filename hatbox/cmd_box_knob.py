"""Laptop side of the box's knobs: `hatbox box-knob` lists the knobs of the packs the box plays (value, range,
unit), `hatbox box-knob SLOT.KNOB` shows one, `hatbox box-knob SLOT.KNOB VALUE` turns it (the value as `hatbox render
--knob` takes it: "750", "750Hz", "750 Hz" (two words too), "0.75 kHz" for a knob in Hz is refused with what to type,
in this command's form; "nan" and "inf" are no numbers).  A knob alone (`drive`) names the one knob of that name
among the slots; slot and knob in any case.  Talks to the box's API (``GET /knobs``, ``PUT /knobs/{slot}/{name}``,
device/api/knob_routes.py) with the paired box's URL and token, as the other laptop commands do.

The box's output volume is a knob here too: `hatbox box-knob volume 0` (or output.volume, master.volume; "volume"
alone is a pack's knob of that name when one plays, refused as unclear) sets it in dB (``PUT /volume``), and the
list ends with it, with who set it over the network and when (p48 QA: a stranger's OSC set -60 dB, and only the
panel or OSC could bring it back).

A slot's bypass is one too: `hatbox box-knob sampler.bypass 0` turns the sampler (effect, synth) back on, ``1``
bypasses it (``PUT /bypass/{slot}``, device/api/bypass_routes.py), and the list ends with the slots bypassed, who
bypassed them over the network and when (p48 QA: a stranger's OSC bypassed the sampler, and only a restart of the
box brought it back).  A value below zero with its unit ("-6dB", "-6 dB") is a value, not an option.
"""
from __future__ import annotations

import argparse
import re
from typing import Any
from urllib.parse import quote

from device.midi import KNOB_SLOTS
from hatbox.box_client import _box_reply, _call, _client, safe_text
from hatbox.cmd_remote import _common, target
from hatbox.errors import HatboxError, KnobError


def knob_line(knob: dict[str, Any]) -> str:
    """One knob as `hatbox box-knob` prints it: ``effect.drive  1 (0..1, default 0.5)`` with the unit after each
    number; its value, range and default as `hatbox status` writes them (hatbox.status_report.knob_value: as the
    panel's dial and the box's notes, "0.1 dB" on a 0..24 dB knob where this printed "0.115407 dB", p57 QA_A 8; the
    output volume to a tenth of a dB, as everywhere; a range never "2e+06", p57 FR3 3)."""
    from hatbox.status_report import knob_range, knob_value
    where = f"{safe_text(knob['slot'])}.{safe_text(knob['name'])}"
    return (f"{where:<20} {knob_value(knob, knob['value'])}  ({knob_range(knob)}, default "
            f"{knob_value(knob, knob['default'])})")


def pick(knobs: list[dict[str, Any]], given: str) -> dict[str, Any]:
    """The knob ``given`` names (``SLOT.KNOB``, or ``KNOB`` when one slot alone has it; any case) among
    ``knobs`` (``GET /knobs``); KnobError naming what there is otherwise."""
    slot, dot, name = given.partition(".")
    slot = slot.lower()                                    # EFFECT.DRIVE: the slot in any case, as the knob
    if not dot:
        slot, name = "", given
    elif slot not in KNOB_SLOTS:
        bypass = " (a slot's bypass: effect, synth or sampler)" if name.casefold() == BYPASS else ""
        raise KnobError(f"{given!r}: the slot is effect or synth, not {slot!r}{bypass}",
                        hint="e.g. hatbox box-knob effect.drive")
    found = [k for k in knobs if k["name"].casefold() == name.casefold() and slot in ("", k["slot"])]
    if len(found) == 1:
        return found[0]
    names = ", ".join(f"{k['slot']}.{k['name']}" for k in knobs) or "none: no pack with knobs plays"
    if found:
        raise KnobError(f"both slots have a knob {name!r}: give the slot", hint=f"e.g. hatbox box-knob effect.{name}")
    raise KnobError(f"the box plays no knob {given!r} (its knobs: {safe_text(names)})",
                    hint="hatbox box-knob lists them")


def number(knob: dict[str, Any], text: str) -> float:
    """``text`` as a number in ``knob``'s unit, read as `hatbox render --knob` reads it
    (device.audio.effect.knob_number), what to type said in this command's form (`hatbox box-knob effect.drive 5`);
    KnobError for "nan", "inf" and the like, which the box could not take (a JSON number is finite)."""
    import math

    from device.audio.effect import knob_number
    from export.manifest import Knob
    spec = Knob(knob["name"], float(knob["min"]), float(knob["max"]), float(knob["default"]), knob.get("unit") or "",
                knob.get("scale") or "linear")
    where = f"{safe_text(knob['slot'])}.{safe_text(knob['name'])}"
    value = knob_number(spec, text.strip(), example=lambda v: f"hatbox box-knob {where} {v}")
    if not math.isfinite(value):
        raise KnobError(f"knob '{safe_text(knob['name'])}': {safe_text(text.strip())!r} is not a number",
                        hint=f"give a number from {spec.min:g} to {spec.max:g}, e.g. hatbox box-knob {where} "
                             f"{spec.default:g}")
    return value


VOLUME_NAMES = ("output.volume", "master.volume")      # the output volume's names here; "volume" alone too


def is_volume(given: str, knobs: list[dict[str, Any]]) -> bool:
    """Whether ``given`` names the box's output volume: output.volume or master.volume (any case), or "volume" alone
    when no pack plays a knob of that name (KnobError when one does: which is meant cannot be told)."""
    name = given.strip().casefold()
    if name in VOLUME_NAMES:
        return True
    if name != "volume":
        return False
    same = [f"{k['slot']}.{k['name']}" for k in knobs if str(k.get("name", "")).casefold() == "volume"]
    if same:
        raise KnobError(f"'volume' names both the box's output volume and {safe_text(same[0])}: give which",
                        hint=f"hatbox box-knob output.volume 0, or hatbox box-knob {safe_text(same[0])} ...")
    return True


def volume_knob(volume: dict[str, Any]) -> dict[str, Any]:
    """The box's ``GET /volume`` as a knob of :func:`knob_line` and :func:`number` ("output.volume", in dB)."""
    return {"slot": "output", "name": "volume", "value": float(volume["db"]), "min": float(volume["min"]),
            "max": float(volume["max"]), "default": float(volume.get("default", 0.0)), "unit": "dB"}


def volume_line(volume: dict[str, Any]) -> str:
    """The output volume as `hatbox box-knob` lists it: its knob line, and who set it over the network, when."""
    from hatbox.status_report import set_by_words
    said = set_by_words(volume.get("set_by"), volume.get("set_from"), volume.get("set_ago_s"))
    return knob_line(volume_knob(volume)) + (f"  {said}" if said else "")


def read_volume(c: Any) -> dict[str, Any]:
    """The box's ``GET /volume``; a box that has no such route (404: a hatbox from before the forty-eighth stop) is a
    KnobError saying so, and every other failure (the engine stopped, the connection dropped, a token refused) is
    said as it is (p48 review: each read "runs a hatbox from before the forty-eighth stop")."""
    from hatbox.box_client import BoxRefused
    try:
        return dict(_call(c, "GET", "/volume"))
    except BoxRefused as exc:
        if exc.status != 404:
            raise
    raise KnobError("this box does not set its output volume from the laptop: it runs a hatbox from before the "
                    "forty-eighth stop", hint="its panel's Settings page sets it (knob 1)")


def box_volume(c: Any, args: argparse.Namespace) -> int:
    """`hatbox box-knob volume [DB]`: show the output volume, or set it (``PUT /volume``)."""
    from hatbox.listing import print_json
    volume = read_volume(c)
    if args.value:
        with _box_reply("GET /volume"):
            db = number(volume_knob(volume), " ".join(args.value))
        volume = _call(c, "PUT", "/volume", json={"db": db})
    with _box_reply("PUT /volume" if args.value else "GET /volume"):
        print_json(volume) if args.json else print(volume_line(volume))
    return 0


BYPASS = "bypass"           # SLOT.bypass: the slot's bypass (PUT /bypass/SLOT), for effect, synth and sampler
ON_WORDS, OFF_WORDS = ("1", "on", "yes", "true"), ("0", "off", "no", "false")


def bypass_slot(given: str, knobs: list[dict[str, Any]]) -> str | None:
    """The slot whose bypass ``given`` names (``sampler.bypass``, any case), or None for anything else; KnobError
    when the slot's pack plays a knob itself named "bypass" (which is meant cannot be told)."""
    from device.control import SLOTS
    slot, dot, name = given.strip().partition(".")
    if not dot or name.casefold() != BYPASS or slot.lower() not in SLOTS:
        return None
    slot = slot.lower()
    if any(k.get("slot") == slot and str(k.get("name", "")).casefold() == BYPASS for k in knobs):
        raise KnobError(f"'{slot}.bypass' names both the {slot} slot's bypass and its pack's knob 'bypass': which is "
                        "meant cannot be told", hint=f"the panel's {slot} page bypasses the slot")
    return slot


def bypass_value(slot: str, words: list[str]) -> bool:
    """``words`` ("0", "1", "on", "off") as the bypass to set: True bypasses ``slot``; KnobError otherwise."""
    text = " ".join(words).strip().casefold()
    if text in ON_WORDS or text in OFF_WORDS:
        return text in ON_WORDS
    raise KnobError(f"{slot}.bypass is 1 (bypassed) or 0 (plays), not {safe_text(' '.join(words))!r}",
                    hint=f"e.g. hatbox box-knob {slot}.bypass 0 turns the {slot} slot back on")


def bypass_knob_line(bypass: dict[str, Any], empty: bool = False) -> str:
    """One slot's bypass as `hatbox box-knob` shows it: ``sampler.bypass       1  (sampler bypassed: its notes play
    nothing (bypassed over OSC from 192.0.2.7 at 14:05; hatbox box-knob sampler.bypass 0 turns it back on))``, or
    ``sampler.bypass       0  (plays)``; a PUT's answer marked ``asked`` (the engine had not shown the change yet)
    says so (p52 review R3: it read as done); ``empty``: the slot plays no pack, ``0  (no pack plays in the effect
    slot: nothing to bypass)`` (it said "plays" and offered a `1` the box refuses: p52 final read FR1 #6)."""
    from hatbox.status_report import bypass_line
    slot = safe_text(str(bypass.get("slot")))
    where = f"{slot}.bypass"
    if bypass.get("asked") is True:
        return (f"{where:<20} {1 if bypass.get('bypassed') else 0}  (asked; the engine has not shown it yet: "
                f"hatbox box-knob {where} shows it once it does)")
    if not bypass.get("bypassed"):
        return (f"{where:<20} 0  (no pack plays in the {slot} slot: nothing to bypass)" if empty else
                f"{where:<20} 0  (plays; hatbox box-knob {where} 1 bypasses it)")
    if bypass.get("fault"):
        return f"{where:<20} 1  (bypassed by the box for bad output: hatbox status says why)"
    said = bypass_line(slot, bypass.get("set_by"), bypass.get("set_from"), bypass.get("set_ago_s"))
    return f"{where:<20} 1  ({said})"


def read_bypass(c: Any) -> list[dict[str, Any]]:
    """The box's ``GET /bypass``; a box without it (404: from before the forty-eighth stop's QA) a KnobError."""
    from hatbox.box_client import BoxRefused
    try:
        return list(_call(c, "GET", "/bypass", expect=list))
    except BoxRefused as exc:
        if exc.status != 404:
            raise
    raise KnobError("this box does not bypass slots from the laptop: it runs a hatbox from before the forty-eighth "
                    "stop", hint="its panel's page of the slot bypasses it")


def box_bypass(c: Any, slot: str, args: argparse.Namespace) -> int:
    """`hatbox box-knob SLOT.bypass [0|1]`: show the slot's bypass, or set it (``PUT /bypass/SLOT``)."""
    from hatbox.listing import print_json
    bypasses = read_bypass(c)
    if args.value:
        shown = _call(c, "PUT", f"/bypass/{slot}", json={"on": bypass_value(slot, args.value)})
    else:
        shown = next((b for b in bypasses if b.get("slot") == slot), {"slot": slot, "bypassed": False})
    with _box_reply(f"PUT /bypass/{slot}" if args.value else "GET /bypass"):
        print_json(shown) if args.json else print(bypass_knob_line(shown, _plays_no_pack(c, slot, shown)))
    return 0


def _plays_no_pack(c: Any, slot: str, shown: dict[str, Any]) -> bool:
    """Whether ``slot`` (effect, synth), shown not bypassed (``shown``), plays no pack: the engine's status in the
    box's GET /status names it in ``active`` as None, as the box's 409 "no pack" reads it (a box that does not say,
    or cannot be read: False, the line as before)."""
    if shown.get("bypassed") or shown.get("asked") or slot not in KNOB_SLOTS:     # the sampler plays its kit
        return False
    try:
        status = _call(c, "GET", "/status", expect=dict)
    except HatboxError:
        return False
    engine = status.get("engine") if isinstance(status, dict) else None
    active = engine.get("active") if isinstance(engine, dict) else None
    return isinstance(active, dict) and slot in active and active[slot] is None


def box_knob(args: argparse.Namespace) -> int:
    """List the box's knobs, show one, or turn one (see the module docstring)."""
    from hatbox.listing import print_json
    with _client(*target(args)) as c:
        knobs = _call(c, "GET", "/knobs", expect=list)
        if args.json and args.knob is None:         # for scripts: the box's own answer, GET /knobs
            print_json(knobs)
            return 0
        if args.knob is None:
            _list_knobs(c, knobs)
            return 0
        if is_volume(args.knob, knobs):
            return box_volume(c, args)
        slot = bypass_slot(args.knob, knobs)
        if slot is not None:
            return box_bypass(c, slot, args)
        with _box_reply("GET /knobs"):
            knob = pick(knobs, args.knob)
            route = f"/knobs/{knob['slot']}/{quote(knob['name'], safe='')}"
        if args.value:                                      # ["2.5", "kHz"]: a unit given as a word of its own
            value = number(knob, " ".join(args.value))
            knob = _call(c, "PUT", route, json={"value": value})
        with _box_reply(f"PUT {route}" if args.value else "GET /knobs"):
            print_json(knob) if args.json else print(knob_line(knob))
            if not args.json:
                _say_unkept([knob])
    return 0


def _list_knobs(c: Any, knobs: list[dict[str, Any]]) -> None:
    """Every knob's line, then the output volume's (a box from before GET /volume: none)."""
    from hatbox.box_client import asked
    with _box_reply("GET /knobs"):
        for knob in knobs:
            print(knob_line(knob))
        _say_unkept(knobs)
    if not knobs:
        print("no knobs: no pack with knobs plays on the box (hatbox status shows what plays)")
    volume = asked(c, "/volume")
    if volume is not None:
        with _box_reply("GET /volume"):
            print(volume_line(volume))
    with _box_reply("GET /bypass"):                        # the slots bypassed (a box from before: none said)
        for bypass in asked(c, "/bypass", list) or []:
            if isinstance(bypass, dict) and bypass.get("bypassed"):
                print(bypass_knob_line(bypass))


def _say_unkept(knobs: list[dict[str, Any]]) -> None:
    """The box's warning (once) that the knobs are not being kept on its disk (a full card: they play as turned,
    but a restart brings them back as last kept); a box from before it says nothing of it."""
    said = next((k["warning"] for k in knobs if isinstance(k.get("warning"), str) and k["warning"]), None)
    if said:
        print(f"warning: {safe_text(said)}")


# A value below zero with its unit (or a space and its unit) is a value here, as a bare "-6" is to argparse (its
# _negative_number_matcher, which hatbox.cli.check_options reads too): "-6dB" was "no option of hatbox box-knob".
NEGATIVE_VALUE = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*[^\W\d_%]*%?$")


def register(cli: Any) -> None:
    p = cli.command("box-knob", "show the knobs of the packs the box plays, or turn one (as the panel, MIDI and OSC "
                                "do)", box_knob)
    p.add_argument("knob", nargs="?", help="SLOT.KNOB, e.g. effect.drive (a knob alone when one slot has it), or "
                                           "volume: the box's output volume in dB, or SLOT.bypass (effect, "
                                           "synth, sampler): 1 bypasses the slot, 0 turns it back on; without it: "
                                           "list every knob with its value and range")
    p.add_argument("value", nargs="*", help="turn the knob to this, in its unit (e.g. 750, 750Hz or 750 Hz); "
                                            "without it: show the knob")
    p.add_argument("--json", action="store_true", help="print the box's answer as JSON (for scripts): the knobs "
                                                       "(GET /knobs), or the knob shown or turned")
    _common(p)
    p._negative_number_matcher = NEGATIVE_VALUE      # "-6dB", "-6 dB", "-3.5kHz": a value, not an option (p48 QA)

