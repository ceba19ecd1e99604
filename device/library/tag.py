"""``tag_library``: tag every audio file under a folder into SQLite, resumably and memory-bounded.

Files are walked once (paths only), then decoded, tagged and written batch by batch; the database
is committed after every batch, so an interrupted run resumes where it stopped.  A file is tagged
again only if its size or mtime changed or the pack did; files that disappeared are dropped, the producer's
tags of them kept by their bytes and given back when those bytes come back (device.library.kept).
A file that cannot be decoded is recorded with its error and tried again next run.  A file that
decodes but holds nothing to tag (silent on every channel, too short, or a header with no samples:
device/library/runner.PackTagger.heard) gets no tags, only its reason, and is not decoded again until
it changes.  On the laptop (`hatbox tag`) a file is first given the box's upload check
(device.library.member_checks.audio_problem): one the box would refuse (cut short, float samples at integer
scale, not audio) fails with the box's words instead of being tagged from what little libsndfile makes of it.
The words of a file or database that could not be tagged are device.library.tag_failures'; the batch decoded, tagged
and committed is device.library.tag_batch's.
"""
from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from device.library import db as libdb
from device.library import kept as kept_tags
from device.library import retag
from device.library.decode import decoder_notes_hidden
from device.library.links import another_library, link_name, links_problem, links_to_nothing, runs_links, \
    write_links
from device.library.runner import LATE_WORDS, PackTagger
from device.library.same_library import below_refusal, library_below, other_folder_hint, own_count
from device.library.moves import Moves, apply_moves, follow_moves, one_folder_of
# Names read from here too are aliases: a test patches them where they are used (p57 R4 4), NAN_SCORES and
# count_long in device.library.tag_batch (flush), failed_words in device.library.tag_failures (stat_or_failed;
# this module's own call below reads it here)
from device.library.pack_fault import NAN_SCORES  # noqa: F401 - read from here: patch tag_batch.NAN_SCORES
from device.library.scan import audio_files, content_hash, key_of, not_regular, readable_hash
from device.library.tag_batch import Into, Pending, flush, new_bytes
from device.library.tag_batch import count_long as _count_long  # noqa: F401 - read from here: patch tag_batch
from device.library.tag_failures import BROKEN_LINK, NOT_UTF8, failed_words, upload_refusal
from device.library.tag_failures import stat_or_failed as _stat, write_error as _write_error
from export.pack import Pack
from hatbox.errors import AudioFileError, HatboxError

Progress = Callable[[int, int], None]
BATCH = 32


