"""A folder of symbolic links per tag: ``LINKS/<tag>/<relative path with / as __>`` -> the sample."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from hatbox.errors import HatboxError


def link_name(rel: str) -> str:
    return rel.replace("/", "__")


def clear_links(links_dir: Path) -> None:
    """Remove the symlinks (only symlinks) left by a previous run; keep anything else."""
    if not links_dir.is_dir():
        return
    for tag_dir in links_dir.iterdir():
        if tag_dir.is_dir() and not tag_dir.is_symlink():
            for entry in tag_dir.iterdir():
                if entry.is_symlink():
                    entry.unlink()


def write_links(con: sqlite3.Connection, root: Path, links_dir: Path) -> int:
    """Rebuild every tag folder from the database (corrections included); returns the number of links made."""
    clear_links(links_dir)
    made = 0
    for rel, tag in con.execute("SELECT path, tag FROM effective_tags ORDER BY tag, path"):
        folder = links_dir / tag
        try:
            folder.mkdir(parents=True, exist_ok=True)
            os.symlink((root / rel).resolve(), folder / link_name(rel))
        except OSError as exc:
            raise HatboxError(f"cannot make links in {folder}: {exc.strerror}") from None
        made += 1
    return made
