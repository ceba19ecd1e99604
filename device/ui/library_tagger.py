"""What the tagger itself gave a library file, apart from any correction: the tags the file would list under once its
correction goes (the Library page's "tagger's tags", device/ui/pages/library.py; p57 R1 2: offered over a file the
tagger gave no tag, one tap left it with none, on no list, out of the panel's reach)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from hatbox.errors import HatboxError


def tagger_tags(db_path: str | Path, path: str | Path) -> list[str]:
    """The tags the tagger gave ``path`` (a file of the library whose database is ``db_path``), alphabetical, as its
    listings would show them without a correction: its hits by the pack that tagged the library last, as the
    laptop's `fix` line names them (device.library.words.tagger_hits); [] for a file it gave none (skipped as silent
    or too short, not decoded, no tag over its threshold)."""
    from device.library.words import tagger_hits
    return sorted({tag for tag, _score in tagger_hits(db_path, path)})


def known_tagger_tags(data: Any, path: str) -> list[str] | None:
    """``data.tagger_tags(path)`` (device/ui/data.py) on the page's reader thread: the tagger's own tags of the file,
    or None where they are not known (data that cannot say, MemoryData's file known only as corrected; a database that
    cannot be read now): the page then offers no way back to them."""
    import sqlite3
    ask = getattr(data, "tagger_tags", None)
    if ask is None:
        return None
    try:
        return ask(path)
    except (HatboxError, sqlite3.Error, OSError):
        return None
