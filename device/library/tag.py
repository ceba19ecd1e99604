"""``tag_library``: tag every audio file under a folder into SQLite, resumably and memory-bounded.

Files are walked once (paths only), then decoded, tagged and written batch by batch; the database
is committed after every batch, so an interrupted run resumes where it stopped.  A file is tagged
again only if its size or mtime changed or the pack did; files that disappeared are dropped.
A file that cannot be decoded is recorded with its error and skipped.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from device.library import db as libdb
from device.library.links import write_links
from device.library.runner import PackTagger
from device.library.scan import audio_files, content_hash, stat_key
from export.pack import Pack
from hatbox.errors import HatboxError

Progress = Callable[[int, int], None]
BATCH = 32


@dataclass
class LibraryReport:
    """What one run did. ``failed``: (relative path, reason) of files that could not be tagged."""

    total: int = 0
    tagged: int = 0
    unchanged: int = 0
    removed: int = 0
    links: int = 0
    cancelled: bool = False
    seconds: float = 0.0
    failed: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class _Pending:
    rel: list[str] = field(default_factory=list)
    stat: list[tuple[int, int]] = field(default_factory=list)
    digest: list[str] = field(default_factory=list)


def tag_library(root: str | Path, pack: str | Path | Pack, db_path: str | Path, links_dir: str | Path | None = None,
                progress: Progress | None = None, cancel: threading.Event | None = None,
                threads: int = 1, batch: int = BATCH) -> LibraryReport:
    """Tag ``root``'s audio files with a tagger ``pack`` into ``db_path`` (see module doc).

    ``progress(done, total)`` is called after each file; set ``cancel`` to stop after the current
    batch (what is done stays done).  Safe to call from a background thread.
    """
    root = Path(root)
    if not root.is_dir():
        raise HatboxError(f"no library folder at {root}")
    start = time.monotonic()
    tagger = PackTagger(pack, threads=threads)
    con = libdb.connect(db_path)
    try:
        report = _run(root, tagger, con, Path(links_dir) if links_dir else None, progress, cancel, batch)
    finally:
        con.close()
    report.seconds = time.monotonic() - start
    return report


def _run(root: Path, tagger: PackTagger, con, links_dir: Path | None, progress: Progress | None,
         cancel: threading.Event | None, batch: int) -> LibraryReport:
    libdb.set_meta(con, root=str(root.resolve()), tags=",".join(tagger.tags), model=tagger.model_id,
                   embed_dim=tagger.pack.manifest.extras.get("embed_dim", 0), exclusive=int(tagger.exclusive),
                   thresholds=",".join(f"{t:g}" for t in tagger.thresholds))
    paths = [p.relative_to(root).as_posix() for p in audio_files(root, exclude=links_dir)]
    report = LibraryReport(total=len(paths))
    known = libdb.known_files(con)
    gone = sorted(set(known) - set(paths))
    libdb.remove(con, gone)
    report.removed = len(gone)
    con.commit()
    _tag_changed(root, tagger, con, paths, known, report, progress, cancel, batch)
    if links_dir is not None and not report.cancelled:
        report.links = write_links(con, root, links_dir)
    return report


def _tag_changed(root: Path, tagger: PackTagger, con, paths: list[str], known: dict, report: LibraryReport,
                 progress: Progress | None, cancel: threading.Event | None, batch: int) -> None:
    buf = np.zeros((batch, tagger.n), np.float32)
    pending = _Pending()
    for done, rel in enumerate(paths, 1):
        if cancel is not None and cancel.is_set():
            report.cancelled = True
            break
        _one(root, rel, tagger, con, known, report, buf, pending)
        if len(pending.rel) == batch:
            _flush(tagger, con, buf, pending, report)
        if progress is not None:
            progress(done, len(paths))
    _flush(tagger, con, buf, pending, report)


def _one(root: Path, rel: str, tagger: PackTagger, con, known: dict, report: LibraryReport,
         buf: np.ndarray, pending: _Pending) -> None:
    path = root / rel
    try:
        stat = stat_key(path)
    except OSError as exc:
        report.failed.append((rel, f"cannot stat: {exc.strerror}"))
        return
    if known.get(rel) == (*stat, tagger.model_id):
        report.unchanged += 1
        return
    try:
        buf[len(pending.rel)] = tagger.prepare(path)
        digest = content_hash(path)
    except (HatboxError, OSError, ValueError, MemoryError) as exc:
        reason = str(exc).splitlines()[0]
        report.failed.append((rel, reason))
        libdb.put_error(con, rel, stat, tagger.model_id, reason)
        return
    pending.rel.append(rel)
    pending.stat.append(stat)
    pending.digest.append(digest)


def _flush(tagger: PackTagger, con, buf: np.ndarray, pending: _Pending, report: LibraryReport) -> None:
    n = len(pending.rel)
    if n:
        probs, emb = tagger.run(buf[:n])
        hits = tagger.hits(probs)
        for i in range(n):
            libdb.put_result(con, pending.rel[i], pending.stat[i], pending.digest[i], tagger.model_id,
                             tagger.tags, probs[i], hits[i], emb[i])
        report.tagged += n
    con.commit()
    pending.rel.clear(), pending.stat.clear(), pending.digest.clear()
