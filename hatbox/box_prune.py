"""`hatbox box-pack --prune [--keep N] [--yes]`: delete the pack versions nothing on the box reaches any more, and the
totals under `hatbox box-pack`'s list.

The box decides what may go (``POST /packs/prune``, device/api/prune_routes.py: not active, not reachable by a roll
back, not mapped to a MIDI program, not a library's tagger, not one of the ``--keep`` newest of its name); this lists
it with the space it frees, asks (``--yes``: does not; with no terminal to ask on, or ``CI=true``, it refuses without
``--yes``), then deletes exactly the packs listed, in one call.
"""
from __future__ import annotations

import os
import sys
from typing import Any

from hatbox.box_client import _box_reply, _call, _size_words, safe_text
from hatbox.errors import HatboxError
from hatbox.text import count_words


def can_ask() -> bool:
    """Whether a person can answer a question here: stdin is a terminal and ``CI`` is not set true."""
    ci = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")
    return not ci and sys.stdin.isatty()


def pruned_line(pack: dict[str, Any]) -> str:
    """One pack a prune deletes: "  effect fuzz 2.3.0  36 KiB  (effect-fuzz-2.3.0-0123456789ab)"."""
    return (f"  {safe_text(pack.get('kind', '?'))} {safe_text(pack.get('name', '?'))} "
            f"{safe_text(pack.get('version', '?'))}  {_size_words(int(pack.get('size') or 0))}  "
            f"({safe_text(pack.get('id', '?'))})")


def prune(client: Any, keep: int, yes: bool, confirm: Any) -> int:
    """List what a prune keeping the ``keep`` newest of each name would delete, ask (``confirm(question, not_done,
    hint)``, unless ``yes``), delete it; says what was freed."""
    with _box_reply("POST /packs/prune"):
        plan = _call(client, "POST", "/packs/prune", json={"keep": keep, "dry_run": True}, expect=dict)
        packs = [p for p in plan.get("packs") or [] if isinstance(p, dict)]
        if not packs:
            print(safe_text(plan.get("message", "nothing to delete")))
            return 0
        for pack in packs:
            print(pruned_line(pack))
        what = f"{count_words(len(packs), 'pack')} ({_size_words(int(plan['bytes']))})"
        print(f"{what} to delete: none is active, reachable by a roll back, mapped to a MIDI program or a library's "
              f"tagger, or among the {keep} newest of its name; {count_words(int(plan['kept']), 'pack')} stay")
    if not yes:
        if not can_ask():
            raise HatboxError(f"nothing was deleted: --prune asks before deleting {what}, and there is no terminal to "
                              "ask on (or CI is set)", hint="add --yes to delete them without asking")
        if not confirm(f"delete these {what} from the box?", "nothing was deleted",
                       "pass --yes to delete without asking"):
            return 0
    with _box_reply("POST /packs/prune"):
        done = _call(client, "POST", "/packs/prune", json={"keep": keep, "dry_run": False,
                                                           "ids": [str(p["id"]) for p in packs]}, expect=dict)
        n = len(done.get("packs") or [])
        print(f"deleted {count_words(n, 'pack')}, freed {_size_words(int(done['bytes']))}; the box holds "
              f"{count_words(int(done['kept']), 'pack')} ({_size_words(int(done['kept_bytes']))})"
              + (f" ({len(packs) - n} of those listed were no longer to delete: kept)" if n < len(packs) else ""))
    return 0


def totals_line(client: Any, packs: list[dict[str, Any]]) -> str:
    """"173 packs, 6.0 MiB; 10 libraries, 3.4 MiB" from the box's status totals; a box from before them: the packs
    listed and their sizes (libraries left out)."""
    try:
        totals = _call(client, "GET", "/status", expect=dict).get("totals")
    except HatboxError:
        totals = None
    if isinstance(totals, dict) and all(isinstance(totals.get(k), int) for k in
                                        ("packs", "pack_bytes", "libraries", "library_bytes")):
        return (f"{count_words(totals['packs'], 'pack')}, {_size_words(totals['pack_bytes'])}; "
                f"{count_words(totals['libraries'], 'library', 'libraries')}, {_size_words(totals['library_bytes'])}")
    size = sum(p["size"] for p in packs if isinstance(p.get("size"), int))
    return f"{count_words(len(packs), 'pack')}, {_size_words(size)}"
