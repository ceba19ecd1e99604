"""Words of the training data that look like a slip of a more used one ("'metalic' (1, boxfixes.csv: line 4): did you
mean 'metallic' (11)?"), said before training (fifty-first stop's QA), with where each is (a CSV's lines, a tag folder)
and the fix that fits that source: the CSV's line, the folder's name, or `--rename-word` in the library a corrections
CSV was exported from (fifty-third stop's QA, T2).  trainer.tagger.pipeline re-exports these names."""
from __future__ import annotations

import shlex
from pathlib import Path

from hatbox.text import count_words
from trainer.tagger.data import Item, tag_counts
from trainer.tagger.word_places import EXPORTED, FOLDER, OWN_CSV, kind_of, word_places

SLIPS_SHOWN = 5
PLACES_SHOWN = 3        # places named for one slip
RENAMES_SHOWN = 3       # --rename-word commands given


def slips_warning(items: list[Item]) -> str:
    """A warning naming the words of ``items`` that look like a slip of a more used one ("'metalic' (1, boxfixes.csv:
    line 4): did you mean 'metallic' (5)?"), by the rule `hatbox library fix` says a new word is a slip by
    (hatbox.library_words.slip_of: the same but for case, spaces, punctuation, a doubled letter or one edit), each
    with the CSV lines or folder holding it; "" when none does (fifty-first stop's QA: "metalic" beside "metallic"
    trained as a word of its own, unsaid).  The hint fits the sources (:func:`_slip_hint`)."""
    counts = tag_counts(items)
    pairs = _slips(counts)
    if not pairs:
        return ""
    said = [f"'{word}' ({counts[word]}{_where(items, word)}): did you mean '{near}' ({counts[near]})?"
            for word, near in pairs[:SLIPS_SHOWN]]
    rest = f"; and {len(pairs) - SLIPS_SHOWN} more" if len(pairs) > SLIPS_SHOWN else ""
    hint = _slip_hint(pairs, _slip_sources(items, pairs))
    return (f"warning: {count_words(len(pairs), 'word looks', 'words look')} like a slip of another: "
            f"{'; '.join(said)}{rest}\n  hint: if so, give those files the one spelling ({hint}) "
            "and train again: the tagger learns each spelling as a word of its own")


def _slips(counts: dict[str, int]) -> list[tuple[str, str]]:
    """[(word, the more used word it looks like a slip of)], rarest words first; ``counts``: {word: files carrying
    it} (tag_counts)."""
    from hatbox.library_words import slip_of
    rank = {w: i for i, w in enumerate(sorted(counts, key=lambda t: -counts[t]))}   # sorted once, most used first
    near_of = _near_words(list(counts))
    pairs = []
    for word in sorted(counts, key=lambda t: (counts[t], t)):
        more = {w: counts[w] for w in sorted(near_of[word], key=rank.__getitem__)
                if counts[w] > counts[word] or counts[w] == counts[word] and w < word}
        near = slip_of(word, [], more) if more else ""
        if near:
            pairs.append((word, near))
    return pairs


def _where(items: list[Item], word: str) -> str:
    """", boxfixes.csv: line 4" (the places of ``word``, :func:`word_places`), "" when none is known."""
    places = word_places(items, word)
    more = f" and {len(places) - PLACES_SHOWN} more" if len(places) > PLACES_SHOWN else ""
    return f", {'; '.join(places[:PLACES_SHOWN])}{more}" if places else ""


def _slip_sources(items: list[Item], pairs: list[tuple[str, str]]) -> dict[str, dict[Path, str]]:
    """Each slip of ``pairs`` -> its sources (word_places.word_sources: in order of first appearance) -> the kind of
    each (word_places.kind_of), in one pass over ``items``, each source's kind read once (it reads the CSV's first
    line)."""
    sources: dict[str, dict[Path, str]] = {word: {} for word, _ in pairs}
    for it in items:
        for word in it.tags:
            if word in sources and it.source is not None:
                sources[word][it.source] = ""
    kinds = {src: kind_of(src) for src in dict.fromkeys(src for got in sources.values() for src in got)}
    return {word: {src: kinds[src] for src in got} for word, got in sources.items()}


def _slip_hint(pairs: list[tuple[str, str]], sources: dict[str, dict[Path, str]]) -> str:
    """How to give the files of the slips ``pairs`` the one spelling, for the sources holding them (``sources``:
    :func:`_slip_sources`): fix the CSV's lines, rename the folder, or rename each word in the library a corrections
    CSV came from and export it again."""
    kinds = {kind for got in sources.values() for kind in got.values()}
    steps = []
    if OWN_CSV in kinds:
        steps.append("fix those lines of the CSV")
    if FOLDER in kinds:
        steps.append("rename the folder")
    if EXPORTED in kinds:
        steps.append(_rename_step(pairs, sources))
    return "; ".join(steps) if steps else "fix the CSV or rename the folder"


def _rename_step(pairs: list[tuple[str, str]], sources: dict[str, dict[Path, str]]) -> str:
    """The `--rename-word` of each of ``pairs`` that an exported corrections CSV gives (one command a pair, up to
    :data:`RENAMES_SHOWN`; p53's final read: only the first slip got its command), then the export again."""
    exported = {word: [s for s, kind in sources[word].items() if kind == EXPORTED] for word, _ in pairs}
    renames = [(shlex.quote(word), shlex.quote(near)) for word, near in pairs if exported[word]]
    srcs = " and ".join(shlex.quote(str(s)) for s in dict.fromkeys(s for got in exported.values() for s in got))
    if len(renames) == 1:
        (word, near), = renames
        return (f"for corrections exported from a library, rename the word there: hatbox library fix DB "
                f"--rename-word {word} {near}, or hatbox box-library ID --rename-word {word} {near} for a box's "
                f"library, then export {srcs} again")
    said = ", ".join(f"hatbox library fix DB --rename-word {word} {near}" for word, near in renames[:RENAMES_SHOWN])
    more = f" and {len(renames) - RENAMES_SHOWN} more" if len(renames) > RENAMES_SHOWN else ""
    return (f"for corrections exported from a library, rename each word there, one command a word: {said}{more} "
            f"(hatbox box-library ID --rename-word OLD NEW for a box's library), then export {srcs} again")


def _near_words(words: list[str]) -> dict[str, set[str]]:
    """Each of ``words`` -> the others that may be a slip of it or it of them (hatbox.library_words.slip_of): those
    sharing a key of :func:`_slip_keys`, a superset of slip_of's matches (a test checks it), so that each word is
    compared with a few, not all (fifty-first stop's final reading: 1,500 words took 15.6 s)."""
    by_key: dict[str, set[str]] = {}
    for w in words:
        for key in _slip_keys(w):
            by_key.setdefault(key, set()).add(w)
    return {w: set().union(*(by_key[k] for k in _slip_keys(w))) - {w} for w in words}


def _slip_keys(word: str) -> set[str]:
    """Keys two words that slip_of calls alike share: the word without case, spaces and punctuation (a slip but for
    those), that with each run of one letter made one (a doubled letter), and that with one letter dropped (one
    letter added, dropped, changed, or two neighbours swapped)."""
    bare = "".join(c for c in word.casefold() if c.isalnum())
    single = "".join(c for i, c in enumerate(bare) if i == 0 or bare[i - 1] != c)
    return {"=" + bare, "1" + single} | {"=" + bare[:i] + bare[i + 1:] for i in range(len(bare))}
