"""Tagged training data: a folder-per-tag tree or a CSV ``path,tag[,tag...]`` (multi-label).

Folder tree: ``ROOT/<tag>/**/<file>``; a file linked under several tag folders gets every tag.
CSV: one sample per row, the path first (absolute, or relative to the CSV's folder), then one or
more tags; blank lines and lines starting with ``#`` are ignored; a header row ``path,tag...`` is
allowed; the file is read as UTF-8 (with or without a BOM), else as Windows-1252 (what Excel on Windows
writes), with a note; then a listed name that is no file as that text is the file its bytes name (a name
that is not valid UTF-8, a Latin-1 "caf\\xe9.wav").  Every tag must pass :func:`export.manifest.tag_problem`
(checked before any audio is decoded).  In a tree, hidden files and folders (``.*``, macOS ``._*``) and
``__MACOSX`` folders are ignored.
Clips are decoded (only as far as needed: the head of a long file) with device.audio.audiofile, mixed to
mono, resampled to the front-end rate and fitted to the pack's fixed length exactly as the box does it.
"""
from __future__ import annotations

import csv
import io
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from device.audio import audiofile
from device.audio.mel import fit_clip
from device.audio.resample import resample
from export.manifest import TAG_RULE, tag_problem
from hatbox.errors import AudioFileError, DataError
from trainer.csvtext import csv_text, listed_file

SOURCE_HINT = "give a folder of tag folders (kick/, snare/...) or a CSV of path,tag rows"
CSV_SUFFIXES = (".csv", ".txt", ".tsv")


@dataclass(frozen=True)
class Item:
    """One training sample: an audio file and its tags (at least one)."""

    path: Path
    tags: tuple[str, ...]


def load_items(source: str | Path, notes: list[str] | None = None) -> list[Item]:
    """Items from a folder-per-tag tree or a CSV; raises DataError when nothing usable is found or a tag
    is not allowed (:func:`export.manifest.tag_problem`).  Warnings (an empty tag folder, a CSV read as
    Windows-1252) are appended to ``notes`` when given."""
    src = Path(source)
    notes = notes if notes is not None else []
    if src.is_dir():
        items = _from_tree(src, notes)
    elif src.is_file():
        if src.suffix.lower() not in CSV_SUFFIXES:
            raise DataError(f"{src} is not a folder or a CSV of training data", hint=SOURCE_HINT)
        items = _from_csv(src, notes)
    else:
        raise DataError(f"no training data at {src}", hint=SOURCE_HINT)
    if not items:
        raise DataError(f"{src} holds no tagged audio files",
                        hint="a folder per tag (kick/, snare/...) with WAV/FLAC/AIFF/OGG/MP3 inside, "
                             "or a CSV of path,tag rows")
    return items


def load_sources(sources: list[str | Path], notes: list[str] | None = None) -> list[Item]:
    """Items of several sources (folders and CSVs) together.  A file that a later source lists again
    takes that source's tags, so a CSV of corrections (``hatbox library export``) given last
    re-tags the files it names and adds the others.  ``notes``: as for :func:`load_items`."""
    merged: dict[Path, Item] = {}
    for src in sources:
        for it in load_items(src, notes):
            key = it.path.resolve()
            merged.pop(key, None)               # re-insert: the file keeps its place of last mention
            merged[key] = Item(key, it.tags)
    return list(merged.values())


def _refuse_bad_tags(src: Path, bad: list[tuple[str, str, str]]) -> None:
    """DataError naming every (tag, where it came from, why) in ``bad``, if any."""
    if bad:
        shown = "; ".join(f"{tag!r} ({where}{'' if why == TAG_RULE else ': ' + why})" for tag, where, why in bad[:5])
        more = f"; and {len(bad) - 5} more" if len(bad) > 5 else ""
        raise DataError(f"{src}: {len(bad)} tag(s) not allowed: {shown}{more}",
                        hint=f"a tag must be {TAG_RULE}; rename the folder or fix the CSV")


def _ignored(rel: Path) -> bool:
    """A path (relative to its tag folder) under a hidden or __MACOSX folder, or a hidden file."""
    return any(audiofile.hidden_name(part) for part in rel.parts)


def _from_tree(root: Path, notes: list[str]) -> list[Item]:
    tags_of: dict[Path, set[str]] = {}
    dirs = sorted(p for p in root.iterdir() if p.is_dir() and not _ignored(Path(p.name)))
    bad = [(d.name, f"folder {d}", tag_problem(d.name)) for d in dirs if tag_problem(d.name)]
    _refuse_bad_tags(root, bad)
    for tag_dir in dirs:
        tag, found, other = tag_dir.name.strip(), 0, 0
        for f in sorted(tag_dir.rglob("*")):
            if _ignored(f.relative_to(tag_dir)) or not f.is_file():
                continue
            if f.suffix.lower() in audiofile.READABLE_SUFFIXES:
                tags_of.setdefault(f.resolve(), set()).add(tag)
                found += 1
            else:
                other += 1
        if not found:
            notes.append(f"warning: tag folder {tag_dir} holds no audio files" +
                         (f" (only {other} other file{'s' if other != 1 else ''})" if other else "") +
                         f", so it adds nothing to tag '{tag}' (audio: {' '.join(audiofile.READABLE_SUFFIXES)})")
    loose = sum(1 for p in root.iterdir() if p.is_file() and not audiofile.hidden_name(p.name)
                and p.suffix.lower() in audiofile.READABLE_SUFFIXES)
    if loose:
        notes.append(f"warning: {loose} audio file{'s' if loose != 1 else ''} directly in {root} "
                     f"{'are' if loose != 1 else 'is'} left out: a file's tag is the name of the folder it is in")
    return [Item(p, tuple(sorted(t))) for p, t in sorted(tags_of.items())]