@dataclass
class LibraryReport:
    """What one run did. ``failed``: (relative path, reason) of files that could not be tagged, and of the folders
    that could not be opened (their path ends in "/": :attr:`unopened`; not counted in ``total``);
    ``skipped``: of files decoded this run that hold nothing to tag (silent, too short, empty).  Of ``total``
    (the audio files found), each is ``tagged``, ``unchanged``, failed, skipped or ``left_during`` the run."""

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
    renamed: int = 0            # of ``unchanged``: found under a new name (the same bytes), their rows moved
    tags_followed: int = 0      # files whose tags of the producer's went with their bytes to a new name
    tags_lost: list[str] = field(default_factory=list)   # left, carrying the producer's tags, found under no name:
    #                                                      the tags kept by their bytes (device.library.kept)
    tags_unkept: list[str] = field(default_factory=list)  # of tags_lost and tags_overwritten: no hash, the tags went
    tags_back: list[str] = field(default_factory=list)    # paths given back the kept tags of bytes that had left
    tags_forgotten: int = 0     # files that left whose kept tags were forgotten this run (the oldest past KEEP_LIMIT)
    tags_overwritten: list[str] = field(default_factory=list)   # still there, another sound on it: its tags went
    tags_doubled: list[tuple[str, str]] = field(default_factory=list)   # (a path still there with other bytes, where
    #                                                                      its old bytes are now): the tags are on both
    left_during: list[str] = field(default_factory=list)     # found, then gone before they were read (deleted)
    other_formats: list[str] = field(default_factory=list)   # audio in a format hatbox does not read (.m4a): left out
    still_skipped: list[tuple[str, str]] = field(default_factory=list)   # of ``unchanged``: skipped before, unchanged
    long_files: int = 0         # of ``tagged``: much longer than the clip the tagger hears (device.library.long_files)
    clip_seconds: float = 0.0   # the clip the tagger hears of each file (s)
    long_takes: int = 0         # of ``long_files``: long recordings, a minute or more (device.library.long_files)
    long_mid: int = 0           # of ``long_files``: 30 s to under a minute, loops or takes (long_files.mid_take)
    links_left: int = 0         # an empty library folder: the links to nothing its --links folder kept as they were
    links_unread: int = 0       # files found, none read (all failed): the links its --links folder kept as they were
    kept_unopened: int = 0      # files of the database under folders that could not be opened: kept as they were
    retag_from: str = ""        # a re-tag with a new pack kept apart (device.library.retag): the pack ("name
    #                             version") whose tags the listings show until it has gone through every file
    retagged: bool = False      # of such a re-tag: this run went through every file, the new tags replace the old
    stage_dropped: str = ""     # the pack of a re-tag part way of an earlier database at this path: dropped

    @property
    def unopened(self) -> list[tuple[str, str]]:
        """(folder + "/", why) of the folders in ``failed`` that could not be opened (their files kept their rows)."""
        return [(rel, why) for rel, why in self.failed if rel.endswith("/")]

    @property
    def failed_files(self) -> int:
        """How many of ``total`` failed (``failed`` without the folders)."""
        return len(self.failed) - len(self.unopened)


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


def tag_library(root: str | Path, pack: str | Path | Pack, db_path: str | Path, links_dir: str | Path | None = None,
                progress: Progress | None = None, cancel: threading.Event | None = None,
                threads: int = 1, batch: int = BATCH, lock: bool = False,
                decoding: Decoding = Decoding(), report: LibraryReport | None = None,
                staged: bool = False) -> LibraryReport:
    """Tag ``root``'s audio files with a tagger ``pack`` into ``db_path`` (see module doc).

    ``progress(done, total)`` is called after each file; set ``cancel`` to stop after the current
    batch (what is done stays done).  Safe to call from a background thread.  Ctrl-C once the database is
    open saves the files decoded since the last batch and raises :class:`TaggingInterrupted` with the report.
    ``lock``: hold :func:`device.library.db.tagging_lock` from before the database is opened (`hatbox tag`: a
    second run on the same database is refused, HatboxError, once the folder and the pack are checked).
    A ``links_dir`` in which no link can be made (a file, a folder that cannot be written) is refused before the
    pack is read or the database touched.  ``decoding``: see :class:`Decoding` (`hatbox tag` checks and hushes).
    ``report``: the report to fill in (a caller's, read by ``progress`` as the run goes: `hatbox tag`'s bar).
    ``staged``: a re-tag with a new pack (the database records another) writes the new pack's rows apart until it has
    gone through every file, the listings showing the old pack's tags meanwhile (device.library.retag; `hatbox tag`).
    """
    root = Path(root)
    if root.exists() and not root.is_dir():
        raise HatboxError(f"{root} is a file, not a folder", hint="give the folder that holds your samples")
    if not root.is_dir():
        raise HatboxError(f"no library folder at {root}")
    unusable = links_problem(Path(links_dir)) if links_dir is not None else ""
    if unusable:
        raise HatboxError(f"{unusable}: nothing was tagged")
    other = another_library(Path(links_dir), root) if links_dir is not None else ""
    if other:
        raise HatboxError(f"--links {links_dir} holds the links of another library (they point at {other}): nothing "
                          "was tagged", hint="give each library a links folder of its own (or delete that one first)")
    start = time.monotonic()
    tagger = PackTagger(pack, threads=threads)
    with libdb.tagging_lock(db_path) if lock else contextlib.nullcontext():
        con = libdb.connect(db_path)
        report = report if report is not None else LibraryReport()
        stage = None
        try:
            stage = _stage(con, db_path, tagger, staged, pack, report)
            inside = Path(db_path).resolve().parent == root.resolve()    # the database is kept in its library
            _run(root, tagger, con, Path(links_dir) if links_dir else None, progress, cancel, batch, report,
                 decoding, inside, stage, db_path)
        except sqlite3.OperationalError as exc:
            raise _write_error(db_path, exc) from None
        except KeyboardInterrupt:
            report.cancelled, report.seconds = True, time.monotonic() - start
            raise TaggingInterrupted(report) from None
        finally:
            if stage is not None:
                stage.close()
            con.close()
    report.seconds = time.monotonic() - start
    return report


