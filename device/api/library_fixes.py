"""The box's library keeping beside device/api/libraries.py: a re-tag that keeps the old tags until it is whole, and
the producer's corrections read out (for the laptop's next training) and written in (sent with a library).

**A re-tag keeps the old tags until it has gone through the library** (forty-first stop; QA: a re-tag cancelled
after a second left 175 of 492 files under any tag, 317 under none, while the laptop said "the tags so far stay").
A library's tag database counts only the rows of the pack that tagged it last (device.library.db.VIEW): a tagging
that changes the pack and stops part way leaves the other files under no tag, and one library of two packs' rows
would mix two vocabularies and two embedding spaces ("more like this").  So a re-tag of a library that has a
``tags.db`` tags a copy of it (:data:`STAGE`, made with SQLite's backup, or the one a stopped re-tag left: it goes
on from there) while every reader (the listings, the panel, the kit) reads ``tags.db`` as it was; once the copy is
whole its files, tags and meta replace ``tags.db``'s in one transaction (:func:`merge_stage`), the producer's
corrections (``user_tags``, also those made meanwhile) staying as they are.  A re-tag stopped part way, or failed
(a full disk: its copy removed, :func:`tagging_failed`), gives the library back its record from before
(:func:`retag_ended`), with ``stopped_retag`` saying how far the new pack got (and why it failed).
"""
from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path
from typing import Any

from hatbox.errors import HatboxError

log = logging.getLogger("hatbox.api")
# One change of a library's corrections at a time (routes run on worker threads; as library_owners._lock): a push
# (put_fixes_sides) and a word renamed or dropped (library_words_route.changed_words) each read, change and write
# back tags.db, SENT and WAITING; side by side, one wrote back what the other changed (p49 review).  Reentrant.
_lock = threading.RLock()


def fixes_locked() -> threading.RLock:
    """:data:`_lock`, for a change of the corrections made outside this module (``with fixes_locked():``)."""
    return _lock

STAGE = "retag.db"              # in the library's folder: the copy a re-tag tags
BEFORE = ("state", "tagger", "progress", "results", "error")     # the record a stopped re-tag gives back


def stage_path(folder: Path) -> Path:
    """The copy of library ``folder``'s tag database that a re-tag writes."""
    return folder / STAGE


def staged_start(old: dict[str, Any], has_db: bool) -> dict[str, Any]:
    """What a re-tag adds to library record ``old`` as it starts: with a tag database (``has_db``), ``before`` (the
    record's :data:`BEFORE` fields to give back if it stops; those of a re-tag cut off and carried on are kept) and
    ``tags_from`` (the pack whose tags the library shows meanwhile); a stopped re-tag's ``stopped_retag`` goes."""
    if not has_db:
        return {"before": None, "tags_from": None, "stopped_retag": None}
    before = old.get("before") or {k: old.get(k) for k in BEFORE}
    return {"before": before, "tags_from": before.get("tagger"), "stopped_retag": None}


def prepare_stage(folder: Path) -> Path:
    """The database a staged re-tag of library ``folder`` tags: :data:`STAGE`, copied from ``tags.db`` (SQLite's
    backup: safe beside its readers) unless a stopped re-tag left one, which it goes on from."""
    stage = stage_path(folder)
    if not stage.is_file():
        _copy_db(folder / "tags.db", stage)
    return stage


def _copy_db(src: Path, dst: Path) -> None:
    """Copy the SQLite database ``src`` to ``dst`` (a partial copy is removed)."""
    part = dst.with_name(dst.name + ".partial")
    part.unlink(missing_ok=True)
    with _closing(sqlite3.connect(str(src), timeout=30)) as a, _closing(sqlite3.connect(str(part))) as b:
        a.backup(b)
    part.replace(dst)


class _closing:
    """A sqlite3 connection closed on leaving (its own ``with`` only commits)."""

    def __init__(self, con: sqlite3.Connection) -> None:
        self.con = con

    def __enter__(self) -> sqlite3.Connection:
        return self.con

    def __exit__(self, *exc: object) -> None:
        self.con.close()


