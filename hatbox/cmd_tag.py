"""Tagger commands: ``hatbox train tagger``, ``hatbox tag``, ``hatbox library query|fix|export``.

Heavy modules (torch, the trainer) are imported inside the handlers only.
"""
from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from hatbox.advice import TAGGER_MINUTES, TAGGER_STEPS
from hatbox.library_kept import LEFT_HELP, add_fix_args, check_yes, forget_left, print_left, say_export_note, \
    say_summary_note
from hatbox.argtypes import minutes, number, seed, whole
from hatbox.names import default_name_help
from hatbox.query_lines import print_failures as _print_failures, print_untagged as _print_untagged, \
    say_if_moved as _say_if_moved, say_if_unfinished as _say_if_unfinished, \
    say_no_file_carries as _say_no_file_carries, tags_in_use as _tags_in_use
from hatbox.errors import HatboxError, Interrupted, stopped_by
from hatbox.listing import DOUBT_HEADING, UNSURE_HEADING, by_count, column_key, cut_line, doubt_line, footer, heading, \
    hit_line, like_heading, like_line, like_words, print_json, respelled_notes, tag_heading, unsure_line
from hatbox.listing_json import like_row, say_cut, tag_row, unsure_row
from hatbox.library_words import add_word_args, query_header, say_export_words, say_foreign_words
from hatbox.tag_notes import refuse_links_left as _refuse_links_left, \
    refuse_links_unread as _refuse_links_unread, say_after_summary
from hatbox.tag_run import bar_to as _bar_to, forget_db, note_other_formats, retag_said, saved_words, shown as _shown, \
    summary, this_run
from hatbox.retag_words import end_lines, interrupted_line, start_line
from hatbox.text import count_words, display_name, escape_unsafe

# what a tagger hears of a file (trainer.tagger.model.TaggerConfig: clip_samples at spec.rate, from the onset; a test
# holds these words to it: the help cannot import the trainer, torch)
HEARD = "a tagger hears each file's first second from its first sound"
# what a Ctrl-C after the pack was written adds to "the new pack stays": the report is written after the pack
# (trainer.tagger.pipeline), so it may not be there
AFTER_WRITTEN = "; its held-out report may be missing"