def _stage(con, db_path: str | Path, tagger: PackTagger, staged: bool, pack: str | Path | Pack,
           report: LibraryReport) -> sqlite3.Connection | None:
    """The re-tag stage this run writes the tagger's rows to (device.library.retag), its pack's file recorded there;
    None (the library's own database) when ``staged`` is off or the run is no re-tag (``report.retag_from`` says the
    pack whose tags stay listed when it is one)."""
    if not staged:
        return None
    report.stage_dropped = retag.drop_if_stale(con, db_path)
    if not retag.needs_stage(con, tagger.model_id):
        return None
    report.retag_from = libdb.get_meta(con, "pack") or "the pack before"
    return retag.open_stage(con, db_path, tagger.model_id, "" if isinstance(pack, Pack) else str(Path(pack).resolve()))


def _run(root: Path, tagger: PackTagger, con, links_dir: Path | None, progress: Progress | None,
         cancel: threading.Event | None, batch: int, report: LibraryReport, decoding: Decoding,
         inside: bool = False, stage: sqlite3.Connection | None = None, db_path: str | Path = "") -> None:
    """Tag the library into ``con``, filling in ``report`` as the run goes (what it holds stays true if the run
    stops part-way).  ``inside``: the database file sits in the library folder itself (recorded as meta ``inside``:
    a copy of the library with it stands for the copy, device.library.open_db.library_root).  ``stage``: a re-tag's
    (device.library.retag): the tagger's rows and the pack's meta go there, merged into ``con`` (at ``db_path``) once
    the run went through every file; moves, removals and the producer's tags go to ``con`` as on any run."""
    found = audio_files(root, exclude=links_dir)
    paths = [p.relative_to(root).as_posix() for p in found]
    blocked = list(getattr(found, "unreadable", ()))     # (folder, why); a plain list of paths has none
    for folder, why in blocked:
        if folder == ".":
            raise HatboxError(f"cannot open the library folder {root}: {why}: nothing changed",
                              hint="check its permissions (on macOS, give the terminal access to the folder "
                                   "or drive in System Settings > Privacy & Security)")
    known = libdb.known_files(con)
    blocked += [(link, "a link to nothing: a drive not plugged in?") for link in getattr(found, "dangling", ())
                if any(rel.startswith(link + "/") for rel in known)]    # its files are known: a folder gone missing
    kept = [rel for rel in known if any(rel.startswith(folder + "/") for folder, _ in blocked)]
    report.total, report.clip_seconds, report.kept_unopened = len(paths), tagger.n / tagger.rate, len(kept)
    report.other_formats = list(getattr(found, "other_formats", ()))
    report.failed += [(f"{folder}/", f"cannot open the folder ({why}); its files in the database are kept as "
                                     f"they were") for folder, why in blocked]
    gone = sorted(set(known) - set(paths) - set(kept))
    moves = follow_moves(root, con, known, gone, paths)
    _check_same_library(con, root, paths + kept, known, inside, moves.rows)
    libdb.set_meta(con, root=str(root.resolve()), inside=int(inside),
                   unopened=json.dumps(report.unopened, ensure_ascii=False))   # for `library query --failed`
    libdb.set_meta(con if stage is None else stage, tags=",".join(tagger.tags), model=tagger.model_id,
                   embed_dim=tagger.pack.manifest.extras.get("embed_dim", 0),
                   pack=f"{tagger.pack.manifest.name} {tagger.pack.manifest.version}", pack_model=tagger.model_id,
                   exclusive=int(tagger.exclusive), thresholds=",".join(f"{t:g}" for t in tagger.thresholds),
                   run="running", run_total=len(paths) + (len(kept) if stage else 0))   # until it ends: tagging_state
    pending = Pending()
    _move_rows(root, con, known, moves, report)
    _fill_hashes(root, con, paths)
    doubled = {src for src, _ in moves.doubled}
    report.renamed = sum(1 for src, dst in moves.rows if src not in doubled and dst in known
                         and known[dst][2:] in ((tagger.model_id, "ok"), (tagger.model_id, "skipped")))
    report.tags_followed, report.tags_lost, report.tags_doubled = moves.followed, moves.lost, moves.doubled
    report.tags_overwritten = moves.overwritten
    moved = {src for src, _ in moves.rows}
    left = [rel for rel in gone if rel not in moved]
    libdb.remove(con, left)
    report.removed = len(left)
    into = Into(con, known) if stage is None else _staged_rows(stage, paths + kept, moves)
    con.commit()
    _tag_changed(root, tagger, con, paths, known, report, progress, cancel, batch, decoding, pending, into)
    held = stage is not None and bool(kept)     # files not reached (a folder not opened): no merge until they are
    libdb.set_meta(into.con, run="stopped" if report.cancelled else "held" if held else "done")
    into.con.commit()
    if stage is not None and not report.cancelled and not held:
        stage.close()                         # (the stage file goes with the merge)
        retag.merge(con, db_path, report)     # the new pack's rows replace the old's at once
    if links_dir is not None:
        _update_links(con, root, links_dir, report, known, not paths and not kept)