def merge_stage(folder: Path) -> None:
    """A staged re-tag went through library ``folder``: its files, tags and meta replace those of ``tags.db`` in
    one transaction (a reader sees the old library or the new, never half), the corrections in ``tags.db`` stay;
    then the copy goes."""
    from device.library import db as libdb
    stage = stage_path(folder)
    con = libdb.connect(folder / "tags.db")
    try:
        con.execute("ATTACH DATABASE ? AS s", (str(stage),))
        with con:
            for table in ("tags", "files", "meta"):
                con.execute(f"DELETE FROM main.{table}")
            for table in ("meta", "files", "tags"):
                con.execute(f"INSERT INTO main.{table} SELECT * FROM s.{table}")
        con.execute("DETACH DATABASE s")
    finally:
        con.close()
    drop_stage(folder)


def drop_stage(folder: Path) -> None:
    """Remove library ``folder``'s re-tag copy (:data:`STAGE`, with its -wal and -shm)."""
    from device.library import db as libdb
    libdb.remove_db(stage_path(folder))


def retag_ended(info: dict[str, Any], ended: dict[str, Any]) -> dict[str, Any]:
    """How a tagging of record ``info`` that ended as ``ended`` (state, results, error) is recorded: a staged re-tag
    (``info['before']``) that stopped part way, or failed (its copy is all it wrote), gives back the record from
    before, the library's tags being those of ``tags_from`` still, with ``stopped_retag`` (the new pack, how far it
    got; ``error``, the box's words, when it failed); any other end drops the staging."""
    before = info.get("before")
    clear = {"before": None, "tags_from": None}
    if not before or ended.get("state") not in ("cancelled", "failed"):
        return {**ended, **clear}
    progress = info.get("progress") or {}
    stopped = {"tagger": info.get("tagger"), "done": int(progress.get("done") or 0),
               "total": int(progress.get("total") or 0)}
    if ended.get("state") == "failed":
        stopped["error"] = ended.get("error")
    return {**ended, **before, **clear, "stopped_retag": stopped}


def cut_off(info: dict[str, Any], interrupted: str) -> dict[str, Any]:
    """How a start records a tagging of record ``info`` that a restart cut off: a staged re-tag gives the library back
    its record from before (its ``tags.db`` is whole, with the old pack's tags), ``stopped_retag`` saying it was cut
    off (``cut_off``); any other is ``failed`` with ``interrupted``.  Either is carried on, when it can be, by
    Libraries.resume (:func:`cut_off_tagger`).  (QA: a re-tag cut off by 3 restarts left a healthy library "failed
    ... (or --delete removes this copy)".)"""
    if not info.get("before"):
        return {"state": "failed", "error": interrupted}
    back = retag_ended(info, {"state": "cancelled", "error": None})
    back["stopped_retag"]["cut_off"] = True
    return back


def cut_off_tagger(info: dict[str, Any]) -> Any:
    """The tagger pack a tagging cut off by a restart (record ``info``, as :func:`cut_off` left it) was tagging with."""
    stopped = info.get("stopped_retag")
    return stopped.get("tagger") if isinstance(stopped, dict) else info.get("tagger")


def cut_off_stays(info: dict[str, Any]) -> str:
    """How a library whose cut-off tagging (record ``info``) is not carried on stays, said in the box's log."""
    if isinstance(info.get("stopped_retag"), dict):
        return f"it keeps its tags from {info.get('tagger')}"
    return "it stays failed"


# what a tagging that met a full disk says to do (the box's words: not `hatbox tag`'s --out and "the same command")
TAG_ROOM = ("make room (hatbox box-library lists the libraries, hatbox box-library ID --delete removes one; or hatbox "
            "box-pack ID --delete removes an old pack)")


