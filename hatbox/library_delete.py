"""`hatbox box-library LIB --delete`, and what a library deleted by another computer leaves behind (p43 duo QA: two
musicians, two laptops, one box).

The box decides which kit notes a deletion empties, at the deletion: its answer names them and the laptop says so
("4 notes of the kit went silent: C2 kick.wav, ..."); a laptop that read them before its question named the kit of
then (another laptop's kit made of the library meanwhile went silent without a word).  A laptop following a
library's tagging (`--wait`) that another computer (or the panel) deletes says that, not "no library 'lib-...'".
"""
from __future__ import annotations

import shlex
import sys
from contextlib import contextmanager
from typing import Any, Iterator

from hatbox.box_client import _call, asked, safe_text
from hatbox.cmd_remote import _confirm_delete
from hatbox.errors import HatboxError
from hatbox.library_owners import owner_clause, tags_and_fixes
from hatbox.text import count_words


def delete_library(client: Any, lid: str, yes: bool) -> int:
    """Delete library ``lid`` (quoted for the URL) from the box, after asking unless ``yes``."""
    lib = _call(client, "GET", f"/libraries/{lid}")
    what = (f"library {safe_text(lib['id'])} ({safe_text(lib['name'])}, {count_words(lib['accepted'], 'file')}"
            + (", being tagged: that stops" if lib["state"] == "tagging" else "") + ")")
    notes = _kit_notes_of(client, str(lib["id"]))
    kit = (f"; its samples play {count_words(len(notes), 'note')} of the box's kit ({', '.join(notes[:8])}"
           f"{', ...' if len(notes) > 8 else ''}), which go silent") if notes else ""
    if not yes:
        goes = fixes_words_of(client, lib)
        keep = keep_fixes_words(str(lib["id"]), goes)
        if keep:                            # the line before the question, on stderr as the question (p47)
            print(keep, file=sys.stderr)
        if not _confirm_delete(what, f"delete {what}{owner_clause(lib)} from the box, with {goes}{kit}?"):
            return 0
    body = _call(client, "DELETE", f"/libraries/{lid}", expect=None, headers={"Prefer": "return=representation"})
    gone = silenced_notes(body, notes)
    print(f"deleted {what}" + (f"; {count_words(len(gone), 'note')} of the kit left it (hatbox box-kit shows what is "
                               "left)" if gone else ""))
    if gone:
        print(f"  {'it' if len(gone) == 1 else 'they'} went silent: {', '.join(gone[:8])}"
              f"{', ...' if len(gone) > 8 else ''}")
    return 0


TAGGED_TO_THE_END = "done"     # the one state in which the box's GET /libraries/{id}/fixes lists every correction
ITS_CORRECTIONS = "its tags and its corrections"


def fixes_words_of(client: Any, lib: dict[str, Any]) -> str:
    """What deleting library ``lib`` takes with it, for the question (hatbox.library_owners.tags_and_fixes).  The box
    lists a correction with the file the tagger wrote a row for, so a library whose tagging did not reach every file
    (failed, cancelled, still tagging, untagged) may hold corrections the box's list leaves out (forty-sixth stop,
    QA: a library failed at its start asked "with its tags (no file corrected)?" though a laptop had sent it one):
    for such a library "no file corrected" is not known, and the question says "its tags and its corrections"; a
    count is said with "and any corrections of files not tagged yet"."""
    goes = tags_and_fixes(client, lib)
    if lib.get("state") == TAGGED_TO_THE_END or goes == ITS_CORRECTIONS:
        return goes
    return ITS_CORRECTIONS if "no file corrected" in goes else f"{goes}, and any corrections of files not tagged yet"


def keep_fixes_words(lid: str, goes: str) -> str:
    """The line said before the delete question when corrections go with library ``lid`` (``goes``: what goes with
    it, in words, hatbox.library_owners.tags_and_fixes): how to keep them (forty-sixth stop's QA: "your corrections
    of 3 files" were named, not how to keep them, and a push after the delete lost them); "" when no file is
    corrected, or when the box cannot list them (:data:`ITS_CORRECTIONS`: its --export-fixes would write none)."""
    if "corrections" not in goes or "no file corrected" in goes or goes == ITS_CORRECTIONS:
        return ""
    return (f"to keep the corrections, first: hatbox box-library {shlex.quote(safe_text(lid))} --export-fixes "
            "FILE.csv --folder FOLDER (FOLDER: the library's folder on this computer; FILE.csv outside it); "
            "hatbox push-library FOLDER --fixes FILE.csv sends them back")


def silenced_notes(body: Any, named: list[str]) -> list[str]:
    """The kit notes the box's DELETE answer (``body``) says the deletion emptied, each "C2 kit/kick.wav" (the box
    decides at the deletion: p43 duo QA, another laptop's kit made of the library while the question was open went
    silent without a word); ``named``: the notes named in the question, said instead when the box does not answer
    which (an older box's 204)."""
    if not isinstance(body, dict) or not isinstance(body.get("kit_silenced"), list):
        return named
    return [f"{safe_text(str(n.get('name', n.get('note', '?'))))} {safe_text(str(n.get('file', '')))}".strip()
            for n in body["kit_silenced"] if isinstance(n, dict)]


