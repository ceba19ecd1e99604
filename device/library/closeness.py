"""How alike two files sound, for a musician to read apart (p49 loops QA: `box-library ID --like breaks/x.wav -k 10`
gave ten results of 1.00 and 0.99; the laptop's 0.958-0.999).  "More like this" ranks by the cosine of the tagger's
embeddings, which bunch near 1: every file of a library of breaks is "0.95 alike" to every other.

The one rule, the box's (GET /libraries/{id}/similar's ``closeness``), the laptop's and the panel's (its Library page's
"more like this", device/ui/pages/library_alike.py, p51) alike: **closeness** 0-100 is
the cosine rescaled against the library's own spread as heard from the file asked about: 100 = the same to the
tagger's ear (cosine 1), 0 = no more alike than the library's middle file (the median cosine of the file asked about
to every other file of the library), and below that 0.  It rises with the cosine, so the order is the cosine's.

A library of under :data:`FEW_OTHERS` other files, or one whose middle file is already as alike as the closest (all
the cosines equal), has no spread to read against: there the closeness is None (null in JSON) and listings print the
cosine (:func:`alike_text`), not a 0 a musician reads as "not alike at all" (p49 review: one other file at cosine
0.999 read 0).
"""
from __future__ import annotations

import statistics
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:
    import numpy as np


FEW_OTHERS = 4          # under this many other files in the library, its middle file is no scale to read against


def middle(scores: Iterable[float]) -> float | None:
    """The median of ``scores`` (the cosines of the file asked about to every other file of its library); None for
    under :data:`FEW_OTHERS` of them, or when the median is the highest of them (all as alike): no closeness."""
    got = sorted(scores)
    if len(got) < FEW_OTHERS:
        return None
    mid = float(statistics.median(got))
    return None if mid >= got[-1] else mid


def closeness(score: float, mid: float | None) -> int | None:
    """0-100 for cosine ``score`` against the library's middle cosine ``mid`` (:func:`middle`): 100 * (score - mid)
    / (1 - mid), held to 0..100, rounded; a library whose middle file is already the same (mid 1) gives 100 to a
    file as alike, else 0; None for no middle (``mid`` None)."""
    if mid is None:
        return None
    if mid >= 1.0 - 1e-9:
        return 100 if score >= mid else 0
    return int(round(100.0 * min(max((score - mid) / (1.0 - mid), 0.0), 1.0)))


def closeness_of(scores: list[float]) -> list[int | None]:
    """The closeness of each of ``scores``, every other file of the library's cosine to the file asked about (all of
    them: the middle is theirs), in their order; all None where :func:`middle` gives none."""
    mid = middle(scores)
    return [closeness(s, mid) for s in scores]


def alike_text(near: int | None, score: float) -> str:
    """How alike a listing prints a file: its closeness ``near``, or where there is none its cosine ``score`` to
    three decimals ("0.999"), on the laptop and from the box alike."""
    return str(near) if near is not None else format(score, ".3f")


def middle_in(db_path: str | Path, path: str | Path) -> float | None:
    """:func:`middle` of library ``db_path``'s other files' cosines to its file ``path`` (as GET /libraries/{id}/
    similar reads them: device.library.query.similar over every file), read as one array (query.cosines_to: no
    Hit of each file; p51 review: 20,000 files took 364 ms, now 100 ms, medians at load 5.5-6.8 on 2 cores,
    `.venv/bin/python bench/ui_library_alike.py`); NotInLibrary or HatboxError as that gives, sqlite3.Error for a
    database that cannot be read."""
    from device.library.query import cosines_to
    return middle_of(cosines_to(db_path, path))


def middle_of(cosines: "np.ndarray") -> float | None:
    """:func:`middle` of the cosines in array ``cosines`` [N], in numpy: the same number (the median of float32
    cosines in float64, the mean of the two middle ones for an even count, as statistics.median takes them)."""
    import numpy as np
    got = np.asarray(cosines, np.float64).ravel()
    if got.size < FEW_OTHERS:
        return None
    mid = float(np.median(got))
    return None if mid >= float(got.max()) else mid