def tagging_failed(folder: Path, exc: BaseException, staged: bool) -> str:
    """The words the record of library ``folder`` keeps for a tagging that failed on ``exc``, in the box's words: a
    full disk said as one (the tagger's own words are the laptop's: "give --out a database on another disk", a literal
    hint line), else the error's first line without the library's folder.  A re-tag's copy (``staged``) on a full disk
    is removed, giving its room back; otherwise it is kept, and --retag goes on from it."""
    if _disk_full(folder / (STAGE if staged else "tags.db"), exc):
        if staged:
            drop_stage(folder)
            return f"the box's disk is full: {TAG_ROOM}"
        return f"the box's disk is full: {TAG_ROOM}; then tag it again: hatbox box-library {folder.name} --retag"
    from hatbox.errors import first_line
    return f"{type(exc).__name__}: {first_line(exc)}".replace(f"{folder}/", "")


def _disk_full(db: Path, exc: BaseException) -> bool:
    """Whether tagging into ``db`` stopped on ``exc`` for a full disk: ENOSPC, SQLite's "database or disk is full" (as
    the tagger says it), or SQLite's "readonly database" on a disk with next to no room left (db.write_trouble)."""
    from device.library.archive import is_disk_full
    from device.library.db import disk_full_at
    return is_disk_full(exc) or "disk is full" in str(exc) or disk_full_at(db)


WAITING = "fixes.json"          # in the library's folder: corrections sent before it has a tag database


def read_fixes(db: Path, files: Path) -> list[dict[str, Any]]:
    """The producer's corrections in library database ``db`` (files under ``files``), by path: ``path`` (as the
    library lists it), ``tags``, ``heard`` (whether the tagger could hear the file: only those are of use as training
    data; None, not known, for a file it has not tagged) and ``tagged`` (whether the tagger has tagged it: False for a
    file its tagging has not reached yet, device.library.fixes.untagged_corrections; p47, before they were left out
    and `--export-fixes` lost them).  A file corrected to none of the words (`box-library ID --fix FILE --none`, or
    sent so: p49) is ``tags`` ``[""]``: an older laptop's --export-fixes writes it as ``path,`` all the same."""
    from device.library.fixes import NO_TAG, none_corrections, untagged_corrections
    from device.library.query import corrections
    heard = {*corrections(db, heard=True), *none_corrections(db, heard=True)}
    given = {**corrections(db), **{path: [NO_TAG] for path in none_corrections(db)}}
    root = files.resolve()
    out = []
    for path, tags in given.items():
        try:
            rel = path.resolve().relative_to(root).as_posix()
        except ValueError:
            rel = path.as_posix()
        out.append({"path": rel, "tags": tags, "heard": path in heard, "tagged": True})
    out += [not_tagged_fix(rel, tags) for rel, tags in untagged_corrections(db, nones=True).items()]
    return sorted(out, key=lambda f: f["path"])


def not_tagged_fix(rel: str, tags: list[str]) -> dict[str, Any]:
    """:func:`read_fixes`' correction (``tags``) of library file ``rel`` that the tagger has not tagged yet."""
    return {"path": rel, "tags": sorted(tags), "heard": None, "tagged": False}


def listed_fixes(folder: Path, db: Path | None) -> list[dict[str, Any]]:
    """GET /libraries/{id}/fixes' corrections of library ``folder``: :func:`read_fixes` of its tag database ``db``
    (None while it has none), and those kept in :data:`WAITING` until a tagging begins (a laptop sent them before;
    a file's correction in ``db`` is the one that counts), as files not tagged yet."""
    found = read_fixes(db, folder / "files") if db is not None else []
    have = {f["path"] for f in found}
    waiting = [not_tagged_fix(p, t) for p, t in sorted(_waiting(folder).items()) if t and p not in have]
    return sorted(found + waiting, key=lambda f: f["path"])


def waits_for_tagging(folder: Path) -> bool:
    """Whether library ``folder`` keeps corrections in :data:`WAITING` (a laptop sent them before it had a tag
    database)."""
    return any(_waiting(folder).values())


