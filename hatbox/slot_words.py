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
