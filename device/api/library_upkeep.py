"""Small pieces of the box's library keeping (device/api/libraries.py), split from it: a tagging's result as JSON and
in a few words for the log, an error in one line, and the library folder's upkeep (its tag database pointed at where
its files are now, a folder removed, renames undone)."""
from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path
from typing import Any

from device.library.report_json import jsonable  # noqa: F401 - its home is device/library now; kept for callers
from hatbox.errors import HatboxError

log = logging.getLogger("hatbox.api")


def what(exc: BaseException) -> str:
    """``exc`` in one line: its type and the first line of its message."""
    first = (str(exc).splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first}" if first else type(exc).__name__


def tally(results: Any) -> str:
    """A tagging's results (device.library's LibraryReport as JSON) in a few words for the box's log."""
    if not isinstance(results, dict):
        return "no report"
    n = {k: (len(v) if isinstance(v, list) else v) for k, v in results.items()
         if k in ("tagged", "unchanged", "failed", "skipped", "removed")}
    said = ", ".join(f"{v} {k}" for k, v in n.items() if isinstance(v, int) and v)
    secs = results.get("seconds")
    return (said or "nothing to tag") + (f", {secs:.1f} s" if isinstance(secs, (int, float)) else "")


def reroot(d: Path) -> None:
    """Point library ``d``'s tag database at its ``files/`` where the store is now: a store copied or mounted
    elsewhere (an SD card read on another path) kept the old absolute root, so its listings named files under the
    old path.  A database that cannot be opened is left for its readers to report."""
    from device.library import db as libdb
    db, files = d / "tags.db", str((d / "files").resolve())
    if not db.is_file():
        return
    try:
        con = libdb.connect(db)
    except HatboxError:
        return
    try:
        old = libdb.get_meta(con, "root")
        if old and old != files:
            with con:
                libdb.set_meta(con, root=files)
            log.warning("library %s: its files are under %s now (its tag database said %s: the store was moved)",
                        d.name, files, old)
    except Exception as exc:  # noqa: BLE001 - sqlite errors of a damaged database: its readers say so
        log.warning("library %s: could not update where its files are in its tag database (%s)", d.name, exc)
    finally:
        con.close()


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)


def put_back(moved: list[tuple[Path, Path]]) -> None:
    """Undo the renames ``moved`` ((from, to) pairs), last first: what
    :meth:`device.api.libraries.Libraries._set_aside_if_damaged` set aside."""
    for here, there in reversed(moved):
        os.replace(there, here)


def with_library_failures(results: Any, db: Path, files: Path) -> Any:
    """A tagging's ``results`` with its ``failed`` and ``skipped`` lists ([path, why], paths inside ``files``) as the
    library's database holds them after it: a tagging carried on after a restart, or a re-tag, reported only the
    files it met itself, so the silent or undecodable files met before were named nowhere.  ``results`` as it was
    when it is no report or the database cannot be read."""
    if not isinstance(results, dict) or not db.is_file():
        return results
    from device.library import failures
    try:
        lists = {kind: failures(db, status) for kind, status in (("failed", "error"), ("skipped", "skipped"))}
    except Exception as exc:  # noqa: BLE001 - a damaged database: its readers say so; the report stays the run's
        log.warning("reading the files %s could not tag: %s", db.parent.name, exc)
        return results
    root = files.resolve()

    def rel(path: Path) -> str:
        try:
            return path.resolve().relative_to(root).as_posix()
        except ValueError:
            return path.as_posix()
    return {**results, **{kind: [[rel(p), why] for p, why in rows] for kind, rows in lists.items()}}


DELETED = "deleted-libraries.json"  # beside the libraries' root (the store's, as deleted-packs.json): who deleted them


def checked_deletions(records: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The deletion records kept on the card (device.store_notes.KeptRecords, lid -> record) that have the shape
    ``{"id", "name", "by", "at"}`` (device/deletion_records.py ``LIBRARY_DELETION``: the rule the packs' records
    follow too), each with its time as a float; a damaged one is left out."""
    from device.deletion_records import LIBRARY_DELETION, well_shaped
    return {lid: {"id": r["id"], "name": r["name"], "by": r["by"], "at": float(r["at"])}
            for lid, r in well_shaped(records, LIBRARY_DELETION).items()}