def checked_fixes(fixes: list[tuple[str, list[str]]]) -> list[tuple[str, list[str]]]:
    """``fixes`` (path, tags) with each tag as stored (stripped, one Unicode form); HatboxError naming the first tag
    that cannot be one (export.manifest.tag_problem), before anything is written.  Tags all empty (``[""]``) are
    "none of my words", kept as device.library.fixes stores it (p49: a box before refused them, every correction
    sent with them)."""
    from device.library.fixes import NO_TAG, is_none
    from export.manifest import TAG_RULE, normal_tag, tag_problem
    fixes = [(path, [NO_TAG] if is_none(tags) else tags) for path, tags in fixes]
    for path, tags in fixes:
        if is_none(tags):
            continue
        bad, problem = next(((t, p) for t in tags if (p := tag_problem(t))), (None, None))
        if bad is not None:
            said = "" if problem == TAG_RULE else f": {problem}"     # a character named (p48)
            raise HatboxError(f"'{bad[:60]}' (for {path}) cannot be a tag{said}; no correction was kept", hint=TAG_RULE)
    return [(path, sorted({normal_tag(t) for t in tags})) for path, tags in fixes]


def put_fixes(folder: Path, fixes: list[tuple[str, list[str]]], has_db: bool) -> list[dict[str, Any]]:
    """Give library ``folder``'s files the producer's ``fixes`` from a laptop (path inside ``files/``, tags; none:
    back to the tagger), as `box-library --fix` does, in one transaction: into its tag database when it has one or
    is being tagged (``has_db``; a file the tagging has not reached yet shows them once it has), else kept in
    :data:`WAITING` until a tagging begins (:func:`take_waiting`).  A file the box holds another correction of,
    made on the box since a laptop last sent one (:func:`_sides`), keeps the box's: those come back as ``path``,
    ``box`` (its tags there) and ``yours`` (the laptop's), not written.  Sending the same twice changes nothing."""
    return put_fixes_sides(folder, fixes, has_db)[0]


