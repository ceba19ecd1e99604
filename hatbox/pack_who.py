"""Who did what to the box's packs, in the laptop's words (p45 duo QA: two laptops on one box).

The box records who made each slot's pack active and when (``activated_by``/``activated_ago_s`` of the active pack in
``GET /packs`` and ``GET /status``), answers an activation with what it replaced (``replaced``: its name, version, who
had made it active and how long it had been), and keeps who deleted a pack lately (``GET /packs/deleted``).  Here
they become words: "now active (was ts9 2.0.0, activated by laptopA 12 s ago)", ", active (activated by laptopB 5 s
ago)", "the box has no pack 'ID': laptopA's prune deleted it at 14:02 (40 s ago)".  A box of an older hatbox gives
none of these fields: nothing is said then.
"""
from __future__ import annotations

import time
from typing import Any, Callable

from device.finite_numbers import finite_or_none
from hatbox.box_client import asked, safe_text
from hatbox.errors import HatboxError


def _seconds(value: Any) -> float | None:
    number = finite_or_none(value)
    return None if number is None else max(0.0, number)


def ago_words(seconds: Any) -> str:
    """"12 s ago", "5 min ago", "3 h ago", "2 days ago"; "" for no number."""
    s = _seconds(seconds)
    if s is None:
        return ""
    n = int(s)
    return (f"{n} s ago" if n < 120 else f"{n // 60} min ago" if n < 7200 else f"{n // 3600} h ago" if n < 172800
            else f"{n // 86400} days ago")


def by_words(by: Any, seconds: Any, verb: str = "activated") -> str:
    """"activated by laptopA 12 s ago" ("activated on the box ..." for ``by`` ''; "" when the box does not say who or
    when): who did ``verb`` and how long ago, from a box's ``*_by`` and ``*_ago_s`` fields.  ``verb`` "": "by laptopA
    12 s ago" (hatbox.slot_words: who emptied a slot)."""
    ago = ago_words(seconds)
    if not isinstance(by, str) or not ago:
        return ""
    words = f"{'by ' + safe_text(by) if by else 'on the box'} {ago}"
    return f"{verb} {words}" if verb else words


def replaced_words(replaced: Any, pack: Any = None) -> str:
    """" (was ts9 2.0.0, activated by laptopA 12 s ago)" from a push's ``replaced`` (the box's answer); " (was the
    other ts9 11.5.0, ...)" when it is of the name and version of ``pack`` (the pack pushed: other bytes, else it
    would not have replaced it); "" when nothing was active, or the box is older than ``replaced``."""
    if not isinstance(replaced, dict) or not replaced.get("id"):
        return ""
    name, version = replaced.get("name"), replaced.get("version")
    what = f"{safe_text(name)} {safe_text(version)}" if name and version else safe_text(replaced["id"])
    if name and isinstance(pack, dict) and (pack.get("name"), pack.get("version")) == (name, version):
        what = f"the other {what}"
    who = by_words(replaced.get("by"), replaced.get("ago_s"))
    return f" (was {what}" + (f", {who}" if who else "") + ")"


def previous_words(body: dict[str, Any], tail: str = "") -> str:
    """" (was ID, activated by laptopA 12 s ago)" from an activation's or a deactivation's answer (``previous``, and
    ``replaced`` where the box knows who), as a push says it; " (was ID)" alone from an older box, or where it does not
    know; "" for no previous.  ``tail`` goes inside the closing parenthesis (`box-pack --deactivate`'s ": it stays
    installed")."""
    if not body.get("previous"):
        return ""
    replaced = body.get("replaced") if isinstance(body.get("replaced"), dict) else {}
    who = by_words(replaced.get("by"), replaced.get("ago_s"))
    return f" (was {safe_text(body['previous'])}" + (f", {who}" if who else "") + f"{tail})"


def activated_words(pack: dict[str, Any], form: str = " ({})") -> str:
    """" (activated by laptopB 5 s ago)" (``form`` around the words) for an active pack whose entry (GET /packs,
    /status) says so; "" otherwise."""
    if not pack.get("active", True):
        return ""
    who = by_words(pack.get("activated_by"), pack.get("activated_ago_s"))
    return form.format(who) if who else ""


def active_note(status: dict[str, Any], pid: Any) -> str:
    """`hatbox status`'s words after an active pack ``pid``: its :func:`activated_words` from the status's ``packs``."""
    packs = status.get("packs") if isinstance(status.get("packs"), list) else []
    pack = next((p for p in packs if isinstance(p, dict) and pid and p.get("id") == pid), None)
    return activated_words(pack) if pack is not None else ""


