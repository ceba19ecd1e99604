"""A library's record made again on the box (beside device/api/libraries.py and library_fixes.py): when its
``library.json`` is damaged or missing, its files and tag database are whole, so it is rebuilt from them
(:func:`rebuild_record`), with the digest a laptop recognises the folder by (:func:`files_digest`) and the tagger
pack that tagged it (:func:`tagger_of`); what the box's start found damaged and rebuilt (:func:`start_notes`)."""
from __future__ import annotations

import logging
import os
import sqlite3
from pathlib import Path
from typing import Any

from hatbox.errors import HatboxError

log = logging.getLogger("hatbox.api")


def start_notes(kit_damaged: str | None, libraries: Any) -> dict[str, Any]:
    """What the box's start found damaged beside its pack store, for GET /status' ``recovery`` (`hatbox status`' "at
    start:" lines): ``kit_damaged``, the words of device.kit.kit_damage; ``libraries_damaged``, the ids of the
    libraries whose record could not be read (Libraries.damaged); ``libraries_rebuilt``, those whose record was made
    again from their files and tags (:func:`rebuild_record`), and of them ``libraries_missing``, those whose
    library.json was gone rather than damaged.  Only what there is."""
    notes: dict[str, Any] = {}
    if kit_damaged:
        notes["kit_damaged"] = kit_damaged
    damaged = libraries.damaged()
    if damaged:
        notes["libraries_damaged"] = damaged
    if libraries.rebuilt:
        notes["libraries_rebuilt"] = sorted(libraries.rebuilt)
        missing = [lid for lid in notes["libraries_rebuilt"] if not (libraries.root / lid / DAMAGED_RECORD).exists()]
        if missing:             # library.json was gone, not damaged (none was set aside)
            notes["libraries_missing"] = missing
    return notes


REBUILT = ("its record was {lost} and was made again from its files and tags ({how}); hatbox box-library {lid} "
           "--retag goes on")
DAMAGED_RECORD = "library.json.damaged"     # a damaged library.json, set aside by :func:`rebuild_record`


def rebuild_record(folder: Path, why: str, save: Any) -> tuple[dict[str, Any], bool] | None:
    """Library ``folder``'s record made again from what its folder holds, when its ``library.json`` is damaged or
    missing (``why``), as a pack's damaged meta.json is made again from its pack: its files (``files/``) and the tags
    and corrections in its ``tags.db`` are whole, so it stays a library that lists, plays, takes --retag and
    --export-fixes (QA: it was listed failed, "delete it and upload it again").  The damaged file is kept as
    ``library.json.damaged`` and the new record written with ``save`` (Libraries._save).  Returns (the record, whether
    it was written: a full disk leaves it to later reads); None when the folder holds no file, or no tag database that
    can be read: then deleting it and sending it again loses nothing of the producer's (Libraries' stand-in says so).
    What is recovered: its files (path, size) and, for the upload's digest, theirs (:func:`files_digest`: a laptop
    recognises the folder by it), its tagger (:func:`tagger_of`); what is lost: its name (its id's middle part stands
    for it) and what the upload's report said of the files left out."""
    lid = folder.name
    try:
        files = held_files(folder / "files")
        uploaded = (folder / "files").stat().st_mtime
    except OSError:
        return None
    count = len(files)
    run, done = _tagged_so_far(folder / "tags.db")
    if not count or not run:            # no tags or corrections to lose: deleting it and sending it again loses nothing
        return None
    state = "done" if run == "done" and done >= count else "cancelled"
    how = "every file tagged" if state == "done" else f"{done} of {count} files tagged"
    lost = "missing" if not (folder / "library.json").exists() else "damaged"
    info = {"id": lid, "name": name_of_id(lid), "sha256": files_digest({f["path"]: f["bytes"] for f in files}),
            "uploaded": uploaded, "accepted": count, "rejected": 0,
            "skipped": 0, "not_audio": 0, "files": files, "progress": {"done": min(done, count), "total": count},
            "tagger": tagger_of(folder), "results": None, "state": state,
            "error": None if state == "done" else REBUILT.format(lost=lost, how=how, lid=lid)}
    log.warning("the record of library %s (%s) was %s (%s); it was made again from its files and tags (%s, tagger "
                "%s)%s", lid, folder / "library.json", lost, why, how, info["tagger"] or "not found",
                ": the damaged file is kept as " + DAMAGED_RECORD if lost == "damaged" else "")
    try:
        if lost == "damaged":
            os.replace(folder / "library.json", folder / DAMAGED_RECORD)
        save(info)
    except OSError as exc:
        log.error("cannot write the record made again of library %s (%s); tried again at its next read", lid, exc)
        return info, False
    return info, True


