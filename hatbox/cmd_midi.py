"""Laptop side of the box's MIDI bindings: `hatbox box-midi` lists which MIDI CC turns which knob (and which MIDI
channel plays the kit and which the synth, and which pack each program change switches in), `--learn SLOT.KNOB` arms
MIDI learn on the box and waits for the control you move (`pad.x`, `pad.y`: the synth's pad), `--unbind CC` drops a
learned or command-line binding (the CC falls back to its default), `--cancel` disarms learn, `--program N PACK` maps
program change N to a pack (`--program N none` clears it; hatbox/midi_program_words.py), `--kit-channel` and
`--synth-channel` set the channels the box keeps.

Talks to the box's API (device/api/midi_routes.py) with the paired box's URL and token, as the other
laptop commands do (hatbox/cmd_remote.py).
"""
from __future__ import annotations

import argparse
import time
from typing import Any

from hatbox.box_client import asked
from hatbox.cmd_remote import _call, _client, _common, safe_text, target
from hatbox.errors import HatboxError
from hatbox.midi_program_words import program_lines, set_program

LEARN_WAIT_S = 30.0          # how long `--learn` waits for a control change by default
POLL_S = 0.25                # how often it asks the box meanwhile


def box_midi(args: argparse.Namespace) -> int:
    """List the box's MIDI bindings, or learn, unbind or cancel (one at a time)."""
    if args.program_channel is not None and args.program is None:
        raise HatboxError("--program-channel goes with --program N PACK",
                          hint="e.g. hatbox box-midi --program 3 mypedal --program-channel 10")
    from hatbox.listing import print_json, refuse_json
    refuse_json(args.json, {"--learn": args.learn, "--unbind": args.unbind, "--cancel": args.cancel,
                            "--program": args.program, "--kit-channel": args.kit_channel,
                            "--synth-channel": args.synth_channel}, "hatbox box-midi --json")
    with _client(*target(args)) as c:
        if args.json:                       # for scripts: the box's own answers, GET /midi and GET /midi/programs
            print_json(with_programs(c, _call(c, "GET", "/midi")))
            return 0
        channels = _set_channels(c, args)
        if args.program is not None:
            return set_program(c, args.program, args.program_channel)
        if channels and not (args.learn or args.unbind is not None or args.cancel):
            return 0
        if args.learn:
            return _learn(c, _knob_arg(args.learn), args.wait)
        if args.unbind is not None:          # works with the box's MIDI off too: the binding is kept for its return
            print(safe_text(_call(c, "DELETE", f"/midi/bindings/{args.unbind}")["message"]))
            return 0
        if args.cancel:
            print(safe_text(_call(c, "DELETE", "/midi/learn")["message"]))
            return 0
        for line in describe(_call(c, "GET", "/midi")) + program_lines(c):
            print(line)
    return 0


def with_programs(client: Any, state: dict[str, Any]) -> dict[str, Any]:
    """``state`` (GET /midi) with the program map under ``programs`` (GET /midi/programs' answer: each program's
    pack and what plays for it now, the last program change); a box before the set list: as it is."""
    programs = asked(client, "/midi/programs")
    return state if programs is None else {**state, "programs": programs}


def _set_channels(client: Any, args: argparse.Namespace) -> bool:
    """``--kit-channel``/``--synth-channel``: set on the box (PUT /midi/channels), said; False when neither given."""
    given = {f"{name}_channel": getattr(args, f"{name}_channel") for name in ("kit", "synth")
             if getattr(args, f"{name}_channel") is not None}
    if not given:
        return False
    body = {key: None if value == "all" else value for key, value in given.items()}
    answer = _call(client, "PUT", "/midi/channels", json=body)
    print(safe_text(answer["message"]))
    if answer.get("warning"):
        print(f"warning: {safe_text(answer['warning'])}")
    return True


def _knob_arg(text: str) -> tuple[str, str]:
    """``"effect.drive"`` -> ("effect", "drive"); HatboxError for anything not SLOT.KNOB."""
    slot, dot, knob = text.strip().partition(".")
    if not dot or not slot or not knob:
        raise HatboxError(f"--learn {safe_text(text)!r} is not SLOT.KNOB",
                          hint="e.g. hatbox box-midi --learn effect.drive (hatbox box-midi lists the knobs bound now)")
    return slot, knob


def _off_reason(note: str | None) -> str:
    """Why the box's MIDI is off, from ``GET /midi``'s note, without the note's own "MIDI is off: " (the box's panel
    shows the note as it is; here it follows words that say so already)."""
    text = safe_text(note or "no MIDI input is open")
    return text[len("MIDI is off: "):] if text.startswith("MIDI is off: ") else text


