"""A folder of symbolic links per tag: ``LINKS/<tag>/<relative path with / as __>`` -> the sample.

Only links this module made are ever removed: their paths (relative to LINKS) are listed in
``LINKS/.hatbox-links`` (each ended by a NUL byte, which no file name holds; older lists: one a line), so a
producer's own links or files in the same folders stay.  Links folders written before that list existed are
cleared of the links that point into the library, and of no others.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from pathlib import Path

from device.library.scan import LINKS_LIST
from export.manifest import tag_problem
from hatbox.errors import HatboxError

# ".hatbox-links": the list of links the last run made, each relative path ended by a NUL byte
MADE = LINKS_LIST
NAME_BYTES = 240            # a link's longest name: 255 bytes (Linux, macOS) less room for _unique's " (n)"


def link_name(rel: str) -> str:
    """The name of library file ``rel``'s link: its path with / as __ (``kit/a.wav`` -> ``kit__a.wav``).  One
    over :data:`NAME_BYTES` (a deep sample pack's folders) keeps its end, the file's own name, behind 8 hex
    digits of the whole path's hash (``1f0c9a2e~..._Kick_01.wav``), which keep two such names apart."""
    flat = rel.replace("/", "__")
    raw = os.fsencode(flat)
    if len(raw) <= NAME_BYTES:
        return flat
    mark = hashlib.blake2b(raw, digest_size=4).hexdigest() + "~"
    tail = raw[len(raw) - (NAME_BYTES - len(mark)):]
    while tail and tail[0] & 0xC0 == 0x80:          # never start inside a UTF-8 character
        tail = tail[1:]
    return mark + os.fsdecode(tail)


def _made_list(text: str) -> list[str]:
    """The entries of a MADE file's ``text``: NUL-ended, or one a line in a list from before (whose names with
    a line break in them it cannot give back)."""
    return text.split("\0") if "\0" in text else text.splitlines()


def _made_entries(links_dir: Path) -> list[str]:
    """The paths (relative to ``links_dir``) its MADE list names, the empty ones and those climbing out of it (a
    ``..`` part) left out; OSError when the list cannot be read."""
    text = (links_dir / MADE).read_text(encoding="utf-8", errors="surrogateescape")
    return [x for x in _made_list(text) if x and ".." not in Path(x).parts]


def _unique(folder_names: set[str], name: str) -> str:
    """``name``, or ``stem (2).ext``, ``stem (3).ext``... when another link in the folder took it
    (``a/b.wav`` and ``a__b.wav`` both flatten to ``a__b.wav``)."""
    if name not in folder_names:
        return name
    stem, dot, ext = name.rpartition(".")
    stem, ext = (stem, dot + ext) if dot and stem else (name, "")
    n = 2
    while f"{stem} ({n}){ext}" in folder_names:
        n += 1
    return f"{stem} ({n}){ext}"


def _made_here(link: Path, root: Path) -> bool:
    """Whether ``link`` is one this module would have made: it points at a file under ``root`` and is
    named after that file's path in the library."""
    try:
        target = Path(os.readlink(link))
    except OSError:
        return False
    if root not in target.parents:
        return False
    return link.name == link_name(target.relative_to(root).as_posix())


def clear_links(links_dir: Path, root: Path, names: frozenset[str] = frozenset()) -> set[Path]:
    """Remove the symlinks a previous run made (listed in MADE; for a folder without the list, the
    symlinks one level down named after a library file, ``names`` (:func:`link_name` of each), or
    pointing into the library ``root`` under the name a run gives them); keep everything else.  Returns the tag
    folders it took links out of (:func:`drop_empty` removes those no tag fills again)."""
    if not links_dir.is_dir():
        return set()
    emptied: set[Path] = set()
    listed = links_dir / MADE
    if listed.is_file():
        for line in _made_entries(links_dir):
            entry = links_dir / line
            if entry.is_symlink():
                entry.unlink()
                emptied.add(entry.parent)
        listed.unlink()
    else:
        for entry in _unlisted_own(links_dir, root, names):
            entry.unlink()
            emptied.add(entry.parent)
    return emptied - {links_dir}


def _unlisted_own(links_dir: Path, root: Path, names: frozenset[str]) -> list[Path]:
    """The links a run made in ``links_dir`` when it holds no MADE list (a folder from before the list): the symlinks
    one level down named after a library file (``names``: :func:`link_name` of each) or pointing into the library
    ``root`` under the name a run gives them; a producer's own links there are none of them."""
    root = root.resolve()
    return [entry for tag_dir in links_dir.iterdir() if tag_dir.is_dir() and not tag_dir.is_symlink()
            for entry in tag_dir.iterdir()
            if entry.is_symlink() and (entry.name in names or _made_here(entry, root))]


# what a file browser leaves in a folder it has shown (macOS Finder, Windows Explorer): not the producer's files
BROWSER_LEFTOVERS = frozenset({".DS_Store", "Thumbs.db", "desktop.ini", "._.DS_Store"})


def drop_empty(folders: set[Path]) -> None:
    """Remove each of ``folders`` (tag folders a run took its links out of and made none in again: a tag no file
    has any more, after a new pack or a correction) that holds nothing else, a file browser's leftovers
    (:data:`BROWSER_LEFTOVERS`) aside; a folder holding anything of the producer's stays as it is."""
    for folder in folders:
        try:
            inside = list(folder.iterdir())
            if all(p.name in BROWSER_LEFTOVERS and p.is_file() and not p.is_symlink() for p in inside):
                for p in inside:
                    p.unlink()
                folder.rmdir()
        except OSError:                            # not ours to remove, or gone already
            continue


def links_problem(links_dir: Path) -> str:
    """Why no links can be made in ``links_dir`` ("" when they can), said before any tagging: it is a file or a
    link to nothing, or no file can be created in it or, when it is not there yet, in the nearest folder above it
    that is (export.atomic.unwritable: a probe file made and removed there; nothing else is created)."""
    from export.atomic import unwritable
    if links_dir.is_symlink() and not links_dir.exists():
        return f"--links {links_dir} is a link to nothing (a folder moved or deleted?)"
    if links_dir.exists() and not links_dir.is_dir():
        return f"--links {links_dir} is a file, not a folder"
    own = "" if (links_dir / MADE).is_file() else _samples_in(links_dir)    # one hatbox made may hold yours too
    if own:
        return (f"--links {links_dir} holds samples of its own ({own}): the links go in a folder of their own (an "
                "empty one, or one hatbox made)")
    why = unwritable(links_dir / MADE)
    return f"cannot make links in {links_dir}: {why}" if why else ""


def another_library(links_dir: Path, root: Path, looked: int = 64) -> str:
    """A file of another library that ``links_dir``'s links (the ones a run made, listed in MADE; the first
    ``looked`` of them) point at, when none of them points into ``root`` and those files are still there; else "".
    Before (QA) a links folder made for one library was emptied and filled with another's when given as its --links,
    where the database refuses another library.  A library moved or renamed since leaves its links pointing at
    nothing: its folder is rebuilt as before."""
    listed = links_dir / MADE
    if not listed.is_file():
        return ""
    root, elsewhere = root.resolve(), ""
    for line in _made_entries(links_dir)[:looked]:
        try:
            target = Path(os.readlink(links_dir / line))
        except OSError:
            continue
        if root in target.parents:
            return ""
        if not elsewhere and target.is_file():
            elsewhere = str(target)
    return elsewhere


def links_to_nothing(links_dir: Path, root: Path, names: frozenset[str] = frozenset()) -> int:
    """How many of the links a run made in ``links_dir`` (:func:`runs_links`) point at nothing.  A run over an empty
    library folder (a drive not plugged in, its mount point left) leaves them as they are and says so (p50 QA: it
    emptied a folder of 3,414 links a DAW pointed at)."""
    return sum(1 for e in runs_links(links_dir, root, names) if not e.exists())


def runs_links(links_dir: Path, root: Path, names: frozenset[str] = frozenset()) -> list[Path]:
    """The links the runs made in ``links_dir``, as :func:`clear_links` would take them out: those listed in MADE; in
    a folder without the list, those one folder down named after a library file (``names``) or pointing into the
    library ``root`` under a run's name (p50 review: not a producer's own links there); [] when it cannot be read."""
    if not links_dir.is_dir():
        return []
    listed = links_dir / MADE
    try:
        if not listed.is_file():
            return _unlisted_own(links_dir, root, names)
        return [e for e in (links_dir / x for x in _made_entries(links_dir)) if e.is_symlink()]
    except OSError:
        return []


def _samples_in(folder: Path) -> str:
    """The name of an audio file (not a link) in ``folder`` or one folder down ("" when none): a sample folder given
    as --links by mistake, whose samples the links folder's list would hide from every later run."""
    from device.audio.audiofile import READABLE_SUFFIXES
    if not folder.is_dir():
        return ""
    try:
        for entry in folder.iterdir():
            inside = list(entry.iterdir()) if entry.is_dir() and not entry.is_symlink() else [entry]
            for f in inside:
                if f.suffix.lower() in READABLE_SUFFIXES and f.is_file() and not f.is_symlink():
                    return f.relative_to(folder).as_posix()
    except OSError:
        return ""
    return ""


LOCK = ".hatbox-links.lock"      # held while a run rebuilds a links folder (hidden: never walked, never a link)


def write_links(con: sqlite3.Connection, root: Path, links_dir: Path) -> int:
    """Rebuild every tag folder from the database (corrections included); returns the number of links made.
    A tag that cannot be a folder name (a pack from elsewhere) is refused before anything is touched.  Two runs
    on one links folder (two databases, one --links) take turns (:data:`LOCK`): at once, each cleared the other's
    half-made links and left strays ("name (2).wav") that no later run removed."""
    from export.atomic import locked_fd
    rows = con.execute("SELECT path, tag FROM effective_tags ORDER BY tag, path").fetchall()
    bad = sorted({tag for _, tag in rows if tag_problem(tag, stored=True)})   # kept before an upgrade: still linked
    if bad:
        said = ("a link folder for the tag {}: not a folder name" if len(bad) == 1 else
                "link folders for the tags {}: not folder names").format(', '.join(map(repr, bad)))
        raise HatboxError(f"cannot make {said}",
                          hint="tag the library with a pack whose tags obey the tag rule")
    with contextlib.suppress(OSError):
        links_dir.mkdir(parents=True, exist_ok=True)
    fd = locked_fd(links_dir / LOCK, wait=True)
    try:
        return _rebuild(con, root, links_dir, rows)
    finally:
        if fd is not None:
            os.close(fd)


def _rebuild(con: sqlite3.Connection, root: Path, links_dir: Path, rows: list[tuple[str, str]]) -> int:
    """:func:`write_links` with the folder's lock held: ``rows`` (path, tag) of the library's tags."""
    # a folder from before MADE existed: its links carry the library files' names, wherever they point
    # (the library may have moved since, or a file be a link to a sample outside it)
    names = frozenset(link_name(rel) for (rel,) in con.execute("SELECT path FROM files"))
    cleared = clear_links(links_dir, root, names)
    made: list[str] = []
    taken: dict[str, set[str]] = {}
    try:
        for rel, tag in rows:
            folder = links_dir / tag.strip()
            names = taken.setdefault(tag, {p.name for p in folder.iterdir()} if folder.is_dir() else set())
            folder.mkdir(parents=True, exist_ok=True)
            name = _unique(names, link_name(rel))
            os.symlink((root / rel).resolve(), folder / name)
            names.add(name)
            made.append(f"{tag.strip()}/{name}")
    except OSError as exc:
        with contextlib.suppress(HatboxError):      # the first problem is the one to tell
            _save_made(links_dir, made)
        raise HatboxError(f"cannot make links in {links_dir}: {exc.strerror}") from None
    except BaseException:
        with contextlib.suppress(HatboxError):
            _save_made(links_dir, made)
        raise
    _save_made(links_dir, made)
    filled = {links_dir / tag.strip() for tag in taken}
    drop_empty(cleared - filled)          # a folder refilled is left alone: its mode, colour label, xattrs stay
    return len(made)


def _save_made(links_dir: Path, made: list[str]) -> None:
    """Write :data:`MADE` (``made``: paths relative to ``links_dir``) whole or not at all (a temporary file
    renamed over it), so the next run finds every link this one made; HatboxError when it cannot be written."""
    if not made:
        return
    listed, tmp = links_dir / MADE, links_dir / (MADE + ".tmp")
    try:
        tmp.write_text("".join(m + "\0" for m in made), encoding="utf-8", errors="surrogateescape")
        os.replace(tmp, listed)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise HatboxError(f"cannot write {listed}: {exc.strerror}: the links are made, but the next run would not "
                          "know them as its own", hint="free some space or make the folder writable, then run "
                          "the same command again") from None
