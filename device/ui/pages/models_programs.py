"""The Models page's set-list row (p57 QA_B 3): map a MIDI program to the selected pack from the box itself.

The row, above the page's buttons, shows only where the panel runs with the API (device/ui/program_desk.py): a "map"
button and what it would do: "program 3 (just heard): nothing mapped; map plays fuzzbox 0.2.0".  The program it maps
is the last program change heard with nothing mapped (a foot switch pressed says "this one"), or one chosen with
encoder 2 (0..127; until turned, the lowest program with nothing mapped, the next of a set list built in order).
"""
from __future__ import annotations

from typing import Any, Optional

from device.midi_programs import PROGRAM_RANGE, SWITCH_KINDS, Entry, resolve
from device.ui.program_desk import Heard, ProgramDesk

PROGRAM_ENCODER = 1        # encoder 2 (0-based) picks the program the row maps


class ProgramPicker:
    """Which program the Models page's "map" button maps, and its words."""

    def __init__(self) -> None:
        self.program: Optional[int] = None
        self.heard: Optional[Heard] = None       # the last unmapped program change taken (not taken again)
        self.chosen = False                      # turned by hand since the page was shown

    def reset(self) -> None:
        """The page is shown again: the program follows what is heard (or the first free one) again."""
        self.program, self.chosen = None, False

    def follow(self, desk: ProgramDesk) -> int:
        """The program to map now: a program change newly heard with nothing mapped wins over a hand choice (the
        player just pressed it); else the hand choice, else the first free program."""
        heard = desk.heard_unmapped()
        if heard is not None and heard != self.heard:
            self.heard, self.program, self.chosen = heard, heard.program, False
        if self.program is None:
            self.program = desk.first_free()
        return self.program

    def turn(self, desk: ProgramDesk, delta: int) -> int:
        """Encoder 2 turned ``delta`` detents: the next program (stopping at 0 and 127)."""
        low, high = PROGRAM_RANGE
        self.program = min(high, max(low, self.follow(desk) + delta))
        self.chosen = True
        return self.program

    def labels(self, desk: ProgramDesk) -> tuple[str, ...]:
        """The "map" button's label, longest first: "map to program 3", "map p3"."""
        n = self.follow(desk)
        return f"map to program {n}", f"map program {n}", f"map p{n}"

    def words(self, desk: ProgramDesk, pack: Any, installed: list[dict[str, Any]]) -> tuple[str, ...]:
        """What the row says of the program and the selected ``pack`` (a device.ui.data.PackEntry), longest first;
        what a mapped program plays is the pack it plays now of ``installed`` (the store's list): a mapping that
        follows its name plays a version pushed since, one whose pack is gone may play nothing (p57 FR2 1)."""
        n = self.follow(desk)
        if pack is None or pack.manifest.kind not in SWITCH_KINDS:
            kind = pack.manifest.kind if pack is not None else "pack"
            return (f"program {n}: a {kind} makes no sound: select an effect or synth to map it",
                    "select an effect or synth to map", "")
        heard = " (just heard)" if self.heard is not None and self.heard.program == n and not self.chosen else ""
        name, full = pack.manifest.name, f"{pack.manifest.name} {pack.manifest.version}"
        entry = desk.mapped(n)
        if entry is None and (own := desk.on_channels(n)):
            return channel_words(n, own, installed, name, full)
        if entry is None:
            return (f"program {n}{heard}: nothing mapped; map plays {full} (encoder 2: another program)",
                    f"program {n}{heard}: nothing mapped; map plays {full}", f"p{n}: nothing mapped -> {name}",
                    f"p{n} -> {name}")
        plays = resolve(entry, installed)[0]
        if plays is None:
            return (f"program {n}: {entry.name} {entry.version} is no longer on the box; map plays {full}",
                    f"program {n}: {entry.name} gone; map: {name}", f"p{n}: {entry.name} gone -> {name}")
        if plays.get("id") == pack.id:
            return (f"program {n} plays {full} already (encoder 2: another program)",
                    f"program {n} plays {full} already", f"p{n}: {name} already")
        now, short = named(plays)
        return (f"program {n} plays {now} now; map plays {full} instead",
                f"program {n}: {short} now; map: {name}", f"p{n}: {short} -> {name}")

    def map(self, desk: ProgramDesk, pack: Any) -> tuple[str, ...]:
        """Map the program to ``pack``; what to say, longest first.  HatboxError when it could not (nothing mapped)."""
        n = self.follow(desk)
        message = desk.map(n, pack.id)
        self.chosen = True                 # the row stays on this program (now mapped), not the first free one
        name = pack.manifest.name
        return (message, f"program {n} now plays {name} {pack.manifest.version}", f"program {n} plays {name}",
                f"p{n}: {name}")


def named(record: dict[str, Any]) -> tuple[str, str]:
    """("name version", "name") of a pack of the store's list."""
    name = str(record.get("name") or record.get("id"))
    return f"{name} {record.get('version') or ''}".strip(), name


def channel_words(n: int, own: list[Entry], installed: list[dict[str, Any]], name: str, full: str) -> tuple[str, ...]:
    """The row's words for program ``n`` mapped on channels of its own only (``own``: device.midi_programs.Entry, by
    channel) and on no other: what each channel plays now (of ``installed``, the store's list), and that "map" plays
    ``full`` on the other channels (p57 QA_C 6: "program 5: nothing mapped" hid a laptop's mapping on channel 2),
    longest first."""
    chans = ", ".join(str(e.channel + 1) for e in own)
    which = f"channel {chans}" if len(own) == 1 else f"channels {chans}"
    plays, short = "its own packs", "own"
    if len(own) == 1:
        record = resolve(own[0], installed)[0]
        plays, short = named(record) if record is not None else (f"nothing ({own[0].name} is gone)", "nothing")
    return (f"program {n} plays {plays} on {which} only; map plays {full} on the other channels",
            f"program {n}: {plays} on {which} only; map: {name} elsewhere",
            f"p{n}: ch {chans} {short}; map: {name} elsewhere", f"p{n}: ch {chans} {short} -> {name}")