def register(cli) -> None:
    p = cli.subcommand("train", "tagger", "train a sample tagger from a folder per tag or a CSV of path,tag[,tag...]",
                       train_tagger, group_help="train a model on your own recordings")
    p.set_defaults(stopped_after_written=AFTER_WRITTEN)
    p.description += (f"; {HEARD}, so words about what happens later (a riser's sweep, a fade) cannot be learned, "
                      "whatever the examples or minutes")
    p.add_argument("source", nargs="+",
                   help="folder of tag folders, or CSV (path,tag[,tag...]); several are merged, a file listed "
                        "again taking the later one's tags (put `hatbox library export` corrections last)")
    p.add_argument("--out", required=True, help="the .hatpack to write")
    p.add_argument("--minutes", type=minutes(), default=TAGGER_MINUTES,
                   help=f"training time budget in minutes (default {TAGGER_MINUTES:g}); training stops at this or at "
                        "--steps, "
                        "whichever comes first")
    p.add_argument("--steps", type=whole(1), default=TAGGER_STEPS,
                   help=f"training steps (default {TAGGER_STEPS}; see --minutes)")
    p.add_argument("--shots", type=whole(1), default=None, metavar="N",
                   help="use only N examples per tag (to see how the tagger does with a handful)")
    p.add_argument("--holdout", type=number(0, 1, "fraction", open_high=True), default=0.15,
                   help="fraction per tag kept for the report, 0 up to (not including) 1 (default 0.15; 0: none)")
    p.add_argument("--name", default=None, help=default_name_help("the output file's name (--out)"))
    p.add_argument("--threads", type=whole(1), default=2, help="CPU threads for training (default 2)")
    p.add_argument("--seed", type=seed(), default=0, help="random seed (default 0): another seed, another network")
    p.add_argument("--keep-level", action="store_true",
                   help="hear each sample at its own level, for words about loudness (accent, ghost); by default "
                        "every sample is scaled to one level first, so its level does not change its tags")
    p = cli.command("tag", "tag every audio file under LIBRARY with a tagger pack (into SQLite)", tag)
    p.description += f"; {HEARD} (its later part does not change its tags)"
    p.add_argument("library", help="folder of samples (WAV, FLAC, AIFF, OGG, MP3; any rate, mono or stereo)")
    p.add_argument("--pack", required=True, help="a tagger .hatpack")
    p.add_argument("--out", default=None, help="database file (default LIBRARY/.hatbox-tags.sqlite)")
    p.add_argument("--links", default=None, help="also make a folder of symlinks per tag here")
    p.add_argument("--threads", type=whole(1), default=1, help="CPU threads for tagging (default 1)")
    p = cli.subcommand("library", "query", "list a tagged library by tag, or find samples like a file", query,
                       group_help="browse a tagged sample library")
    p.add_argument("db", type=library_db, help=DB_HELP)
    g = p.add_mutually_exclusive_group()
    g.add_argument("--tag", help="list files carrying this tag")
    g.add_argument("--like", help="files most similar to this audio file (by their first second, as the tagger "
                                   "hears it)")
    g.add_argument("--unsure", action="store_true",
                   help="the files the tagger was least sure of: check these first (then hatbox library fix)")
    g.add_argument("--failed", action="store_true",
                   help="list files that could not be tagged: failed (undecodable) and skipped (silent, too "
                        "short or empty)")
    g.add_argument("--untagged", action="store_true",
                   help="list files the tagger heard but gave no tag (a tagger of several tags per file sure of "
                        "none of them), with its best guess")
    g.add_argument("--left", action="store_true", help=LEFT_HELP)
    p.add_argument("--pack", help="tagger pack (needed by --like for a file outside the library)")
    p.add_argument("-k", type=whole(1), default=None, help="how many results (default 10; with --json every one, "
                                                           "and a line on stderr when -k left some out)")
    p.add_argument("--json", action="store_true", help="print JSON (for scripts): the tag counts, or what --tag, "
                                                       "--like, --unsure, --failed, --untagged or --left list")
    p = cli.subcommand("library", "fix", "give a library file your own tags (kept when the library is tagged again; "
                                         "a --links folder follows at the next hatbox tag --links)",
                       fix)
    p.add_argument("db", type=library_db, help=DB_HELP)
    f = p.add_argument("file", help="a file of the library (absolute, or relative to the library folder; none with "
                                    "--forget-left, --rename-word or --drop-word)")
    t = p.add_argument("tags", nargs="*", help="its tags: the pack's words or new ones")
    p.add_argument("--clear", action="store_true",
                   help="drop your tags for the file: the tagger's stand again (none for a file it skipped)")
    add_fix_args(p, [f, t])                  # --forget-left [PATH ...], --yes: hatbox/library_kept.py
    add_word_args(p, [f, t])                 # --none, --rename-word OLD NEW, --drop-word WORD: hatbox/library_words.py
    p = cli.subcommand("library", "export", "write your corrections as a CSV to train the next tagger with",
                       export)
    p.add_argument("db", type=library_db, help=DB_HELP)
    p.add_argument("--out", required=True, help="CSV to write (path,tag[,tag...]); a CSV hatbox did not write is "
                   "replaced only with --force")
    p.add_argument("--force", action="store_true", help="write over a CSV hatbox did not write")


def default_db(library: Path) -> Path:
    from device.library.db import IN_LIBRARY
    return library / IN_LIBRARY


DB_HELP = "the database written by `hatbox tag` (or the library folder, for the one inside it)"


def library_db(text: str) -> str:
    """The ``db`` argument of the library commands: a database file, or a library folder standing for the database
    `hatbox tag` writes inside it without --out (:func:`default_db`)."""
    path = Path(text)
    if path.is_dir() and default_db(path).is_file():
        return str(default_db(path))
    return text                     # anything else: device.library says what is wrong with it


