"""``tag_library``: tag every audio file under a folder into SQLite, resumably and memory-bounded.

Files are walked once (paths only), then decoded, tagged and written batch by batch; the database
is committed after every batch, so an interrupted run resumes where it stopped.  A file is tagged
again only if its size or mtime changed or the pack did; files that disappeared are dropped.
A file that cannot be decoded is recorded with its error and tried again next run.  A file that
decodes but holds nothing to tag (silent on every channel, too short, or a header with no samples:
device/library/runner.PackTagger.why_not) gets no tags, only its reason, and is not decoded again until
it changes.  On the laptop (`hatbox tag`) a file is first given the box's upload check
(device.library.member_checks.audio_problem): one the box would refuse (cut short, float samples at integer
scale, not audio) fails with the box's words instead of being tagged from what little libsndfile makes of it.
"""
from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from device.library import db as libdb
from device.library.decode import decoder_notes_hidden
from device.library.links import links_problem, write_links
from device.library.member_checks import NO_AUDIO, audio_problem
from device.library.runner import PackTagger
from device.library.scan import audio_files, content_hash, stat_key
from export.pack import Pack
from hatbox.errors import AudioFileError, HatboxError, first_line

Progress = Callable[[int, int], None]
BATCH = 32
NOT_UTF8 = "name is not valid UTF-8 (rename it)"


@dataclass
class LibraryReport:
    """What one run did. ``failed``: (relative path, reason) of files that could not be tagged;
    ``skipped``: of files decoded this run that hold nothing to tag (silent, too short, empty)."""

    total: int = 0
    tagged: int = 0
    unchanged: int = 0
    removed: int = 0
    links: int = 0
    cancelled: bool = False
    seconds: float = 0.0
    failed: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    links_error: str = ""       # why the links folder could not be (re)made; the tagging itself stands
    tags_followed: int = 0      # files that left the library whose tags of the producer's went to the same bytes
    #                             under a new name (a renamed file or folder)
    tags_lost: list[str] = field(default_factory=list)   # left, carrying the producer's tags, found under no name


class TaggingInterrupted(KeyboardInterrupt):
    """Ctrl-C while a library was being tagged: ``report`` says what this run did up to then (``tagged``: the
    files tagged and committed, a re-run leaves them be); still a KeyboardInterrupt to anyone who catches that."""

    def __init__(self, report: LibraryReport) -> None:
        super().__init__()
        self.report = report


@dataclass(frozen=True)
class Decoding:
    """How each file is decoded.  ``checked``: first refuse what the box's upload refuses
    (:func:`upload_refusal`; the box's own files passed it at upload, the laptop's never did).  ``quiet``: hide
    what the decoders write to the process's stderr (device.library.decode.decoder_notes_hidden: only for a
    command that tags in its one thread, never the box's server)."""

    checked: bool = False
    quiet: bool = False


@dataclass
class _Pending:
    rel: list[str] = field(default_factory=list)
    stat: list[tuple[int, int]] = field(default_factory=list)
    digest: list[str] = field(default_factory=list)


