"""How `hatbox box-pack` says installed packs' held-out scores: with what a tagger's stands on ("macro-F1 0.98 on 12
files", from the box's ``held_out``), and, where packs of one name are listed together, whether one scored better
by the rule a training uses (:func:`hatbox.score_rules.level_margin`, :func:`hatbox.score_rules.words_differ`).

Forty-ninth stop's regression QA ("month2"): the list showed "mywords 0.1.1 ... macro-F1 0.982" beside the active
"0.1.4 ... macro-F1 0.892"; those stood on 12 and 11 held-out files and the two packs give other words, and neither
was said, so 0.1.1 read as the better pack.  Light at import: hatbox.replaced and device are imported when used."""
from __future__ import annotations

from typing import Any

from hatbox.box_client import safe_text
from hatbox.text import count_words, number_words

MACRO_F1 = "holdout_macro_f1"       # the tagger's headline score (device.store_layout.MACRO_F1: a test checks)


def held_out(pack: dict[str, Any]) -> int | None:
    """How many held-out files ``pack``'s (its GET /packs entry) tagger score stands on: the box's ``held_out``
    (its manifest's metrics' holdout_items); None where the box does not say (a pack installed before the
    forty-ninth stop, an older box, not a tagger)."""
    n = pack.get("held_out")
    return n if isinstance(n, int) and not isinstance(n, bool) and n > 0 else None


def _count(pack: dict[str, Any], key: str) -> int | None:
    """``pack``'s ``key`` when it is a whole number >= 0 (not a bool), else None (not said: an older box or pack)."""
    n = pack.get(key)
    return n if isinstance(n, int) and not isinstance(n, bool) and n >= 0 else None


def scored_words(pack: dict[str, Any]) -> int | None:
    """How many words a tagger's macro-F1 is the mean over, as the box keeps it (``scored_words``, since the
    fifty-first stop's review; 0: no held-out score); None where it does not say."""
    return _count(pack, "scored_words")


def f1_per_word(pack: dict[str, Any]) -> dict[str, float] | None:
    """A tagger's held-out F1 of each word its macro-F1 is over, as the box keeps it (``f1_per_word``); None where
    it does not say."""
    from device.store_layout import scored_f1
    return scored_f1({"holdout_f1_per_word": pack.get("f1_per_word")})


def words_of(pack: dict[str, Any]) -> tuple[str, ...]:
    """A tagger's words as the box lists them (``words``); () where it does not say."""
    words = pack.get("words")
    return tuple(str(w) for w in words) if isinstance(words, list) else ()


def _scores(pack: dict[str, Any]) -> dict[str, float]:
    """``pack``'s headline scores (``scores``), the numbers only, less a tagger's macro-F1 that is no score
    (:func:`no_score`)."""
    scores = pack.get("scores") if isinstance(pack.get("scores"), dict) else {}
    out = {k: float(v) for k, v in scores.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}
    if no_score(pack):
        out.pop(MACRO_F1, None)
    return out


def no_score(pack: dict[str, Any]) -> bool:
    """Whether ``pack`` (its GET /packs entry) is a tagger with held-out files and no held-out score: none listed
    (since the fifty-first stop a tagger that could score no word on them stores none), ``scored_words`` 0, or,
    where the box keeps no such count (a pack trained or installed before the fifty-first stop's review), a
    macro-F1 of exactly 0 (what such a pack stored before), by device.store_layout.no_held_out_score's rule: a
    macro-F1 of 0 over counted words is a real score, listed and compared."""
    from device.store_layout import MACRO_F1 as KEY, SCORED_WORDS, no_held_out_score
    if pack.get("kind") != "tagger":
        return False
    scores = pack.get("scores") if isinstance(pack.get("scores"), dict) else {}
    if MACRO_F1 not in scores or _none_held(pack):     # fifty-first stop's QA: a tagger none of whose words could
        return True                                     # keep files aside was listed with no word of a score
    scored = scored_words(pack)
    return no_held_out_score({"holdout_items": held_out(pack), KEY: scores.get(MACRO_F1),
                              **({SCORED_WORDS: scored} if scored is not None else {})})


