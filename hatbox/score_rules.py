"""The rule by which two packs' held-out scores are compared, a retrain's summary (hatbox/replaced.py) and
`hatbox box-pack`'s list (hatbox/pack_scores.py) alike: what they are taken over (:func:`like_for_like`, their words
:func:`words_differ`), and when a difference is within what the held-out files can tell (:func:`level_margin` on
what they stand on, :func:`stands_on`); which packs have no held-out score to compare (:func:`unscored`, why:
:func:`no_score_why`).  Pure and light: no pack is read here (split from hatbox/replaced.py at the fifty-second
stop)."""
from __future__ import annotations

from typing import Any

TRAIN_SET_SCORE = "train_set_mrstft"    # a synth with no held-out notes: its distance on its own training notes


def like_for_like(scores: tuple[float, float], per_word: tuple[dict[str, float] | None, dict[str, float] | None],
                  differ: bool) -> tuple[float, float, int] | None:
    """What two tagger packs' held-out ``scores`` (older's, newer's macro-F1) are compared by, given each one's F1
    of each word it scored (``per_word``, None where a pack does not say) and whether their words ``differ``:
    (older's, newer's, 0) their scores when they were taken over the same words (the same scored words where both
    packs name them: fifty-first stop's QA, two new words with nothing held out made a like-for-like retrain "not
    like for like"; else the same words of the packs); the mean F1 over the words both scored where those differ
    and both packs name them, with how many they are; None when nothing is like for like (words differ and a pack
    does not name its scored words, or they share none).  A training's retrain and `hatbox box-pack` both."""
    before, now = per_word
    if before is None or now is None:
        return None if differ else (*scores, 0)
    if set(before) == set(now):
        return (*scores, 0)
    shared = sorted(set(before) & set(now))
    if not shared:
        return None
    return sum(before[w] for w in shared) / len(shared), sum(now[w] for w in shared) / len(shared), len(shared)


def words_differ(before: tuple[str, ...], now: tuple[str, ...], shown: int = 8) -> str:
    """The words (a tagger's tags) one pack has and the other has not: "+ lofi, airy; - dusty, glitch" (new ones
    first, in the new pack's order); "" when they are the same set, or either pack names none (effects, synths)."""
    if not before or not now or set(before) == set(now):
        return ""
    plus, minus = [w for w in now if w not in before], [w for w in before if w not in now]
    return "; ".join(f"{sign} {_listed(ws, shown)}" for sign, ws in (("+", plus), ("-", minus)) if ws)


def _listed(words: list[str], shown: int) -> str:
    """``words`` joined with ", ", the first ``shown`` of them and how many more."""
    return ", ".join(words[:shown]) + (f" and {len(words) - shown} more" if len(words) > shown else "")


LEVEL_SPREAD = 1.0      # level_margin(n) = LEVEL_SPREAD / sqrt(n)


def level_margin(n: int) -> float:
    """The smallest difference of two held-out scores (macro-F1, 0..1) on ``n`` files each that is called better or
    worse: 1 / sqrt(n), about two standard errors of the difference of two such scores near 0.85 (each file a chance
    of being right: sqrt(2 * 0.85 * 0.15 / n) = 0.5 / sqrt(n); macro-F1 over few files per word varies more than
    that, and at one standard error two equally good taggers were called better or worse 33-42 % of the time:
    forty-ninth stop's review).  12 files: 0.29; 30: 0.18; 100: 0.1; 400: 0.05."""
    return LEVEL_SPREAD / max(n, 1) ** 0.5


def stands_on(files: int, labels: tuple[int | None, int | None]) -> tuple[int, str]:
    """(what two taggers' scores stand on, for :func:`level_margin`; its words), from their held-out ``files`` (the
    smaller count) and held-out words (``labels``, each word on each held-out file; None where a pack does not count
    them): the smaller of the words where both count them and they are more than the files, else the files.
    Fifty-first stop's QA: a tagger of several words per file scores each of them on each file, and its macro-F1
    varies as 1 / sqrt(those), not of the files; by the files (7: a margin of 0.38) a drop of 0.91 to 0.56 read
    "level" (in simulation two equally good taggers of 7 files of 3 to 4 words part by 1 / sqrt(words) some 5 % of
    the time, as one-word taggers do by 1 / sqrt(files))."""
    got = [n for n in labels if n]
    if len(got) == 2 and min(got) > files:
        return min(got), f"{count_files(files)} ({min(got)} words on them)" if files else f"{min(got)} held-out words"
    return files, count_files(files)


def count_files(n: int) -> str:
    """"12 held-out files"."""
    from hatbox.text import count_words
    return count_words(n, "held-out file")


def unscored(kind: str, metrics: Any) -> bool:
    """Whether a pack of ``kind`` with ``metrics`` has no held-out score to compare: a tagger none of whose held-out
    files carries any of its words, or none was held out (device.store_layout.no_held_out_score), or, a tagger
    trained before the fifty-first stop (its ``train_items``), no held-out figure at all (nothing could be held out:
    every word too rare); a synth that held no note out (``heldout_notes`` 0: it scored its training notes,
    ``train_set_*``; fifty-second stop's QA: a retrain of one compared nothing and said nothing).  A pack with no
    training figures (made otherwise) is not said to lack one."""
    from device.store_layout import MACRO_F1, no_held_out_score
    if not isinstance(metrics, dict):
        return False
    if kind == "synth":
        return _synth_unscored(metrics)
    if kind != "tagger":
        return False
    return no_held_out_score(metrics) or ("train_items" in metrics and MACRO_F1 not in metrics)


def _synth_unscored(metrics: dict[str, Any]) -> bool:
    """A synth's metrics with no held-out distance where its trainer says no note was held out."""
    held, score = metrics.get("heldout_notes"), metrics.get("heldout_mrstft")
    if isinstance(score, (int, float)) and not isinstance(score, bool):
        return False
    none_held = isinstance(held, int) and not isinstance(held, bool) and held == 0
    return none_held or metrics.get("eval_set") == "train_set"


def no_score_why(metrics: Any, kind: str = "tagger") -> str:
    """Why a pack (:func:`unscored`) has no held-out score, in words: a synth's "no note was held out to score it
    on"; a tagger's "no file was held out to score it on" (:func:`device.store_layout.nothing_held_out`, or no
    held-out count at all), else "none of its held-out files carries any of its words"."""
    from device.store_layout import nothing_held_out
    if kind == "synth":
        return "no note was held out to score it on" + (": --no-holdout" if isinstance(metrics, dict) and
                                                        metrics.get("no_holdout") else "")
    if nothing_held_out(metrics) or not isinstance(metrics, dict) or "holdout_items" not in metrics:
        return "no file was held out to score it on"
    return "none of its held-out files carries any of its words"


def train_set_score(metrics: Any) -> float | None:
    """A synth's distance on its own training notes (:data:`TRAIN_SET_SCORE`), None where it has none: said beside
    "not compared", never compared (the notes a pack trained on say nothing of the notes it did not)."""
    value = metrics.get(TRAIN_SET_SCORE) if isinstance(metrics, dict) else None
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None
