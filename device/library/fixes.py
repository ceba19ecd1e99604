"""The producer's corrections (fixes) to a library database (device.library.query re-exports these): a file's tags
in their own words (:func:`set_tags`, kept across re-tagging, listed before the tagger's guesses), them as training data
(:func:`export_csv`), the checks a tag goes through, and the look-up of one file they go through (:func:`file_status`:
NotInLibrary, with what to run, for a file the database does not hold)."""
from __future__ import annotations

import os
import shlex
import sqlite3
from pathlib import Path, PurePosixPath

from device.library import db as libdb
from device.library.open_db import _open, _relative, known_tags
from export.manifest import TAG_RULE, normal_tag, tag_problem
from hatbox.errors import HatboxError


class NotInLibrary(HatboxError):
    """The file asked about is not one the library database holds."""


class DiskFull(HatboxError):
    """The disk a library database is on is full: the correction was not written (the box says it in its words)."""


# Read on the laptop (hatbox library fix) and through the box's API (hatbox box-library --fix): it names what
# both have, and the way to add a file to each.
NOT_IN_LIBRARY_HINT = ("give its path inside the library, as its --tag and --unsure listings show it; a file added "
                       "since the library was tagged is not in it yet: tag the folder again (hatbox tag), or, for a "
                       "library on a box, send the folder again (hatbox push-library FOLDER: a new library, which "
                       "hatbox box-library lists; fix the file there)")


def file_status(db_path: str | Path, path: str | Path) -> tuple[str, str]:
    """(status, reason) of one library file: ("ok", "") when the tagger tagged it, ("skipped", why) when it
    holds nothing to tag (silent, too short, empty), ("error", why) when it does not decode.  NotInLibrary
    for a file the database does not hold."""
    con, root = _open(db_path)
    try:
        return _status(con, _relative(root, Path(path)), path, root, db_path)
    finally:
        con.close()


def _status(con: sqlite3.Connection, rel: str, path: str | Path, root: Path | None = None,
            db_path: str | Path | None = None) -> tuple[str, str]:
    """:func:`file_status` of the file stored as ``rel`` (``path``: as the caller named it, for the error; ``root``:
    the library folder, to say of a file there that the database does not hold yet whether it is new or renamed)."""
    if not str(path).strip():
        raise NotInLibrary("no file was named (the path is empty)", hint="give the file's path inside the library, "
                                                                         "as --tag and --unsure list it")
    row = con.execute(f"SELECT status, error FROM files WHERE path = {libdb.TEXT}",
                      (libdb.stored(rel),)).fetchone()
    if row is None:
        _say_if_not_tagged_yet(con, rel, path, root, db_path)
        near = _near(con, rel)
        if near:
            raise NotInLibrary(f"{path} is not a file of this library; did you mean {near}?",
                               hint="give the path inside the library as --tag and --unsure list it")
        raise NotInLibrary(f"{path} is not a file of this library", hint=NOT_IN_LIBRARY_HINT)
    return str(row[0]), "" if row[0] == "ok" else str(row[1] or "")