def _none_held(pack: dict[str, Any]) -> bool:
    """Whether the box says ``pack`` kept no file aside (``held_out`` 0: written since the fifty-first stop)."""
    n = pack.get("held_out")
    return isinstance(n, int) and not isinstance(n, bool) and n == 0


def no_score_words(pack: dict[str, Any]) -> str:
    """What `hatbox box-pack` lists for a tagger with :func:`no_score`: "macro-F1: no held-out score (none of its 4
    held-out files carries any of its words)"; a stored 0: "macro-F1 0 on 4 files (not compared: ...)"; none held
    out (or no held-out figure at all): "macro-F1: no held-out score (no file was held out to score it on)"."""
    n = held_out(pack)
    scores = pack.get("scores") if isinstance(pack.get("scores"), dict) else {}
    if n is None:
        return "macro-F1: no held-out score (no file was held out to score it on)"
    if MACRO_F1 in scores and scored_words(pack) is None:
        from hatbox.cmd_pack import OLD_ZERO
        return f"macro-F1 0 on {count_words(n, 'file')} (not compared: {OLD_ZERO})"
    return f"macro-F1: no held-out score (none of its {count_words(n, 'held-out file')} carries any of its words)"


def f1_words(value: float, n: int | None) -> str:
    """A macro-F1 with what it stands on: "0.98 on 12 files" (two decimals: a few held-out files cannot tell a
    third one), "0.982 (held-out files not said)" where the count is not known."""
    return f"{value:.2f} on {count_words(n, 'file')}" if n else f"{number_words(value)} (held-out files not said)"


def score_words(pack: dict[str, Any]) -> list[str]:
    """``pack``'s scores as `hatbox box-pack` lists them: "macro-F1 0.98 on 12 files", "held-out error 0.0123"."""
    from device.store_layout import SCORE_WORDS
    scores = _scores(pack)
    return [f"{words} {f1_words(scores[k], held_out(pack)) if k == MACRO_F1 else number_words(scores[k])}"
            for k, words in SCORE_WORDS.items() if k in scores] + ([no_score_words(pack)] if no_score(pack) else [])


def words_line(pack: dict[str, Any], shown: int = 40) -> str:
    """"  words (12): airy, dusty, ..." for a tagger whose words the box lists; "" otherwise (`box-pack ID`)."""
    words = words_of(pack)
    if not words:
        return ""
    more = f" and {len(words) - shown} more" if len(words) > shown else ""
    return f"  words ({len(words)}): {', '.join(safe_text(w) for w in words[:shown])}{more}"


def compare_notes(packs: list[dict[str, Any]]) -> list[str]:
    """One line for each other pack of a name that several taggers with a macro-F1 share, set against the active
    one (else the newest): better only when the difference passes :func:`hatbox.score_rules.level_margin` on the
    smaller held-out count; level below it; not like for like when their words differ; neither better when a count
    is not said.  [] when no two such packs share a name."""
    from device.versions import folded, newness
    from hatbox.pack_names import twinned
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for p in packs:
        if MACRO_F1 in _scores(p):
            groups.setdefault((folded(str(p.get("name", ""))), str(p.get("kind", ""))), []).append(p)
    lines = []
    for group in groups.values():
        if len(group) < 2:
            continue
        ref = next((p for p in group if p.get("active")), None) or max(group, key=newness)
        ids = bool(twinned(group))      # twins: a version cannot tell them apart (none listed: no twins)
        lines += [_compared(ref, p, ids) for p in sorted(group, key=newness, reverse=True) if p is not ref]
    return lines


