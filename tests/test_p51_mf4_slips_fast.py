"""The slip warning compares each word with the few that may be a slip of it, not all (fifty-first stop's final
reading, MF4 6: it re-sorted and compared every word per word, 1,500 words 15.6 s), and says what it said before."""
from __future__ import annotations

import random
import string
from pathlib import Path

import hatbox.library_words as library_words
from hatbox.library_words import slip_of
from trainer.tagger.data import Item, tag_counts
from trainer.tagger.pipeline import _near_words, slips_warning


def _words(n: int, seed: int = 0) -> list[str]:
    """``n`` random words with slips among them: a case or punctuation change, a doubled letter, one edit."""
    rng = random.Random(seed)
    words = ["".join(rng.choice("abcdeklmorst") for _ in range(rng.randint(3, 7))) for _ in range(n)]
    slips = [rng.choice([w.upper(), w + "-", w[0] + w, w[1:], w[:1] + "x" + w[2:], w[1] + w[0] + w[2:],
                         w + "s", "a" + w[1:]]) for w in words[: n // 2]]
    return list(dict.fromkeys(words + slips))


def test_near_words_hold_every_word_slip_of_finds() -> None:
    words = _words(300)
    near = _near_words(words)
    for w in words:
        for other in words:
            if other != w and slip_of(w, [], {other: 1}):
                assert other in near[w], (w, other)


def test_the_warning_is_the_one_of_every_pair_compared() -> None:
    rng = random.Random(1)
    items = [Item(Path(f"/x/{w}{i}.wav"), (w,)) for w in _words(120, seed=2) for i in range(rng.randint(1, 4))]
    assert slips_warning(items).split("\n")[0] == _every_pair(items) != ""


def _every_pair(items: list[Item]) -> str:
    """slips_warning as it was before the fix (every word against every more used one), for the comparison."""
    counts = tag_counts(items)
    slips = []
    for word in sorted(counts, key=lambda t: (counts[t], t)):
        more = {w: n for w, n in counts.items() if n > counts[word] or n == counts[word] and w < word}
        near = slip_of(word, [], dict(sorted(more.items(), key=lambda wn: -wn[1])))
        if near:
            slips.append(f"'{word}' ({counts[word]}): did you mean '{near}' ({counts[near]})?")
    rest = f"; and {len(slips) - 5} more" if len(slips) > 5 else ""
    return ("" if not slips else f"warning: {len(slips)} word{'s look' if len(slips) > 1 else ' looks'} like a slip of "
            f"another: {'; '.join(slips[:5])}{rest}")


def test_each_word_is_compared_with_a_few(monkeypatch) -> None:
    sizes: list[int] = []

    def spy(tag: str, words: list[str], used: dict[str, int], bare_only: bool = False) -> str:
        sizes.append(len(used))
        return slip_of(tag, words, used, bare_only)

    monkeypatch.setattr(library_words, "slip_of", spy)
    words = sorted({"".join(random.Random(i).choice(string.ascii_lowercase) for _ in range(8)) for i in range(300)})
    slips_warning([Item(Path(f"/x/{w}.wav"), (w,)) for w in words])
    assert max(sizes, default=0) <= 3, max(sizes)          # was up to 299: every other word
