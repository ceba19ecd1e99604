"""The warning when a few training files carry several words and the rest one (:func:`mixed_tags_warning`): those few
alone make the tagger multi-label.  It names where those files' words come from (a CSV and its lines, a library's
exported corrections, the tag folders of a tree) and gives the hint that fits that source (fifty-third stop's QA,
T2: a producer's own CSV with several words on purpose on 10 rows was told to run `hatbox library fix`).
trainer.tagger.data re-exports it; this module imports nothing of data at import time."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from hatbox.text import count_words
from trainer.tagger.word_places import (EXPORTED, FOLDER, OWN_CSV, UNKNOWN, kind_of, lines_words, source_words,
                                        words_lines)

if TYPE_CHECKING:
    from trainer.tagger.data import Item

MOSTLY_ONE_TAG = 0.25       # when fewer than this share of the files carry several tags, those few are likely slips


def mixed_tags_warning(items: list[Item], shown: int = 3) -> str:
    """A warning when a few of ``items`` carry several tags and the rest one ('' otherwise): those few alone make
    the tagger multi-label (a yes or no per tag, any number of tags per file, no statistics head), as a
    correction giving one file two tags (`hatbox library fix DB FILE hihat open-hat`, then `library export`) does,
    or a CSV with several words on a few lines.  It names the sources and lines (or folders) of those files, what
    multi-label costs, that it is fine when meant, and a hint fitting each source (:func:`_hint`)."""
    items = [it for it in items if it.tags]         # a file with none of the words is neither
    several = [it for it in items if len(it.tags) > 1]
    if not several or len(several) >= MOSTLY_ONE_TAG * len(items):
        return ""
    named = "; ".join(f"{it.path}: {', '.join(it.tags)}" for it in several[:shown])
    more = f"; and {len(several) - shown} more" if len(several) > shown else ""
    groups = _by_source(several)
    kinds = {src: kind_of(src) for src in groups}          # each source's kind read once (a CSV's first line)
    given = "; ".join(_source_place(src, kinds[src], group) for src, group in groups.items() if src is not None)
    return (f"warning: {count_words(len(several), 'file carries', 'files carry')} several tags ({named}{more})"
            f"{f', given by {given},' if given else ''} and the other {len(items) - len(several)} one, so this "
            "tagger gives each tag a yes or no of its own (any number of tags per file) instead of one best tag, and "
            "without the statistics head that makes one-tag taggers more accurate; that is fine where files do "
            f"carry several words (dusty and 808 on one kick)\n  hint: {_hint(groups, kinds)}")


def _by_source(several: list[Item]) -> dict[Path | None, list[Item]]:
    """``several`` grouped by the source each came from, in order of first appearance (None: not known)."""
    groups: dict[Path | None, list[Item]] = {}
    for it in several:
        groups.setdefault(it.source, []).append(it)
    return groups


def _source_place(source: Path, kind: str, group: list[Item]) -> str:
    """Where ``group`` (files with several words) sits in ``source`` (of ``kind``: kind_of): "mywords.csv: lines 3,
    9 and 12"; "folder tags/ (2 files in several tag folders)"."""
    named = source_words(source, kind)
    if kind == FOLDER:
        return f"{named} ({count_words(len(group), 'file')} in several tag folders)"
    numbers = [k for it in group for k in words_lines(it)]
    return f"{named}: {lines_words(numbers)}" if numbers else named


def _hint(groups: dict[Path | None, list[Item]], kinds: dict[Path | None, str]) -> str:
    """What to do if each sample should have one word, by source (of ``kinds``: kind_of); and that nothing needs
    changing otherwise."""
    steps = [_step(src, kinds[src], group) for src, group in groups.items()]
    return ("if each sample should have one tag: " + "; ".join(dict.fromkeys(steps)) +
            "; if files may carry several, nothing needs changing")


def _step(source: Path | None, kind: str, group: list[Item]) -> str:
    """The fix of ``group`` (files with several words) in ``source`` (of ``kind``: kind_of) when each should have
    one."""
    that = "that file" if len(group) == 1 else "those files"
    if kind == OWN_CSV:
        return _own_csv_step(source, group)
    if kind == EXPORTED:
        return (f"give {that} one in the library it was exported from (hatbox library fix DB FILE TAG, or hatbox "
                f"box-library ID --fix PATH TAG for a box's library), then export {source} again")
    if kind == FOLDER:
        return f"leave {that} in one tag folder of {source}/"
    assert kind == UNKNOWN
    return (f"give {that} one (hatbox library fix DB FILE TAG, then export again, for a library's corrections; "
            "or its CSV line or tag folders)")


def _own_csv_step(source: Path, group: list[Item]) -> str:
    """The fix in the producer's own CSV ``source``: keep one word on a line holding several; a file whose words
    come from several lines (each maybe of one word) is listed on one line with one word (p53's final read: "keep
    one on those lines" was said of two lines of one word each)."""
    one_line = {k for it in group if len(words_lines(it)) == 1 for k in words_lines(it)}
    spread = [it for it in group if len(words_lines(it)) > 1]
    steps = [f"keep one on {'that line' if len(one_line) == 1 else 'those lines'} of {source}"] if one_line else []
    if spread:
        lines = lines_words([k for it in spread for k in words_lines(it)])
        steps.append(f"list {'that file' if len(spread) == 1 else 'each of those files'} on one line of {source} "
                     f"with one word ({lines})")
    return ", and ".join(steps) or f"keep one word a file in {source}"