FILES_DIGEST = "files:"         # how a record made again from its files begins what it keeps for the upload's digest


def files_digest(files: dict[str, int]) -> str:
    """What a record made again from a library's ``files`` (path inside it: size in bytes) keeps where its upload's
    digest is lost: :data:`FILES_DIGEST` and the SHA-256 of its paths and sizes (a line each, "path TAB size",
    sorted), by which a laptop recognises the folder it sent (hatbox/library_push.py: the same audio files, each of
    the same size); no archive's digest is ever equal to one."""
    import hashlib
    lines = "".join(f"{path}\t{size}\n" for path, size in sorted(files.items()))
    return FILES_DIGEST + hashlib.sha256(lines.encode("utf-8", "surrogateescape")).hexdigest()


def held_files(files: Path) -> list[dict[str, Any]]:
    """Library ``files``' files as its record lists those an upload kept (path inside it, size in bytes; what an
    upload's report adds, length and rate, is not known again: 0).  OSError when the folder cannot be read."""
    out = []
    for f in sorted(files.rglob("*")):
        if f.is_file():
            out.append({"path": f.relative_to(files).as_posix(), "ok": True, "reason": "",
                        "bytes": f.stat().st_size, "frames": 0, "rate": 0, "channels": 0})
    return out


def tagger_of(folder: Path) -> str | None:
    """The installed tagger pack that tagged library ``folder`` last: the one whose model id (or, for a database
    tagged before p20, weights id) its ``tags.db`` holds, among the packs of the store the libraries folder is in
    (STORE/libraries beside STORE/packs); None when none is (deleted since) or it cannot be read."""
    from device.library import db as libdb
    from device.store import META_FILE, PACK_FILE
    try:
        con = libdb.connect_readonly(folder / "tags.db")
        try:
            model = libdb.get_meta(con, "model")
        finally:
            con.close()
    except (HatboxError, sqlite3.Error, OSError):
        return None
    for meta_file in sorted((folder.parent.parent / "packs").glob(f"*/{META_FILE}")) if model else ():
        if _tagger_ids(meta_file, meta_file.parent / PACK_FILE) & {model}:
            return meta_file.parent.name
    return None


def _tagger_ids(meta_file: Path, pack_file: Path) -> set[str]:
    """The ids a library records for the tagger pack ``pack_file`` (device.library.runner.PackTagger's model_id and
    weights_id, worked out without loading its network); none for another kind or one that cannot be read."""
    import json

    from device.library.runner import pack_ids
    from export.pack import read_pack
    try:
        if json.loads(meta_file.read_bytes()).get("kind") != "tagger":
            return set()
        return set(pack_ids(read_pack(pack_file)))
    except Exception as exc:  # noqa: BLE001 - a damaged pack is the store's to say; here it is only not the one
        log.info("cannot read tagger pack %s to name a library's tagger (%s)", pack_file.parent.name, exc)
        return set()


def _tagged_so_far(db: Path) -> tuple[str, int]:
    """(how the last tagging into library database ``db`` ended: "done", "stopped", "running"; "" for none or a
    database that cannot be read, the files it tagged)."""
    if not db.is_file():
        return "", 0
    from device.library.query import tagging_run
    try:
        run, done, _ = tagging_run(db)
    except (HatboxError, sqlite3.Error, OSError):
        return "", 0
    return run, done


def name_of_id(lid: str) -> str:
    """A library's name as its id holds it (``lib-kick-808-b7862e`` -> ``kick-808``; another id as it is), for a
    record whose name is lost."""
    import re
    found = re.fullmatch(r"lib-(.+)-[0-9a-f]{6}", lid)
    return found.group(1) if found else lid