def describe(state: dict[str, Any]) -> list[str]:
    """`hatbox box-midi`'s lines for the box's ``GET /midi`` answer."""
    on = state["midi"] == "on"
    plugged = [safe_text(c) for c in state.get("controllers") or []]
    connected = (f"controllers connected: {', '.join(plugged)}" if plugged else
                 "no controller plugged in; a DAW connects with aconnect")
    lines = [f"MIDI on: port '{safe_text(state['port'])}' ({connected})" if on
             else f"MIDI off: {_off_reason(state['note'])}"]
    for b in state["bindings"]:
        lacks = "" if b["loaded"] else f"; the loaded {safe_text(b['slot'])} pack has no such knob"
        lines.append(f"  CC {b['cc']:>3} -> {safe_text(b['slot'])}.{safe_text(b['knob'])}  ({b['source']}{lacks})")
    if not state["bindings"]:
        lines.append("  no CC turns a knob now (CC 70-85 turn the effect's knobs once an effect pack is loaded)" if on
                     else "  no CC turns a knob while the box's MIDI is off")
    if "kit_channel" in state or "synth_channel" in state:      # boxes before the forty-second stop: no such keys
        from device.midi_channels import describe as channel_words
        lines.append(f"  channels: {channel_words(state)} (hatbox box-midi --kit-channel/--synth-channel)")
    if state["off"]:
        lines.append(f"  off (--midi-cc CC=off): CC {', '.join(map(str, state['off']))}")
    for b in state["overridden"]:
        lines.append(f"  kept, overridden by --midi-cc this run: CC {b['cc']} -> "
                     f"{safe_text(b['slot'])}.{safe_text(b['knob'])} (learned)")
    if state["learning"]:
        lines.append(f"learning: {_name(state['learning'])} (the next CC the box receives binds to it)")
    lines += [f"warning: {safe_text(w)}" for w in state["warnings"]]
    lines += [_unheard_line(u, state) for u in state.get("unheard") or []]      # older boxes: no such key
    return lines


def _unheard_line(row: dict[str, Any], state: dict[str, Any]) -> str:
    """"warning: notes on MIDI channel 2 play nothing (...): ... (12 notes, the last 3 s ago)"."""
    from device.midi_channels import describe as channel_words, unheard_words
    from hatbox.text import count_words
    return (f"warning: {unheard_words(int(row['channel']), channel_words(state))} "
            f"({count_words(int(row['notes']), 'note')}, the last {float(row['ago_s']):.0f} s ago)")


def _name(knob: dict[str, Any]) -> str:
    return f"{safe_text(knob['slot'])}.{safe_text(knob['knob'])}"


def _channel(text: str) -> int | str:
    """argparse type of ``--kit-channel``/``--synth-channel``: 1..16, or "all" (the default routing)."""
    from device.midi_channels import parse_channel
    try:
        channel = parse_channel(text)
    except HatboxError as exc:
        raise argparse.ArgumentTypeError(str(exc).replace("\n ", ";")) from None
    return "all" if channel is None else channel + 1


def _program_channel(text: str) -> int:
    """argparse type of ``--program-channel``: 1..16."""
    word = str(text).strip()
    if not word.isdigit() or not 1 <= int(word) <= 16:
        raise argparse.ArgumentTypeError(f"MIDI channel {text!r} is not 1..16")
    return int(word)


def _turn_on_words(why: str) -> str:
    """How the box's MIDI comes on, for ``why`` it is off (:func:`_off_reason`).  MIDI starts with the box, and a box
    started again forgets an armed learn (only bindings are kept): so said."""
    again = "a box started again forgets an armed learn: run this command again once its MIDI is on"
    if "--no-midi" in why:
        return f"start the box with MIDI (hatbox device run, without --no-midi) and connect the controller; {again}"
    return ("hatbox box-logs says why it did not start (with no ALSA sequencer: sudo modprobe snd-seq on the box), "
            f"then start the box again; {again}")


def _learn(client: Any, knob: tuple[str, str], wait_s: float) -> int:
    """Arm MIDI learn for ``knob`` and wait up to ``wait_s`` seconds for the CC that binds to it (disarmed again
    when none comes, or on Ctrl-C).  With the box's MIDI off it is armed as the box's API arms it (p43 upgrade QA:
    the laptop refused what POST /midi/learn does), said so with how MIDI comes on, and not waited for: no CC can
    come.  HatboxError when the knob is not one (checked first: nothing armed) or nothing came."""
    target = {"slot": knob[0], "knob": knob[1]}
    _call(client, "POST", "/midi/learn", params={"check": "true"}, json=target)   # the knob first: pad.z is no axis
    body = _call(client, "POST", "/midi/learn", json=target)
    armed = body.get("learning") or {}
    knob = (str(armed.get("slot", knob[0])), str(armed.get("knob", knob[1])))    # as the box spells it ("DRIVE")
    state = _call(client, "GET", "/midi") if body.get("midi") != "on" else {}   # a box before "midi": asked
    if body.get("midi") == "off" or state.get("midi") == "off":
        return _armed_while_off(knob, body, state)
    print(f"{safe_text(body['message'])}; waiting up to {wait_s:g} s")
    try:
        bound = _wait_for_binding(client, knob, wait_s)
    except KeyboardInterrupt:
        _disarm(client, knob)
        raise
    if bound is None:
        _disarm(client, knob)
        raise HatboxError(f"no MIDI control change reached the box in {wait_s:g} s: nothing was bound to "
                          f"{knob[0]}.{knob[1]} (learn disarmed)",
                          hint="is the controller connected to the box's 'hatbox' port (aconnect -l on the box)? "
                               "move a knob or fader, not a key; --wait SECONDS waits longer")
    print(f"CC {bound} now turns {safe_text(knob[0])}.{safe_text(knob[1])} (learned; the box keeps it)")
    return 0