def replaced_since(client: Any, pack: Any) -> str:
    """When, by now, another pack than ``pack`` (just made active) is its slot's active one: "laptopB made ts9 3.0.0
    active 1 s ago: that is what plays now, not this one" (another laptop's push or activation came right after);
    "" when ``pack`` is still active, or the box cannot say."""
    if not isinstance(pack, dict):
        return ""
    status = asked(client, "/status")
    if status is None:
        return ""
    active = status.get("active") if isinstance(status.get("active"), dict) else {}
    now = active.get(pack.get("kind"))
    if not now or now == pack.get("id"):
        return ""
    packs = status.get("packs") if isinstance(status.get("packs"), list) else []
    other = next((p for p in packs if isinstance(p, dict) and p.get("id") == now), {"id": now})
    what = f"{safe_text(other['name'])} {safe_text(other['version'])}" if other.get("name") else safe_text(now)
    by, ago = other.get("activated_by"), ago_words(other.get("activated_ago_s"))
    who = (safe_text(by) if by else "the box") if isinstance(by, str) and ago else "another activation"
    return f"{who} made {what} active {ago or 'since'}: that is what plays now, not this one"


PACK_GONE_HINT = "hatbox box-pack lists the installed packs; a deleted pack comes back with hatbox push PACK.hatpack"


def deleted_error(client: Any, given: str, missing: HatboxError, listed: str = "/packs/deleted",
                  hint: str = PACK_GONE_HINT, how: str | None = None) -> HatboxError:
    """``missing`` ("the box has no pack 'ID'") with who deleted it and when, where the box deleted a pack (or, with
    ``listed`` "/libraries/deleted", a library) ``given`` names lately (its id, its name, the start of its hash);
    ``missing`` itself otherwise (a box before that list, or no such deletion).  ``how``: the deletion's kind when
    the list does not say it (a library's is always "delete").  The deletion comes right after "the box has no pack
    'X'": ``missing``'s guesses of other names (its ``alone``, where it has one) are left out, as they read as the
    ones deleted ("did you mean 'syn-s5', 'syn-s2'?: laptop-s5 deleted it", p57 QA_D 8)."""
    last = last_deleted(client, listed, given)
    if last is None:
        return missing
    last = {**last, "how": how} if how else last
    alone = getattr(missing, "alone", None)       # without its guesses of other names (p57 QA_D 8)
    return HatboxError(f"{alone or Exception.__str__(missing)}: {gone_words(last)}", hint=hint)


def find_or_deleted(client: Any, packs: list[dict[str, Any]], given: str, pick: str, again: str) -> dict[str, Any]:
    """hatbox.pack_names.find_pack of ``given`` in ``packs`` (GET /packs, ``pick`` and ``again`` as it takes them);
    when the box has no such pack, its refusal with who deleted it lately and when (:func:`deleted_error`: deleted a
    moment ago, by another laptop's prune?)."""
    from hatbox.errors import NotOnBox
    from hatbox.pack_names import find_pack
    try:
        return find_pack(packs, given, pick, again)
    except NotOnBox as exc:
        raise deleted_error(client, given, exc) from None


def last_deleted(client: Any, listed: str, given: str,
                 match: Callable[[dict[str, Any], str], bool] | None = None) -> dict[str, Any] | None:
    """The newest of the box's recent deletions (GET ``listed``: "/packs/deleted" or "/libraries/deleted") that
    ``match`` (default :func:`names_deleted`) says ``given`` names; None for none, or a box that does not say."""
    match = names_deleted if match is None else match
    gone = asked(client, listed, expect=list)
    hits = [g for g in gone or [] if isinstance(g, dict) and match(g, given)]
    return hits[-1] if hits else None


def names_deleted(gone: dict[str, Any], given: str) -> bool:
    """Whether ``given`` names deleted pack (or library) ``gone`` as `hatbox box-pack` takes a name: its id, its name
    (any case), or the start (4 hex digits or more) of the hash that ends its id."""
    text = given.strip().lower()
    hashed = len(text) >= 4 and all(c in "0123456789abcdef" for c in text)
    return bool(text) and (gone.get("id") == given.strip() or str(gone.get("name", "")).lower() == text
                           or (hashed and str(gone.get("id", "")).rsplit("-", 1)[-1].startswith(text)))


def gone_words(gone: dict[str, Any]) -> str:
    """"laptopA's prune deleted it at 14:02 (40 s ago)" (the time on this computer's clock, from the box's count of
    how long ago: right whatever the box's clock reads)."""
    by = safe_text(gone.get("by") or "")
    who = (f"{by}'s prune" if by else "a prune") if gone.get("how") == "prune" else (by or "the box")
    ago = _seconds(gone.get("ago_s"))
    if ago is None:
        return f"{who} deleted it"
    return f"{who} deleted it at {time.strftime('%H:%M', time.localtime(time.time() - ago))} ({ago_words(ago)})"