def _say_if_not_tagged_yet(con: sqlite3.Connection, rel: str, path: str | Path, root: Path | None,
                           db_path: str | Path | None = None) -> None:
    """NotInLibrary for ``rel``, a file the database does not hold that is in the library folder ``root``: renamed
    or moved since the library was tagged (its bytes are those of a file the database holds under a name that is
    gone), or added since; either way what to run.  Nothing for a path that is no file there."""
    if root is None:
        return
    if PurePosixPath(rel).is_absolute() or ".." in PurePosixPath(rel).parts:
        if Path(path).is_absolute() and Path(path).is_file():   # a file elsewhere: a sample's source, another library
            raise NotInLibrary(f"{path} is not inside the library {root}",
                               hint="give a file of the library (hatbox library query DB --tag TAG lists them)")
        return
    if not (root / rel).is_file():
        return
    from device.library.scan import readable_hash
    digest = readable_hash(root / rel)
    olds = [os.fsdecode(p) for (p,) in con.execute("SELECT path FROM files WHERE hash = ?", (digest,))] if digest \
        else []
    gone = sorted(p for p in olds if not (root / p).exists())
    again = f"hatbox tag {shlex.quote(str(root))} --pack TAGGER.hatpack"
    if db_path is not None and Path(db_path).resolve() != (root / libdb.IN_LIBRARY).resolve():
        again += f" --out {shlex.quote(str(db_path))}"         # without it, a second database in the library
    if gone:
        raise NotInLibrary(f"{path} is not in the library's database under that name: it holds the same sound as "
                           f"{gone[0]}, which is gone (renamed or moved since the library was tagged)",
                           hint=f"tag the folder again and its tags and your corrections follow it to its new name: "
                                f"{again}; then fix it")
    state = libdb.tagging_state(con, db_path) if db_path is not None else "done"
    if state != "done":                 # QA: "added since it was tagged", of a file a stopped run had not reached
        raise NotInLibrary(f"{path} is not tagged yet: "
                           + ("the library is being tagged now and has not reached it" if state == "running" else
                              "the last hatbox tag of the library stopped before it reached it"),
                           hint=("wait for it to end; then fix it" if state == "running" else
                                 f"finish the tagging (it goes on where it stopped): {again}; then fix it"))
    raise NotInLibrary(f"{path} was added to the library since it was tagged: the database does not hold it yet",
                       hint=f"tag the folder again (only new and changed files are tagged): {again}; then fix it")


def _near(con: sqlite3.Connection, rel: str) -> str:
    """The one library file ``rel`` (a path the library does not hold) most likely means, or "": the same path in
    another case (``loops/KICK 2.WAV`` for ``loops/kick 2.wav``), the same path under a folder given in front
    (``kit/kick 1.wav`` for ``kick 1.wav``), or the only file of that name."""
    paths = [os.fsdecode(p) for (p,) in con.execute("SELECT path FROM files")]
    want = rel.casefold()
    for test in (lambda p: p.casefold() == want, lambda p: want.endswith("/" + p.casefold()),
                 lambda p: p.rsplit("/", 1)[-1].casefold() == want.rsplit("/", 1)[-1]):
        found = [p for p in paths if test(p)]
        if len(found) == 1:
            return found[0]
    return ""


def set_tags(db_path: str | Path, path: str | Path, tags: list[str]) -> list[str]:
    """Replace the tagger's tags for one library file with ``tags`` (the producer's words: a pack's
    tag or a new one); an empty list gives the file back to the tagger.  Any file the library holds
    can carry them, whatever the tagger made of it (a file that turned silent keeps, and can clear, the
    tags given before).  The correction outlives re-tagging and goes when the file leaves the library.
    Returns the file's tags as now stored.  NotInLibrary (nothing written) for a file the database does
    not hold, HatboxError for a tag that cannot be a folder name or CSV cell.  A tag that differs only in
    case from one the library has ("Kick" where the pack says "kick") is stored in the library's spelling
    (:func:`spelled_as_known`): two would share one folder of links on macOS and Windows.  HatboxError, nothing
    written, for a database that takes no writes (a read-only file, locked by another program: :func:`unwritable`).
    An empty tag is refused as any tag that cannot be one (p49 review: ``[""]`` here meant "none of my words", and
    `library fix DB FILE "$UNSET"` kept it without a word); "none of my words" is :func:`set_none`, or
    :func:`set_sent_tags` for the box's routes, where ``[""]`` says it."""
    given = [_check_tag(t) for t in tags]
    con, root = _open(db_path)
    rel = _relative(root, Path(path))
    try:
        clean = sorted(set(spelled_as_known(given, known_tags(con))))
        _status(con, rel, path, root, db_path)      # NotInLibrary before anything is written
        with con:                                   # one transaction: all or nothing
            libdb.put_user_tags(con, rel, clean)
    except sqlite3.OperationalError as exc:
        raise unwritable(db_path, exc) from None
    finally:
        con.close()
    return clean


