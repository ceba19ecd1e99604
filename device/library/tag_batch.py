"""The batch a library tagging (device.library.tag) decodes its files into, and its commit: the files decoded since
the last batch and where their rows go (the library's database, or a re-tag's stage: device.library.retag), the
tagger run on the batch, the rows and the kept tags given back (device.library.kept) written and committed together,
and the long files counted once their tags are kept (device.library.long_files)."""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from device.library import db as libdb
from device.library import kept as kept_tags
from device.library import retag
from device.library.long_files import long_take, mid_take, much_longer
from device.library.pack_fault import NAN_SCORES

if TYPE_CHECKING:
    from device.library.runner import PackTagger
    from device.library.tag import LibraryReport


@dataclass
class Pending:
    """The files decoded since the last batch (``rel``, ``stat``, ``digest``: to tag), the rows written since then
    (``written``: (path, content hash) of new bytes, given back kept tags at the batch's commit; ``new``: those of
    ``rel`` that are new bytes, :func:`new_bytes`) and the kept tags given back this run (``given``: hash -> tags,
    for further copies: device.library.kept.give_back)."""

    rel: list[str] = field(default_factory=list)
    stat: list[tuple[int, int]] = field(default_factory=list)
    digest: list[str] = field(default_factory=list)
    length: list[tuple[int, int]] = field(default_factory=list)     # of ``rel``: (frames, rate Hz), for count_long
    written: list[tuple[str, str]] = field(default_factory=list)
    new: set[str] = field(default_factory=set)
    given: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Into:
    """Where a run writes the tagger's rows (files, tags): ``con``, the library's database, or a re-tag's stage
    (device.library.retag), with the rows it held before the run (``known``: path -> (size, mtime ns, model,
    status); a file whose row matches is not tagged again)."""

    con: sqlite3.Connection
    known: dict
    staged: bool = False            # a re-tag's stage: kept tags given back wait there for the merge


def new_bytes(known: dict, rel: str, stat: tuple[int, int]) -> bool:
    """Whether the file ``rel`` (size, mtime ``stat``) holds bytes new to the library: a path the library did not
    hold (``known``, with the moved rows at their new paths), or one whose size or mtime changed.  Only these are
    given kept tags back (device.library.kept): a file tagged again because the pack changed, or tried again after
    failing, holds the bytes it held (p47 review: an untagged copy of a deleted file got its tags at a pack change)."""
    return rel not in known or tuple(known[rel][:2]) != tuple(stat)


def count_long(report: LibraryReport, frames: int, rate: int) -> None:
    """Count a file of ``frames`` frames at ``rate`` Hz that was tagged in ``report``'s ``long_files`` when it is much
    longer than the clip the tagger hears, and then, by its length, in ``long_takes`` (a minute or more) or
    ``long_mid`` (30 s to a minute): only of the long files (p50 review: a minute's file counted apart from them
    when the clip was 30 s or more).  Counted as its batch is committed with its tags (:func:`flush`), never for a
    file the pack gave no scores for (p51 QA: "1 of 0 files tagged are over 2 s")."""
    if much_longer(frames, rate, report.clip_seconds):
        report.long_files += 1
        report.long_takes += long_take(frames, rate)
        report.long_mid += mid_take(frames, rate)


def _back_now(written: list[tuple[str, str]], into: Into) -> list[tuple[str, str]]:
    """Of ``written`` ((path, hash) of rows written with new bytes), those given kept tags back now: all, or, in a
    re-tag's stage, none: the library holds no row of a new file, and one of a changed file's old bytes, until the
    merge, which gives them back (device.library.retag.give_back_later; p54 review: given before, they stayed under
    a name no row stood for, or were kept again by the old bytes' hash when the file left)."""
    if not into.staged:
        return written
    retag.give_back_later(into.con, written)
    return []


def flush(tagger: PackTagger, con, buf: np.ndarray, pending: Pending, report: LibraryReport, into: Into) -> None:
    """Tag the batch decoded into ``buf`` (``pending``), write its rows to ``into`` and the kept tags given back to
    ``con`` (the library's database), and commit both."""
    n, saved = len(pending.rel), 0
    counted: list[tuple[int, int]] = []     # (frames, rate) of the files tagged now: count_long
    if n:
        probs, emb = tagger.run(buf[:n])
        hits = tagger.hits(probs)
        usable = np.isfinite(probs).all(axis=1) & np.isfinite(emb).all(axis=1)
        for i in range(n):
            if usable[i]:
                libdb.put_result(into.con, pending.rel[i], pending.stat[i], pending.digest[i], tagger.model_id,
                                 tagger.tags, probs[i], hits[i], emb[i])
                if pending.rel[i] in pending.new:
                    pending.written.append((pending.rel[i], pending.digest[i]))
                counted.append(pending.length[i])
            else:
                reason = NAN_SCORES
                report.failed.append((pending.rel[i], reason))
                libdb.put_error(into.con, pending.rel[i], pending.stat[i], tagger.model_id, reason)
        saved = int(usable.sum())
    report.tags_back += kept_tags.give_back(con, _back_now(pending.written, into), pending.given)   # with the batch
    pending.written.clear()
    con.commit()                    # the kept tags first: given again (to a file with none) if the rows are not
    into.con.commit()
    report.tagged += saved          # counted once committed: a run stopped part-way reports what it kept
    for frames, rate in counted:
        count_long(report, frames, rate)
    pending.rel.clear(), pending.stat.clear(), pending.digest.clear(), pending.length.clear(), pending.new.clear()