def _staged_rows(stage: sqlite3.Connection, paths: list[str], moves: Moves) -> Into:
    """The re-tag ``stage``'s rows of the files in the library now (``paths``: found, or under a folder not opened),
    with this run's ``moves`` replayed on them, as this run starts."""
    retag.follow(stage, moves.rows)
    retag.prune(stage, paths)
    stage.commit()
    return Into(stage, libdb.known_files(stage), staged=True)


def _update_links(con, root: Path, links_dir: Path, report: LibraryReport, known: dict, empty: bool) -> None:
    """Rebuild ``links_dir`` from the database (device.library.links.write_links), unless the run was cancelled, the
    library folder is ``empty`` (no audio file, no folder of known files that could not be opened: a drive not plugged
    in, its mount point left; p50 QA) or no file of it could be read (files cut short, online-only placeholders; p50
    review): an empty library never empties a links folder, their links are kept as they were (``links_left``,
    ``links_unread``: the link names of the library files ``known`` to the database, built only then, find a run's
    links in a folder without its list)."""
    if empty:
        report.links_left = links_to_nothing(links_dir, root, _link_names(known))
        return
    if report.failed_files and not report.tagged + report.unchanged:
        report.links_unread = len(runs_links(links_dir, root, _link_names(known)))
        if report.links_unread:
            return
    if report.cancelled:
        return
    try:
        report.links = write_links(con, root, links_dir)
    except HatboxError as exc:
        report.links_error = exc.args[0] + (f" ({exc.hint})" if exc.hint else "")


def _link_names(known: dict) -> frozenset[str]:
    """The link names (device.library.links.link_name) of the library files ``known`` (relative paths)."""
    return frozenset(link_name(rel) for rel in known)