def set_sent_tags(db_path: str | Path, path: str | Path, tags: list[str]) -> list[str]:
    """The box's PUT /libraries/{id}/files/tags: ``tags`` all empty (``[""]``, `box-library ID --fix FILE --none`)
    are "none of my words" (:func:`set_none`, returned as ``[NO_TAG]``), any others :func:`set_tags`."""
    if is_none(tags):
        set_none(db_path, path)
        return [NO_TAG]
    return set_tags(db_path, path, tags)


def unwritable(db_path: str | Path, exc: sqlite3.OperationalError) -> HatboxError:
    """The HatboxError for a correction the library database ``db_path`` did not take (SQLite's ``exc``): a
    read-only file, one locked by another program, a full disk; nothing was changed."""
    trouble = libdb.write_trouble(exc, db_path)
    if trouble == "read-only":
        return HatboxError(f"cannot write {db_path}: the database file is read-only; nothing was changed",
                           hint=f"make it writable (chmod u+w {shlex.quote(str(db_path))}; check the owner if "
                                "another user wrote it) and run the command again")
    if trouble == "locked":
        return HatboxError(f"{db_path} is locked by another program (a hatbox tag running on it?); nothing was "
                           "changed", hint="wait for it to finish, then run the command again")
    if trouble == "full":
        return DiskFull(f"cannot write {db_path}: the disk is full; nothing was changed",
                           hint="free some space, then run the command again")
    return HatboxError(f"cannot write {db_path}: {exc}; nothing was changed",
                       hint="check that the database and its folder are writable and the disk is not full")


def corrections(db_path: str | Path, *, heard: bool = False) -> dict[Path, list[str]]:
    """Every corrected file (absolute path) -> its tags; with ``heard``, only the files the tagger could hear
    (not those it skipped as silent or empty, nor those that do not decode: no use as training data)."""
    con, root = _open(db_path)
    out: dict[Path, list[str]] = {}
    only = " AND path IN (SELECT path FROM files WHERE status = 'ok')" if heard else ""
    for rel, tag in con.execute(f"SELECT path, tag FROM effective_tags WHERE corrected = 1{only} ORDER BY path, tag"):
        out.setdefault(root / rel, []).append(tag)
    con.close()
    return out


def untagged_corrections(db_path: str | Path, *, nones: bool = False) -> dict[str, list[str]]:
    """The producer's corrections of files the database holds no row for: files its tagging has not reached yet (still
    tagging, stopped, failed; on the box, corrections a laptop sent before the tagger got there), which
    :func:`corrections` leaves out (its listing view knows a file by its row).  Path as stored (relative to the
    library folder) -> its tags, alphabetical; the tagger has no tags of them, nor knows whether it can hear them.
    With ``nones``, a file corrected to none of the words (:func:`set_none`) too, as ``[NO_TAG]`` (the box's GET
    /libraries/{id}/fixes, p49)."""
    con, _root = _open(db_path)
    try:
        rows = con.execute("SELECT path, tag FROM user_tags WHERE path NOT IN (SELECT path FROM files) "
                           "AND (tag <> '' OR ?) ORDER BY path, tag", (int(nones),)).fetchall()
    finally:
        con.close()
    out: dict[str, list[str]] = {}
    for rel, tag in rows:
        out.setdefault(str(rel), []).append(tag)
    return out


