"""The panel's hands on the box's MIDI program map (p57 QA_B 3: an owner with only the box could not build a set
list; an unmapped program change pointed at `hatbox box-midi --program N PACK`, a laptop's command).

The map is the API's own (device/api/program_routes.py keeps its :class:`~device.midi_programs.ProgramSwitcher` on
the box, ``Box.programs``): the panel maps a program through device/api/program_mapping.py ``map_program``, the rule
``PUT /midi/programs/{program}`` follows, so a program change reads what the panel mapped at once, the laptop's
`hatbox box-midi` lists it, and the change is logged as the panel's ("panel: MIDI program 3 switches in ...", box.log
and changes.log).  The panel reaches the box through its kit's (device/api/box_kit.BoxKit ``box``), handed over when
the panel and the API start in one process (hatbox/cmd_device.py); a panel without the API maps nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from device.midi_programs import PROGRAM_RANGE, UNMAPPED, Entry
from device.panel_log import said_change
from hatbox.errors import HatboxError, first_line

_UNREAD = object()         # ProgramDesk: the switcher's last program change not read yet
PANEL = "the panel"        # who mapped a program, in `hatbox box-midi`'s "mapped by ..." (device/api/program_mapping)


@dataclass(frozen=True)
class Heard:
    """The last program change the box heard that had nothing mapped: ``program`` 0..127, ``at`` (its outcome's
    time.time(), so a new one is told from the same one read again)."""

    program: int
    at: float


class ProgramDesk:
    """The box's program map as the panel reads and changes it (``box``: device/api/box.py Box, its ``programs``
    the app's switcher, read once here: ``switcher``, else given).  A desk is made for one frame (or one event) of
    the Models page: it reads the last program change heard once (:meth:`heard_unmapped`), so the "map" button's
    label and the row's words name the same program whatever a program change does meanwhile (p59 F2: the page read
    it twice a frame, and its switcher some eight times)."""

    def __init__(self, box: Any, switcher: Any = None) -> None:
        self.box = box
        self.switcher = box.programs if switcher is None else switcher
        self._heard: Optional[Heard] | object = _UNREAD

    def heard_unmapped(self) -> Optional[Heard]:
        """The last program change heard when it had nothing mapped, and has nothing mapped still; None otherwise.
        Read from the switcher at the first call, the same answer after it."""
        if self._heard is _UNREAD:
            self._heard = self._read_heard()
        return self._heard                  # type: ignore[return-value] - read above

    def _read_heard(self) -> Optional[Heard]:
        """:meth:`heard_unmapped` as the switcher says it now (its ``last``: one read)."""
        last = self.switcher.last
        if not isinstance(last, dict) or last.get("result") != UNMAPPED or not isinstance(last.get("program"), int):
            return None
        channel = last.get("channel")
        if self.switcher.programs.lookup(last["program"], None if channel is None else int(channel) - 1) is not None:
            return None
        return Heard(int(last["program"]), float(last.get("at") or 0.0))

    def mapped(self, program: int) -> Optional[Entry]:
        """What ``program`` plays on any channel (the mapping the panel makes and replaces); None: nothing."""
        return self.switcher.programs.lookup(program, None)

    def on_channels(self, program: int) -> list[Entry]:
        """``program``'s mappings on one channel each (`hatbox box-midi --program 5 PACK --program-channel 2`), by
        channel: they play there whatever the any-channel mapping (p57 QA_C 6: the row said "nothing mapped")."""
        return sorted((e for e in self.switcher.programs.listed() if e.program == program and e.channel is not None),
                      key=lambda e: e.channel)

    def installed(self) -> list[dict[str, Any]]:
        """The box's installed packs (the store's list, device/store.py): what a mapped program plays now is one of
        them (device.midi_programs.resolve).  Read as the Models page is shown and refreshed, never per frame."""
        return list(self.box.store.list())

    def first_free(self) -> int:
        """The lowest program with nothing mapped on any channel (the next of a set list built in order)."""
        taken = {e.program for e in self.switcher.programs.listed() if e.channel is None}
        low, high = PROGRAM_RANGE
        return next((p for p in range(low, high + 1) if p not in taken), low)

    def map(self, program: int, pack_id: str) -> str:
        """Map ``program`` (any channel) to pack ``pack_id``, as the laptop's `hatbox box-midi --program` does: the
        newest of its name follows that name (a version pushed later plays), an older one stays that version
        (program_mapping.follows_newest); the words of what it did.  HatboxError in the route's words when it cannot
        (a tagger, a pack gone, a full disk): nothing mapped."""
        from device.api.errors import ApiError
        from device.api.program_mapping import follows_newest, map_program
        try:
            follow = follows_newest(self.box.store.list(), pack_id)
            done = map_program(self.box, self.switcher, program, None, pack_id, follow, PANEL)
        except ApiError as exc:
            raise HatboxError(first_line(exc.body.message)) from None
        said_change(f"MIDI {done.words}")
        return done.message


def _box_and_switcher(data: Any) -> tuple[Any, Any]:
    """The box of the panel's ``data``'s kit and its program switcher (None where there is none)."""
    box = getattr(getattr(data, "kit", None), "box", None)
    return box, getattr(box, "programs", None)


def desk_of(data: Any) -> Optional[ProgramDesk]:
    """The :class:`ProgramDesk` of the panel's ``data`` where it was handed the API's kit (whose box has a program
    switcher); None for a panel without the API (nothing to map into).  A new one each call: one a frame."""
    box, switcher = _box_and_switcher(data)
    return ProgramDesk(box, switcher) if switcher is not None else None


def has_desk(data: Any) -> bool:
    """Whether :func:`desk_of` would give a desk (the Models page's map row is laid out), without making one."""
    return _box_and_switcher(data)[1] is not None
