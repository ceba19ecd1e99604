"""Copies of one sound in tag folders of a tree: one sample with the tags of every folder it is in.

Copying a sample into two tag folders is how a folder tree gives it two tags.  Kept as two samples, the copies
would teach the tagger two contradictory single tags, and could land one in training and the other in the
held-out report (scored on a sound it trained on).  Copies that carry one tag alike stay as they are.  Files are
the same sound when their bytes are the same (only files of one size are hashed, so a tree without copies costs
a stat per file).
"""
from __future__ import annotations

import os
from pathlib import Path

from device.library.scan import readable_hash
from hatbox.text import count_words
from trainer.tagger.data import WILL_BE_MULTI_LABEL, Item

SHOWN = 5          # copies named one by one in the notes; the rest are counted


def same_sound_groups(paths: list[Path]) -> list[list[Path]]:
    """Groups (each sorted, of two or more) of ``paths`` whose files hold the same bytes; a file that cannot be
    looked at or read, or is empty, is in none (decoding names it)."""
    by_size: dict[int, list[Path]] = {}
    for p in paths:
        try:
            by_size.setdefault(os.stat(p).st_size, []).append(p)
        except OSError:
            continue
    groups: list[list[Path]] = []
    for size, same_size in by_size.items():
        if len(same_size) < 2 or size == 0:        # empty files hold no sound to share (decoding names them)
            continue
        by_hash: dict[str, list[Path]] = {}
        for p in same_size:
            digest = readable_hash(p)
            if digest:
                by_hash.setdefault(digest, []).append(p)
        groups += [sorted(g) for g in by_hash.values() if len(g) > 1]
    return sorted(groups)


def merge_copies(root: Path, items: list[Item], notes: list[str]) -> list[Item]:
    """``items`` of tree ``root`` with each group of copies (:func:`same_sound_groups`) made one item, under the
    first copy's name, carrying the tags of them all; said in ``notes`` (and a warning when that alone makes the
    tagger multi-label).  ``items`` unchanged when no two files are the same sound."""
    tags_of = {it.path: it.tags for it in items}
    groups = [g for g in same_sound_groups([it.path for it in items]) if len({tags_of[p] for p in g}) > 1]
    if not groups:          # copies under one tag stay as they were (tag folders that differ in spaces: one tag)
        return items
    merged = {g[0]: tuple(sorted({t for p in g for t in tags_of[p]})) for g in groups}
    dropped = {p for g in groups for p in g[1:]}
    out = [Item(it.path, merged.get(it.path, it.tags)) for it in items if it.path not in dropped]
    notes.extend(copies_notes(root, groups, merged))
    said = copies_multi_label(root, items, out)
    notes.extend([said] if said else [])
    return out


def copies_notes(root: Path, groups: list[list[Path]], merged: dict[Path, tuple[str, ...]]) -> list[str]:
    """A note per group of copies (the first :data:`SHOWN`, then one counting the rest): the files, and the tags
    the one sample they make carries (``merged``: by the first copy's path)."""
    lines = []
    for g in groups[:SHOWN]:
        names = _and([str(_rel(root, p)) for p in g])
        lines.append(f"note: {names} are the same sound (the same bytes): one sample with the tags of "
                     f"{'both' if len(g) == 2 else 'all'}: {', '.join(merged[g[0]])} (never split between "
                     "training and the held-out report)")
    if len(groups) > SHOWN:
        rest = len(groups) - SHOWN
        lines.append(f"note: {count_words(rest, 'more sound is', 'more sounds are')} in the tree more than once: "
                     "each is one sample with the tags of all of its copies")
    return lines


def copies_multi_label(root: Path, items: list[Item], merged: list[Item]) -> str:
    """A warning when every file of tree ``root`` had one tag (``items``) but copies in several tag folders gave
    some several (``merged``): that alone turns the tagger multi-label; "" otherwise."""
    if any(len(it.tags) != 1 for it in items):
        return ""                       # files linked under several folders: several tags are meant
    several = [it for it in merged if len(it.tags) > 1]
    if not several:
        return ""
    e = several[0]
    have = "has" if len(several) == 1 else "have"
    return (f"warning: {root}: every file has one tag, but {count_words(len(several), 'sound')} copied into "
            f"several tag folders now {have} several (e.g. {_rel(root, e.path)}: {', '.join(e.tags)}), "
            f"{WILL_BE_MULTI_LABEL}: a yes or no per tag instead of one best tag, and without the statistics head "
            "that makes one-tag taggers more accurate. If each sample has one tag, delete the copy in the wrong "
            "folder; if samples may have several, copies in several folders are how to say so")


def later_source_wins(items: list[Item], source_of: dict[Path, int], names: list[str], notes: list[str]) -> list[Item]:
    """``items`` of several sources (``source_of``: item path -> index into ``names``, the sources as given) with
    the same sound under two paths in different sources made one: the copy of the latest source stays, with its
    tags, as a file a later source names again takes that source's tags (QA of the forty-first stop: a tree's
    kick and a corrections CSV's copy of it as tom trained as two samples, one in training and one held out).
    Said in ``notes``; ``items`` unchanged when no two sources hold the same sound."""
    dropped: set[Path] = set()
    lines = []
    for group in same_sound_groups([it.path for it in items]):
        if len({source_of[p] for p in group}) < 2:
            continue                                # copies inside one source: that source's own rule
        keep = max(group, key=lambda p: source_of[p])
        others = [p for p in group if p != keep]
        dropped.update(others)
        lines.append(f"note: {keep} ({names[source_of[keep]]}) is the same sound as {_and([str(p) for p in others])}: "
                     f"one sample, with the tags {names[source_of[keep]]} gives it (a later source's tags win)")
    if not dropped:
        return items
    notes.extend(lines[:SHOWN] + ([f"note: and {count_words(len(lines) - SHOWN, 'more sound')} given by two sources: "
                                   "each is one sample with the later source's tags"] if len(lines) > SHOWN else []))
    return [it for it in items if it.path not in dropped]


def _rel(root: Path, path: Path) -> Path:
    """``path`` under tree ``root`` as it is shown (relative where it lies under ``root``)."""
    try:
        return path.relative_to(root.resolve())
    except ValueError:
        return path


def _and(names: list[str]) -> str:
    """"a, b and c"."""
    return ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)