def tag_library(root: str | Path, pack: str | Path | Pack, db_path: str | Path, links_dir: str | Path | None = None,
                progress: Progress | None = None, cancel: threading.Event | None = None,
                threads: int = 1, batch: int = BATCH, lock: bool = False,
                decoding: Decoding = Decoding()) -> LibraryReport:
    """Tag ``root``'s audio files with a tagger ``pack`` into ``db_path`` (see module doc).

    ``progress(done, total)`` is called after each file; set ``cancel`` to stop after the current
    batch (what is done stays done).  Safe to call from a background thread.  Ctrl-C once the database is
    open saves the files decoded since the last batch and raises :class:`TaggingInterrupted` with the report.
    ``lock``: hold :func:`device.library.db.tagging_lock` from before the database is opened (`hatbox tag`: a
    second run on the same database is refused, HatboxError, once the folder and the pack are checked).
    A ``links_dir`` in which no link can be made (a file, a folder that cannot be written) is refused before the
    pack is read or the database touched.  ``decoding``: see :class:`Decoding` (`hatbox tag` checks and hushes).
    """
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise HatboxError(f"{root} is a file, not a folder", hint="give the folder that holds your samples")
    if not root.is_dir():
        raise HatboxError(f"no library folder at {root}")
    unusable = links_problem(Path(links_dir)) if links_dir is not None else ""
    if unusable:
        raise HatboxError(f"{unusable}: nothing was tagged")
    start = time.monotonic()
    tagger = PackTagger(pack, threads=threads)
    with libdb.tagging_lock(db_path) if lock else contextlib.nullcontext():
        con = libdb.connect(db_path)
        report = LibraryReport()
        try:
            inside = Path(db_path).resolve().parent == root.resolve()    # the database is kept in its library
            _run(root, tagger, con, Path(links_dir) if links_dir else None, progress, cancel, batch, report,
                 decoding, inside)
        except sqlite3.OperationalError as exc:
            raise _write_error(db_path, exc) from None
        except KeyboardInterrupt:
            report.cancelled, report.seconds = True, time.monotonic() - start
            raise TaggingInterrupted(report) from None
        finally:
            con.close()
    report.seconds = time.monotonic() - start
    return report


def _write_error(db_path: str | Path, exc: sqlite3.OperationalError) -> HatboxError:
    """The HatboxError for a database that stopped taking writes part-way (locked by another program, the
    disk full, made read-only): what was committed before stays, and the same command goes on from there."""
    why = str(exc)
    kept = "stopped; the files tagged before are kept"
    again = "then run the same command again: it goes on where this run stopped"
    if "locked" in why or "busy" in why:
        return HatboxError(f"{db_path} is locked by another program (another hatbox tag on the same database?): "
                           f"{kept}", hint=f"wait for it to finish (or close it), {again}")
    if "full" in why:
        return HatboxError(f"cannot write {db_path}: the disk is full: {kept}",
                           hint=f"free some space (or give --out a database on another disk), {again}")
    return HatboxError(f"cannot write {db_path}: {why}: {kept}",
                       hint=f"check that the database and its folder are writable, {again}")


def _run(root: Path, tagger: PackTagger, con, links_dir: Path | None, progress: Progress | None,
         cancel: threading.Event | None, batch: int, report: LibraryReport, decoding: Decoding,
         inside: bool = False) -> None:
    """Tag the library into ``con``, filling in ``report`` as the run goes (what it holds stays true if the run
    stops part-way).  ``inside``: the database file sits in the library folder itself (recorded as meta ``inside``:
    a copy of the library with it stands for the copy, device.library.query.library_root)."""
    found = audio_files(root, exclude=links_dir)
    paths = [p.relative_to(root).as_posix() for p in found]
    blocked = list(getattr(found, "unreadable", ()))     # (folder, why); a plain list of paths has none
    for folder, why in blocked:
        if folder == ".":
            raise HatboxError(f"cannot open the library folder {root}: {why}: nothing changed",
                              hint="check its permissions (on macOS, give the terminal access to the folder "
                                   "or drive in System Settings > Privacy & Security)")
    known = libdb.known_files(con)
    kept = [rel for rel in known if any(rel.startswith(folder + "/") for folder, _ in blocked)]
    _check_same_library(con, root, paths + kept, known)
    libdb.set_meta(con, root=str(root.resolve()), inside=int(inside), tags=",".join(tagger.tags),
                   model=tagger.model_id, embed_dim=tagger.pack.manifest.extras.get("embed_dim", 0),
                   exclusive=int(tagger.exclusive), thresholds=",".join(f"{t:g}" for t in tagger.thresholds))
    report.total = len(paths)
    report.failed += [(f"{folder}/", f"cannot open the folder ({why}); its files in the database are kept as "
                                     f"they were") for folder, why in blocked]
    gone = sorted(set(known) - set(paths) - set(kept))
    report.tags_followed, report.tags_lost = _follow_moves(root, con, gone, [p for p in paths if p not in known])
    libdb.remove(con, gone)
    report.removed = len(gone)
    con.commit()
    _tag_changed(root, tagger, con, paths, known, report, progress, cancel, batch, decoding)
    if links_dir is not None and not report.cancelled:
        try:
            report.links = write_links(con, root, links_dir)
        except HatboxError as exc:
            report.links_error = exc.args[0] + (f" ({exc.hint})" if exc.hint else "")