def put_fixes_sides(folder: Path, fixes: list[tuple[str, list[str]]], has_db: bool,
                    renamed: list[dict[str, Any]] | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """:func:`put_fixes`, and the box's corrections the laptop's replaced (p46), each ``path``, ``box`` (its tags
    before), ``yours`` (kept now).  Words renamed or dropped on the box are made so in ``fixes`` first
    (device.library.word_memory: p49, a push undid a rename silently), said in ``renamed`` (word, to, files)."""
    from device.library.word_memory import applied, memory_for, older_memory
    older = older_memory(folder)        # before the lock: a scan of the box's library folders (p50)
    with _lock:
        fixes, said = applied(memory_for(folder, older), fixes)
        (renamed if renamed is not None else []).extend(said)
        sent = _sent(folder)
        if not has_db:
            waiting = _waiting(folder)
            take, kept, replaced = _sides(waiting, sent, fixes)
            _write_waiting(folder, {**waiting, **dict(take)})
        else:
            fixes, kept, replaced = _put_in_db(folder, fixes, sent)
        # SENT after the corrections themselves: cut off between the two, the box holds the laptop's corrections
        # and SENT the ones before, so its next push finds the same tags on both sides and changes nothing
        _remember_sent(folder, {**sent, **dict(fixes)})
    return kept, replaced


Sides = tuple[list[tuple[str, list[str]]], list[dict[str, Any]], list[dict[str, Any]]]


def _put_in_db(folder: Path, fixes: list[tuple[str, list[str]]], sent: dict[str, list[str]]) -> Sides:
    """:func:`put_fixes_sides` into library ``folder``'s ``tags.db``: (``fixes`` spelled as the library spells its
    tags, the corrections it kept of its own, those replaced)."""
    from device.library import db as libdb
    con = libdb.connect(folder / "tags.db")
    try:
        from device.library.query import _known_tags, spelled_as_known, unwritable
        known = _known_tags(con)
        fixes = [(path, sorted(set(spelled_as_known(tags, known)))) for path, tags in fixes]
        with con:
            held = {path: libdb.user_tags_of(con, path) for path, _ in fixes}
            take, kept, replaced = _sides(held, sent, fixes)
            for path, tags in take:
                libdb.put_user_tags(con, path, tags)
    except sqlite3.OperationalError as exc:     # a full disk, a lock: nothing was written (one transaction)
        raise unwritable(folder / "tags.db", exc) from None
    finally:
        con.close()
    return fixes, kept, replaced


def _sides(held: dict[str, list[str]], sent: dict[str, list[str]], fixes: list[tuple[str, list[str]]]) -> Sides:
    """Which of a laptop's ``fixes`` (path, tags) the box takes, which of its own corrections (``held``: path,
    tags; none: the tagger's) it keeps, and which it replaces.  The laptop's is taken when the box's is what a
    laptop sent it last (``sent``: that one is replaced when it was a correction, p46), or it has none and none was
    sent (a first push); the box's is kept when it differs from both (made on the box since: QA, a re-sent folder
    put back the laptop's tag over a newer one made with --fix); the same tags on both sides change nothing."""
    take, kept, replaced = [], [], []
    for path, tags in fixes:
        box = sorted(held.get(path) or [])
        if box == sorted(tags):
            continue
        side = {"path": path, "box": box, "yours": sorted(tags)}
        if box == sorted(sent.get(path) or []):
            take.append((path, tags))
            replaced += [side] if box else []
        else:
            kept.append(side)
    return take, kept, replaced


SENT = "sent_fixes.json"        # in the library's folder: the corrections laptops sent it last, file by file


def _sent(folder: Path) -> dict[str, list[str]]:
    """The corrections laptops sent library ``folder`` last (:data:`SENT`; {} for none or an unreadable file)."""
    return _json_fixes(folder / SENT)


def _remember_sent(folder: Path, sent: dict[str, list[str]]) -> None:
    """Keep ``sent`` as library ``folder``'s :data:`SENT`; one that cannot be written is logged (the corrections are
    kept all the same: a file whose box correction is the laptop's stays so at the next send)."""
    import json

    from export.atomic import write_atomic
    try:
        write_atomic(folder / SENT, json.dumps(sent, sort_keys=True).encode())
    except OSError as exc:
        log.warning("library %s: cannot keep which corrections a laptop sent (%s)", folder.name, exc)


def _write_waiting(folder: Path, waiting: dict[str, list[str]]) -> None:
    """Keep ``waiting`` as the corrections of library ``folder`` waiting for its tag database (:data:`WAITING`)."""
    import json

    from export.atomic import write_atomic
    write_atomic(folder / WAITING, json.dumps(waiting, sort_keys=True).encode())


def _json_fixes(path: Path) -> dict[str, list[str]]:
    """The corrections (path: tags) kept as JSON in ``path`` ({} for none or a file that cannot be read)."""
    import json
    try:
        found = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return {}
    return {str(p): [str(t) for t in tags] for p, tags in found.items()} if isinstance(found, dict) else {}


def _waiting(folder: Path) -> dict[str, list[str]]:
    """The corrections :func:`put_fixes` kept for library ``folder`` while it had no tag database ({} for none)."""
    return _json_fixes(folder / WAITING)


def waiting_words(folder: Path) -> dict[str, int]:
    """Each word of library ``folder``'s corrections waiting for its tag database (:data:`WAITING`) -> its files."""
    uses: dict[str, int] = {}
    for tags in _waiting(folder).values():
        for tag in {t for t in tags if t}:
            uses[tag] = uses.get(tag, 0) + 1
    return uses


def change_kept_word(folder: Path, word: str, to: str) -> int:
    """Rename ``word`` to ``to`` ("" drops it) in the corrections library ``folder`` keeps as JSON: those waiting for
    its tag database (:data:`WAITING`) and those laptops sent it last (:data:`SENT`: left with the old word, a
    laptop's next push would find its renamed corrections made on the box, and keep the box's: p49); a correction
    left with no word goes.  Returns how many waiting files changed.  OSError when WAITING cannot be written (SENT
    is logged, as :func:`_remember_sent` does)."""
    from device.library.word_memory import remember_change
    with _lock:
        remember_change(folder, word, to)         # a later push of the old word takes the box's (p49)
        waiting, sent = _waiting(folder), _sent(folder)
        changed = _word_changed(waiting, word, to)
        if changed:
            _write_waiting(folder, waiting)
        # SENT last (after tags.db and WAITING): cut off before it, a laptop's next push of the old word finds the
        # box's (renamed) differing from SENT and keeps it, saying so; SENT first would hold a word no laptop sent,
        # and a later push of the renamed word would keep the box's old one over it
        if _word_changed(sent, word, to):
            _remember_sent(folder, sent)
    return changed


def _word_changed(fixes: dict[str, list[str]], word: str, to: str) -> int:
    """``fixes`` (path: tags) with ``word`` (any case) renamed to ``to`` ("" drops it; a correction left empty goes),
    changed in place; how many corrections changed."""
    count, key = 0, word.casefold()
    for path, tags in list(fixes.items()):
        if not any(t.casefold() == key for t in tags):
            continue
        count += 1
        now = sorted({to if t.casefold() == key else t for t in tags} - {""})
        if now:
            fixes[path] = now
        else:
            del fixes[path]
    return count


def take_waiting(folder: Path, db: Path) -> None:
    """Before library ``folder`` is tagged into ``db``: the corrections kept while it had none go into it."""
    with _lock:
        waiting = _waiting(folder)
        if not waiting:
            return
        from device.library import db as libdb
        con = libdb.connect(db)
        try:
            with con:
                for path, tags in waiting.items():
                    libdb.put_user_tags(con, path, tags)
        finally:
            con.close()
        (folder / WAITING).unlink(missing_ok=True)


# what a correction the box's full disk did not take says to do
FIX_ROOM_HINT = ("make room: hatbox box-library lists the libraries, hatbox box-library ID --delete removes one (or "
                 "hatbox box-pack lists the packs, hatbox box-pack ID --delete removes an old one); then give the "
                 "correction again")


def no_room_for_fixes(lost: str) -> Exception:
    """The API's 507 for corrections the box's full disk did not take (``lost``: "the correction of kit/s1.wav was
    not kept"): SQLite may call it a read-only database, never the producer's to chmod (db.write_trouble)."""
    from device.api.errors import ApiError
    return ApiError(507, "no space", f"the box's disk is full: {lost}; nothing was changed",
                    hint=FIX_ROOM_HINT)


def not_on_box_hint(lid: str) -> str:
    """The hint for a correction of a file library ``lid`` on the box does not hold: what applies on the box (the
    library's listings, sending the folder again), not the laptop's `hatbox tag` (QA: a library that only exists on
    the box was told to "tag the folder again")."""
    return (f"give its path inside the library, as its --tag and --unsure listings show it (hatbox box-library {lid} "
            "--tag TAG); a file added to the folder since it was sent is not on the box: send the folder again "
            "(hatbox push-library FOLDER: a new library, which hatbox box-library lists; fix the file there)")


def tagger_said(db: Path, path: str) -> dict[str, Any]:
    """What the tagger made of library file ``path`` for PUT /libraries/{id}/files/tags' answer, as the laptop's fix
    line says it (hatbox.library_words.tagger_words; p53 QA T3: the box's line said only the tags kept): ``hits``, its
    tags (each over its threshold), surest first, with their scores, and ``not_tagged``, why it did not tag the
    file (None: it did).  Nothing (an empty dict) when the database cannot say."""
    from device.library.fixes import file_status
    from device.library.words import tagger_hits
    try:
        status, why = file_status(db, path)
        hits = tagger_hits(db, path)
    except (HatboxError, sqlite3.Error):
        return {}
    return {"hits": [(t, round(s, 4)) for t, s in hits], "not_tagged": None if status == "ok" else why or status}
