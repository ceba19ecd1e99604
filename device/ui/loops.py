"""The loops the sampler plays, as the engine's status says them (``active["sampler"]["loops"]``:
device/audio/sampler.py ``SamplerSource.sounding_loops``): the Kit page lights their pads and offers "stop loops",
the Play page names them beside the synth's notes (p57 QA_B 1: a latched loop played with no sign on the panel, and
the panel had no way to stop it but the right pad).

Stopping sends one ``stop_loops`` (device/control.py): the sampler stops the loops that sound when its audio thread
takes it, not the notes a status named a moment before (p57 R1 4: a loop started since played on, a one-shot struck
since on such a note was cut).  A sampler a fault silenced runs no voice: the pages show none of its loops (R1 1).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from device.control import msg
from device.notes import note_name

MOST_NAMED = 4           # loop notes the Play page names at most ("loops C2 C#2 D2 D#2 +1 playing")


@dataclass(frozen=True)
class Loop:
    """A kit note whose loop sounds: its MIDI note, its file as the status names it ("Kit/VP Drum.flac"), latched."""

    note: int
    file: str
    latched: bool

    @property
    def name(self) -> str:
        """The file's name without its folder and extension ("VP Drum"); "" for none."""
        return PurePosixPath(self.file.replace("\\", "/")).stem if self.file else ""


def sounding(status: Any) -> list[Loop]:
    """The loops ``status`` says sound, lowest note first; an entry that is not ``{note: 0..127, ...}`` is left out,
    and a status without them (an older engine, the simulator) says none."""
    active = status.get("active") if isinstance(status, dict) else None
    sampler = active.get("sampler") if isinstance(active, dict) else None
    found = sampler.get("loops") if isinstance(sampler, dict) else None
    if not isinstance(found, list):
        return []
    loops = [Loop(int(e["note"]), str(e.get("file") or ""), e.get("latched") is True) for e in found
             if isinstance(e, dict) and isinstance(e.get("note"), int) and not isinstance(e.get("note"), bool)
             and 0 <= e["note"] <= 127]
    return sorted(loops, key=lambda loop: loop.note)


def playing_words(loops: list[Loop], muted: bool = False) -> tuple[str, ...]:
    """What the Play page says of the loops sounding, longest first (none: ()): "loop C#2 (VP Drum) playing", "loop
    C#2 playing", "loop C#2"; several: "loops C#2 D2 playing", "loops C#2 D2", "2 loops".  ``muted``: the player
    turned the sampler off, its loops run on unheard: "loop C#2 (sampler off)", "loops C#2 D2 (sampler off)"."""
    if not loops:
        return ()
    state = "(sampler off)" if muted else "playing"
    if len(loops) == 1:
        where, name = note_name(loops[0].note), loops[0].name
        named = (f"loop {where} ({name}) playing",) if name and not muted else ()
        return named + (f"loop {where} {state}", f"loop {where}")
    notes = " ".join(note_name(loop.note) for loop in loops[:MOST_NAMED])
    more = f" +{len(loops) - MOST_NAMED}" if len(loops) > MOST_NAMED else ""
    return f"loops {notes}{more} {state}", f"loops {notes}{more}", f"{len(loops)} loops"


def stop_message() -> dict[str, Any]:
    """The message that stops the loops sounding: one ``stop_loops`` to the sampler (a quick fade of each)."""
    return msg("stop_loops", slot="sampler")


def stopped_words(loops: list[Loop]) -> tuple[str, ...]:
    """What the tab bar says once ``loops`` were stopped, longest first: "stopped the loop (C#2)", "stopped 2 loops
    (C#2, C4)", and how they start again where every one latches (a held loop plays only while its pad is held)."""
    notes = ", ".join(note_name(loop.note) for loop in loops[:MOST_NAMED]) + (" ..." if len(loops) > MOST_NAMED else "")
    said = f"stopped the loop ({notes})" if len(loops) == 1 else f"stopped {len(loops)} loops ({notes})"
    again = "a tap of its pad starts it again" if len(loops) == 1 else "their pads start them again"
    latched = bool(loops) and all(loop.latched for loop in loops)
    return ((f"{said}: {again}",) if latched else ()) + (said, "stopped")
