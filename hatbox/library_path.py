"""Which file of a box library `hatbox box-library ID --like/--play/--fix PATH` means (hatbox/cmd_box_library.py
runs it): a path inside the library, a file here in the folder pushed as it (pushed.json's digests), or a name the
end of one of its paths (moved out of hatbox/library_find.py, which says which library a name means; p51 MF3)."""
from __future__ import annotations

import argparse
import json
import os
import shlex
import sys
import unicodedata
from pathlib import Path
from typing import Any, Iterable

from hatbox.box_client import BoxRefused, call, safe_text
from hatbox.errors import HatboxError

SHOWN_SEVERAL = 10      # files of one name listed when a bare name is several of the library's
Held = dict[str, int | None]        # a library's files kept at upload (ok): path as the box lists it -> size in bytes


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


def library_file(given: str, held: Held, lib: dict[str, Any], note: bool = True, listed: Iterable[str] = ()
                 ) -> str | None:
    """The path inside library ``lib`` (a GET /libraries record; ``held``: its files kept at upload, with their
    sizes; ``listed``: every path its upload listed, refused ones too) that ``given`` means, when the box did not take
    it as it is (p51 QA B3): a file on this laptop inside the folder pushed as the library (:func:`pushed_path`); a
    file on this laptop in no folder pushed from here, the one library file of its name and size
    (:func:`same_file`); else the one file of the library whose path ends as ``given`` does (:func:`ending_as`: a
    bare file name, the end of a library path; letter case only where none is spelled so).  Said on stderr ("note:
    Kick.wav matched oneshots/Kick.wav") unless ``note`` is false.  None when none does, or when ``given`` is a path
    the upload listed: the box's answer stands.  HatboxError when several do (their paths), for a file of the folder
    pushed as the library that the library does not hold (:func:`unheld`: added since it was sent, or reached through
    a link the push did not follow; p51 review, it was taken as another file ending as it does), for a file of a
    folder pushed as another library, and for a laptop file of no pushed folder no file of the library matches in
    name and size.  A file of that folder the upload listed and refused (a broken WAV, not audio) is
    its path inside the library, for the box to say why it refused it; one the push leaves behind (hidden) is
    said so (p52 review R3: both were called "added since it was sent", with a hint that could not help)."""
    listed = list(listed)
    if _nfc(given) in {_nfc(h) for h in [*held, *listed]}:
        return None
    laptop, library = Path(given).expanduser(), str(lib.get("name") or lib.get("id") or "")
    pushed = pushed_path(laptop, held, str(lib.get("sha256") or ""), given)
    if pushed is not None:
        if pushed[0] is None and lib.get("sha256"):        # surely this library's folder: the file is not on the box
            found = unheld(given, laptop, Path(pushed[1]), library, listed)
            _said(note, given, f"{found} (in {safe_text(pushed[1])}, the folder pushed as this library)")
            return found
        if pushed[0] is not None:
            _said(note, given, f"{pushed[0]} (in {safe_text(pushed[1])}, the folder pushed as this library)")
        return pushed[0]
    if _is_file(laptop):
        found = same_file(laptop, held, library, given)
        _said(note, given, f"{found} (the library's one file of its name and size, {held[found]} bytes: "
                           f"{safe_text(given)} is in no folder pushed from this laptop)")
        return found
    found = ending_as(given, held, library)
    if found is not None:
        case = "" if _ending(given, [found], fold=False) else ", in its letter case"
        _said(note, given, f"{found} (the library's one file whose path ends so{case})")
    return found


def unheld(given: str, laptop: Path, folder: Path, library: str, listed: list[str]) -> str:
    """The path inside the library of ``laptop`` (``given``), a file of ``folder`` (pushed as library ``library``)
    that the library does not hold, when its upload listed it (``listed``: refused there, the box says why);
    HatboxError otherwise: a hidden file, which the push leaves behind, or :func:`not_sent`'s words."""
    spelled = {_nfc(p): p for p in listed}
    rels = [rel for f, rel, _ in _places(laptop) if f == folder]
    found = next((spelled[rel] for rel in rels if rel in spelled), None)
    if found is not None:
        return found
    if any(part.startswith(".") for rel in rels for part in rel.split("/")):
        raise HatboxError(f"{safe_text(given)} is in {safe_text(str(folder))}, the folder pushed as library "
                          f"{safe_text(library)}, but push-library leaves hidden files and folders (.*) behind, as "
                          "hatbox tag ignores them: the box holds no copy of it",
                          hint="rename it without the leading dot, then send the folder again: hatbox push-library "
                               f"{shlex.quote(safe_text(str(folder)))} --replace")
    raise not_sent(given, str(folder), library)


