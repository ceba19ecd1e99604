"""Which folder a database's library is in, when `hatbox tag` is given another one: the words of the refusal.

A database records its library's folder and its files' paths inside it.  Given the folder above the library
(``mnt`` for ``mnt/Samples``), every file is found, one folder deeper: the refusal said "33 files; 0 of them are
under mnt" (QA, p41).  :func:`library_below` finds the sub-folder that holds them, so the refusal can name it.
"""
from __future__ import annotations

import shlex
import sqlite3
from pathlib import Path

from hatbox.text import count_words


def own_count(con: sqlite3.Connection) -> int:
    """How many files of the database ``con`` carry the producer's own tags (corrections)."""
    return int(con.execute("SELECT COUNT(DISTINCT path) FROM user_tags").fetchone()[0])


def library_below(known: list[str], paths: list[str]) -> tuple[str, int]:
    """(the sub-folder, relative to the folder walked, whose files are most of the database's ``known`` files at
    the same paths inside it, how many are there) among the folders holding ``paths`` (relative, "/"-separated);
    ("", 0) when no folder holds half of them."""
    wanted = set(known)
    counts: dict[str, int] = {}
    for p in paths:
        parts = p.split("/")
        for depth in range(1, len(parts)):
            if "/".join(parts[depth:]) in wanted:
                folder = "/".join(parts[:depth])
                counts[folder] = counts.get(folder, 0) + 1
    best, most = "", 0
    for folder, n in sorted(counts.items()):
        if n > most:
            best, most = folder, n
    return (best, most) if most >= len(known) / 2 else ("", 0)


def below_refusal(root: Path, before: str, sub: str, found: int, total: int, own: int) -> tuple[str, str]:
    """(message, hint) of the refusal to tag folder ``root`` into a database of the library at ``before`` whose
    files (``found`` of ``total``) lie in ``root``'s sub-folder ``sub``; ``own``: how many files carry the
    producer's tags (corrections) in it."""
    there = root / sub
    which = f"all {found}" if found == total else f"{found} of them"
    message = (f"this database holds the library at {before} ({total} files); {root} is a folder above it: "
               f"{which} are in {there}: nothing changed")
    kept = f" (your tags of {count_words(own, 'file')} stay with it)" if own else ""
    hint = f"tag that folder: hatbox tag {shlex.quote(str(there))} with the same --pack and --out{kept}"
    return message, hint


def other_folder_hint(own: int) -> str:
    """The hint of the refusal to tag another folder into a database (``own``: its files carrying the producer's
    tags): where those go when that folder gets a database of its own."""
    keep = (f"; your tags of {count_words(own, 'file')} stay in this database: `hatbox library export DB --out "
            "fixes.csv` writes them out to train the next tagger with" if own else "")
    return f"tag that folder again, or give this one its own database with --out{keep}"
