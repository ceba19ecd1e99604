"""Where a training sample's words come from, as the tagger's warnings say it (fifty-third stop's QA, T2): the CSV and
its lines ("mywords.csv: line 10"), or the tag folders of a tree; and whether a CSV is the producer's own or one
hatbox wrote of a library's corrections (`hatbox library export`, `hatbox box-library ID --export-fixes`), whose
words are changed in the library, not in the CSV.  Torch-free; reads at most a CSV's first line."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trainer.tagger.data import Item

FOLDER, OWN_CSV, EXPORTED, UNKNOWN = "folder", "csv", "exported", ""


def kind_of(source: Path | None) -> str:
    """What training source ``source`` is: :data:`FOLDER` (a tree of tag folders), :data:`EXPORTED` (a corrections
    CSV hatbox wrote: device.library.fixes_csv.written_by_hatbox), :data:`OWN_CSV`, or :data:`UNKNOWN` (None: an
    item made without one)."""
    if source is None:
        return UNKNOWN
    if source.is_dir():
        return FOLDER
    from device.library.fixes_csv import written_by_hatbox
    return EXPORTED if written_by_hatbox(source) else OWN_CSV


def source_words(source: Path, kind: str) -> str:
    """A source of ``kind`` (:func:`kind_of`) as a warning names it: "mywords.csv", "fixes.csv (corrections exported
    from a library)", "folder tags/"."""
    if kind == FOLDER:
        return f"folder {source}/"
    return f"{source} (corrections exported from a library)" if kind == EXPORTED else str(source)


def lines_words(numbers: list[int], shown: int = 6) -> str:
    """"line 4", "lines 3, 9 and 12", "lines 3, 9, 12, 20, 31, 40 and 4 more"."""
    numbers = sorted(set(numbers))
    head: list[object] = list(numbers[:shown])
    if len(numbers) > shown:
        head.append(f"{len(numbers) - shown} more")
    return f"line{'s' if len(numbers) > 1 else ''} {and_words(head)}"


def and_words(parts: list) -> str:
    """``parts`` (each as str() writes it) joined as said: "", "2", "2 and 5", "2, 5 and 9"."""
    shown = [str(k) for k in parts]
    return ", ".join(shown[:-1]) + " and " + shown[-1] if len(shown) > 1 else "".join(shown)


def word_places(items: list[Item], word: str) -> list[str]:
    """Where the files of ``items`` carrying ``word`` got it, one entry per source in order of first appearance:
    "mywords.csv: lines 4 and 9" (the lines of that CSV giving the word: :func:`item_word_lines`), "folder
    tags/metalic/"; sources not known are left out."""
    lines: dict[Path, list[int]] = {}
    for it in items:
        if word in it.tags and it.source is not None:
            lines.setdefault(it.source, []).extend(item_word_lines(it, word))
    return [(f"folder {src / word}/" if src.is_dir() else
             f"{src}: {lines_words(numbers)}" if numbers else str(src)) for src, numbers in lines.items()]


def word_sources(items: list[Item], word: str) -> list[Path]:
    """The sources (in order of first appearance) of the files of ``items`` that carry ``word``."""
    return list(dict.fromkeys(it.source for it in items if word in it.tags and it.source is not None))


def item_word_lines(item: Item, word: str) -> tuple[int, ...]:
    """The CSV lines giving ``item`` ``word`` (not another line listing the same file with another word: p53's
    final read); all its lines when not known (an item made without them)."""
    return item.word_lines.get(word, item.lines)


def words_lines(item: Item) -> tuple[int, ...]:
    """The CSV lines giving ``item`` any of its words, sorted (a `path,` line listing it with none left out)."""
    return tuple(sorted({k for w in item.tags for k in item_word_lines(item, w)}))