def not_sent(given: str, folder: str, library: str) -> HatboxError:
    """The refusal of ``given``, a file of ``folder`` (the folder pushed as library ``library``) that the library does
    not hold: `--like`/`--play` in the words `--fix` has (p52 QA1: they said "not a path inside the library", with a
    hint to give a relative path, which would not help)."""
    return HatboxError(f"{safe_text(given)} is in {safe_text(folder)}, the folder pushed as library "
                       f"{safe_text(library)}, but the library does not hold it: a file added to the folder since it "
                       "was sent is not on the box (nor one reached through a link the push did not follow)",
                       hint=f"send the folder again: hatbox push-library {shlex.quote(safe_text(folder))} --replace "
                            "(the library's kit notes and corrections go with it)")


def _said(note: bool, given: str, what: str) -> None:
    """"note: GIVEN matched WHAT" on stderr, where ``note``: the name typed and the library file it was taken as (p53
    QA T3: a lone "note: took electro/EE_Whistle.ogg" did not say the name typed was resolved to it)."""
    if note:
        print(f"note: {safe_text(given)} matched {safe_text(what)}", file=sys.stderr)


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except (OSError, ValueError):
        return False


def pushed_path(laptop: Path, held: Iterable[str], sha256: str, given: str = "") -> tuple[str | None, str] | None:
    """(the library path, the folder) of ``laptop``, a file on this laptop, inside the folder this laptop pushed
    (pushed.json, hatbox.library_memory: read only) as the library of archive digest ``sha256`` (``held``: its
    paths); the library path None when the library does not hold the file's path inside that folder (added since,
    or through a link the push did not follow: the folder is that of the path as given, or as its links lead).
    Where the library's record carries no digest (a box from before it kept one), the innermost pushed folder
    whose path the library holds, else the innermost.  None when the file is in no pushed folder, or is no file
    here; HatboxError when it is only in folders pushed as other libraries (p51 review: it was taken, with a note
    that it was in "the folder pushed as this library")."""
    places = _places(laptop)
    if not places:
        return None
    mine = [(f, rel) for f, rel, digests in places if sha256 in digests] if sha256 else \
        [(f, rel) for f, rel, _ in places]
    if not mine:
        raise another_library(given or str(laptop), places[-1][0])
    spelled = {_nfc(h): h for h in held}
    kept = [(f, rel) for f, rel in mine if rel in spelled]
    folder, rel = sorted(kept or mine, key=lambda fr: len(fr[0].parts))[-1]
    return spelled.get(rel), str(folder)


def another_library(given: str, folder: Path) -> HatboxError:
    """The refusal of a laptop file found only in ``folder``, a folder pushed as another library."""
    return HatboxError(f"{safe_text(given)} is in {safe_text(str(folder))}, which was pushed as another library, "
                       "not this one",
                       hint="give the file's path inside this library (hatbox box-library LIB --tag TAG lists them), "
                            "or name the library that folder was pushed as")


def _places(laptop: Path) -> list[tuple[Path, str, set[str]]]:
    """(folder, the file's path inside it in NFC, the folder's archive digests) for each folder pushed from this
    laptop (:func:`_pushed_folders`) that holds the file ``laptop``, by its path as given (made absolute: a link on
    the way is a folder of its own) or as resolved, innermost last; [] when it is no file here."""
    try:
        if not laptop.is_file():
            return []
        spots = {Path(os.path.abspath(laptop)), laptop.resolve()}
    except (OSError, RuntimeError, ValueError):
        return []
    found = {(Path(f), _nfc(spot.relative_to(f).as_posix())): digests
             for f, digests in _pushed_folders().items() for spot in spots if Path(f) in spot.parents}
    return sorted(((f, rel, d) for (f, rel), d in found.items()), key=lambda frd: len(frd[0].parts))


def same_file(laptop: Path, held: Held, library: str, given: str = "") -> str:
    """The one file of ``held`` of the name and size (bytes) of ``laptop``, a file on this laptop in no folder
    pushed from here (p51 review: ~/Downloads/Hat.wav was taken as the library's Hat.wav by its name alone); of
    several, the one whose path the laptop path ends in.  HatboxError when none is (saying the sizes), or several
    are (naming them)."""
    shown, size = safe_text(given or str(laptop)), laptop.stat().st_size
    named = [h for h in held if _nfc(h).rsplit("/", 1)[-1] == _nfc(laptop.name)]
    same = [h for h in named if held[h] == size]
    if len(same) > 1:
        same = [h for h in same if _ending(str(laptop.resolve()), [h], fold=False)] or same
    if len(same) == 1:
        return same[0]
    if same:
        raise several_files(given or str(laptop), same, library)
    what = ", ".join(f"{safe_text(h)} ({'size not said' if held[h] is None else f'{held[h]} bytes'})"
                     for h in sorted(named)[:SHOWN_SEVERAL]) if named else "no file of that name"
    raise HatboxError(f"{shown} ({size} bytes) is in no folder pushed from this laptop, and library "
                      f"{safe_text(library)} holds no file of its name and size: {what}",
                      hint="give the file's path inside the library (hatbox box-library LIB --tag TAG lists them)")