def _follow_moves(root: Path, con, gone: list[str], new: list[str]) -> tuple[int, list[str]]:
    """The producer's tags of files that left the library (``gone``) go to the files new to it (``new``) with the
    same bytes (a renamed file, a folder renamed or reorganised), before the rows that held them are dropped:
    (how many files' tags followed, the paths whose tags found no file and go with them).  Only new files of a
    gone file's size are hashed."""
    owned = libdb.corrected_rows(con, gone)
    if not owned:
        return 0, []
    by_size: dict[int, list[str]] = {}
    for rel in new:
        with contextlib.suppress(OSError):
            by_size.setdefault((root / rel).stat().st_size, []).append(rel)
    hashes: dict[str, str] = {}

    def digest(rel: str) -> str:
        if rel not in hashes:
            try:
                hashes[rel] = content_hash(root / rel)
            except OSError:
                hashes[rel] = ""
        return hashes[rel]

    followed, lost = 0, []
    for rel, size, was, tags in owned:
        homes = [n for n in by_size.get(size, []) if was and digest(n) == was]
        for home in homes:
            libdb.put_user_tags(con, home, tags)
        if homes:
            followed += 1
        else:
            lost.append(rel)
    return followed, lost


def _check_same_library(con, root: Path, paths: list[str], known: dict) -> None:
    """Refuse (HatboxError, nothing changed) a run that would empty the database by mistake: a folder
    with no audio at all while the database holds files (an unmounted drive, a wrong folder), or another
    folder than the one the database was made for, holding under half of its files (a moved library,
    whose relative paths still match, is fine).  Files that really left a library go as before."""
    if not known:
        return
    before = libdb.get_meta(con, "root")
    here = str(root.resolve())
    found = len(set(known) & set(paths))
    if not paths:
        raise HatboxError(f"no audio files under {root}, but its database holds {len(known)}: nothing removed",
                          hint="is the drive mounted and the folder right? To start the library over, "
                               "delete the database file")
    if before and before != here and found < len(known) / 2:
        raise HatboxError(f"this database holds the library at {before} ({len(known)} files; {found} of them "
                          f"are under {root}): nothing changed",
                          hint="tag that folder again, or give this one its own database with --out")


def _tag_changed(root: Path, tagger: PackTagger, con, paths: list[str], known: dict, report: LibraryReport,
                 progress: Progress | None, cancel: threading.Event | None, batch: int, decoding: Decoding) -> None:
    """Tag the new and changed files of ``paths``, ``batch`` at a time.  Whatever stops the run part-way (an
    error, Ctrl-C) first saves the files decoded since the last batch (best effort), then goes on up."""
    buf = np.zeros((batch, tagger.n), np.float32)
    pending = _Pending()
    try:
        for done, rel in enumerate(paths, 1):
            if cancel is not None and cancel.is_set():
                report.cancelled = True
                break
            _one(root, rel, tagger, con, known, report, buf, pending, decoding)
            if len(pending.rel) == batch:
                _flush(tagger, con, buf, pending, report)
            if progress is not None:
                progress(done, len(paths))
    except sqlite3.OperationalError:       # the database takes no writes (locked, disk full): nothing to save
        raise
    except BaseException:
        with contextlib.suppress(Exception):
            _flush(tagger, con, buf, pending, report)
        raise
    _flush(tagger, con, buf, pending, report)