# ------------------------------------------------------------------------------------------ train
def train_tagger(args: argparse.Namespace) -> int:
    from hatbox.replaced import kept_if_stopped, older_pack
    from hatbox.train_output import finish, say_summary
    out = Path(args.out)          # `--out=~/x.hatpack`: its argument type expanded the ~ (hatbox.argtypes.local_path)
    older = older_pack(out, "tagger")          # compared with the new pack, always kept as NAME.prev.hatpack
    with kept_if_stopped(older, out) as keeper:    # stopped after the new pack was written: the older one kept first
        summary = _trained(args, out, older)
        keeper.keep()                          # the older pack kept, the version carried, before a line is printed
        say_summary(summary, getattr(summary, "said", ()))        # its warnings on stderr, said once
        keeper.say()
    return finish(getattr(summary, "stopped_early", None))   # stopped early: 130 after Ctrl-C, 143 after SIGTERM


def _trained(args: argparse.Namespace, out: Path, older: object) -> object:
    """train_and_export's summary; a Ctrl-C or SIGTERM goes on to hatbox.cli, which says what became of ``out`` in
    the words of every trainer (hatbox.cli.training_stopped_words, with :data:`AFTER_WRITTEN`)."""
    from trainer.tagger.pipeline import train_and_export
    return train_and_export([Path(s) for s in args.source], out, minutes=args.minutes,
                            steps=args.steps, shots=args.shots, holdout=args.holdout, name=args.name,
                            threads=args.threads, seed=args.seed, keep_level=args.keep_level, older=older)


# ------------------------------------------------------------------------------------------ tag
def tag(args: argparse.Namespace) -> int:
    from hatbox.progress import progress_bar

    from device.library import tag_library
    from device.library.tag import Decoding, LibraryReport, TaggingInterrupted
    from export.atomic import missing_folders
    lib = Path(args.library)
    db = Path(args.out) if args.out else default_db(lib)
    if db.is_dir():
        raise HatboxError(f"--out {db} is a folder: give the database file to write",
                          hint=f"e.g. --out {db / 'tags.sqlite'}")
    bar = None               # appears with the first progress report, after the pack and folder checks
    live = LibraryReport()   # filled in as the run goes: the bar counts the files to tag, not the unchanged ones
    again, model = retag_said(db, args.pack)   # why every file is tagged again (an older hatbox, another pack): said
                                               # once the pack and the folder passed their checks, before the bar
    again = start_line(db, again, model=model)   # the old tags stay listed until it ends (going on: how far it got)

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            if again:
                print(again, flush=True)
            bar = progress_bar(total=total, unit="files", desc="tagging")
        _bar_to(bar, done - live.unchanged, total - live.unchanged, live.unchanged)

    interrupted, new_db = False, not db.exists()
    made = missing_folders(db.parent)              # the folders this run makes for a new database
    try:
        rep = tag_library(lib, args.pack, db, links_dir=args.links, progress=progress, threads=args.threads,
                          lock=True,          # a second hatbox tag on this database is refused, touching nothing
                          decoding=Decoding(checked=True, quiet=True),    # what the box refuses fails here too
                          report=live, staged=True)      # a re-tag: the old tags listed until it ends (p54)
    except KeyboardInterrupt as exc:
        interrupted = True
        saved = exc.report.tagged if isinstance(exc, TaggingInterrupted) else 0
        if live.retag_from:     # part way, or after the merge went through (then the links were being rewritten)
            raise Interrupted(interrupted_line(db, live, stopped_by(exc), args.links)) from None
        raise Interrupted(f"tagging stopped ({stopped_by(exc)}): {saved_words(db, saved)} in {_shown(str(db))}"
                          f"{this_run(db, saved)}; run the same command again to continue where it stopped") from None
    finally:
        if bar is not None:
            if interrupted:          # cleared: the line that says what was kept is the last word
                bar.leave = False
            bar.close()
    if rep.total == 0 and not rep.kept_unopened:      # a folder of known files not opened: said below (p50 review)
        from device.audio.audiofile import READABLE_SUFFIXES
        unwritten = new_db and forget_db(db, made)    # an empty database would only stand for a library later
        print(f"note: no audio files under {_shown(str(lib))} (looked for {', '.join(sorted(READABLE_SUFFIXES))}, in "
              f"every sub-folder); is it the right folder?" + (" No database was written." if unwritten else ""))
        note_other_formats(rep.other_formats)
        _refuse_links_left(rep, args.links, lib)
        if unwritten:
            return 0
    print(summary(rep, db))
    for line in end_lines(db, rep):      # a re-tag: the new tags in, or held back by files not reached (p54)
        print(line)
    note_other_formats(rep.other_formats if rep.total else [])
    say_after_summary(rep, db, lib)     # files that left or moved, your tags, failed and skipped files
    _refuse_links_unread(rep, args.links)
    if rep.links_error:
        print(f"hatbox: links not made: {rep.links_error}")
        say_foreign_words(str(db))
        return 1
    if args.links:
        print(f"{rep.links} links -> {_shown(args.links)}")
    say_foreign_words(str(db))                # corrections in words this pack does not have (p49)
    return 0