def _named(pack: dict[str, Any], ids: bool = False) -> str:
    """"mywords 0.1.4 (active)"; with ``ids`` (packs of one version are compared: p53 QA, two alike lines with no
    ids), "mywords 0.1.4 (3535ee245dc9, active)" (hatbox.pack_names.short_id)."""
    from hatbox.pack_names import short_id
    said = [w for w in (short_id(pack) if ids else "", "active" if pack.get("active") else "") if w]
    return (f"{safe_text(pack.get('name', '?'))} {safe_text(pack.get('version', '?'))}"
            + (f" ({', '.join(said)})" if said else ""))


def _version(pack: dict[str, Any], ids: bool = False) -> str:
    """"0.1.1"; with ``ids``, "0.1.1 3535ee245dc9" (packs of one version compared)."""
    from hatbox.pack_names import short_id
    return safe_text(pack.get("version", "?")) + (f" {short_id(pack)}" if ids else "")


def _compared(ref: dict[str, Any], other: dict[str, Any], ids: bool = False) -> str:
    """How ``other``'s macro-F1 stands against ``ref``'s (two packs of one name), by training's rule: like for like
    (:func:`_basis`), level within :func:`hatbox.score_rules.level_margin` of what they stand on
    (:func:`hatbox.score_rules.stands_on`: the held-out words where the box keeps both counts, else the files);
    ``ids``: each pack named with its short id (:func:`_named`)."""
    from hatbox.score_rules import level_margin, stands_on
    a, b = _scores(ref)[MACRO_F1], _scores(other)[MACRO_F1]
    na, nb = held_out(ref), held_out(other)
    head = (f"note: {_named(other, ids)} macro-F1 {f1_words(b, nb)}, {_named(ref, ids)} {f1_words(a, na)}: ")
    basis = _basis(ref, other, (a, b), ids)
    if isinstance(basis, str):
        return head + basis
    a, b, over = basis
    if na is None or nb is None:
        return head + over + "the box does not say how many held-out files one stands on: neither reads as better"
    n, on = stands_on(min(na, nb), (_count(ref, "held_labels"), _count(other, "held_labels")))
    if abs(a - b) < level_margin(n):
        return head + over + f"level: {on} cannot tell them apart (a difference under {level_margin(n):.2f})"
    better = other if b > a else ref
    return head + over + f"{_named(better, ids)} scored better (beyond the {level_margin(n):.2f} {on} can tell)"


def _basis(ref: dict[str, Any], other: dict[str, Any], scores: tuple[float, float],
           ids: bool = False) -> tuple[float, float, str] | str:
    """What two packs' macro-F1s (``scores``: ``ref``'s, ``other``'s) are compared by, as a retrain compares them
    (:func:`hatbox.score_rules.like_for_like`): (``ref``'s, ``other``'s, words said of it: "" for their own scores);
    the words of why they are not like for like when they are not (their words differ and a pack does not say the
    F1 of each word it scored, or they scored no word in common).  Fifty-first stop's review: box-pack called two
    retrains whose words differ only by words with nothing held out "not like for like", which a training
    compared.  ``ids``: versions said with short ids (:func:`_version`)."""
    from hatbox.score_rules import like_for_like, words_differ
    mine, theirs = _version(other, ids), _version(ref, ids)
    differ = words_differ(words_of(ref), words_of(other))
    f1 = (f1_per_word(ref), f1_per_word(other))
    got = like_for_like(scores, f1, bool(differ))
    if got is None and differ:
        return (f"{mine}'s words differ from {theirs}'s ({safe_text(differ)}): scores over other "
                "words, not like for like")
    if got is None:
        return "they scored no held-out word in common: not like for like"
    if not got[2]:
        same = f"over the same {count_words(len(f1[0] or ()), 'word')} (the others had none held out): "
        return got[0], got[1], same if differ else ""
    return got[0], got[1], (f"over the {count_words(got[2], 'word')} both scored on held-out files, "
                            f"{mine} {got[1]:.2f} and {theirs} {got[0]:.2f}: ")
