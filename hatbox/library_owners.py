"""Whose library, whose correction: the laptop's words for what the box keeps of who uploaded a library and who made
each correction (device/api/library_owners.py; p45 duo QA, two laptops sharing one box).

The box answers ``uploaded_by`` (the device name a laptop paired under) and ``uploaded_by_you`` for a library, and
``by`` / ``by_you`` for each correction (GET /libraries/{id}/fixes); a library or correction from before the box kept
who has None for both (or leaves them out), and is said as before (a correction: "yours", with a note saying why it
may not be).
"""
from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Any

from hatbox.box_client import asked, safe_text
from hatbox.errors import HatboxError
from hatbox.text import count_words, when_words

UNNAMED_NOTE = ("note: 'yours' marks the corrections made before the box kept who made each: any paired computer's "
                "(hatbox box-logs says whose)")


def whose(lib: dict[str, Any]) -> str:
    """"yours", "laptopB's" or "" (not known: uploaded before the box kept who) for library ``lib``."""
    if lib.get("uploaded_by_you") is True:
        return "yours"
    by = lib.get("uploaded_by")
    return f"{safe_text(by)}'s" if isinstance(by, str) and by else ""


def uploaded_words(lib: dict[str, Any]) -> str:
    """", uploaded 2026-05-01 14:02 by laptopB" (by you; no "by" where the box does not know who); "" for nothing
    known.  Device names are bare in the laptop's words, as in "laptopB's corrections" (the box's log quotes them)."""
    when = when_words(lib.get("uploaded"))
    by = lib.get("uploaded_by")
    who = "you" if lib.get("uploaded_by_you") is True else (safe_text(by) if isinstance(by, str) and by else "")
    return "".join((", uploaded", f" {when}" if when else "", f" by {who}" if who else "")) if when or who else ""


def owner_clause(lib: dict[str, Any]) -> str:
    """", uploaded 2026-05-01 14:02 by laptopB," for the question before deleting library ``lib`` ("" for nothing
    known)."""
    said = uploaded_words(lib)
    return f"{said}," if said else ""


def _described(lib: dict[str, Any]) -> str:
    """"lib-x-1 (laptopB's, uploaded 2026-05-01 14:02)" for the lists that name libraries of one name."""
    when = when_words(lib.get("uploaded"))
    said = ", ".join(w for w in (whose(lib) or "who uploaded it not kept", f"uploaded {when}" if when else "") if w)
    return f"{safe_text(str(lib.get('id')))} ({said})"


def named(libraries: list[Any], name: Any) -> list[dict[str, Any]]:
    """The libraries of ``libraries`` (GET /libraries) called ``name`` (any case, either Unicode form: device.versions
    .folded), oldest upload first (device.versions.upload_order)."""
    from device.versions import folded, upload_order
    return sorted((lib for lib in libraries if isinstance(lib, dict) and folded(lib.get("name")) == folded(name)),
                  key=upload_order)


def _same_named(libraries: list[dict[str, Any]], given: str) -> list[dict[str, Any]]:
    """The libraries of ``libraries`` (GET /libraries) called ``given`` (any case, either Unicode form), oldest upload
    first, when more than one is and none has ``given`` as its id; [] otherwise (the name picks one, or none)."""
    if any(lib.get("id") == given for lib in libraries):
        return []
    same = named(libraries, given)
    return same if len(same) > 1 else []


def several_named(libraries: list[dict[str, Any]], given: str) -> HatboxError | None:
    """When more than one of ``libraries`` (GET /libraries) is called ``given`` (any case, either Unicode form) and
    none has it as its id: the error naming each, oldest upload first, with whose it is and when it came (p45 duo
    QA: "2 libraries on the box are called 'loops' ... give the id" with no word of which was whose)."""
    same = _same_named(libraries, given)
    if not same:
        return None
    return HatboxError(f"{len(same)} libraries on the box are called '{safe_text(given)}' (oldest first): "
                       + ", ".join(_described(lib) for lib in same), hint="give the id of the one you mean")


def newest_named(libraries: list[dict[str, Any]], given: str) -> dict[str, Any] | None:
    """The library a name ``given`` used by several of ``libraries`` (GET /libraries; none has it as its id) picks
    for reading: the newest upload of this laptop's among them, else the newest of all (the box's upload order),
    said on stderr with the others and how to delete one (:func:`picked_note`).  p47 QA: a nightly `push-library
    FOLDER --name lib` of a changed folder, then `box-kit --from lib`, failed with "2 libraries on the box are called
    'lib'".  None when fewer than two are called so (the name picks one, or none)."""
    same = _same_named(libraries, given)
    if not same:
        return None
    mine = [lib for lib in same if lib.get("uploaded_by_you") is True]
    pick = (mine or same)[-1]
    print(picked_note(given, pick, [lib for lib in same if lib is not pick], bool(mine) and len(mine) < len(same)),
          file=sys.stderr)
    return pick