# ------------------------------------------------------------------------------------------ query
TEXT_K = 10         # results a listing shows without -k (with --json: every one)


def query(args: argparse.Namespace) -> int:
    from device import library
    _say_if_moved(args.db)
    _say_if_unfinished(args.db)
    k = args.k if args.k is not None or args.json else TEXT_K      # --json without -k: every file (p47 QA)
    if args.failed:
        _print_failures(args.db, args.json)
    elif args.untagged:
        _print_untagged(args.db, args.json, k)
    elif args.left:
        print_left(args.db, args.json, k)
    elif args.tag:
        hits = library.files_with_tag(args.db, args.tag, limit=k)
        _print_hits(hits, args.json, tag_heading(escape_unsafe(args.tag)))
        if len(hits) == k:                              # the tag as the library spells it ("Pad" finds pad)
            from device.library.query import spelled_as_known
            counts = library.list_tags(args.db)
            total = counts.get(spelled_as_known([args.tag], list(counts))[0], 0)
        else:
            total = len(hits)
        if total > len(hits):                           # cut at -k: say so, as `hatbox box-library --tag` does
            say_cut(len(hits), total) if args.json else footer(cut_line(len(hits), total))
        if not hits and not args.json:                  # it printed nothing at all (thirty-fourth stop's QA)
            _say_no_file_carries(args.db, args.tag)
    elif args.like:
        from device.library.closeness import alike_text, closeness_of
        every = _like(args, None)           # all of them: the closeness is against the library's middle file
        hits = every[:k]
        near = closeness_of([h.score for h in every])[:len(hits)]
        if args.json:                   # {path, score, closeness, yours}: the box's rows (p51 B2)
            print_json([like_row(display_name(str(h.path)), h.score, n) for h, n in zip(hits, near)])
        else:
            _print_hits(hits, False, like_heading(like_words(near)),
                        like=[alike_text(n, h.score) for n, h in zip(near, hits)])
        if args.json:
            say_cut(len(hits), len(every))
        if not hits and not args.json:                  # it printed nothing at all (thirty-ninth stop's QA)
            heard = _tags_in_use(library.list_tags(args.db)) or library.untagged_count(args.db)
            footer("no other file of the library to compare it with" if heard else
                   "no file of the library to compare it with: none is tagged yet (hatbox tag LIBRARY --pack "
                   "TAGGER.hatpack --out DB)")
    elif args.unsure:
        every = library.unsure(args.db, k=None if args.json else k)  # type: ignore[arg-type]
        found = every[:k]
        exclusive = bool(found) and library.is_exclusive(args.db)
        if args.json:
            print_json([unsure_row(display_name(str(u.path)), u.margin, u.guesses, exclusive, u.doubt) for u in found])
            say_cut(len(found), len(every))
        if found and not args.json:
            column_key(UNSURE_HEADING if exclusive else DOUBT_HEADING)
        for u in [] if args.json else found:
            print(unsure_line(u.margin, u.guesses, exclusive, _shown(str(u.path))) if exclusive or not u.doubt else
                  doubt_line(u.margin, [(escape_unsafe(t), p) for t, p in u.guesses], _shown(str(u.path))))
    elif args.json:
        print_json(_tags_in_use(library.list_tags(args.db)))     # every key a tag: the object as before (p48)
        say_summary_note(args.db)               # files that left keeping your tags, on stderr
    else:
        counts = _tags_in_use(library.list_tags(args.db))
        if header := query_header(args.db):     # the pack that tagged it (p49)
            footer(header)
        for tag, n in by_count(counts):
            print(f"{n:6d}  {escape_unsafe(tag)}")
        if not counts:
            footer("no file is tagged yet (hatbox tag LIBRARY --pack TAGGER.hatpack --out DB)")
        none = library.untagged_count(args.db)
        if none:                                # on stderr: a script reads the counts on stdout
            print(f"note: {count_words(none, 'file')} got no tag: the tagger was sure of none of its words "
                  f"(--untagged lists them)", file=sys.stderr)
        say_summary_note(args.db)               # files that left keeping your tags (p48), on stderr too
    return 0


