"""OSC's set list: the ``program`` control that ``/hatbox/program`` asks for (:func:`program_controls`), and its
delivery to the box's program switcher (:func:`fire`).

``/hatbox/program N [CHANNEL]`` (a script: N 0..127 as a MIDI program change carries it, CHANNEL 1..16) and
``/hatbox/program/N[/CHANNEL] [v]`` (one TouchOSC button per program: fired on its press, no argument or v from
0.5 up; its release, v below 0.5, does nothing) do what a MIDI program change N does: the OSC server hands the
control to the box's program switcher (``MidiHub.programs``: the ProgramSwitcher a MIDI program change reaches,
not through ``MidiHub.translate``, which would run MIDI learn too),
so the box's program switcher (device/midi_programs.py) switches the pack mapped to it, with the same log lines and
the same refusals (an unmapped program, a pack no longer on the box), its log line naming the sender ("; sent by OSC
192.0.2.7", as the volume's and bypass's lines do).  A program with no channel plays the mapping made
for any channel, as a MIDI program change on a channel with no mapping of its own does.  The control never reaches
the engine (it has no such op).
"""
from __future__ import annotations

from typing import Any

from device.midi_programs import CHANNEL_RANGE, PROGRAM_RANGE
from device.osc import BadPacket, _finite
from hatbox.errors import HatboxError

PROGRAM_OP = "program"          # the control /hatbox/program asks for: {"op", "program" 0..127, "channel" 0..15|None}
PRESS = 0.5                     # a button's value from this up is its press (TouchOSC sends 1.0, then 0.0 on release)
NO_SWITCHER = ("no set list here: the box's program map comes with its API, and this box runs without it "
               "(hatbox device run --no-api)")
NO_MIDI_MAP = "no set list here: this OSC listener was started without the box's MIDI map, which takes program changes"


def _whole(value: float, what: str, bounds: tuple[int, int]) -> int:
    """``value`` as a whole number within ``bounds`` (BadPacket for 3.5, or one outside them)."""
    if value != int(value) or not bounds[0] <= value <= bounds[1]:
        raise BadPacket(f"{what} {value:g} is not a whole number {bounds[0]}..{bounds[1]}")
    return int(value)


def _from_part(part: str, what: str, bounds: tuple[int, int]) -> int:
    """An address part ("3" of /hatbox/program/3) as a whole number within ``bounds``."""
    if not part.isdigit() or len(part) > 3:
        raise BadPacket(f"{part[:20]!r} in the address is not a {what} {bounds[0]}..{bounds[1]}")
    return _whole(float(part), what, bounds)


def _control(program: int, channel: int | None) -> list[dict[str, Any]]:
    return [{"op": PROGRAM_OP, "program": program, "channel": None if channel is None else channel - 1}]


def program_controls(parts: list[str], args: list[Any]) -> list[dict[str, Any]]:
    """``/hatbox/program`` with the address parts after it (``parts``) and its arguments -> the program control
    ([] for a button's release).  BadPacket (or IndexError for no argument) for what it does not take."""
    if parts:
        if args and _finite(args[0]) < PRESS:
            return []
        channel = _from_part(parts[1], "channel", CHANNEL_RANGE) if len(parts) > 1 else None
        return _control(_from_part(parts[0], "program", PROGRAM_RANGE), channel)
    channel = _whole(_finite(args[1]), "channel", CHANNEL_RANGE) if len(args) > 1 else None
    return _control(_whole(_finite(args[0]), "program", PROGRAM_RANGE), channel)


def fire(hub: Any, control: dict[str, Any], sender: str = "?") -> None:
    """Hand a program ``control`` from ``sender`` (its IP address) to the program switcher of the box's MIDI map
    ``hub`` (device.midi_hub.MidiHub ``programs``, where the MIDI reader's program changes go) as a program change on
    its channel (None: no channel's own mapping), its source "OSC <sender>" (returns at once).  HatboxError when the
    box has no program switcher (no API) or no MIDI map."""
    if hub is None:
        raise HatboxError(NO_MIDI_MAP)
    switcher = getattr(hub, "programs", None)
    if switcher is None:
        raise HatboxError(NO_SWITCHER)
    switcher.received(control["program"], control["channel"], source=f"OSC {sender}")
