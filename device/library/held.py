"""Which of the box's libraries holds the bytes of an upload: one rule for the box and the laptop (p47 review).

The box answers an upload with ``once=true`` by it (device/api/library_once.py, on the worker that ingests uploads)
and `hatbox push-library` looks before sending by it (hatbox/library_push.py): the newest library uploaded from an
archive of that SHA-256, failed ones left out (a failed library's own advice is to send it again).  No fastapi here:
the laptop imports it."""
from __future__ import annotations

from typing import Any


def held_copy(libraries: list[dict[str, Any]], sha256: str | None) -> dict[str, Any] | None:
    """The newest of ``libraries`` (library records: library.json, GET /libraries' items) uploaded from an archive of
    digest ``sha256`` and not failed, in the box's upload order (device.versions.upload_order); None for none, or no
    digest."""
    from device.versions import upload_order
    same = [lib for lib in libraries if sha256 and lib.get("sha256") == sha256 and lib.get("state") != "failed"]
    return max(same, key=upload_order) if same else None
