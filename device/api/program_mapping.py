"""One rule for mapping a MIDI program to a pack (device/midi_programs.py ``ProgramMap``), whoever maps it: the
laptop through ``PUT /midi/programs/{program}`` (device/api/program_routes.py, `hatbox box-midi --program N PACK`)
and the box's own panel (its Models page, device/ui/program_desk.py: p57 QA_B 3, an owner with only the box could
not build a set list).  :func:`map_program` finds the pack, maps it in the switcher's map (the one program changes
read), keeps who mapped it (:data:`MAPPED_BY`) and words what it did; the caller logs it as its change (the route
as the paired device's, the panel as the panel's).
"""
from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from typing import Any, Optional

from device.api.errors import ApiError
from device.midi_programs import SWITCH_KINDS, Entry, ProgramSwitcher, newest_named, pack_words, program_words
from device.store_layout import json_dict
from export.atomic import write_atomic

log = logging.getLogger("hatbox.api")

LIST_HINT = "hatbox box-pack lists the box's packs with their names and ids"
MAPPED_BY = "midi-programs-by.json"     # in the store: who mapped each program, and when (p45 duo QA)


@dataclass(frozen=True)
class Mapped:
    """What :func:`map_program` did: the ``entry`` mapped, the one it ``before`` replaced (None: none), the store's
    ``packs`` it read, the log's ``words`` ("program 3 switches in effect pack ...") and the answer's ``message``."""

    entry: Entry
    before: Optional[Entry]
    packs: list[dict[str, Any]]
    words: str
    message: str


def map_program(box: Any, switcher: ProgramSwitcher, program: int, channel: Optional[int], given: str,
                follow: Optional[bool], by: str) -> Mapped:
    """Map ``program`` (0..127, checked by the caller) on ``channel`` (0..15; None: any) to the installed effect or
    synth pack ``given`` (its id, or its name: then it follows the newest of that name unless ``follow`` says),
    for ``by`` (the paired device's name, or the panel's).  ApiError as the route answers it: 404 no such pack,
    409 a name two kinds share, 422 a tagger, 507 the map could not be written (nothing mapped)."""
    packs = box.store.list()
    pack, by_name = _find(packs, given)
    entry = Entry(program, channel, str(pack["id"]), str(pack["kind"]), str(pack["name"]),
                  str(pack.get("version", "")), by_name if follow is None else bool(follow))
    try:
        before = switcher.programs.set(entry)
    except OSError as exc:
        raise ApiError(507, "not kept", f"the program map could not be written ({exc.strerror or exc}): "
                       "nothing was mapped") from None
    switcher.forget_said()
    who = "" if before is None or before == entry else who_mapped(box, before)
    note_mapped(box, entry, by)
    follows = f", following the newest '{entry.name}'" if entry.follow else ""
    words = f"{program_words(program, channel)} switches in {pack_words(pack)}{follows}"
    replaced = "" if before is None or before == entry else \
        f" (it switched {before.kind} pack {before.name} {before.version}{who})"
    return Mapped(entry, before, packs, words, words + replaced)


def follows_newest(packs: list[dict[str, Any]], pid: str) -> bool:
    """Whether a mapping to installed pack ``pid`` (of ``packs``, the store's list) picked from a list of the box's
    packs follows its name: it is the newest of its kind and name, as a mapping by name (`hatbox box-midi --program 3
    fuzzbox`) is to the newest fuzzbox; an older version is mapped as itself (R2 review 8: one rule, the panel's
    too)."""
    pack = next((p for p in packs if p.get("id") == pid), None)
    newest = newest_named(packs, str(pack.get("kind")), str(pack.get("name"))) if pack is not None else None
    return newest is not None and newest.get("id") == pid


def _find(packs: list[dict[str, Any]], given: str) -> tuple[dict[str, Any], bool]:
    """(the installed pack ``given`` names, whether it was named by name); 404 for none, 409 for a name an effect
    and a synth pack share, 422 for a tagger."""
    pack = next((p for p in packs if p.get("id") == given), None)
    if pack is not None and pack.get("kind") not in SWITCH_KINDS:
        raise ApiError(422, "rejected", f"pack '{given}' is a {pack.get('kind')} pack: it makes no sound, and a "
                       f"program change switches {' or '.join(SWITCH_KINDS)} packs", hint=LIST_HINT)
    if pack is not None:
        return pack, False
    found = [p for p in (newest_named(packs, kind, given) for kind in SWITCH_KINDS) if p is not None]
    if len(found) > 1:
        raise ApiError(409, "conflict", f"'{given}' names an effect pack and a synth pack: nothing was mapped",
                       hint=f"give the id of the one you mean ({', '.join(str(p['id']) for p in found)})")
    if not found:
        raise ApiError(404, "not found", f"no effect or synth pack on the box is '{given}': nothing was mapped",
                       hint=LIST_HINT)
    return found[0], True


def _by_key(entry: Entry) -> str:
    return f"{entry.program}/{'any' if entry.channel is None else entry.channel + 1}"


def _mapped_by(box: Any) -> dict[str, Any]:
    return json_dict(box.store.root / MAPPED_BY)


def note_mapped(box: Any, entry: Entry, by: str) -> None:
    """Keep who mapped ``entry`` (paired device ``by``) and when, beside the program map (best effort: the map is what
    counts; a note that cannot be written is logged)."""
    kept = {**_mapped_by(box), _by_key(entry): {"pack": entry.pack, "by": by, "at": time.time()}}
    try:
        write_atomic(box.store.root / MAPPED_BY, json.dumps(kept, indent=1).encode("utf-8"))
    except OSError as exc:
        log.warning("could not keep who mapped MIDI program %d: %s", entry.program, exc)


def who_mapped(box: Any, entry: Entry) -> str:
    """", mapped by laptopA 3 min ago" for ``entry`` where the box kept who mapped it (its pack the same); ""."""
    from device.api.when_words import ago_words
    note = _mapped_by(box).get(_by_key(entry))
    if not isinstance(note, dict) or note.get("pack") != entry.pack or not isinstance(note.get("at"), (int, float)):
        return ""
    by = str(note.get("by") or "")
    return f", mapped by {by or 'the box'} {ago_words(max(0.0, time.time() - float(note['at'])))}"