def _kit_notes_of(client: Any, lid: str) -> list[str]:
    """The names of the box's kit notes that play a sample of library ``lid`` ([] when the box cannot say)."""
    notes = (asked(client, "/kit") or {}).get("notes")
    return [safe_text(str(n.get("name", n.get("note", "?")))) for n in (notes if isinstance(notes, list) else ())
            if isinstance(n, dict) and n.get("library") == lid and not n.get("missing")]


@contextmanager
def deleted_while_tagged(lid: str, name: str = "") -> Iterator[None]:
    """Following library ``lid`` (called ``name``) while the box tags it: the box's 404 for it (another computer, or
    the box's panel, deleted it meanwhile) said as that, a HatboxError (exit 2, as before), not "the box says: no
    library 'lib-...'"."""
    from hatbox.box_client import BoxRefused
    try:
        yield
    except BoxRefused as exc:
        if exc.status != 404:
            raise
        called = f"{safe_text(name)} ({safe_text(lid)})" if name and name != lid else safe_text(lid)
        raise HatboxError(f"library {called} was deleted from the box while it was being tagged (by another "
                          "computer or the panel)",
                          hint="hatbox box-library lists what the box holds; to have it again, send it again: "
                               "hatbox push-library FOLDER --wait") from None


NOT_SAME_WHYS = ("not in the new library", "changed in the new library")   # device/api/kit_move.py SILENT_WHYS


def replaced_kit_lines(body: Any) -> list[str]:
    """What `push-library --replace` says of the kit after deleting an older library (the box's DELETE answer
    ``body``, asked with ``moved_to``: p50 FC): the notes that play the new library's same files now, those moved with
    a word (not known to be the same; not sounding yet: the sampler did not take the copy, p50 M4), then those that
    went silent, each with why ("not the same file" said only when that is why).  An older box's answer (no
    ``kit_moved``: it ignored ``moved_to`` and emptied the notes) is said in the words of before."""
    gone = silenced_notes(body, [])
    moved = body.get("kit_moved") if isinstance(body, dict) else None
    if not isinstance(moved, list):
        return [f"  {count_words(len(gone), 'note')} of the box's kit played it and went silent: {_first(gone)} "
                "(hatbox box-kit --from LIBRARY sets the kit from the new one)"] if gone else []
    moved = [m for m in moved if isinstance(m, dict)]
    same = [m for m in moved if not m.get("why")]
    lines = [f"  {count_words(len(same), 'note')} of the kit now play{'s' if len(same) == 1 else ''} the new "
             f"library (the same files)"] if same else []
    lines += _moved_with_a_word(moved)
    whys = [n.get("why") for n in body.get("kit_silenced") or [] if isinstance(n, dict)]
    said = [f"{g} ({safe_text(str(w))})" if w else g for g, w in zip(gone, whys + [None] * len(gone))]
    if said:
        why = " (not the same file in the new library)" if all(w in NOT_SAME_WHYS for w in whys) and whys else ""
        lines.append(f"  {count_words(len(said), 'note')} of the box's kit played it and went silent{why}: "
                     f"{_first(said)}")
    return lines


def _moved_with_a_word(moved: list[dict[str, Any]]) -> list[str]:
    """The lines of the notes moved with a ``why``: those whose old file could not be compared, and those the sampler
    did not take yet (``plays`` false: GET /kit maps them again, `hatbox box-kit` lists them missing until then)."""
    lines = []
    odd = [m for m in moved if m.get("why") and m.get("plays") is not False]
    if odd:
        lines.append(f"  {count_words(len(odd), 'note')} of the kit now play{'s' if len(odd) == 1 else ''} the new "
                     f"library's file of the same path: {_first([_named(m, True) for m in odd])}")
    waiting = [m for m in moved if m.get("plays") is False]
    if waiting:
        why = safe_text(str(waiting[0].get("why") or "the sampler did not take it"))
        one = len(waiting) == 1
        lines.append(f"  {count_words(len(waiting), 'note')} of the kit moved to the new library but "
                     f"do{'es' if one else ''} not sound yet ({why}): {_first([_named(m) for m in waiting])} "
                     f"(hatbox box-kit tries {'it' if one else 'them'} again and lists what still does not sound)")
    return lines


def _named(note: dict[str, Any], why: bool = False) -> str:
    """"C2 kit/kick.wav" (with " (WHY)" when ``why``)."""
    named = f"{safe_text(str(note.get('name', note.get('note', '?'))))} {safe_text(str(note.get('file', '')))}"
    return named.strip() + (f" ({safe_text(str(note['why']))})" if why and note.get("why") else "")


def _first(named: list[str]) -> str:
    """The first 8 of ``named``, and "..." for more."""
    return ", ".join(named[:8]) + (", ..." if len(named) > 8 else "")
