"""Which of the box's libraries `hatbox box-library ID ...` means (hatbox/cmd_box_library.py runs it): the libraries in
the order they are listed, a library's state as the listing says it, and the one library an id, a name or the
start of an id names."""
from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from pathlib import Path
from typing import Any, Literal

from hatbox import box_words
from hatbox.box_client import one_named, safe_text
from hatbox.errors import HatboxError, NotOnBox
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



# ------------------------------------------------------------------------- which file of the library a PATH means
SHOWN_SEVERAL = 10      # files of one name listed when a bare name is several of the library's


def path_option(args: argparse.Namespace) -> str | None:
    """The library path `box-library ID` was given to act on: --like's, --play's or --fix's PATH (None: none)."""
    if args.like:
        return str(args.like)
    if args.play:
        return str(args.play)
    return str(args.fix[0]) if args.fix else None


def set_path_option(args: argparse.Namespace, path: str) -> None:
    """Give the option :func:`path_option` read the library path ``path`` instead."""
    if args.like:
        args.like = path
    elif args.play:
        args.play = path
    elif args.fix:
        args.fix[0] = path


def library_file(given: str, held: list[str], lib: dict[str, Any], note: bool = True) -> str | None:
    """The path inside library ``lib`` (a GET /libraries record; ``held``: its files' paths as the box lists them)
    that ``given`` means, when the box did not take it as it is (p51 QA B3): a file on this laptop inside the folder
    that was pushed as the library (:func:`pushed_path`), else the one file of the library whose path ends as
    ``given`` does (:func:`ending_as`: a bare file name, or the end of a laptop path); said on stderr ("note: took
    oneshots/808/808_Kick_Long.wav") unless ``note`` is false.  None when none does (or ``given`` is one of
    ``held``: the box's answer stands); HatboxError when several do, with their paths."""
    if _nfc(given) in {_nfc(h) for h in held}:
        return None
    pushed = pushed_path(Path(given).expanduser(), held, str(lib.get("sha256") or ""))
    found = pushed[0] if pushed else ending_as(given, held, str(lib.get("name") or lib.get("id") or ""))
    if found is not None and note:
        where = f" (in {safe_text(pushed[1])}, the folder pushed as this library)" if pushed else ""
        print(f"note: took {safe_text(found)}{where}", file=sys.stderr)
    return found


def pushed_path(laptop: Path, held: list[str], sha256: str) -> tuple[str, str] | None:
    """(the library path, the folder) of ``laptop``, a file on this laptop, inside a folder this laptop pushed
    (pushed.json, hatbox.library_memory: read only) whose path inside it the library holds; of several such
    folders (one pushed inside another), the one whose push made this library (its archive's digest ``sha256``),
    else the innermost.  None when it is in none of them, or is no file here."""
    try:
        if not laptop.is_file():
            return None
        file = laptop.resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    spelled, pushed = {_nfc(h): h for h in held}, _pushed_folders()
    found = [(Path(f), spelled[rel]) for f in pushed if Path(f) in file.parents
             and (rel := _nfc(file.relative_to(f).as_posix())) in spelled]
    if not found:
        return None
    made = [(f, rel) for f, rel in found if sha256 and sha256 in pushed[str(f)]]
    folder, rel = (made or sorted(found, key=lambda fr: len(fr[0].parts)))[-1]
    return rel, str(folder)


def ending_as(given: str, held: list[str], library: str = "") -> str | None:
    """The one path of ``held`` that ends in ``given`` (a file name "808_Kick_Long.wav", or the end of a path
    "808/808_Kick_Long.wav") or that ``given`` ends in (a laptop path "/home/me/Samples/oneshots/808/808_Kick_Long.wav"
    ends in "oneshots/808/808_Kick_Long.wav"), whole names only ("kit/none.wav" is not "other/none.wav"); None for
    none; HatboxError naming them when several do (the first :data:`SHOWN_SEVERAL`)."""
    parts = [p for p in _nfc(given).replace("\\", "/").split("/") if p not in ("", ".")]
    same = [h for h in held if _ends(hp := _nfc(h).split("/"), parts) or _ends(parts, hp)]
    if len(same) > 1:
        raise several_files(given, same, library)
    return same[0] if same else None


def _ends(whole: list[str], end: list[str]) -> bool:
    """Whether path parts ``whole`` end in the parts ``end`` (none: no)."""
    return 0 < len(end) <= len(whole) and whole[-len(end):] == end


def several_files(given: str, paths: list[str], library: str) -> HatboxError:
    """The error of a PATH that is the end of several of the library's files' paths, listing them."""
    shown = ", ".join(safe_text(p) for p in sorted(paths)[:SHOWN_SEVERAL])
    more = f" and {len(paths) - SHOWN_SEVERAL} more" if len(paths) > SHOWN_SEVERAL else ""
    return HatboxError(f"'{safe_text(given)}' is {len(paths)} files of library {safe_text(library)}: {shown}{more}",
                       hint="give the one you mean by its path inside the library")


def _pushed_folders() -> dict[str, set[str]]:
    """The folders this laptop pushed (pushed.json's keys, resolved paths), each with the digests of the archives
    packed of it (its ``sha256``, and its earlier packings' kept beside it); {} when it cannot be read."""
    from hatbox.library_memory import memory_path
    try:
        kept = json.loads(memory_path().read_bytes())
    except (OSError, ValueError):
        return {}
    return {k: _digests(v) for k, v in kept.items() if isinstance(k, str)} if isinstance(kept, dict) else {}


def _digests(entry: Any) -> set[str]:
    """The archive digests of a pushed.json folder ``entry``: its ``sha256`` and its ``earlier`` packings'."""
    if not isinstance(entry, dict):
        return set()
    earlier = entry.get("earlier") if isinstance(entry.get("earlier"), list) else []
    return {d for e in [entry, *earlier] if isinstance(e, dict) and isinstance(d := e.get("sha256"), str)}


def _nfc(text: str) -> str:
    """``text`` in Unicode NFC: a name typed (or a Mac's NFD) reads as the box's spelling of it."""
    return unicodedata.normalize("NFC", text)


def retaken(client: Any, lid: str, args: argparse.Namespace, lib: dict[str, Any] | None, exc: HatboxError) -> bool:
    """After the box refused `box-library ID --like/--play/--fix PATH`'s PATH (``exc``: a 404, not a file of the
    library, or a 422, not a path inside it), whether PATH means another of library ``lid``'s files
    (:func:`library_file`, the library's files read from GET /libraries/ID; ``lib``: its record in the list, with
    the digest of its archive): if so the option now holds that path (to ask again); HatboxError when it is several
    of them."""
    from hatbox.box_client import BoxRefused, _call
    given = path_option(args)
    if given is None or not isinstance(exc, BoxRefused) or exc.status not in (404, 422):
        return False
    try:
        record = _call(client, "GET", f"/libraries/{lid}")
    except HatboxError:
        return False
    files = record.get("files") if isinstance(record, dict) else None
    held = [f["path"] for f in files or [] if isinstance(f, dict) and isinstance(f.get("path"), str)]
    found = library_file(given, held, {**record, **(lib or {})})
    if found is None:
        return False
    set_path_option(args, found)
    return True
