"""What the kit lost and why, and what changed in it since a laptop looked (two musicians, one box: p43 duo QA).

A library deleted by one laptop took the notes another laptop's kit played out of the kit without a word to
anyone: :class:`Silenced` is such a loss, kept in STORE/kit.json (its ``silenced`` list, next to ``notes``) so
``GET /kit`` (``hatbox box-kit``) says why the notes went: "library kitB was deleted by 'studio-mac': 4 kit notes
went silent: C2 kick.wav, ...".  A loss is forgotten note by note as each note is set again, whole when the kit
is made anew.

``box-kit --from`` asks before it replaces a kit of other samples; another laptop could change the kit while the
question was open.  :func:`kit_changes` says, in words, how the kit differs from the one the laptop saw, so the box
refuses the replacement (409) instead of dropping a note nobody was asked about.

Pure data: device/api/kit_routes.py keeps them under the kit's lock.
"""
from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping

from device.notes import note_name

KEPT = 5                     # losses kept (the oldest forgotten first)
SHOWN = 8                    # notes named in one line, then "..."


@dataclass(frozen=True)
class Silenced:
    """Kit notes taken out because library ``library`` (called ``name``) was deleted at ``when`` (seconds since the
    epoch) by ``by`` (the paired device's name; "" when the box cannot say), whose pairing's token id is ``token``
    ("" for the box itself, or a loss kept before the box kept it: p46, so that ``GET /kit`` tells the laptop that
    deleted the library it was its own deletion): ``notes`` is [(note, file), ...]."""

    library: str
    name: str
    notes: tuple[tuple[int, str], ...]
    when: float = field(default_factory=time.time)
    by: str = ""
    token: str = ""

    def words(self) -> str:
        """"library kitB was deleted by 'studio-mac': 4 kit notes went silent: C2 kick.wav, D2 snare.wav, ..."."""
        by = f" by {self.by!r}" if self.by else ""
        return f"library {self.name or self.library} was deleted{by}: {gone_words(self.notes)}"

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "notes": [{"note": n, "file": f} for n, f in self.notes]}


def gone_words(notes: Iterable[tuple[int, str]]) -> str:
    """"4 kit notes went silent: C2 kick.wav, D2 snare.wav, ..." for [(note, file), ...]."""
    listed = list(notes)
    named = ", ".join(f"{note_name(n)} {f}" for n, f in listed[:SHOWN]) + (", ..." if len(listed) > SHOWN else "")
    return f"{len(listed)} kit note{'' if len(listed) == 1 else 's'} went silent: {named}"


def read_silenced(raw: Any) -> list[Silenced]:
    """The losses kept in kit.json's ``silenced`` list (``raw``); [] for none, and whatever cannot be read is
    skipped (a kit file of an older box has none: the kit itself is what counts)."""
    out = []
    for item in raw if isinstance(raw, list) else []:
        try:
            notes = tuple((int(n["note"]), str(n["file"])) for n in item["notes"])
            out.append(Silenced(str(item["library"]), str(item.get("name") or ""), notes, float(item["when"]),
                                str(item.get("by") or ""), str(item.get("token") or "")))
        except (KeyError, TypeError, ValueError):
            continue
    return out[-KEPT:]


def remember(kept: list[Silenced], loss: Silenced) -> list[Silenced]:
    """``kept`` with ``loss`` added (none when it took no note), the oldest beyond :data:`KEPT` forgotten."""
    return (kept + [loss])[-KEPT:] if loss.notes else kept


def still_silent(kept: list[Silenced], set_again: Iterable[int]) -> list[Silenced]:
    """``kept`` without the notes ``set_again`` (they play something now); a loss with no note left is forgotten."""
    again = set(set_again)
    out = []
    for loss in kept:
        notes = tuple((n, f) for n, f in loss.notes if n not in again)
        if notes:
            out.append(Silenced(loss.library, loss.name, notes, loss.when, loss.by, loss.token))
    return out


Seen = Mapping[int, tuple[str, str]]          # note -> (library, file): the kit as a laptop saw it


def kit_changes(seen: Seen, now: Seen, names: Mapping[str, str] | None = None) -> list[str]:
    """How kit ``now`` differs from the kit a laptop saw (``seen``), in words, note by note: "D3 was set
    (sabmute.wav, library kitA)", "C3 plays tom.wav now (was noise.wav)", "E3 was cleared"; [] when they are the
    same.  ``names``: library id -> its name, to say the library as the producer called it."""
    names = names or {}
    words = []
    for note in sorted(set(seen) | set(now)):
        was, is_ = seen.get(note), now.get(note)
        if was == is_:
            continue
        if was is None:
            words.append(f"{note_name(note)} was set ({is_[1]}, library {names.get(is_[0], is_[0])})")
        elif is_ is None:
            words.append(f"{note_name(note)} was cleared (it played {was[1]})")
        else:
            words.append(f"{note_name(note)} plays {is_[1]} of library {names.get(is_[0], is_[0])} now "
                         f"(was {was[1]})")
    return words


def deletion_of(kept: Iterable[Silenced], library: str) -> Silenced | None:
    """The newest of the deletions ``kept`` (:attr:`KitKeeper.deleted`, or the losses) that deleted ``library``;
    None when the box kept none (deleted before it kept them, or more than :data:`KEPT` deletions ago)."""
    return next((d for d in reversed(list(kept)) if d.library == library), None)


def deleted_words(deleted: Silenced, when: str = "") -> str:
    """"library kitB was deleted by 'laptopB' (2024-05-01 14:02)" (``when``: the time in words, "" to leave it)."""
    by = f" by {deleted.by!r}" if deleted.by else ""
    return f"library {deleted.name or deleted.library} was deleted{by}" + (f" ({when})" if when else "")


def noted(kept: list[Silenced], deleted: Silenced) -> list[Silenced]:
    """``kept`` (the deletions the kit file keeps) with ``deleted`` added, its notes left out, the oldest beyond
    :data:`KEPT` forgotten: who deleted a library is kept whether or not its samples were in the kit, so that a
    laptop whose `box-kit --from` question was open while another deleted the library hears who (p43 regression
    QA: the bare "no library 'lib-kitb-c83967'")."""
    return (kept + [Silenced(deleted.library, deleted.name, (), deleted.when, deleted.by, deleted.token)])[-KEPT:]


def load_silenced(path: Path, key: str = "silenced") -> list[Silenced]:
    """The losses kept in the kit file at ``path`` (``key``: "deleted" for the deletions); [] when there is none or
    it cannot be read (device.kit.load_kit says what is wrong with a damaged kit file)."""
    try:
        return read_silenced(json.loads(path.read_text(encoding="utf-8")).get(key))
    except (OSError, ValueError, AttributeError):
        return []