def yours_named(libraries: list[dict[str, Any]], given: str) -> dict[str, Any] | None:
    """The library a name ``given`` used by several of ``libraries`` picks for an action that changes it (--fix,
    --retag, --cancel): the one of this laptop's uploads among them when exactly one is (said on stderr with the
    others, :func:`picked_note`); None otherwise (the caller refuses the name: p47 review, `box-library loops
    --cancel` stopped another laptop's tagging, "the newest" of the name being that laptop's)."""
    same = _same_named(libraries, given)
    mine = [lib for lib in same if lib.get("uploaded_by_you") is True]
    if len(mine) != 1:
        return None
    print(picked_note(given, mine[0], [lib for lib in same if lib is not mine[0]], False, "the only one of yours"),
          file=sys.stderr)
    return mine[0]


def picked_note(given: str, pick: dict[str, Any], others: list[dict[str, Any]], of_yours: bool,
                which: str = "the newest") -> str:
    """"note: 2 libraries on the box are called 'lib': this is the newest, lib-lib-2 (yours, uploaded ...); the
    other: lib-lib-1 (yours, uploaded ...): hatbox box-library ID --delete deletes one, its id picks it" (``which``:
    "the only one of yours" for :func:`yours_named`)."""
    n = len(others) + 1
    return (f"note: {n} libraries on the box are called '{safe_text(given)}': this is {which}"
            f"{' of yours' if of_yours else ''}, {_described(pick)}; the other{'s' if n > 2 else ''}: "
            + ", ".join(_described(lib) for lib in others)
            + ": hatbox box-library ID --delete deletes one, its id picks it")


def same_name_note(client: Any, body: dict[str, Any], push: PushSeen | None = None) -> None:
    """Say on stderr (push-library's notes go there, p47) :func:`same_name_lines` for the new library ``body`` (the
    upload's answer), as the box lists the libraries now; nothing when it cannot be asked."""
    libraries = asked(client, "/libraries", list)
    for line in same_name_lines(libraries, body, client, push) if libraries is not None else ():
        print(line, file=sys.stderr)


class PushSeen:
    """What `push-library` knows of its own push for the same-name note: the source (``src``), whether --name was
    given, the folder's earlier push (``earlier``: hatbox.library_memory.Earlier) and the corrections this push
    sends (``fixes``: hatbox.library_fixes.LaptopFixes, or None)."""

    def __init__(self, src: Path, name_given: bool, earlier: Any = None, fixes: Any = None) -> None:
        self.src, self.name_given, self.earlier, self.fixes = src, name_given, earlier, fixes


def same_name_lines(libraries: list[dict[str, Any]], body: dict[str, Any], client: Any = None,
                    push: PushSeen | None = None) -> list[str]:
    """The note when other libraries on the box have the name the new one (``body``, the upload's answer) was given:
    the box keeps both, and the name alone no longer picks one.  Only this laptop's upload of the same files (the
    archive's digest, ``sha256`` of the listing) is "an older copy" that `--delete` may go with; this laptop's
    earlier push of files this one holds (some of them, changed or not: ``client`` asks the box which, ``push``
    what the laptop remembers) is said with how many, and `--replace` first (:func:`overlap_words`); another
    laptop's library is said to be another library, and whose."""
    name, answer = body.get("name"), body
    body = next((lib for lib in libraries if isinstance(lib, dict) and lib.get("id") == body.get("id")), body)
    same = [lib for lib in named(libraries, name) if lib.get("id") != body.get("id")]
    if not same:
        return []
    ids = ", ".join(safe_text(str(lib.get("id"))) for lib in same)
    head = (f"note: the box holds {count_words(len(same), 'other library', 'other libraries')} called "
            f"'{safe_text(str(body.get('name')))}' ({ids})")
    new = _NewFiles(client, answer)
    says = [_same_name_words(lib, body, client, push, new) for lib in same]
    if len(same) == 1:
        return [f"{head}: {says[0]}; give the id to pick one"]
    return [f"{head}: give the id to pick one"] + [f"  {safe_text(str(lib.get('id')))}: {s}"
                                                  for lib, s in zip(same, says)]


class _NewFiles:
    """The new library's files (path: bytes), from the upload's answer ``answer`` (it lists them; the GET /libraries
    record does not), read once on first use for every library of the name (p49 review: GET /libraries/{new} for
    each)."""

    def __init__(self, client: Any, answer: dict[str, Any]) -> None:
        self.client, self.answer, self.files = client, answer, None

    def get(self) -> dict[str, int]:
        from hatbox.library_carry import held_files
        if self.files is None:
            self.files = held_files(self.client, self.answer)
        return self.files


