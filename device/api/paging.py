"""Paging of the box's library listings (p47): ``offset`` on GET /libraries/{id}/tags/{tag}, .../unsure and
.../similar, and the ``X-Total-Count`` header on their answers (how many the whole listing holds), so that a laptop
lists every file of a listing bigger than one answer (a tag of 1500 files: two pages) and knows whether a listing it
asked ``k`` of was cut.  The answer's body stays what it was (a bare JSON array): an older laptop reads it as before,
and an older box, which ignores ``offset`` and sends no header, is told apart by the header's absence."""
from __future__ import annotations

from typing import Sequence, TypeVar

from fastapi import Query, Response

TOTAL_HEADER = "X-Total-Count"
OFFSET = Query(0, ge=0, le=10_000_000, description="how many of the listing's first files to leave out (paging; the "
                                                   f"answer's {TOTAL_HEADER} header says how many it holds in all)")
T = TypeVar("T")


def page(response: Response, items: Sequence[T], offset: int, k: int | None) -> list[T]:
    """``items[offset:offset + k]`` (every one from ``offset`` for ``k`` None), with ``len(items)``, the whole
    listing's count, in ``response``'s :data:`TOTAL_HEADER` header."""
    response.headers[TOTAL_HEADER] = str(len(items))
    return list(items[offset:None if k is None else offset + k])
