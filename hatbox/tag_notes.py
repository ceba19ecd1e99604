"""What `hatbox tag` says after its summary line (hatbox/cmd_tag.py runs it): notes on the files that left, moved or
changed during or since the last run and on the producer's tags that went with them (device.library.kept), on names
held in two Unicode forms, the failed and skipped files listed, the files given no tag; and the refusals (exit 2) of a
run that left its --links folder as it was."""
from __future__ import annotations

import shlex
from pathlib import Path

from hatbox.errors import HatboxError
from hatbox.tag_run import shown as _shown
from hatbox.text import count_words, them


def say_after_summary(rep, db: Path, lib: Path) -> None:
    """The notes of a `hatbox tag` run of the library folder ``lib`` into ``db`` (``rep``: its
    device.library.LibraryReport) that follow its summary and end lines, in their order."""
    _say_moves(rep, db, lib)
    say_kept_tags(rep)
    say_twins(db)
    _list_failed(rep, db)
    _say_untagged(db)


def _say_moves(rep, db: Path, lib: Path) -> None:
    """The notes on files that left during the run, whose tags followed them to a new name, or that changed while
    their earlier sound is now another file (the producer's tags on both)."""
    if rep.left_during:
        n = len(rep.left_during)
        which = "the file that left the library during the run was" if n == 1 else \
            f"the {n} files that left the library during the run were"
        print(f"note: {which} deleted or moved away while it was tagged, e.g. {_shown(rep.left_during[0])}")
    if rep.tags_followed:
        their = "its new name" if rep.tags_followed == 1 else "their new names"
        print(f"your tags followed {count_words(rep.tags_followed, 'file')} to {their} (the same bytes under "
              "a new path)")
    for path, copy in rep.tags_doubled[:5]:
        clear = f"hatbox library fix {shlex.quote(_shown(str(db)))} {shlex.quote(_shown(str(lib / path)))} --clear"
        print(f"note: {_shown(path)} changed and its earlier sound is now {_shown(copy)}: your tags are on both "
              f"(`{clear}` if the new sound is another)")


def say_kept_tags(rep) -> None:
    """The notes of a `hatbox tag` run on the producer's tags of files that left (kept by their bytes,
    device.library.kept), of sounds replaced under a name, and of those given back when their bytes came back."""
    unkept = set(rep.tags_unkept)
    for path in rep.tags_overwritten[:5]:
        went = "went with that sound" if path in unkept else "are kept and come back with that sound"
        print(f"note: {_shown(path)} holds another sound now: your tags of the sound it held {went}")
    kept = [r for r in rep.tags_lost if r not in unkept]
    if kept:
        print(f"note: {count_words(len(kept), 'file')} that carried your tags left the library: your tags are kept "
              f"and come back with {'it' if len(kept) == 1 else 'each of them'} (the same bytes under any name, at a "
              f"later hatbox tag): {_listed(kept)}")
    gone = [r for r in rep.tags_lost if r in unkept]
    if gone:
        print(f"note: {count_words(len(gone), 'file')} that carried your tags left the library, and the tags with "
              f"{them(len(gone))} ({'its' if len(gone) == 1 else 'their'} bytes were never read, so "
              f"{'it' if len(gone) == 1 else 'they'} cannot be known again): {_listed(gone)}")
    if rep.tags_back:
        print(f"your tags came back with {count_words(len(rep.tags_back), 'file')} (the same bytes as one that had "
              f"left the library): {_listed(rep.tags_back)}")
    if rep.tags_forgotten:
        from device.library.kept import KEEP_LIMIT
        print(f"note: your tags of {count_words(rep.tags_forgotten, 'file')} that left the library longest ago were "
              f"forgotten (a database keeps those of the latest {KEEP_LIMIT} files that left)")


def _listed(paths: list[str]) -> str:
    """The first five of ``paths`` as shown, and how many more."""
    more = f" and {len(paths) - 5} more" if len(paths) > 5 else ""
    return ", ".join(_shown(r) for r in paths[:5]) + more


def _list_failed(rep, db: Path) -> None:
    """The failed files, then the skipped ones (of this run and before), twenty in all, and where the rest are."""
    for rel, why in rep.failed[:20]:
        print(f"  failed {_shown(rel)}: {_shown(why)}")
    skipped = sorted(rep.skipped + rep.still_skipped)
    for rel, why in skipped[:max(0, 20 - len(rep.failed))]:
        print(f"  skipped {_shown(rel)}: {_shown(why)}")
    if len(rep.failed) + len(skipped) > 20:
        print(f"  ... and {len(rep.failed) + len(skipped) - 20} more "
              f"(hatbox library query {shlex.quote(_shown(str(db)))} --failed)")
    elif skipped:                       # --untagged lists the files the tagger heard: a skipped one is not there
        print(f"  ({'it carries' if len(skipped) == 1 else 'they carry'} no tag: hatbox library query "
              f"{shlex.quote(_shown(str(db)))} --failed lists skipped files, --untagged only files the tagger heard)")