def _same_name_words(lib: dict[str, Any], body: dict[str, Any], client: Any, push: PushSeen | None,
                     new: _NewFiles) -> str:
    """What library ``lib``, of the name new library ``body`` got, is to the laptop that sent ``body``: "yours,
    uploaded DATE, an older copy of these files: it goes with ... --delete" only for this laptop's upload of the same
    files (the archive's digest); this laptop's upload of some of these files: :func:`overlap_words`; another
    laptop's is "laptopB's, uploaded DATE: another library"."""
    from device.versions import upload_order
    lid = shlex.quote(safe_text(str(lib.get("id"))))
    date = when_words(lib.get("uploaded"))
    up = f"uploaded {date}" if date else "uploaded"
    copy = bool(lib.get("sha256")) and lib.get("sha256") == body.get("sha256")
    if lib.get("uploaded_by_you") is True:
        older = upload_order(lib) < upload_order(body)
        shared = None if copy or client is None else overlap_words(client, lib, new.get(), push)
        if shared:
            return f"yours, {up}, {shared}"
        what = ("an older copy of these files" if older else "a copy of these files") if copy else \
            "your library of other files"
        return f"yours, {up}, {what}: it goes with hatbox box-library {lid} --delete"
    what = "the same files, uploaded apart" if copy else "another library"
    if lib.get("uploaded_by_you") is False:
        return f"{whose(lib)}, {up}: {what}, not yours"
    return f"{up} before the box kept who uploaded it: {what}"


def overlap_words(client: Any, lib: dict[str, Any], new: dict[str, int], push: PushSeen | None) -> str:
    """What this laptop's library ``lib`` of the name shares with the new library, whose files are ``new`` (path:
    bytes, hatbox.library_carry.held_files of the upload's answer), when it holds files of it: "an earlier push of
    these files: 300 of its 300 files are in this one unchanged, 40 are new; it holds corrections of 7 files this
    push does not send: hatbox push-library FOLDER --replace ... first; hatbox box-library ID --delete only after"
    ("" when they share no file, or the box does not list them).  A file is in
    it unchanged when the new library holds its path at the same size and, where the laptop remembers that push
    (``push.earlier``: its files' marks), its modification time is the same (p49 month QA)."""
    from hatbox.library_carry import held_files
    old = held_files(client, lib)
    earlier = push.earlier if push is not None else None
    same = sum(1 for p, size in old.items()
               if new.get(p) == size and not (earlier is not None and earlier.changed(p, lib)))
    if not same:
        return ""
    added = sum(1 for p in new if p not in old)
    parts = [f"{same} of its {count_words(len(old), 'file')} {'is' if same == 1 else 'are'} in this one unchanged"]
    parts += [f"{len(old) - same} changed or gone since"] if same < len(old) else []
    parts += [f"{added} {'is' if added == 1 else 'are'} new"] if added else []
    fixes = _fixes_not_sent(client, lib, push)
    held = f"; it holds corrections of {count_words(len(fixes), 'file')} this push does not send" if fixes else ""
    theirs = any(f.get("by_you") is not True for f in fixes)
    return f"an earlier push of these files: {', '.join(parts)}{held}: {_replace_first(lib, push, theirs)}"


def _fixes_not_sent(client: Any, lib: dict[str, Any], push: PushSeen | None) -> list[dict[str, Any]]:
    """Library ``lib``'s corrections this push does not send the same (its --fixes or the folder's database,
    ``push.fixes``: hatbox.library_replace.lost_fixes); [] when the box does not say."""
    from hatbox.library_replace import lost_fixes, sent_again
    try:
        return lost_fixes(client, lib, sent_again(push.fixes if push is not None else None))
    except HatboxError:
        return []


def _replace_first(lib: dict[str, Any], push: PushSeen | None, theirs: bool = False) -> str:
    """The way to keep one library of the name: --replace first (it carries this laptop's corrections of ``lib``
    over, sends nothing again), --delete only after; ``theirs``: some of its corrections are another laptop's (or
    not known whose), and --replace refuses while it holds them (hatbox.library_replace.check_before)."""
    from hatbox.library_replace import push_again
    lid = shlex.quote(safe_text(str(lib.get("id"))))
    again = push_again(lib, push.src, push.name_given) if push is not None else "hatbox push-library FOLDER"
    refuses = " (--replace refuses while it holds another laptop's corrections)" if theirs else ""
    return (f"{again} --replace makes the new library the one (your corrections of {lid} carried over to it, "
            f"nothing sent again){refuses}, then deletes {lid}; hatbox box-library {lid} --delete deletes it, "
            "corrections and all")