def export_csv(db_path: str | Path, out: str | Path) -> int:
    """Write the corrections as training data (``path,tag[,tag...]`` rows, absolute paths), for
    ``hatbox train tagger YOUR-TAGS/ corrections.csv``; returns the number of rows.  A file corrected to none of the
    words (:func:`set_none`) is a row with an empty tag field, ``path,`` (p49: the trainer takes it as a negative).
    Files the tagger could not hear (skipped: silent, empty; or undecodable) are left out, and so are files whose
    name is not valid UTF-8 (a CSV of names is UTF-8; training reads one that is not as Windows-1252, every other
    name with it).
    Written whole or not at all (device.library.fixes_csv, which the box's corrections are written by too)."""
    from device.library.fixes_csv import write_fixes_csv
    given = {**corrections(db_path, heard=True), **{path: [] for path in none_corrections(db_path, heard=True)}}
    rows = {path: given[path] for path in sorted(given) if utf8_name(path)}   # none of the words: ``path,``
    try:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HatboxError(f"cannot write {out}: {exc.strerror}") from None
    write_fixes_csv(Path(out), ((str(path), tags) for path, tags in rows.items()), str(out))
    return len(rows)


def utf8_name(path: str | Path) -> bool:
    """Whether ``path``'s name is valid UTF-8 (not held with surrogateescape: see device.library.db)."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def spelled_as_known(tags: list[str], known: list[str]) -> list[str]:
    """``tags`` (in order) each written as the first of ``known`` (the library's tags: the pack's, then the
    producer's) that differs from it only in case, else as the first of ``tags`` that does; duplicates kept."""
    spelling: dict[str, str] = {}
    for t in [*known, *tags]:
        spelling.setdefault(normal_tag(t).casefold(), t)
    return [spelling[normal_tag(t).casefold()] for t in tags]


def _check_tag(tag: str) -> str:
    """A tag as stored: stripped; refused (HatboxError) when :func:`export.manifest.tag_problem` finds one."""
    if problem := tag_problem(tag):     # quoted cut short: a 300 MB "tag" was echoed whole (thirty-third stop's QA)
        shown = tag if len(tag) <= 60 else f"{tag[:40]}... ({len(tag)} characters)"
        said = "" if problem == TAG_RULE else f": {problem}"       # an invisible character named (p48 review)
        raise HatboxError(f"'{shown}' cannot be a tag{said}", hint=TAG_RULE)
    return normal_tag(tag)


NO_TAG = ""     # the user_tags row of "none of my words" (:func:`set_none`): it hides the tagger's tags of the file
                # (db.VIEW lists no tag for it); no tag can be empty (export.manifest.tag_problem)


def is_none(tags: list[str]) -> bool:
    """Whether ``tags`` (as sent to the box) say "none of my words": one or more tags, every one empty (``[""]``); an
    empty list gives a file back to its tagger."""
    return bool(tags) and not any(str(t).strip() for t in tags)


def set_none(db_path: str | Path, path: str | Path) -> None:
    """Give one library file the producer's correction "none of my words" (`library fix DB FILE --none`): no tag of
    the tagger's and none of the producer's is listed for it; kept across re-tagging, following the file to a new
    name and kept when it leaves, as any correction; written by :func:`export_csv` as ``path,``.  NotInLibrary and
    the write errors as :func:`set_tags`."""
    con, root = _open(db_path)
    rel = _relative(root, Path(path))
    try:
        _status(con, rel, path, root, db_path)
        with con:
            libdb.put_user_tags(con, rel, [NO_TAG])
    except sqlite3.OperationalError as exc:
        raise unwritable(db_path, exc) from None
    finally:
        con.close()


def none_corrections(db_path: str | Path, *, heard: bool = False) -> list[Path]:
    """The files (absolute paths, in order) corrected to none of the words (:func:`set_none`); with ``heard`` only those
    the tagger could hear (of use as training data, as :func:`corrections`)."""
    con, root = _open(db_path)
    only = " AND f.status = 'ok'" if heard else ""
    try:
        rows = con.execute("SELECT u.path FROM user_tags u JOIN files f ON f.path = u.path "
                           f"WHERE u.tag = ''{only} ORDER BY u.path").fetchall()
    finally:
        con.close()
    return [root / rel for (rel,) in rows]
