"""The tags the kit's notes show now (``GET /kit`` and the panel's Kit page, device/api/kit_routes.py), read with one
opening of each library's tag database per listing.  Until the forty-sixth stop each note opened its library's
tags.db again (``device.library.current_tags`` per note): a kit of 128 notes of one library opened it 128 times per
``GET /kit``, and the panel's pads as often.

The rule is the one of the forty-first stop: a note shows the tag it was chosen for (kit.json) while its file still
carries it, else the file's tags now in its library's database (a retag, ``hatbox box-library LIB --fix FILE tom``),
joined by ", "; the chosen one when the file has none now or the database cannot be read.  A note set by hand (no
tag) shows none.  Off the audio path.
"""
from __future__ import annotations

import sqlite3
from typing import Any, Iterable

from device.kit import KitNote
from hatbox.errors import HatboxError

UNREADABLE = (KeyError, HatboxError, sqlite3.Error, OSError)   # a library gone, untagged, damaged: the chosen tag


def tags_now(box: Any, entries: Iterable[KitNote]) -> dict[int, str | None]:
    """note -> the tag kit note shows (the module's rule) for each of ``entries``; each library's tags.db is opened
    once (``box.libraries``: device/api/libraries.py ``db_path``, ``files_path``)."""
    chosen = [e for e in entries if e.tag is not None]
    out: dict[int, str | None] = {e.note: e.tag for e in entries}
    for library, group in _by_library(chosen).items():
        found = library_tags(box, library, group)
        out.update({e.note: shown(str(e.tag), found.get(e.note)) for e in group})
    return out


def shown(chosen: str, now: list[str] | None) -> str:
    """The tag a note chosen for ``chosen`` shows when its file carries ``now`` (None: could not be read)."""
    return chosen if not now or chosen in now else ", ".join(now)


def library_tags(box: Any, library: str, entries: list[KitNote]) -> dict[int, list[str] | None]:
    """note -> its file's tags now in ``library``'s database (alphabetical: device.library.query.current_tags_of,
    one connection); {} when the database or a file's row cannot be read (each note shows its chosen tag)."""
    from device.library.query import current_tags_of
    try:
        files = box.libraries.files_path(library)
        found = current_tags_of(box.libraries.db_path(library), [files / e.file for e in entries])
    except UNREADABLE:
        return {}
    return {e.note: found[files / e.file] for e in entries}


def _by_library(entries: list[KitNote]) -> dict[str, list[KitNote]]:
    """``entries`` by their library, in their order."""
    out: dict[str, list[KitNote]] = {}
    for e in entries:
        out.setdefault(e.library, []).append(e)
    return out