def fixes_by(client: Any, lid: str, hits: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Who made the corrections among ``hits`` (files of library ``lid``, quoted for the URL): path -> ``by`` and
    ``by_you``, as the hits carry them (a box of the forty-sixth stop on: GET .../tags/TAG says it), else as GET
    /libraries/{id}/fixes answers them (an older box); {} when none of them is a correction or the box does not say."""
    fixed = [h for h in hits if h.get("corrected")]
    if not fixed:
        return {}
    if all("by_you" in h for h in fixed):
        return {str(h.get("path")): h for h in fixed}
    fixes = asked(client, f"/libraries/{lid}/fixes", expect=list) or []
    return {str(f.get("path")): f for f in fixes if isinstance(f, dict)}


def with_fixers(client: Any, lid: str, hits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``hits`` (GET /libraries/{id}/tags/TAG), each correction with ``by`` and ``by_you`` (who made it: None, not
    known) also where an older box's answer leaves them out (:func:`fixes_by` asks its /fixes): what `box-library ID
    --tag TAG --json` prints, as the other listings carry who (p46)."""
    fixes = fixes_by(client, lid, hits)
    return [{**h, "by": (fixes.get(str(h.get("path"))) or {}).get("by"),
             "by_you": (fixes.get(str(h.get("path"))) or {}).get("by_you")} if h.get("corrected") else h
            for h in hits]


def hit_label(hit: dict[str, Any], fix: dict[str, Any] | None) -> str:
    """A file's first column under `box-library ID --tag TAG`: the tagger's score, "yours" for this laptop's
    correction, "laptopB's" for another's (``fix``: its entry of :func:`fixes_by`; spaces in the name as "_": scripts
    read the column as one word), and "yours" for a correction the box does not know the maker of
    (:data:`UNNAMED_NOTE` says why)."""
    if not hit.get("corrected"):
        return f"{hit['score']:.3f}"
    by = (fix or {}).get("by")
    if (fix or {}).get("by_you") is False and isinstance(by, str) and by:
        return "_".join(safe_text(by).split()) + "'s"
    return "yours"


def unnamed_corrections(hits: list[dict[str, Any]], fixes: dict[str, dict[str, Any]]) -> bool:
    """Whether any of ``hits`` is a correction whose maker the box does not know (made before it kept who)."""
    return any(h.get("corrected") and (fixes.get(str(h.get("path"))) or {}).get("by_you") is None for h in hits)


def tags_and_fixes(client: Any, lib: dict[str, Any]) -> str:
    """What deleting library ``lib`` takes with it, for the question: "its tags and laptopB's corrections of 1 file",
    "... your corrections of 2 files and laptopB's of 1", "its tags (no file corrected)"; "its tags and its
    corrections" when the box does not list them (not tagged yet, an older box)."""
    from urllib.parse import quote
    fixes = asked(client, f"/libraries/{quote(str(lib['id']), safe='')}/fixes", expect=list)
    if fixes is None:
        return "its tags and its corrections"
    mine = sum(1 for f in fixes if isinstance(f, dict) and f.get("by_you") is True)
    theirs: dict[str, int] = {}
    for f in fixes:
        if isinstance(f, dict) and f.get("by_you") is False:
            key = f"{safe_text(str(f.get('by')))}'s"
            theirs[key] = theirs.get(key, 0) + 1
    unknown = len(fixes) - mine - sum(theirs.values())
    parts = ([f"your corrections of {count_words(mine, 'file')}"] if mine else []) + \
        [f"{who} corrections of {count_words(n, 'file')}" for who, n in sorted(theirs.items())] + \
        ([f"corrections of {count_words(unknown, 'file')} made before the box kept who made them"] if unknown else [])
    return "its tags and " + " and ".join(parts) if parts else "its tags (no file corrected)"


LIBRARY_GONE_HINT = ("hatbox box-library lists the libraries on the box; a deleted library comes back with hatbox "
                     "push-library")


def deleted_library_error(client: Any, given: str, missing: HatboxError) -> HatboxError:
    """``missing`` ("the box has no library 'ID'") with who deleted it and when, where the box deleted a library
    ``given`` names lately (its id, its name, the start of its id's hash: ``GET /libraries/deleted``); ``missing``
    itself otherwise (an older box, or no such deletion)."""
    from hatbox.pack_who import deleted_error
    return deleted_error(client, given, missing, "/libraries/deleted", LIBRARY_GONE_HINT, how="delete")