def _say_untagged(db: Path) -> None:
    """The note on the files the tagger heard but gave no tag (device.library.untagged_count)."""
    from device.library import untagged_count
    none = untagged_count(db)
    if none:
        print(f"note: {count_words(none, 'file')} got no tag: the tagger was sure of none of its words for "
              f"{them(none)} (hatbox library query {shlex.quote(_shown(str(db)))} --untagged lists {them(none)} with "
              "its best guesses; hatbox library fix tags one)")


def refuse_links_left(rep, links: str | None, lib: Path) -> None:
    """HatboxError (exit 2) when a run over a library folder with no audio file in it left ``links``'s links to files
    that are not there as they were (device.library.tag: an empty library never empties a links folder; p50 QA: a
    drive not plugged in, its mount point left, emptied a folder of 3,414 links with exit 0)."""
    if links and rep.links_left:
        raise HatboxError(f"the library folder {_no_audio(lib)} (a drive not plugged in?): the links in "
                          f"{_shown(links)} were left as they are ({count_words(rep.links_left, 'link')} to files "
                          "that are not there)",
                          hint="plug the drive in (or give the right folder) and run the same command again; to "
                               "start the links over, delete that folder")


def _no_audio(lib: Path) -> str:
    """"is empty" for a library folder ``lib`` that holds nothing at all, else "holds no audio files" (a readme, a
    drive's mount point with a file of its own: p50 review)."""
    try:
        return "holds no audio files" if any(lib.iterdir()) else "is empty"
    except OSError:
        return "holds no audio files"


def refuse_links_unread(rep, links: str | None) -> None:
    """HatboxError (exit 2), said under the failed files, when no file of the library could be read (files cut short,
    online-only placeholders: p50 review) and ``links``'s links were left as they were, not emptied."""
    if links and rep.links_unread:
        failed = "the file" if rep.failed_files == 1 else f"all {rep.failed_files} files"
        raise HatboxError(f"no file of the library could be read ({failed} failed, above): the links in "
                          f"{_shown(links)} were left as they are ({count_words(rep.links_unread, 'link')})",
                          hint="make the files readable (on a cloud drive, keep them on this computer; a file cut "
                               "short, copy it again) and run the same command again")


TWINS_SHOWN = 5
# what became of a file here, by its database row's status (device.library.db.known_files)
_STATUS_WORDS = {"ok": "tagged", "skipped": "skipped (nothing to tag: silent, too short or empty)",
                 "error": "not tagged (it did not decode; tried again at the next run)"}


def say_twins(db: Path) -> None:
    """Notes on the library's files whose name is another's in another Unicode form (a Mac's decomposed café.wav
    beside a Linux copy's composed one): what became of each here, and that push-library sends only the first of
    each pair, as it says it (hatbox.push_walk.twin_words; fifty-first stop: `hatbox tag` said nothing).  From the
    database's rows, whatever their status (no second walk of the library): push-library sends a skipped file too."""
    import sqlite3

    from device.library.db import connect_readonly, known_files
    from hatbox.push_walk import twin_words, twins_among
    try:
        con = connect_readonly(db)
        try:
            status = {rel: row[3] for rel, row in known_files(con).items()}
        finally:
            con.close()
    except (HatboxError, sqlite3.Error):       # malformed or locked since the run (p51 MF3: a traceback)
        return                                  # the summary said what it could; no note is worth a failure here
    said = [(rel, why) for rel, kept in twins_among(status).items()
            for why in twin_words({rel: kept}, sent="", tail=twin_tail(status[rel], status[kept])).values()]
    for rel, why in said[:TWINS_SHOWN]:
        print(f"note: {_shown(rel)}: {_shown(why)}")
    if len(said) > TWINS_SHOWN:
        print(f"note: ... and {count_words(len(said) - TWINS_SHOWN, 'more such file')} (hatbox push-library FOLDER "
              "names each)")


def twin_tail(mine: str, kept: str) -> str:
    """The end of `hatbox tag`'s note on a file whose name is another's (``kept``, which push-library sends) in
    another Unicode form: :data:`hatbox.push_walk.TAG_TAIL` when both were tagged (``mine``, ``kept``: their
    database statuses, "ok", "skipped", "error"); else what became of each here, then the same words on the push."""
    from hatbox.push_walk import TAG_TAIL
    if mine == kept == "ok":
        return TAG_TAIL
    done = f"here this one was {_STATUS_WORDS.get(mine, mine)}, that one {_STATUS_WORDS.get(kept, kept)}"
    return done + "; " + TAG_TAIL.partition("; ")[2]
