"""What deleting a pack does to its slot's roll back, said before it is done (p43 duo QA: a pack another laptop's
`box-pack --rollback` would go back to was deleted without a word, and the roll back then said only "no earlier
effect pack to roll back to")."""
from __future__ import annotations

from typing import Any

from hatbox.box_client import asked, safe_text


def rollback_note(client: Any, pack: dict[str, Any]) -> str:
    """"; it is what --rollback effect goes back to" when ``pack`` (its entry in GET /packs) is what a roll back of
    its slot would make active (GET /slots); "" otherwise, or when the box cannot say (an older box)."""
    slots = asked(client, "/slots", expect=list)
    if slots is None:
        return ""
    kind = str(pack.get("kind"))
    if not any(isinstance(s, dict) and s.get("slot") == kind and s.get("rollback_to") == pack.get("id")
               for s in slots):
        return ""
    return (f"; it is what --rollback {safe_text(kind)} goes back to (hatbox box-pack --rollback {safe_text(kind)}"
            " then goes further back, or has nothing to go back to)")


def owner_clause(pack: dict[str, Any]) -> str:
    """", uploaded 2026-05-01 14:02 by laptop-s3," for the question and answer of deleting ``pack`` (its GET /packs
    entry), by the rule the library's delete question names its owner with (hatbox.library_owners.owner_clause: one
    rule for both, p57 QA_D 3); "" where the box does not know who pushed it (installed on the box itself, or before
    it kept who)."""
    from hatbox.library_owners import owner_clause as said
    by = pack.get("installed_by")
    if not isinstance(by, str) or not by:
        return ""
    return said({"uploaded": pack.get("installed"), "uploaded_by": by})


def played_note(pack: dict[str, Any], packs: list[dict[str, Any]], done: bool = False) -> str:
    """"; it is what the synth slot played last, before the slot was emptied by laptopA 12 s ago" (``done``: "; it
    was what ...", said after the deletion, with no count: the answer to the question may have come much later) when
    ``pack`` (its GET /packs entry) was its slot's pack until the slot was emptied (``used_last``, and no pack of its
    kind active in ``packs``): "deactivate, then delete" removed a pack that was playing moments before, without a
    word (p57 QA_D 3), and could not say when (p58).  Who and when from the entry's ``emptied_by``/``emptied_ago_s``
    ("on the box" for the box itself); a box that does not say them (older, or a slot emptied before p58) gets
    "... before the slot was emptied"; "" when ``pack`` is not that pack."""
    kind = pack.get("kind")
    if not pack.get("used_last") or any(isinstance(p, dict) and p.get("active") and p.get("kind") == kind
                                        for p in packs):
        return ""
    return (f"; it {'was' if done else 'is'} what the {safe_text(kind)} slot played last, before the slot was emptied"
            + ("" if done else _emptied_words(pack)))


def _emptied_words(pack: dict[str, Any]) -> str:
    """" by laptopA 12 s ago" (" on the box 12 s ago" for the box itself) from a GET /packs entry's ``emptied_by`` and
    ``emptied_ago_s`` (hatbox.pack_who.by_words: the rule of who activated a pack); "" when the box does not say
    them."""
    from hatbox.pack_who import by_words
    who = by_words(pack.get("emptied_by"), pack.get("emptied_ago_s"), verb="")
    return f" {who}" if who else ""