def _one(root: Path, rel: str, tagger: PackTagger, con, known: dict, report: LibraryReport,
         buf: np.ndarray, pending: _Pending, decoding: Decoding) -> None:
    path = root / rel
    if not libdb.storable(rel):            # lone surrogates that no bytes give (only Windows names have them)
        report.failed.append((rel, NOT_UTF8))
        return
    try:
        stat = stat_key(path)
    except OSError as exc:
        report.failed.append((rel, f"cannot stat: {exc.strerror}"))
        return
    if known.get(rel) in ((*stat, tagger.model_id, "ok"), (*stat, tagger.model_id, "skipped")):
        report.unchanged += 1
        return
    if _only_touched(con, path, rel, stat, known.get(rel), tagger.model_id):
        report.unchanged += 1
        return
    try:
        audio, rate, why_not = _heard(path, tagger, decoding)
        clip = None if why_not else tagger.fit(audio, rate)
        digest = content_hash(path)
    except (HatboxError, OSError, ValueError, MemoryError) as exc:
        # listed beside the file's name: "cannot read /lib/kit/x.wav: ..." names it once, as "cannot read: ..."
        reason = first_line(exc).replace(f" {path}: ", ": ", 1)
        report.failed.append((rel, reason))
        libdb.put_error(con, rel, stat, tagger.model_id, reason)
        return
    if clip is None:
        report.skipped.append((rel, why_not))
        libdb.put_skipped(con, rel, stat, tagger.model_id, why_not, digest)
        return
    buf[len(pending.rel)] = clip
    pending.rel.append(rel)
    pending.stat.append(stat)
    pending.digest.append(digest)


def _only_touched(con, path: Path, rel: str, stat: tuple[int, int], row: tuple | None, model: str) -> bool:
    """Whether ``rel``, tagged by this ``model`` at the same size, changed only its mtime (a library copied without
    its times, a sync tool, ``touch``): its bytes hash as they did.  Then the row takes the new mtime (written with the
    next batch's commit) and the file is not decoded again; a hash costs a read of the file, not a decode and a run
    of the network.  False for anything else, or a file that cannot be read (the decode says why)."""
    if row is None or row[0] != stat[0] or row[2] != model or row[3] not in ("ok", "skipped"):
        return False
    before = libdb.stored_hash(con, rel)
    try:
        same = bool(before) and content_hash(path) == before
    except OSError:
        return False
    if same:
        libdb.set_mtime(con, rel, stat[1])
    return same


def upload_refusal(path: Path) -> str:
    """Why the box's upload would refuse the audio file ``path`` ("" when it takes it): its one check,
    :func:`device.library.member_checks.audio_problem`, in its words.  A header with no samples is left to the
    tagger, which skips such a file as empty (one with bytes past its header's end fails there)."""
    why = audio_problem(path)[0]
    return "" if why == NO_AUDIO else why


def _heard(path: Path, tagger: PackTagger, decoding: Decoding) -> tuple[np.ndarray, int, str]:
    """(channels [C, n] float32, rate Hz, why it gets no tags or "") of what the tagger hears of ``path``
    (runner.PackTagger.decode and why_not), decoded as ``decoding`` says; AudioFileError when it fails
    :func:`upload_refusal` or does not decode."""
    with decoder_notes_hidden() if decoding.quiet else contextlib.nullcontext():
        refused = upload_refusal(path) if decoding.checked else ""
        if refused:
            raise AudioFileError(refused)
        audio, rate, whole = tagger.decode(path)
        return audio, rate, tagger.why_not(path, audio, rate, whole)


def _flush(tagger: PackTagger, con, buf: np.ndarray, pending: _Pending, report: LibraryReport) -> None:
    n, saved = len(pending.rel), 0
    if n:
        probs, emb = tagger.run(buf[:n])
        hits = tagger.hits(probs)
        usable = np.isfinite(probs).all(axis=1) & np.isfinite(emb).all(axis=1)
        for i in range(n):
            if usable[i]:
                libdb.put_result(con, pending.rel[i], pending.stat[i], pending.digest[i], tagger.model_id,
                                 tagger.tags, probs[i], hits[i], emb[i])
            else:
                reason = "the tagger gave no scores for it (its samples overflow the network)"
                report.failed.append((pending.rel[i], reason))
                libdb.put_error(con, pending.rel[i], pending.stat[i], tagger.model_id, reason)
        saved = int(usable.sum())
    con.commit()
    report.tagged += saved          # counted once committed: a run stopped part-way reports what it kept
    pending.rel.clear(), pending.stat.clear(), pending.digest.clear()
