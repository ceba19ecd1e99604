"""Opening a library database for reading (device.library.query, .review, .corrections), the library folder it stands
for, the tags it knows, and a file's path as the database stores it.  Each caller opens its own connection (SQLite WAL:
the API reads from any thread while a tagging run writes)."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Callable

from device.library import db as libdb
from device.library.paths import on_disk
from hatbox.errors import HatboxError


def _open(db_path: str | Path) -> tuple[sqlite3.Connection, Path]:
    if Path(db_path).is_dir():
        raise HatboxError(f"{db_path} is a folder that holds no library database (the .hatbox-tags.sqlite that "
                          "hatbox tag writes in a library folder without --out)",
                          hint="give the database hatbox tag wrote (its --out), or tag the folder first: hatbox tag "
                               "LIBRARY --pack TAGGER.hatpack")
    if not Path(db_path).is_file():
        raise HatboxError(f"no library database at {db_path}", hint="tag a library first: hatbox tag LIBRARY")
    try:
        con = libdb.connect(db_path)
    except libdb.CannotWrite:                   # a read-only drive or folder, a backup: listed as it stands
        con = libdb.connect_readonly(db_path)
    some = lambda: [p for (p,) in con.execute("SELECT path FROM files LIMIT 20")]  # noqa: E731 - asked when moved
    return con, library_root(db_path, libdb.get_meta(con, "root", "."), libdb.get_meta(con, "inside"), some)


def library_root(db_path: str | Path, recorded: str, inside: str = "",
                 some: Callable[[], list[str]] = list) -> Path:
    """The library folder the database ``db_path`` stands for: the folder it was tagged from (``recorded``), except
    that a database kept inside its library (``inside`` "1": meta written by device.library.tag; "" in databases
    written before it, where the name :data:`device.library.db.IN_LIBRARY`, what `hatbox tag` writes without --out,
    says so) stands for the folder it is in when that folder holds the library's files (any of ``some()``, paths the
    database lists) or the recorded folder is gone: a library copied or moved with its database lists and takes
    corrections for its files where they are now; a copy of the database alone (a backup) still stands for the
    library it was made from."""
    db_path = Path(db_path)
    here, there = db_path.parent.resolve(), Path(recorded)
    kept_inside = inside == "1" or (inside == "" and db_path.name == libdb.IN_LIBRARY)
    if kept_inside and here != there.resolve():
        if not there.is_dir() or any((here / p).exists() for p in some() if isinstance(p, str)):
            return here
    return there


def _pack_tags(con: sqlite3.Connection) -> list[str]:
    """The tags of the pack that tagged the library, in its order."""
    return [t for t in libdb.get_meta(con, "tags").split(",") if t]


def known_tags(con: sqlite3.Connection) -> list[str]:
    """The pack's tags, then any the producer added (alphabetical)."""
    pack = _pack_tags(con)
    own = [t for (t,) in con.execute("SELECT DISTINCT tag FROM user_tags ORDER BY tag") if t and t not in pack]
    return pack + own


def _relative(root: Path, path: Path) -> str:
    """``path`` as the database stores it (relative to the library ``root``).  A relative path is
    taken from the library root, or from the working directory when only there is it a file (what a
    shell's tab completion gives).  A name typed in the other Unicode form than the library's is the library's."""
    path = on_disk(root, path)
    try:
        here = not path.is_absolute() and not (root / path).exists() and path.is_file()
    except (OSError, ValueError):                 # a name no file could have (too long, a NUL): not one of them
        here = False
    if here:
        path = path.resolve()
    if path.is_absolute():
        for seen in (path.resolve(), Path(os.path.abspath(path))):    # through a link to a drive: as the walk names it
            try:
                return seen.relative_to(root).as_posix()
            except ValueError:
                continue
        return path.as_posix()
    return path.as_posix()
