"""Which of the box's libraries `hatbox box-library ID ...` means (hatbox/cmd_box_library.py runs it): the libraries in
the order they are listed, a library's state as the listing says it, and the one library an id, a name or the
start of an id names.  Which file of a library a PATH means: hatbox/library_path.py."""
from __future__ import annotations

import argparse
from typing import Any, Literal

from hatbox import box_words
from hatbox.box_client import one_named, safe_text
from hatbox.errors import NotOnBox
from hatbox.library_owners import newest_named, several_named, yours_named


def newest_first(libraries: list[Any]) -> list[Any]:
    """GET /libraries' records as `box-library` lists them, text and --json alike: the latest upload first (the box's
    upload sequence, device/versions.py ``upload_order``, as box-pack lists the newest first), ties by id (p47 QA:
    listed by id, which holds a hash, uploads came 3, 1, 2, 5, 4)."""
    from device.versions import upload_order

    def newest(lib: Any) -> tuple[int, float, str]:
        seq, when, lid = upload_order(lib if isinstance(lib, dict) else {})
        return -seq, -when, lid
    return sorted(libraries, key=newest)


def state_words(lib: dict[str, Any]) -> str:
    """A library's state as its listing says it: "tagging 160 of 856" while the box tags it, else the state."""
    state, progress = safe_text(lib.get("state", "?")), lib.get("progress")
    if state == "tagging" and isinstance(progress, dict) and isinstance(progress.get("total"), int):
        return f"tagging {progress.get('done', 0)} of {progress['total']}"
    if state == "cancelled" and isinstance(progress, dict) and isinstance(progress.get("total"), int):
        return f"cancelled at {progress.get('done', 0)} of {progress['total']}"
    return state


Picks = Literal["newest", "yours", "none"]     # how find_library picks among libraries of one name
PICKS: tuple[Picks, ...] = ("newest", "yours", "none")


def picks_for(args: argparse.Namespace) -> Picks:
    """How `box-library NAME ...` picks among libraries of one name (:func:`find_library`): "none" for --delete,
    "yours" for the other actions that change the library (--fix, --retag, --cancel), "newest" for reading it."""
    if args.delete:
        return "none"
    return "yours" if args.fix or args.retag or args.cancel or box_words.changes_words(args) else "newest"


def find_library(libraries: list[dict[str, Any]], given: str, picks: Picks = "newest") -> dict[str, Any]:
    """The library of ``libraries`` (GET /libraries) that ``given`` names: its id, its name in any case (``kit`` for
    ``lib-kit-b7862e``), or the start of an id.  A name several libraries have picks (``picks``, one choice: p49,
    it was two parameters), for reading ("newest"), the newest of this laptop's uploads among them, else the
    newest, with a note on stderr naming the others (hatbox.library_owners.newest_named; p47); for an action that
    changes the library ("yours"), only the one of this laptop's uploads when exactly one is (hatbox.library_owners.
    yours_named; p47 review: "the newest" could be another laptop's); for a deletion ("none") none.  HatboxError
    when none does, or when several do and none is picked (their ids listed; several of the name: oldest first,
    each with whose it is and when it came, hatbox.library_owners.several_named); ValueError for another ``picks``."""
    if picks not in PICKS:
        raise ValueError(f"find_library: picks is one of {', '.join(PICKS)}, not {picks!r}")
    pick = {"newest": newest_named, "yours": yours_named}.get(picks)
    picked = pick(libraries, given) if pick is not None else None
    if picked is not None:
        return picked
    several = several_named(libraries, given)
    if several is not None:
        raise several
    return one_named(libraries, given, f"libraries on the box are called '{safe_text(given)}'",
                     "give the id of the one you mean",
                     NotOnBox(f"the box has no library '{safe_text(given)}'",
                                 hint="hatbox box-library lists the libraries with their names and ids"),
                     id_starts=True)