def fix(args: argparse.Namespace) -> int:
    from device import library
    from hatbox.library_words import check_fix_args, fix_words, new_word_notes, tagger_said
    if args.rename_word is None:
        check_yes(args)                     # --yes answers --forget-left's question (p48), or a rename's merge (p49)
    if args.forget_left is not None:
        return forget_left(args)
    if (done := fix_words(args)) is not None:       # --rename-word / --drop-word: every correction at once (p49)
        return done
    check_fix_args(args)                            # tags, --clear or --none
    file = in_library(args.db, args.file)                       # as typed, or in the Unicode form the library has
    status, why = library.file_status(args.db, file)            # any file of the library, whatever its status
    mine = library.corrected_tags(args.db, file)
    if args.none:
        from device.library.fixes import set_none
        set_none(args.db, file)
    now = [] if args.none else library.set_tags(args.db, file, args.tags)
    guess = tagger_said(args.db, file, status, why)  # every tag the tagger gave it (p49)
    name = _shown(args.file)
    for note in respelled_notes(args.tags, now):
        print(_shown(note))
    if args.none:
        print(f"{name}: (none: yours; {guess})")
    elif now:
        print(f"{name}: {', '.join(now)} (yours; {guess})")
        again = f"hatbox library fix {shlex.quote(_shown(args.db))} {shlex.quote(name)}"
        for note in new_word_notes(args.db, now, lambda tags: " ".join([again, *(shlex.quote(_shown(t))
                                                                                 for t in tags)])):
            print(note)                             # a word not the tagger's (p49), a slip's command (p50)
    elif not mine:                                   # --clear on a file that carried none of the producer's tags
        print(f"{name}: no tags of yours to clear ({guess})")
    else:
        print(f"{name}: back to the tagger ({guess})" if status == "ok" else f"{name}: your tags dropped ({guess})")
    return 0


def export(args: argparse.Namespace) -> int:
    from device import library
    from device.library.fixes_csv import check_csv_out, refuse_foreign
    check_csv_out(Path(args.out), db=Path(args.db), show=lambda p: _shown(str(p)))
    refuse_foreign(Path(args.out), args.force, _shown(args.out))
    n = library.export_csv(args.db, args.out)
    gone = _left_out(args.db)                  # every corrected file export_csv did not write
    left = len(gone)
    print(f"{count_words(n, 'corrected file')} -> {_shown(args.out)}"
          + ("" if n or left else " (none yet: hatbox library fix DB FILE TAG)"))
    if left:
        print(f"  {count_words(left, 'corrected file')} left out (no use as training data):")
        for path, why in gone[:EXPORT_SHOWN]:
            print(f"    {_shown(str(path))}: {why}")
        if left > EXPORT_SHOWN:
            print(f"    ... and {left - EXPORT_SHOWN} more (hatbox library query "
                  f"{shlex.quote(_shown(args.db))} --failed)")
    say_export_note(args.db)                   # corrections of files that left: kept, not in the CSV (p48)
    say_export_words(args.db)                  # words the tagger lacks; the box's corrections not in it (p49)
    return 0


