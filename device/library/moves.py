"""Following a library's files that moved between two taggings (device.library.tag's ``tag_library``): a renamed
file or folder, a reorganised library, two names swapped, a file exported again under an old name.  The row of the
bytes that left a path goes, with its tags, its embedding and the producer's own tags, to the path that holds those
bytes now, so the file is not decoded again and a correction stays with its sound.  Only paths of a moved row's size
are hashed.  :func:`follow_moves` finds the moves (reading the database, writing nothing), :func:`apply_moves` writes
them; :func:`one_folder_of` tells a library reorganised from one folder of it tagged by mistake.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from device.library import db as libdb
from device.library.scan import readable_hash, stat_key

PAIR_LIMIT = 4096     # copies x places of one sound under one name above which they pair in order, not by likeness


@dataclass
class Moves:
    """What :func:`follow_moves` found: ``rows`` (src, dst) whose rows move (the same bytes under a new name),
    ``copies`` {path: the producer's tags} for further copies of moved bytes, ``followed`` how many files' own tags
    went with their bytes, ``lost`` the paths whose own tags went with no file."""

    rows: list[tuple[str, str]] = field(default_factory=list)
    copies: dict[str, list[str]] = field(default_factory=dict)
    touched: list[str] = field(default_factory=list)      # paths whose mtime alone changed (the same bytes)
    kept: dict[str, list[str]] = field(default_factory=dict)  # paths still there whose old bytes moved: their tags stay
    doubled: list[tuple[str, str]] = field(default_factory=list)   # (path, where its old bytes are now) of those
    overwritten: list[str] = field(default_factory=list)  # paths still there whose sound, with its tags, is gone
    followed: int = 0
    lost: list[str] = field(default_factory=list)


def follow_moves(root: Path, con, known: dict, gone: list[str], paths: list[str]) -> Moves:
    """Find the files whose bytes moved (a renamed file or folder, a reorganised library, two names swapped, a file
    exported again under an old name): a row whose bytes left its path (``gone`` from the library, or still there
    with other bytes) goes to the path that holds them now (new to the library, or changed), with its tags, its
    embedding and the producer's tags, so it is not decoded again and a correction stays with its sound.  Of several
    paths with the same bytes the one whose name and folders match most takes the row; the others get the producer's
    tags (copies).  Only paths of a moved row's size are hashed; a file edited in place keeps its tags (also when its
    earlier bytes turn up elsewhere: then on both, :attr:`Moves.doubled`)."""
    out = Moves()
    changed = []
    paths = [p for p in paths if libdb.storable(p)]     # a name no bytes give (device.library.tag.NOT_UTF8) fails later
    for rel in paths:
        row = known.get(rel)
        if row is not None:
            with contextlib.suppress(OSError):
                if stat_key(root / rel) != tuple(row[:2]):
                    changed.append(rel)
    hashes: dict[str, str] = {}
    owned: dict[str, list[str]] = {}

    def mine(rel: str) -> list[str]:           # the producer's tags of ``rel`` (read once; nothing is written here)
        if rel not in owned:
            owned[rel] = libdb.user_tags_of(con, rel)
        return owned[rel]

    def now(rel: str) -> str:                  # the bytes' hash at ``rel`` now ("" when it cannot be read)
        if rel not in hashes:
            hashes[rel] = readable_hash(root / rel)
        return hashes[rel]

    stored = libdb.stored_hashes(con, gone + changed)
    sources = {rel: h for rel, h in stored.items() if rel in gone or now(rel) != h}   # bytes gone from the path
    out.touched = [rel for rel in changed if rel in stored and rel not in sources]
    sizes = {known[rel][0] for rel in sources}
    homes: dict[str, list[str]] = {}
    for rel in [p for p in paths if p not in known] + [c for c in changed if c not in stored or c in sources]:
        with contextlib.suppress(OSError):
            if (root / rel).stat().st_size in sizes and now(rel):
                homes.setdefault(now(rel), []).append(rel)
    # a gone file whose bytes are nowhere yet may sit under a name whose size and mtime did not change (a file moved
    # over another of the same size and time, as a pack's unzipped files have): hash those of its size too
    lonely = {known[rel][0] for rel in sources if sources[rel] not in homes}
    if lonely:
        unchanged = set(changed)
        alike = [rel for rel in paths if rel in known and rel not in unchanged and known[rel][0] in lonely]
        for rel, before in libdb.stored_hashes(con, alike).items():
            if now(rel) and now(rel) != before:
                sources[rel] = before
                homes.setdefault(now(rel), []).append(rel)
    by_hash: dict[str, list[str]] = {}
    for src in sorted(sources):
        by_hash.setdefault(sources[src], []).append(src)
    for h, srcs in sorted(by_hash.items()):
        rows, copies = pair(srcs, sorted(homes.get(h, [])), mine)
        out.rows += rows
        out.copies.update(copies)
    moved = {src for src, _ in out.rows}
    present, targets = set(paths), {dst for _, dst in out.rows}
    for src, dst in out.rows:       # still there with other bytes (edited, or another sound under its name): the
        if src in present and mine(src) and src not in targets:   # producer's tags stay on it as well, a note says so
            out.kept[src] = mine(src)
            out.doubled.append((src, dst))
    doubled = {src for src, _ in out.doubled}
    out.followed = sum(1 for src in moved - doubled if mine(src)) + len(out.copies)
    replaced = targets | set(out.copies)
    for rel in sorted(set(gone) | replaced):      # the producer's tags no file carries on
        if rel not in moved and mine(rel):
            (out.lost if rel in gone else out.overwritten).append(rel)
    return out


def pair(srcs: list[str], dsts: list[str], mine: Callable[[str], list[str]]
          ) -> tuple[list[tuple[str, str]], dict[str, list[str]]]:
    """Pair the paths whose bytes left (``srcs``) with the paths that hold those same bytes now (``dsts``): first each
    with one of the same file name, the most alike in folders first (:func:`likeness`), then the rest in order (a
    file renamed).  Returns the (src, dst) pairs and, for dsts left over (more copies than sources), the producer's
    tags (``mine(src)``) of the first source that has some.  Linear in the paths for many copies of one sound."""
    named: dict[str, list[str]] = {}
    for dst in dsts:
        named.setdefault(dst.rsplit("/", 1)[-1], []).append(dst)
    by_name: dict[str, list[str]] = {}
    for src in srcs:
        by_name.setdefault(src.rsplit("/", 1)[-1], []).append(src)
    pairs = []
    for name, group in by_name.items():
        there = named.get(name, [])
        if len(group) * len(there) > PAIR_LIMIT:      # many copies of one sound under one name: in order
            pairs += [((0, 0, 0.0), src, dst) for src, dst in zip(sorted(group), sorted(there))]
        else:
            pairs += [(likeness(src, dst), src, dst) for src in group for dst in there]
    pairs.sort(key=lambda p: (p[0], [-ord(c) for c in p[1]], [-ord(c) for c in p[2]]), reverse=True)
    rows, used_src, used_dst = [], set(), set()
    for _, src, dst in pairs:
        if src not in used_src and dst not in used_dst:
            rows.append((src, dst))
            used_src.add(src)
            used_dst.add(dst)
    rest = [d for d in dsts if d not in used_dst]
    for src, dst in zip([s for s in srcs if s not in used_src], rest):
        rows.append((src, dst))
        used_dst.add(dst)
    spare = [d for d in dsts if d not in used_dst]
    tags = next((t for t in map(mine, srcs) if t), []) if spare else []
    return rows, ({dst: tags for dst in spare} if tags else {})


def likeness(a: str, b: str) -> tuple[int, int, float]:
    """How alike two library paths are: (trailing path parts in common, the same name, how alike their folders read:
    "Kit A" and "Kit A (old)" more than "Kit B" and "Kit A (old)"), higher is more alike."""
    from difflib import SequenceMatcher
    pa, pb = a.split("/")[::-1], b.split("/")[::-1]
    same = 0
    while same < min(len(pa), len(pb)) and pa[same] == pb[same]:
        same += 1
    folders = SequenceMatcher(None, "/".join(pa[1:][::-1]), "/".join(pb[1:][::-1])).ratio()
    return same, int(pa[0] == pb[0]), round(folders, 6)


def apply_moves(root: Path, con, known: dict, moves: Moves) -> None:
    """Write what :func:`follow_moves` found, and bring ``known`` along: a moved row is known at its new path (with
    that file's mtime: unchanged, not decoded again), a path whose row moved away is new, and a file only touched
    takes its new mtime (hashed here, not decoded: the run finds it unchanged)."""
    libdb.move_rows(con, moves.rows)
    for dst, tags in [*moves.copies.items(), *moves.kept.items()]:
        libdb.put_user_tags(con, dst, tags)
    rows = {src: known.pop(src) for src, _ in moves.rows}
    for src, dst in [*moves.rows, *((rel, rel) for rel in moves.touched)]:
        size, _, model, status = rows[src] if src in rows else known[src]
        try:
            mtime = stat_key(root / dst)[1]
        except OSError:
            continue
        libdb.set_mtime(con, dst, mtime)
        known[dst] = (size, mtime, model, status)


def one_folder_of(moved: list[tuple[str, str]]) -> bool:
    """Whether most of ``moved`` (old path, new path) only lost a leading folder ("Drums/Kicks/k.wav" ->
    "Kicks/k.wav"): the folder tagged is one folder of the library, given by mistake, not the library reorganised."""
    stripped = sum(1 for src, dst in moved if src.endswith("/" + dst))
    return bool(moved) and stripped * 2 >= len(moved)
