"""Who uploaded each library, and who made each correction of its files (p45 duo QA: two laptops sharing one box).

A library's record keeps the pairing that uploaded it: ``uploaded_by`` (the device name the laptop paired under, as
the box's log says it) and ``uploaded_by_token`` (that pairing's token id: not a secret, `hatbox box-devices` lists
it).  A correction (``PUT /libraries/{id}/files/tags``, or those a laptop sends with ``POST .../fixes``) is noted in
the library's :data:`FIXERS` file, ``{path: {"by": name, "token": id}}``, beside its ``tags.db`` (whose
``user_tags`` table says nothing of who).  Libraries and corrections from before either was kept have none: their
``*_by`` is None and so is ``*_by_you`` (not known), and they work as before.

"Yours" is decided per request (:func:`is_yours`): the token that made it is the one asking, or, when that pairing
is gone (the laptop paired again: a new token), the name it was made under is the asker's.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path
from typing import Any, Iterable

from device.store_layout import json_dict
from export.atomic import write_atomic

log = logging.getLogger("hatbox.api")

FIXERS = "fixed_by.json"        # in the library's folder: who made each correction
_lock = threading.Lock()        # one read-modify-write of a FIXERS file at a time (corrections run on worker threads)


def uploader(name: str, token_id: str) -> dict[str, str]:
    """The fields a library's record keeps of the pairing (device ``name``, ``token_id``) that uploaded it."""
    return {"uploaded_by": name, "uploaded_by_token": token_id}


def is_yours(by_token: object, by_name: object, token_id: str | None, tokens: Any) -> bool | None:
    """Whether what pairing ``by_token`` (device ``by_name``) made was made by the pairing ``token_id`` asking now
    (``tokens``: the box's TokenStore); None when that is not known (made before the box kept who, or no asker)."""
    if not isinstance(by_token, str) or token_id is None:
        return None
    if by_token == token_id:
        return True
    held = {t["id"] for t in tokens.list()}
    return by_token not in held and isinstance(by_name, str) and by_name == tokens.name(token_id)


def with_owner(info: dict[str, Any], token_id: str | None, tokens: Any) -> dict[str, Any]:
    """Library record ``info`` as the API answers it to the pairing ``token_id`` asking: ``uploaded_by`` (a name or
    None), ``uploaded_by_you`` (:func:`is_yours`) and ``seq`` (0 for none: device/versions.py install_seq)."""
    from device.versions import install_seq
    by = info.get("uploaded_by")
    by = by if isinstance(by, str) else None
    return {**info, "uploaded_by": by, "seq": install_seq(info),
            "uploaded_by_you": is_yours(info.get("uploaded_by_token"), by, token_id, tokens)}


def fixers(folder: Path) -> dict[str, dict[str, str]]:
    """Who made each correction of library ``folder``'s files (:data:`FIXERS`; {} for none or a file that cannot
    be read: those corrections are of no one known)."""
    found = json_dict(folder / FIXERS)
    return {str(p): e for p, e in found.items() if isinstance(e, dict) and isinstance(e.get("token"), str)}


def note_fixers(folder: Path, fixes: Iterable[tuple[str, list[str]]], name: str, token_id: str) -> None:
    """Note that pairing ``token_id`` (device ``name``) made library ``folder``'s corrections ``fixes`` (path as the
    library holds it, tags; none: the file went back to the tagger, no one's now).  One that cannot be written is
    logged: the corrections themselves are kept all the same (their maker then unknown)."""
    with _lock:
        held = fixers(folder)
        for path, tags in fixes:
            if tags:
                held[path] = {"by": name, "token": token_id}
            else:
                held.pop(path, None)
        try:
            write_atomic(folder / FIXERS, json.dumps(held, sort_keys=True).encode())
        except OSError as exc:
            log.warning("library %s: cannot keep who made its corrections (%s)", folder.name, exc)


def fixer_fields(entry: dict[str, str] | None, token_id: str | None, tokens: Any) -> dict[str, Any]:
    """``by`` and ``by_you`` of a correction whose :data:`FIXERS` entry is ``entry`` (None: made before the box kept
    who; both None then), as GET /libraries/{id}/fixes answers them."""
    if entry is None:
        return {"by": None, "by_you": None}
    return {"by": entry.get("by"), "by_you": is_yours(entry.get("token"), entry.get("by"), token_id, tokens)}


def no_library_words(lid: str, record: dict[str, Any] | None) -> str:
    """The 404 of any ``/libraries/{id}`` route: "no library 'ID'", and, where the box deleted it lately (``record``:
    :attr:`device.api.libraries.Libraries.deleted`), ": laptopA deleted it at 07:26 (3 s ago)"."""
    text = f"no library '{lid}'"
    return f"{text}: {deleted_words(record)}" if record else text


def deleted_words(record: dict[str, Any]) -> str:
    """"laptopA deleted it at 07:26 (3 s ago)" ("the box deleted it ..." for its own panel) on the box's clock."""
    from device.api.when_words import deleted_at_words
    return deleted_at_words(str(record.get("by") or "") or "the box", record.get("at"))


def deleted_list(deleted: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """``GET /libraries/deleted``: ``[{id, name, by, ago_s}]``, oldest deletion first (``ago_s`` counted on the box,
    so the laptop's clock does not matter)."""
    now = time.time()
    return [{"id": r["id"], "name": r.get("name", ""), "by": r.get("by", ""),
             "ago_s": max(0.0, now - float(r.get("at") or now))} for r in list(deleted.values())]
