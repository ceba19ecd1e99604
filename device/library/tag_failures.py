"""Why a library tagging (device.library.tag) could not tag a file, or write its database, in the words it says:
the reason listed beside a file's name in the report (a broken link, a file that cannot be looked at or read, one the
box's upload would refuse, a name that is not UTF-8) and the error of a database that stopped taking writes."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from device.audio.closed_folder import refusal_hint
from device.library import db as libdb
from device.library.member_checks import NO_AUDIO, audio_problem
from hatbox.errors import AudioFileError, HatboxError, first_line
from hatbox.file_access import cannot_read

if TYPE_CHECKING:
    from device.library.tag import LibraryReport

NOT_UTF8 = "name is not valid UTF-8 (rename it)"
BROKEN_LINK = "broken link (what it points at does not exist)"      # the box's words (device.library.folder_tar)


def stat_or_failed(path: Path, rel: str, report: LibraryReport) -> os.stat_result | None:
    """``path``'s os.stat (links followed), or None when there is none, said in ``report``: a file deleted since
    the walk found it has left the library during the run (not failed); a link to nothing, or a file that cannot
    be looked at, failed."""
    try:
        return path.stat()
    except FileNotFoundError:
        if os.path.lexists(path):
            report.failed.append((rel, BROKEN_LINK))
        else:
            report.left_during.append(rel)
    except OSError as exc:      # said as failed_words says it (a link into a closed folder: its chmod -R)
        report.failed.append((rel, failed_words(exc, path)))
    return None


def failed_words(exc: Exception, path: Path) -> str:
    """Why ``path`` failed, listed beside its name: the error's first line without the path; a file the system would
    not open (a PermissionError, or device.audio.audiofile's AudioFileError ``refused``) as audiofile says it, with
    its hint: "cannot read: permission denied (let your...)", the chmod -R of a folder on its way that may not be
    entered (device.audio.closed_folder), else the file's; another OSError (EIO: a failing drive) without one."""
    if isinstance(exc, OSError):
        refused = isinstance(exc, PermissionError)
        exc = AudioFileError(cannot_read(path, exc), hint=refusal_hint(path) if refused else None, refused=refused)
    said = without_path(first_line(exc), path)
    hint = getattr(exc, "hint", None)
    return f"{said} ({hint})" if hint and getattr(exc, "refused", False) else said


def without_path(reason: str, path: Path) -> str:
    """``reason`` (one line) as it is listed beside the file's name, which it then need not repeat: "cannot read
    /lib/kit/x.wav: ..." as "cannot read: ...", "/lib/kit/x.wav: its header says..." as "its header says..."."""
    shown = str(path)
    if reason.startswith(f"{shown}: "):
        return reason[len(shown) + 2:]
    return reason.replace(f" {shown}: ", ": ", 1)


def upload_refusal(path: Path) -> str:
    """Why the box's upload would refuse the audio file ``path`` ("" when it takes it): its one check,
    :func:`device.library.member_checks.audio_problem`, in its words.  A header with no samples is left to the
    tagger, which skips such a file as empty (one with bytes past its header's end fails there)."""
    why = audio_problem(path)[0]
    return "" if why == NO_AUDIO else why


def write_error(db_path: str | Path, exc: sqlite3.OperationalError) -> HatboxError:
    """The HatboxError for a database that stopped taking writes part-way (locked by another program, the
    disk full, made read-only): what was committed before stays, and the same command goes on from there."""
    trouble = libdb.write_trouble(exc, db_path)          # a full disk that SQLite calls read-only: "full"
    kept = "stopped; the files tagged before are kept"
    again = "then run the same command again: it goes on where this run stopped"
    if trouble == "locked":
        return HatboxError(f"{db_path} is locked by another program (another hatbox tag on the same database?): "
                           f"{kept}", hint=f"wait for it to finish (or close it), {again}")
    if trouble == "full":
        return HatboxError(f"cannot write {db_path}: the disk is full: {kept}",
                           hint=f"free some space (or give --out a database on another disk), {again}")
    if trouble == "read-only":
        return HatboxError(f"cannot write {db_path}: it was made read-only: {kept}",
                           hint=f"make it and its folder writable again, {again}")
    return HatboxError(f"cannot write {db_path}: {exc}: {kept}",
                       hint=f"check that the database and its folder are writable, {again}")