def _move_rows(root: Path, con, known: dict, moves: Moves, report: LibraryReport) -> None:
    """Write the ``moves`` found (device.library.moves.apply_moves), first keeping the producer's tags of the files
    that left and of the paths whose sound another replaced (device.library.kept: given back when those bytes come
    back).  A moved row's new path is given no kept tags: its bytes were in the library already (a copy the producer
    left untagged, renamed: p47 review), only a file new to the library or with new bytes is
    (device.library.tag_batch.new_bytes)."""
    report.tags_unkept = kept_tags.keep(con, moves.lost + moves.overwritten, time.time_ns())
    report.tags_forgotten = kept_tags.forget_oldest(con)
    apply_moves(root, con, known, moves)


def _fill_hashes(root: Path, con, paths: list[str]) -> None:
    """Give the skipped (silent) files a database written before the thirty-first stop left without a content hash
    theirs, so that a rename of one is followed like any other's."""
    present = set(paths)
    for rel in libdb.without_hash(con):
        if rel in present:
            digest = readable_hash(root / rel)
            if digest:
                libdb.set_hash(con, rel, digest)


def _check_same_library(con, root: Path, paths: list[str], known: dict, inside: bool = False,
                        moved: list[tuple[str, str]] = ()) -> None:
    """Refuse (HatboxError, nothing changed) a run that would empty the database by mistake: a folder
    with no audio at all while the database holds files (an unmounted drive, a wrong folder), or another
    folder than the one the database was made for, holding under half of its files (a moved library,
    whose relative paths still match, is fine; when the recorded folder is gone, the ``moved`` files found by their
    bytes under new names count too: a library moved and reorganised; a database kept ``inside`` the folder is
    this library).  Files that really left a library go as before."""
    if not known:
        return
    before = libdb.get_meta(con, "root")
    here = str(root.resolve())
    found = len(set(known) & set(paths))
    if before and not Path(before).is_dir() and not one_folder_of(moved):   # the library's folder is gone (moved):
        found += len(moved)      # its files count by their bytes too, under new names (reorganised as it moved)
    if not paths:
        raise HatboxError(f"no audio files under {root}, but its database holds {len(known)}: nothing removed",
                          hint="is the drive mounted and the folder right? To start the library over, "
                               "delete the database file")
    if before and before != here and found < len(known) / 2 and not inside:   # a database kept in the library
        # came with it (copied, moved): it is this library, however reorganised
        sub, below = library_below(list(known), paths)       # the folder above the library given: name it
        if sub:
            message, hint = below_refusal(root, before, sub, below, len(known), own_count(con))
            raise HatboxError(message, hint=hint)
        raise HatboxError(f"this database holds the library at {before} ({len(known)} files; {found} of them "
                          f"are under {root}): nothing changed", hint=other_folder_hint(own_count(con)))


def _tag_changed(root: Path, tagger: PackTagger, con, paths: list[str], known: dict, report: LibraryReport,
                 progress: Progress | None, cancel: threading.Event | None, batch: int, decoding: Decoding,
                 pending: Pending, into: Into) -> None:
    """Tag the new and changed files of ``paths`` (their rows to ``into``), ``batch`` at a time.  Whatever stops the
    run part-way (an error, Ctrl-C) first saves the files decoded since the last batch (best effort), then goes on
    up."""
    buf = np.zeros((batch, tagger.n), np.float32)
    try:
        for done, rel in enumerate(paths, 1):
            if cancel is not None and cancel.is_set():
                report.cancelled = True
                break
            _one(root, rel, tagger, con, known, report, buf, pending, decoding, into)
            if len(pending.rel) == batch:
                flush(tagger, con, buf, pending, report, into)
            if progress is not None:
                progress(done, len(paths))
    except sqlite3.OperationalError:       # the database takes no writes (locked, disk full): nothing to save
        raise
    except BaseException:
        with contextlib.suppress(Exception):
            flush(tagger, con, buf, pending, report, into)
        raise
    flush(tagger, con, buf, pending, report, into)