def ending_as(given: str, held: Iterable[str], library: str = "") -> str | None:
    """The one path of ``held`` that ends in ``given`` (a file name "808_Kick_Long.wav", or the end of a path
    "808/808_Kick_Long.wav") or that ``given`` ends in (a laptop path "/home/me/Samples/oneshots/808/808_Kick_Long.wav"
    ends in "oneshots/808/808_Kick_Long.wav"), whole names only ("kit/none.wav" is not "other/none.wav"); where
    none does, the one that does in another letter case ("hat.wav" for "Hat.wav", p51 review); None for none;
    HatboxError naming them when several do (the first :data:`SHOWN_SEVERAL`)."""
    held = list(held)
    same = _ending(given, held, fold=False) or _ending(given, held, fold=True)
    if len(same) > 1:
        raise several_files(given, same, library)
    return same[0] if same else None


def _ending(given: str, held: list[str], fold: bool) -> list[str]:
    """The paths of ``held`` that end in ``given`` or that ``given`` ends in, whole names only; ``fold``: in any
    letter case."""
    def parts(text: str) -> list[str]:
        text = _nfc(text).casefold() if fold else _nfc(text)
        return [p for p in text.replace("\\", "/").split("/") if p not in ("", ".")]
    want = parts(given)
    return [h for h in held if _ends(hp := parts(h), want) or _ends(want, hp)]


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


def library_files(client: Any, lid: str) -> tuple[dict[str, Any], Held, list[str]] | None:
    """(library ``lid``'s record, its files kept at upload with their sizes in bytes, every path its upload listed)
    from GET /libraries/ID; None when the box does not answer it."""
    try:
        record = call(client, "GET", f"/libraries/{lid}")
    except HatboxError:
        return None
    files = [f for f in (record.get("files") if isinstance(record, dict) else None) or []
             if isinstance(f, dict) and isinstance(f.get("path"), str)]
    held: Held = {f["path"]: f["bytes"] if isinstance(f.get("bytes"), int) else None
                  for f in files if f.get("ok", True) is True}
    return (record if isinstance(record, dict) else {}), held, [f["path"] for f in files]


def retaken(client: Any, lid: str, args: argparse.Namespace, lib: dict[str, Any] | None, exc: HatboxError) -> bool:
    """After the box refused `box-library ID --like/--play/--fix PATH`'s PATH (``exc``: a 404, not a file of the
    library, or a 422, not a path inside it), whether PATH means another of library ``lid``'s files
    (:func:`library_file` over the files GET /libraries/ID says were kept at upload: p51 review, a file refused
    there made a bare name "2 files"; ``lib``: its record in the list, with the digest of its archive): if so the
    option now holds that path (to ask again); HatboxError when it is several of them, or none it can be."""
    given = path_option(args)
    if given is None or not isinstance(exc, BoxRefused) or exc.status not in (404, 422):
        return False
    read = library_files(client, lid)
    if read is None:
        return False
    record, held, listed = read
    found = library_file(given, held, {**record, **(lib or {})}, listed=listed)
    if found is None:
        return False
    set_path_option(args, found)
    return True


def check_not_two(client: Any, lid: str, args: argparse.Namespace, lib: dict[str, Any] | None) -> None:
    """Before `box-library ID --like/--play/--fix PATH` asks the box: HatboxError when PATH, relative, is both a
    path of library ``lid`` and a file here (from the working folder) in the folder pushed as that library whose
    path inside it is another of the library's (p51 review: from Samples/kit/, `--fix Snare.wav hat` tagged the
    library's top-level Snare.wav, without a word).  Asks the box for the library's files only where PATH is such
    a file here."""
    given = path_option(args)
    if given is None or given.startswith("~") or Path(given).is_absolute() or not _places(Path(given)):
        return
    read = library_files(client, lid)
    if read is None:
        return
    record, held, _ = read
    try:
        pushed = pushed_path(Path(given), held, str({**record, **(lib or {})}.get("sha256") or ""), given)
    except HatboxError:                 # only in another library's folder: the library path stands
        return
    spelled = {_nfc(h): h for h in held}
    if pushed is None or pushed[0] is None or _nfc(given) not in spelled or pushed[0] == spelled[_nfc(given)]:
        return
    raise HatboxError(f"'{safe_text(given)}' is two files of library {safe_text(str(record.get('name') or lid))}: "
                      f"{safe_text(spelled[_nfc(given)])}, as a path inside the library, and {safe_text(pushed[0])}, "
                      f"the file {safe_text(given)} here (in {safe_text(pushed[1])}, the folder pushed as it)",
                      hint=f"give the one you mean by its path inside the library: {safe_text(spelled[_nfc(given)])} "
                           f"or {safe_text(pushed[0])}")
