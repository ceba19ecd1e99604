"""`hatbox box-library ID --like PATH` and `--play PATH`: a library on the box browsed from the laptop, "more like
this" (GET /libraries/{id}/similar) and an audition on the box's speakers (POST /libraries/{id}/play), as the
panel's Library page offers them."""
from __future__ import annotations

from typing import Any

from hatbox.box_client import _call, safe_text
from hatbox.listing import heading


def like(client: Any, lid: str, path: str, k: int) -> int:
    """Print the ``k`` files of library ``lid`` (quoted for the URL) that sound most like ``path``, closest first,
    each with how alike (1 = the same, to the tagger's ear)."""
    hits = _call(client, "GET", f"/libraries/{lid}/similar", expect=list, params={"path": path, "k": k})
    if not hits:
        print(f"no other file of the library to compare {safe_text(path)} with")
        return 0
    heading(f"more like {safe_text(path)} (closest first; 1.00 = the same to the tagger's ear):")
    for hit in hits:
        print(f"  {hit['score']:.2f}  {safe_text(hit['path'])}")
    return 0


def play(client: Any, lid: str, path: str) -> int:
    """Audition ``path`` of library ``lid`` on the box (a new audition replaces the one still sounding)."""
    _call(client, "POST", f"/libraries/{lid}/play", json={"path": path, "velocity": 100}, expect=None)
    print(f"playing {safe_text(path)} on the box")
    return 0
