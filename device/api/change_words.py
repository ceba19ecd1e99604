"""How the box's change log names what a change touched (device/api/change_log.py writes the line; p57 QA_D 6: the
teacher read "DELETE /packs/ID by 'laptop-s2'" and "POST /kit/from-library by ...", no name, not whose, not which
library a kit plays): a pack by its name and version, a library by its name, each with its id and whose it was."""
from __future__ import annotations

from typing import Any, Mapping


def _whose(by: object) -> str:
    """", laptopA's" for the paired device ``by`` that put it on the box; "" where the box does not know."""
    return f", {by}'s" if isinstance(by, str) and by else ""


def pack_label(record: Mapping[str, Any]) -> str:
    """"pack fuzz 1.0.0 (effect-fuzz-1.0.0-ab12, laptopA's)" for a pack's store record (``installed_by``: who
    installed it; left out where the box does not know)."""
    name, version, pid = record.get("name"), record.get("version"), record.get("id")
    head = f"pack {name} {version}".rstrip() if name else "pack"
    return f"{head} ({pid}{_whose(record.get('installed_by'))})"


def library_label(info: Mapping[str, Any], lid: str) -> str:
    """"library kit (lib-kit-fa3293, laptopA's)" for library ``lid``'s record ``info`` (``uploaded_by``: who uploaded
    it; left out where the box does not know).  Five laptops' libraries may share a name: the id is always said."""
    name = str(info.get("name") or "")
    return f"library {name + ' ' if name else ''}({lid}{_whose(info.get('uploaded_by'))})"


def mapped_words(who: str) -> str:
    """" (mapped by laptopA 3 min ago)" for device.api.program_mapping.who_mapped's ", mapped by ..." ("": "")."""
    return f" ({who.removeprefix(', ')})" if who else ""
