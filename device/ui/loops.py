"""The loops the sampler plays, as the engine's status says them (``active["sampler"]["loops"]``:
device/audio/sampler.py ``SamplerSource.sounding_loops``): the Kit page lights their pads and offers "stop loops",
the Play page names them beside the synth's notes (p57 QA_B 1: a latched loop played with no sign on the panel, and
the panel had no way to stop it but the right pad).

Stopping sends one ``choke`` per looping note (device/control.py: the sampler alone, its voices of that note stop
with a quick fade, the pedal or a latch not keeping them), the message the sampler already takes for a cymbal grabbed.
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


def playing_words(loops: list[Loop]) -> tuple[str, ...]:
    """What the Play page says of the loops sounding, longest first (none: ()): "loop C#2 (VP Drum) playing", "loop
    C#2 playing", "loop C#2"; several: "loops C#2 D2 playing", "loops C#2 D2", "2 loops"."""
    if not loops:
        return ()
    if len(loops) == 1:
        where, name = note_name(loops[0].note), loops[0].name
        return ((f"loop {where} ({name}) playing",) if name else ()) + (f"loop {where} playing", f"loop {where}")
    notes = " ".join(note_name(loop.note) for loop in loops[:MOST_NAMED])
    more = f" +{len(loops) - MOST_NAMED}" if len(loops) > MOST_NAMED else ""
    return f"loops {notes}{more} playing", f"loops {notes}{more}", f"{len(loops)} loops"


def stop_messages(loops: list[Loop]) -> list[dict[str, Any]]:
    """The messages that stop ``loops``: a ``choke`` of each note (the sampler alone; a quick fade)."""
    return [msg("choke", note=loop.note) for loop in loops]


def stopped_words(loops: list[Loop]) -> tuple[str, ...]:
    """What the tab bar says once ``loops`` were stopped, longest first."""
    notes = ", ".join(note_name(loop.note) for loop in loops[:MOST_NAMED]) + (" ..." if len(loops) > MOST_NAMED else "")
    count = "the loop" if len(loops) == 1 else f"{len(loops)} loops"
    return f"stopped {count} ({notes}): a tap of its pad starts it again", f"stopped {count} ({notes})", "stopped"
