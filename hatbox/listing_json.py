"""The library listings' --json rows, one shape for the laptop's `hatbox library query` and the box's `hatbox
box-library` (p47 QA: the same listing came as {path, score, yours} from one and {path, score, corrected, by, by_you}
from the other, guesses as objects from one and as pairs from the other), and the word on stderr when a --json
listing is not every file.

The rows (keys added over time, none taken away: scripts read them):
- a tag's files: ``{path, score, yours, corrected}`` (+ ``by``, ``by_you`` from the box): ``corrected``, a person's
  tag rather than the tagger's; ``yours``, made by you (on the box: by this laptop's pairing, or one the box does not
  know the maker of, as the text listing's "yours" column says);
- "more like this": ``{path, score, closeness, yours}``: ``closeness`` 0-100 (device/library/closeness.py, the figure
  the text listings print; null where the library has no spread to read against, left out by a box from before
  closeness), ``score`` the cosine, ``yours`` always false (a similarity is no one's tag; kept for the scripts that
  read it: p51 QA B2 found the box's rows without the closeness the box sent, and only ``yours``);
- the least sure: ``{path, margin, guesses: [{tag, score}], exclusive, in_doubt}``;
- the untagged: ``{path, best_guess, score}``, and ``none``/``yours`` (true for a file marked none of the words,
  listed last: hatbox.query_lines, hatbox.library_browse.json_answer, p53).
Scores and margins are rounded to :data:`DECIMALS` places on both."""
from __future__ import annotations

import sys
from typing import Any, Iterable

from hatbox.listing import cut_line

DECIMALS = 4


def _round(value: Any) -> Any:
    """``value`` rounded to :data:`DECIMALS` places when it is a number (a bool or anything else as it is)."""
    return round(float(value), DECIMALS) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


def tag_row(path: str, score: float, corrected: bool, yours: bool | None = None) -> dict[str, Any]:
    """A file under a tag (``yours`` None: ``corrected``, the laptop's own library, where every correction is the
    producer's)."""
    return {"path": path, "score": _round(score), "yours": corrected if yours is None else yours,
            "corrected": corrected}


def box_tag_row(hit: dict[str, Any]) -> dict[str, Any]:
    """A file of GET /libraries/{id}/tags/{tag} (with ``by`` and ``by_you``) as :func:`tag_row` has it, the box's
    other fields kept."""
    corrected = bool(hit.get("corrected"))
    return {**hit, **tag_row(str(hit.get("path")), hit.get("score", 0.0), corrected,
                             corrected and hit.get("by_you") is not False)}


UNSAID = object()        # like_row: no closeness given (a reader that does not know it): the row has none


def like_row(path: str, score: float, closeness: int | None | object = UNSAID) -> dict[str, Any]:
    """A file of "more like this": ``closeness`` its 0-100 (None: none, null in JSON; :data:`UNSAID`: not known,
    left out of the row)."""
    row: dict[str, Any] = {"path": path, "score": _round(score)}
    if closeness is not UNSAID:
        row["closeness"] = int(closeness) if isinstance(closeness, (int, float)) and not isinstance(closeness, bool) \
            else None
    return {**row, "yours": False}


def box_like_row(hit: dict[str, Any]) -> dict[str, Any]:
    """A file of GET /libraries/{id}/similar as :func:`like_row` has it, the box's other fields kept, its
    ``closeness`` too (left out only where the box sent none: a box from before closeness)."""
    near = hit["closeness"] if "closeness" in hit else UNSAID
    return {**hit, **like_row(str(hit.get("path")), hit.get("score", 0.0), near)}


def guesses(pairs: Iterable[Any]) -> list[dict[str, Any]]:
    """A file's guesses as ``[{"tag", "score"}]``, from (tag, score) pairs (the laptop's, and the box's JSON arrays)
    or objects already."""
    out = []
    for g in pairs:
        tag, score = (g.get("tag"), g.get("score")) if isinstance(g, dict) else (g[0], g[1])
        out.append({"tag": tag, "score": _round(score)})
    return out


def unsure_row(path: str, margin: float, pairs: Iterable[Any], exclusive: bool, in_doubt: str) -> dict[str, Any]:
    """A file the tagger was unsure of: ``in_doubt`` the tag nearest its threshold ("" for a tagger of one tag a
    file)."""
    return {"path": path, "margin": _round(margin), "guesses": guesses(pairs), "exclusive": exclusive,
            "in_doubt": in_doubt}


def box_unsure_row(u: dict[str, Any]) -> dict[str, Any]:
    """A file of GET /libraries/{id}/unsure as :func:`unsure_row` has it, the box's other fields kept."""
    return {**u, **unsure_row(str(u.get("path")), u.get("margin", 0.0), u.get("guesses") or (),
                              bool(u.get("exclusive", True)), str(u.get("in_doubt") or ""))}


def untagged_row(path: str, best_guess: str, score: float, none: bool = False) -> dict[str, Any]:
    """A file the tagger heard and gave no tag, with its best guess; ``none`` and ``yours``: whether the producer
    marked the file none of the words (their own answer, listed last), or the tagger left it under no tag."""
    return {"path": path, "best_guess": best_guess, "score": _round(score), "none": none, "yours": none}


def box_untagged_row(u: dict[str, Any], none: bool = False) -> dict[str, Any]:
    """A file of GET /libraries/{id}/untagged (?nones=true: ``none``, one of the box's ``none`` rows) as
    :func:`untagged_row` has it, the box's other fields kept."""
    return {**u, **untagged_row(str(u.get("path")), str(u.get("best_guess") or ""), u.get("score", 0.0), none)}


def say_cut(shown: int, total: int | None) -> None:
    """On stderr (stdout holds the JSON, a terminal's too), when a --json listing of ``shown`` files is not every one
    of its ``total``: the text listing's words (``... the first 10 of 41: -k 41 lists them all``); ``total`` None:
    an older box that does not say how many there are, which gave ``shown``."""
    if total is None:
        print(f"note: these are the first {shown}; this box does not say how many there are (an older box: update "
              "it to list them all)", file=sys.stderr)
    elif total > shown:
        print(cut_line(shown, total), file=sys.stderr)