def _one(root: Path, rel: str, tagger: PackTagger, con, known: dict, report: LibraryReport,
         buf: np.ndarray, pending: Pending, decoding: Decoding, into: Into) -> None:
    """Look at the library file ``rel``: unchanged (its row in ``into`` matches), failed or skipped (its row written
    to ``into`` now), or decoded into ``buf`` for the next batch (``pending``).  ``known``: the library's rows, which
    tell bytes new to it (given kept tags back)."""
    path = root / rel
    if not libdb.storable(rel):            # lone surrogates that no bytes give (only Windows names have them)
        report.failed.append((rel, NOT_UTF8))
        return
    st = _stat(path, rel, report)
    if st is None:
        # a new link to nothing gets a row, so that `library query --failed` lists it (a known row keeps its tags)
        if rel not in known and report.failed[-1:] == [(rel, BROKEN_LINK)]:
            with contextlib.suppress(OSError):
                libdb.put_error(into.con, rel, key_of(path.lstat()), tagger.model_id, BROKEN_LINK)
        return
    stat = key_of(st)
    if into.known.get(rel) == (*stat, tagger.model_id, "ok"):
        report.unchanged += 1
        return
    if into.known.get(rel) == (*stat, tagger.model_id, "skipped"):
        reason = libdb.reason_of(into.con, rel)
        if LATE_WORDS not in reason:            # (a sound after a silent head was skipped before p46: tagged now)
            report.unchanged += 1
            report.still_skipped.append((rel, reason))    # said by every run, as failed files are (tried again)
            return
    kind = not_regular(st.st_mode)
    if kind:                               # reading a named pipe would wait for a writer forever
        reason = f"not a regular file ({kind}): nothing to read"
        report.failed.append((rel, reason))
        libdb.put_error(into.con, rel, stat, tagger.model_id, reason)
        return
    fresh = new_bytes(known, rel, stat)        # bytes new to the library: kept tags may come back to them
    try:
        audio, rate, why_not, frames = _heard(path, tagger, decoding)
        clip = None if why_not else tagger.fit(audio, rate)
        digest = content_hash(path)
    except (HatboxError, OSError, ValueError, MemoryError) as exc:
        if not os.path.lexists(path):      # deleted while it was read
            report.left_during.append(rel)
            return
        reason = failed_words(exc, path)
        report.failed.append((rel, reason))
        digest = readable_hash(path)
        libdb.put_error(into.con, rel, stat, tagger.model_id, reason, digest)
        if fresh:
            pending.written.append((rel, digest))
        return
    if clip is None:
        report.skipped.append((rel, why_not))
        libdb.put_skipped(into.con, rel, stat, tagger.model_id, why_not, digest)
        if fresh:
            pending.written.append((rel, digest))
        return
    buf[len(pending.rel)] = clip
    pending.length.append((max(frames, audio.shape[-1]), rate))                  # frames -1: not known
    if fresh:
        pending.new.add(rel)
    pending.rel.append(rel)
    pending.stat.append(stat)
    pending.digest.append(digest)


def _heard(path: Path, tagger: PackTagger, decoding: Decoding) -> tuple[np.ndarray, int, str, int]:
    """(channels [C, n] float32, rate Hz, why it gets no tags or "", the file's length in frames, -1 not known) of
    what the tagger hears of ``path`` (runner.PackTagger.heard: its head, or from its first sound), decoded as
    ``decoding`` says; AudioFileError when it fails :func:`upload_refusal` or does not decode."""
    with decoder_notes_hidden() if decoding.quiet else contextlib.nullcontext():
        refused = upload_refusal(path) if decoding.checked else ""
        if refused:
            raise AudioFileError(refused)
        heard = tagger.heard(path)
        return heard.channels, heard.rate, heard.why, heard.frames