def _from_csv(path: Path, notes: list[str]) -> list[Item]:
    rows, bad = [], []
    said: list[str] = []
    reader = csv.reader(io.StringIO(csv_text(path, said), newline=""))
    notes.extend(f"note: {n}" for n in said)
    try:
        for row in reader:
            cells = [c.strip() for c in row if c.strip()]
            if not cells or cells[0].startswith("#") or cells[0].lower() == "path":
                continue
            if len(cells) < 2:
                raise DataError(f"{path}: line {reader.line_num}: row {cells!r} has a path but no tag")
            tags = tuple(dict.fromkeys(cells[1:]))
            bad += [(t, f"CSV line {reader.line_num}", tag_problem(t)) for t in tags if tag_problem(t)]
            rows.append((cells[0], tags))
    except csv.Error as exc:
        raise DataError(f"{path}: line {reader.line_num} is not valid CSV ({exc})", hint=SOURCE_HINT) from None
    _refuse_bad_tags(path, bad)
    items, missing = [], []
    for name, tags in rows:
        f = listed_file(path.parent, name, cp1252=bool(said))
        (items if f.is_file() else missing).append(Item(f, tags))
    if missing:
        n = len(missing)
        raise DataError(f"{path}: {n} listed file{' does' if n == 1 else 's do'} not exist, e.g. {missing[0].path}")
    return items


def tag_list(items: list[Item]) -> list[str]:
    """Sorted distinct tags."""
    return sorted({t for it in items for t in it.tags})


def tag_counts(items: list[Item]) -> Counter:
    return Counter(t for it in items for t in it.tags)


def targets(items: list[Item], tags: list[str]) -> np.ndarray:
    """Multi-hot [I, n_tags] float32."""
    index = {t: i for i, t in enumerate(tags)}
    y = np.zeros((len(items), len(tags)), np.float32)
    for r, it in enumerate(items):
        for t in it.tags:
            if t in index:
                y[r, index[t]] = 1.0
    return y


def load_clip(path: Path, rate: int, n: int) -> np.ndarray:
    """Decode -> mono -> ``rate`` Hz -> onset-aligned [n] float32 (the box's exact preparation)."""
    from device.library.decode import read_head      # only the head: a long file is not decoded whole
    audio, src_rate = read_head(path, (n + 64) / rate + 0.01)
    need = -(-(n + 64) * src_rate // rate)
    return fit_clip(resample(audio[:need], src_rate, rate), n)


def load_clips(items: list[Item], rate: int, n: int) -> np.ndarray:
    """[I, n] float32; an unreadable file raises DataError naming it (the first, once all were tried)."""
    _, clips, skipped = decode_clips(items, rate, n)
    if skipped:
        raise DataError(f"training sample unusable: {skipped[0][1]}")
    return clips


def decode_clips(items: list[Item], rate: int, n: int,
                 progress: bool = False) -> tuple[list[Item], np.ndarray, list[tuple[Path, str]]]:
    """Decode every item as :func:`load_clip` does, keeping going past failures: (the items that
    decoded, their clips [K, n] float32 in the same order, [(path, why)] for the others).
    ``progress``: a progress bar on stderr."""
    from tqdm import tqdm
    out = np.zeros((len(items), n), np.float32)        # filled in place: no second copy of the clips
    kept, skipped = [], []
    for it in tqdm(items, desc="reading samples", unit="file", disable=not progress, leave=False):
        try:
            out[len(kept)] = load_clip(it.path, rate, n)
        except AudioFileError as exc:
            skipped.append((it.path, str(exc)))
            continue
        kept.append(it)
    return kept, out[:len(kept)], skipped


def reorder_rows(a: np.ndarray, order: list[int] | np.ndarray) -> np.ndarray:
    """Rearrange the rows of ``a`` [I, ...] in place so that row k holds what row ``order[k]`` held, for
    the first ``len(order)`` rows (``order``: distinct row indices; the rows it leaves out end up, in some
    order, after them).  The same rows as ``a[order]`` without a second copy of the array: one row is
    buffered at a time.  Returns ``a[:len(order)]`` (a view)."""
    order = np.asarray(order, dtype=np.int64)
    if len(np.unique(order)) != len(order) or (len(order) and (order.min() < 0 or order.max() >= len(a))):
        raise ValueError("order must hold distinct row indices of the array")
    full = np.concatenate([order, np.setdiff1d(np.arange(len(a)), order, assume_unique=True)])
    done = np.zeros(len(a), bool)
    for start in range(len(a)):            # follow each cycle of the permutation: dest k <- source full[k]
        if done[start] or full[start] == start:
            done[start] = True
            continue
        held, k = a[start].copy(), start
        while True:
            done[k] = True
            src = full[k]
            if src == start:
                a[k] = held
                break
            a[k] = a[src]
            k = src
    return a[:len(order)]


def few_shot(items: list[Item], shots: int, seed: int = 0) -> list[Item]:
    """At most ``shots`` items per tag (an item counts for its first tag), picked at random."""
    rng = random.Random(seed)
    pool = items[:]
    rng.shuffle(pool)
    taken: Counter = Counter()
    out = []
    for it in pool:
        if taken[it.tags[0]] < shots:
            taken[it.tags[0]] += 1
            out.append(it)
    return out