def _armed_while_off(knob: tuple[str, str], body: dict[str, Any], state: dict[str, Any]) -> int:
    """Say that learn for ``knob`` is armed on a box whose MIDI is off (``state``: its GET /midi), why it is off and
    how it comes on, and that nothing is waited for (POST /midi/learn's answer ``body``: a knob it disarmed)."""
    why = _off_reason(state.get("note"))
    name = f"{safe_text(knob[0])}.{safe_text(knob[1])}"
    print(f"armed for {name}: the next CC binds to it once the box's MIDI runs (it is off now: {why}; "
          f"{_turn_on_words(why)})")
    replaced = body.get("replaced")
    if isinstance(replaced, dict) and (replaced.get("slot"), replaced.get("knob")) != knob:
        print(f"  learn for {_name(replaced)} was disarmed")
    print("  not waiting for a control change: none reaches the box while its MIDI is off (hatbox box-midi shows "
          "what is armed; --cancel disarms it)")
    return 0


def _wait_for_binding(client: Any, knob: tuple[str, str], wait_s: float) -> int | None:
    """Ask the box every :data:`POLL_S` until learn for ``knob`` is no longer armed: the CC now bound to it by
    learn, or None when ``wait_s`` seconds pass.  HatboxError when something else disarmed it."""
    end = time.monotonic() + wait_s
    while True:
        state = _call(client, "GET", "/midi")
        armed = state["learning"]
        if armed is None or (armed["slot"], armed["knob"]) != knob:
            cc = next((b["cc"] for b in state["bindings"] if (b["slot"], b["knob"]) == knob
                       and b["source"] == "learned"), None)
            if cc is not None and armed is None:
                return int(cc)
            taken = f"learn was armed for {_name(armed)} instead" if armed else "learn was cancelled"
            raise HatboxError(f"{taken} on the box before a CC arrived: nothing was bound to {knob[0]}.{knob[1]}",
                              hint="only one knob learns at a time; try again")
        if time.monotonic() >= end:
            return None
        time.sleep(POLL_S)


def _disarm(client: Any, knob: tuple[str, str]) -> None:
    """Cancel learn on the box if it is still armed for ``knob`` (best effort: the box may be gone, or answer a GET
    /midi without ``learning``)."""
    armed = (asked(client, "/midi") or {}).get("learning")
    if not isinstance(armed, dict) or (armed.get("slot"), armed.get("knob")) != knob:
        return
    try:
        _call(client, "DELETE", "/midi/learn")
    except HatboxError:
        pass


def register(cli: Any) -> None:
    p = cli.command("box-midi", "the box's MIDI CC -> knob bindings, the kit's and synth's MIDI channels, and which "
                                "pack each program change switches in: list them, learn one from your controller, "
                                "drop one, map a program", box_midi)
    g = p.add_mutually_exclusive_group()
    g.add_argument("--learn", metavar="SLOT.KNOB",
                   help="arm MIDI learn for a knob (e.g. effect.drive, synth.KNOB) or the synth's pad (pad.x, pad.y), "
                        "then move a control on your controller: its CC turns it from then on (the box keeps it "
                        "across restarts)")
    g.add_argument("--unbind", type=int, metavar="CC",
                   help="drop CC's learned or --midi-cc binding; it falls back to its default (CC 70-85: the "
                        "effect's knobs), if any")
    g.add_argument("--cancel", action="store_true", help="disarm MIDI learn")
    g.add_argument("--program", nargs=2, metavar=("N", "PACK"),
                   help="program change N (0-127, as the message carries it) switches in PACK, an effect or synth "
                        "pack on the box by name (it follows the newest of that name) or id; PACK none clears it")
    p.add_argument("--program-channel", type=_program_channel, metavar="1-16",
                   help="with --program: on this MIDI channel only (default: any channel)")
    p.add_argument("--kit-channel", type=_channel, metavar="1-16|all",
                   help="the MIDI channel whose notes play the kit (all: every channel but the synth's); the box "
                        "keeps it (its command line's --kit-channel wins for a run)")
    p.add_argument("--synth-channel", type=_channel, metavar="1-16|all",
                   help="the MIDI channel whose notes play the synth (all: every channel but the kit's; by "
                        "default every channel but 10); the box keeps it")
    p.add_argument("--wait", type=float, default=LEARN_WAIT_S, metavar="SECONDS",
                   help=f"with --learn: how long to wait for a control change (default {LEARN_WAIT_S:g} s; none is "
                        "waited for while the box's MIDI is off: learn is armed, and the command ends)")
    p.add_argument("--json", action="store_true", help="print the box's answer as JSON (for scripts): its MIDI "
                   "bindings, channels and learn state (GET /midi), and its program map under 'programs' (GET "
                   "/midi/programs)")
    _common(p)
