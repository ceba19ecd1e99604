"""What the box's MIDI bindings file (device/midi.py ``BINDINGS_FILE``, ``midi-bindings.json``) keeps beside the
learned bindings: the MIDI learn armed when it was written (``"learning": "effect.drive"``) and the MIDI channels set
from the laptop (``"channels": {"kit": 10, "synth": null}``, 1..16 or null for the default; ``hatbox box-midi
--kit-channel``, ``PUT /midi/channels``).  Boxes before the forty-fourth stop read the file's ``learned`` alone.

A MIDI learn armed when the box stopped is **cancelled** by the restart, and said so at start (the box's log,
``GET /midi``'s warnings, so ``hatbox box-midi``): a learn still armed after a restart, often a power cycle on a
stage, would bind whatever CC came first (a DAW's setup bar sends CC 7, 10, 71 and 74 on every play; a fader nudged
while carrying the box), a binding made with nobody watching.  Saying it was cancelled, with the command that arms
it again, loses nothing: the musician moves the control again once they are there to watch.

Channels set from the laptop come back at the next start unless the command line sets channels for that run
(``--kit-channel``/``--synth-channel``, which win, as ``--midi-cc`` wins over a learned binding).
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from device.midi_channels import Channels

CANCELLED = "MIDI learn for "            # the start of the warning a restart's cancelled learn leaves


def read_saved(path: Path | None) -> tuple[str | None, Channels | None]:
    """(the learn armed in the bindings file at ``path``, as "slot.knob"; the channels kept there), each None when
    the file (or the key) has none or cannot be read (device.midi.load_learned says that)."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8")) if path is not None else {}
    except (OSError, ValueError):
        return None, None
    if not isinstance(data, dict):
        return None, None
    learning = data.get("learning")
    return (learning if isinstance(learning, str) and learning else None), _channels(data.get("channels"))


def _channels(kept: Any) -> Channels | None:
    """``{"kit": 10, "synth": null}`` -> Channels(kit=9); None for anything else."""
    if not isinstance(kept, dict):
        return None
    try:
        kit, synth = (_zero_based(kept.get(k)) for k in ("kit", "synth"))
    except (TypeError, ValueError):
        return None
    return Channels(kit=kit, synth=synth)


def _zero_based(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 16:
        raise ValueError(f"not a MIDI channel: {value!r}")
    return value - 1


def saved_extras(learning: tuple[str, str] | None, kept: Channels | None) -> dict[str, Any]:
    """What :meth:`device.midi.MidiHub.save` writes beside ``learned``: the learn armed now, the channels kept."""
    out: dict[str, Any] = {}
    if learning is not None:
        out["learning"] = f"{learning[0]}.{learning[1]}"
    if kept is not None and kept != Channels():
        state = kept.state()
        out["channels"] = {"kit": state["kit_channel"], "synth": state["synth_channel"]}
    return out


def cancelled_words(learning: str) -> str:
    """The warning for a learn the restart cancelled (see the module's doc for why it is not kept armed)."""
    return (f"{CANCELLED}{learning}, armed when the box stopped, was cancelled by the restart (a learn left armed "
            f"would bind the first CC to come, with nobody watching): arm it again with hatbox box-midi --learn "
            f"{learning}")


def at_start(hub: Any) -> None:
    """At the hub's start: the channels kept in its file become ``hub.kept_channels`` (:func:`apply_kept` makes them
    the map's once the command line's are set); a learn left armed there is said cancelled, the file rewritten
    without it."""
    learning, hub.kept_channels = read_saved(getattr(hub, "path", None))
    if learning is not None:
        hub.warn(cancelled_words(learning))
        hub.save()


def apply_kept(hub: Any) -> None:
    """The channels kept in the store become the map's, unless the command line set channels for this run
    (hatbox device run --kit-channel/--synth-channel: then the kept ones wait in the file for a run without)."""
    kept = getattr(hub, "kept_channels", None)
    if kept is None or hub.map.channels == kept:
        return
    if hub.map.channels == Channels():
        hub.map.channels = kept
    else:
        hub.warn(f"the MIDI channels set from the laptop ({kept.words()}) are overridden by the command line for "
                 f"this run ({hub.map.channels.words()})")


def set_channels(hub: Any, channels: Channels) -> None:
    """Make ``channels`` the map's now and keep them in the store for the next starts (PUT /midi/channels)."""
    with hub.lock:
        hub.map.channels = channels
        hub.kept_channels = channels
    hub.save()