EXPORT_SHOWN = 10       # left-out files `library export` names one by one


def _left_out(db: str) -> list[tuple[Path, str]]:
    """(file, why) of each corrected file `library export` leaves out: the tagger skipped it (silent, empty), it
    does not decode, or its name is not valid UTF-8 (a CSV is UTF-8); a correction to none of the words too (p49
    review: one of a skipped file went nowhere, "0 corrected files")."""
    from device import library
    from device.library.fixes import none_corrections
    from device.library.query import utf8_name
    heard = {*library.corrections(db, heard=True), *none_corrections(db, heard=True)}
    out = []
    for path in sorted({*library.corrections(db), *none_corrections(db)}):
        if path in heard and not utf8_name(path):
            out.append((path, "its name is not valid UTF-8: rename it to train with it"))
        elif path not in heard:
            status, why = library.file_status(db, path)
            out.append((path, f"{'skipped' if status == 'skipped' else 'does not decode'}: {why}"))
    return out


def in_library(db: str, typed: str, quiet: bool = False) -> str:
    """``typed``, a path of a library file as the producer typed it, or the spelling of it the library holds: its NFC
    or NFD form, or the path on disk it names in another form (hatbox.names.path_forms: a Mac's NFD names kept on
    Linux, typed NFC).  device.library.NotInLibrary as for ``typed`` when none is in the library (said of a form that
    is on disk, if one is), or ``typed`` with ``quiet``."""
    from device import library
    try:
        library.file_status(db, typed)
        return typed
    except library.NotInLibrary as exc:
        first = exc
    from hatbox.names import path_forms
    for form in path_forms(typed, library.root_of(db)):
        try:
            library.file_status(db, form)
            return form
        except library.NotInLibrary as exc:
            first = exc if Path(form).exists() else first
    if quiet:
        return typed
    raise first


def _like(args: argparse.Namespace, k: int | None) -> list:
    """The ``k`` files (None: every one) of the library most like ``args.like``, most alike first."""
    from device import library
    from hatbox.names import on_disk
    like = in_library(args.db, args.like, quiet=True)
    try:
        return library.similar(args.db, like, k=k)
    except library.NotInLibrary:
        found = on_disk(Path(args.like))                 # a file elsewhere, its name typed in another Unicode form
        like = str(found) if found is not None and found.is_file() else args.like
        if not Path(like).is_file():
            from device.audio.audiofile import not_a_file
            raise HatboxError(not_a_file(Path(args.like), _shown(args.like)),
                              hint="give a file of the library (as --tag and --unsure list them) or another "
                                   "audio file") from None
        if not args.pack:
            raise HatboxError(f"{_shown(args.like)} is not in this library",
                              hint="to compare a file from elsewhere, give the tagger pack the library was tagged "
                                   "with: --pack TAGGER.hatpack") from None
        return library.similar_to_file(args.db, like, args.pack, k=k)


def _print_hits(hits: list, as_json: bool = False, title: str = "", like: list[str] | None = None) -> None:
    """One line per hit: its score (a tag's, or with ``like`` how alike, as closeness.alike_text says it; "yours" for
    a correction) and its file, under ``title`` on a terminal; with ``as_json`` a tag's files as a JSON list of
    hatbox.listing_json's rows instead (for scripts): {path, score, yours, corrected}, as `box-library --json` prints
    them (--like --json prints its own rows, with their closeness: :func:`query`)."""
    if as_json:
        print_json([tag_row(display_name(str(h.path)), h.score, h.corrected) for h in hits])
        return
    if hits and title:
        heading(title)
    for i, h in enumerate(hits):    # similarity hits have no corrections; a corrected tag shows as "yours"
        print(like_line(like[i], _shown(str(h.path))) if like is not None else
              hit_line(h.score, h.corrected, _shown(str(h.path))))
