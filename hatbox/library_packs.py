"""How `hatbox box-library` names the tagger packs of a library (the box records a library's tagger by pack id,
"tagger-mywords-0.1.1-6ada1388e7b0"): by the name and version a user knows, "mywords 0.1.1", as the laptop's
`hatbox tag` and `library query` say it (hatbox.library_words.pack_label).  The id is for typing only (p53 QA T3:
box-library's re-tag lines, the listing and a stopped re-tag named packs by id where the laptop said "mywords
0.1.1").

The names come from the box's pack list (GET /packs, asked once a command: :func:`pack_names`); a pack the box no
longer holds is named from its id (:func:`from_id`), the id itself when that cannot be read."""
from __future__ import annotations

import re
from collections import Counter
from typing import Any

from hatbox.box_client import asked, safe_text

Names = dict[str, str]          # pack id -> "name version" as a user knows it

_ID = re.compile(r"^(?:effect|synth|tagger)-(?P<slug>.+)-(?P<version>\d[a-z0-9.]*)-(?P<hash>[0-9a-f]{12})$")


def pack_names(client: Any) -> Names:
    """:func:`names_of` the box's pack list (GET /packs); {} when the box does not answer."""
    return names_of(asked(client, "/packs", list))


def names_of(packs: list[Any] | None) -> Names:
    """Each pack of ``packs`` (GET /packs' answer) by id -> "name version"; two packs of one name and version
    (other bytes) get the start of their hash too ("mywords 0.1.1 (6ada1388)")."""
    packs = [p for p in packs or [] if isinstance(p, dict) and p.get("id") and p.get("name")]
    label = {str(p["id"]): f"{p['name']} {p.get('version') or '?'}" for p in packs}
    twice = Counter(label.values())
    return {pid: f"{name} ({_hash(pid)})" if twice[name] > 1 else name for pid, name in label.items()}


def _hash(pid: str) -> str:
    """The first 8 hex digits of the hash that ends pack id ``pid``."""
    return pid.rsplit("-", 1)[-1][:8]


def from_id(pid: str) -> str:
    """"mywords 0.1.1" from a pack id "tagger-mywords-0.1.1-6ada1388e7b0" (device.store_layout.pack_id: the name
    lowercased, other characters as "-"); "" when ``pid`` is not such an id."""
    found = _ID.match(pid)
    return f"{found['slug']} {found['version']}" if found else ""


def pack_said(pid: Any, names: Names | None = None) -> str:
    """Pack id ``pid`` as box-library's lines name it: its "name version" from ``names`` (:func:`pack_names`; {}
    where the box did not answer), else read from the id (:func:`from_id`), else the id; ``names`` None: the id as
    the box records it (a caller that did not ask the box).  Printable (hatbox.box_client.safe_text)."""
    text = str(pid)
    if names is None:
        return safe_text(text)
    return safe_text(names.get(text) or from_id(text) or text)
