"""What `hatbox tag` says of its run: the summary line, the progress bar's counts, what a stopped run kept, formats
it does not read, and why a database is tagged again from scratch (hatbox/cmd_tag.py runs it)."""
from __future__ import annotations

from pathlib import Path

from hatbox.text import count_words, display_name, escape_unsafe


def shown(text: str) -> str:
    """A file name or reason as printed (hatbox/cmd_tag.py imports it as ``_shown``): bytes that are not UTF-8 as
    ``\\xNN``, nothing that can drive the terminal."""
    return escape_unsafe(display_name(text))


def summary(rep, db: Path) -> str:
    """The line that sums up a `hatbox tag` run (``rep``: device.library.LibraryReport): its files each counted
    once, so the counts add up to the total; the folders that could not be opened said apart (not files)."""
    skipped = len(rep.skipped) + len(rep.still_skipped)       # every run, as failed files are (not "unchanged")
    empty = f"{skipped} skipped (silent, too short or empty), " if skipped else ""
    renamed = f" ({rep.renamed} of them renamed: the same bytes under a new name)" if rep.renamed else ""
    left = f"{len(rep.left_during)} left the library during the run, " if rep.left_during else ""
    folders = len(rep.unopened)
    unopened = f"; {count_words(folders, 'folder')} could not be opened (below)" if folders else ""
    unchanged = rep.unchanged - len(rep.still_skipped)
    return (f"{count_words(rep.total, 'file')}: {rep.tagged} tagged, {unchanged} unchanged{renamed}, "
            f"{rep.failed_files} failed, {empty}{left}{rep.removed} removed from the database{unopened}; "
            f"{rep.seconds:.1f} s -> {shown(str(db))}{_long_note(rep)}")


def _long_note(rep) -> str:
    """A second line when many of the files this run tagged are much longer than the clip the tagger hears (p49
    loops QA: a loop library tagged by the drum tagger, pads as tom, without a word); "" otherwise."""
    from device.library.long_files import long_files_line
    line = long_files_line(rep)
    return f"\nnote: {line}" if line else ""


def bar_to(bar, done: int, total: int, unchanged: int) -> None:
    """Show ``done`` of the ``total`` files that need tagging on ``bar`` (tqdm), the ``unchanged`` ones apart:
    they pass in a blink, and counted in the bar's rate they made "1346 file/s" and a useless time left (QA).
    The bar's clock starts with the first file tagged."""
    if done > bar.n == 0:
        bar.reset(total=total)
    bar.total = total
    if unchanged:
        bar.set_postfix_str(f"{unchanged} unchanged", refresh=False)
    if done > bar.n:
        bar.update(done - bar.n)
    elif unchanged:
        bar.refresh()


def db_progress(db: Path) -> tuple[int, int]:
    """(files the database holds tagged by its pack, files the last run found), or (-1, -1) when it cannot say."""
    from device.library.db import tagged_of
    return tagged_of(db)


def saved_words(db: Path, saved: int) -> str:
    """What a stopped run leaves in ``db`` ("192 of 497 files tagged and saved"): the whole library's count, not
    this run's ``saved`` alone (QA: a resumed run stopped said "64 files" of a database holding 192)."""
    done, total = db_progress(db)
    if done <= saved:        # nothing was there before this run
        return f"{count_words(saved, 'file')} tagged and saved"
    return f"{done} of {count_words(total, 'file')} tagged and saved"


def this_run(db: Path, saved: int) -> str:
    """" (64 this run)" when the database held files done before this run, else ""."""
    return f" ({saved} this run)" if db_progress(db)[0] > saved else ""


def note_other_formats(paths: list[str]) -> None:
    """Say that the audio files ``paths`` (relative) in formats hatbox does not read were left out, with one of
    them and what to do (the words of the box's upload: device.library.member_checks.format_problem)."""
    if not paths:
        return
    from device.library.member_checks import AUDIO_EXTENSIONS
    kinds = sorted({Path(p).suffix.lower() for p in paths})
    print(f"note: {count_words(len(paths), 'audio file')} in a format hatbox does not read ({' '.join(kinds)}) "
          f"{'was' if len(paths) == 1 else 'were'} left out, e.g. {shown(paths[0])}: convert "
          f"{'it' if len(paths) == 1 else 'them'} to WAV or FLAC (hatbox reads {' '.join(AUDIO_EXTENSIONS)})")


def forget_db(db: Path, made: list[Path]) -> bool:
    """Remove the database ``db`` that a run over a folder with no audio file has just made (with its SQLite
    journal files, its lock file and the folders ``made`` for it: export.atomic.remove_made); True when it is gone."""
    from device.library.db import lock_path, remove_db
    from export.atomic import remove_made
    try:
        remove_db(db)
        lock_path(db).unlink(missing_ok=True)
    except OSError:
        return False
    remove_made(made)
    return True


def retag_said(db: Path, pack: str) -> tuple[str, str]:
    """(the line, the model id of the pack at ``pack`` as a library records it: passed on to
    hatbox.retag_words.start_line, so the pack is read and hashed once; "" where it was not read).  The line `hatbox
    tag` says before it tags every file of database ``db`` again because the pack at ``pack`` is not the one that
    tagged it (device.library.runner.earlier_tagger), naming both packs (name version) where known (p49):
    "this database was tagged by mywords 0.1.0 (another pack): tagging all 29 files again with mywords 0.1.2", "...
    by an older hatbox (or another pack): ..." where the database does not record the pack's name; "" when the
    database is new, was tagged by this pack, or cannot be read (the run says what is wrong with it)."""
    from device.library.runner import earlier_tagger, pack_ids
    from export.pack import read_pack
    from hatbox.errors import HatboxError
    if not db.is_file():
        return "", ""
    try:
        read = read_pack(pack)
        model_id, weights = pack_ids(read)
        recorded, count, old = _recorded(db, model_id)
    except (HatboxError, OSError, ValueError, KeyError, TypeError):     # the run says what is wrong
        return "", ""
    who = earlier_tagger(recorded, model_id, weights)
    if not who or not count:
        return "", model_id
    new = f"{read.manifest.name} {read.manifest.version}"
    if old and who != "an older hatbox":
        who = f"{old} (another pack{': the same name and version, another network or settings' if old == new else ''})"
    return (f"this database was tagged by {shown(who)}: tagging all {count_words(count, 'file')} again with "
            f"{shown(new)}", model_id)


def _recorded(db: Path, model_id: str) -> tuple[str, int, str]:
    """(the model id database ``db`` records, how many of its files another id tagged, "name version" of the pack
    recorded with that id or ""), read only."""
    import sqlite3

    from device.library.db import connect_readonly
    con = connect_readonly(db)
    try:
        meta = dict(con.execute("SELECT key, value FROM meta WHERE key IN ('model', 'pack', 'pack_model')").fetchall())
        count = con.execute("SELECT COUNT(*) FROM files WHERE model IS NOT ? ", (model_id,)).fetchone()[0]
    except sqlite3.Error:
        return "", 0, ""
    finally:
        con.close()
    model = str(meta.get("model") or "")
    named = str(meta.get("pack") or "") if model and meta.get("pack_model") == model else ""
    return model, int(count), named
