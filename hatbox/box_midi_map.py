"""The box's MIDI map as `hatbox device run` makes it: the default CC mapping, the bindings learned in earlier runs
(kept in the store), then ``--midi-cc``; the lines that describe it in the box's log.  Split from
hatbox/cmd_device.py (which starts the MIDI port over it)."""
from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Callable

from hatbox.box_control import BoxControl


def midi_map(bindings: list[tuple[int, tuple[str, str] | None]], control: BoxControl,
             learned: dict[int, tuple[str, str]] | None = None) -> Any:
    """The box's MidiMap: the default CC mapping (device.midi.DEFAULT_CC) changed by the ``learned`` bindings
    (kept from earlier runs) and then by ``--midi-cc`` ``bindings`` (in order; a later one for the same CC
    wins, and the command line wins over a learned binding), over the knob ranges ``control`` learns."""
    from device.midi import LEARNED, MidiMap
    mapping = MidiMap(knobs=control.knobs)
    for cc, (slot, name) in (learned or {}).items():
        mapping.bind(cc, slot, name, origin=LEARNED)
    for cc, target in bindings:
        mapping.unbind(cc)
        if target is not None:
            mapping.bind(cc, *target)
    return mapping


def describe_midi(mapping: Any) -> list[str]:
    """Lines for the log: which CCs turn which knob now (each once it picks the knob up), a note for each
    bank select CC bound by name (device.midi.bank_select_note), and named bindings the loaded packs lack."""
    from device.midi import bank_select_note
    turns: dict[tuple[str, str], list[int]] = {}
    for cc, target in mapping.mapping().items():
        turns.setdefault(target, []).append(cc)
    lines = ["MIDI CCs: " + ("; ".join(f"{', '.join(map(str, ccs))} -> {slot}.{name}"
                                       for (slot, name), ccs in turns.items()) or "none turn a knob yet "
                             "(CC 70-85 turn the effect's knobs once a pack is loaded)")]
    if turns:
        lines[0] += " (a CC moves its knob once it reaches the knob's value)"
    for cc, (slot, name) in sorted(mapping.cc.items()):
        note = bank_select_note(cc)
        if note:
            lines.append(f"note: MIDI CC {cc} -> {slot}.{name}: {note}")
        known = mapping.knobs.names(slot)
        if known and name not in known:
            lines.append(f"warning: MIDI CC {cc} -> {slot}.{name}: the {slot} pack has no knob '{name}' "
                         f"(its knobs: {', '.join(known)}); the CC turns nothing until a pack with it is loaded")
    return lines


def midi_hub(args: argparse.Namespace, control: Any, say: Callable[..., None]) -> Any:
    """The box's MIDI map as MIDI and the API share it (``control.midi``, made on first use): the learned
    bindings kept in the store (device.midi.BINDINGS_FILE; a damaged file is a warning, then ignored) under
    ``--midi-cc``; ``say(line, err=True)`` says its warnings as the box's."""
    hub = getattr(control, "midi", None)
    if hub is not None:
        return hub
    from device.midi import BINDINGS_FILE, MidiHub, load_learned
    store = getattr(args, "store", None)
    path = Path(store) / BINDINGS_FILE if store is not None else None
    learned, problem = load_learned(path) if path is not None else ({}, None)
    hub = MidiHub(midi_map(getattr(args, "midi_cc", []), control, learned), path, learned)
    from device.midi_channels import Channels
    hub.map.channels = Channels(kit=getattr(args, "kit_channel", None), synth=getattr(args, "synth_channel", None))
    if hub.map.channels.warning():                     # --kit-channel 10 --synth-channel 10: 15 channels silent
        say(f"warning: {hub.map.channels.warning()}", err=True)
        hub.warnings.append(str(hub.map.channels.warning()))
    if problem:
        say(f"warning: {problem}", err=True)
        hub.warnings.append(problem)
    control.midi = hub
    return hub
