"""What `hatbox library query` says of the library besides its hits (hatbox/cmd_tag.py runs it): notes on stderr
when the library folder moved or its tagging stopped part-way, ``--failed`` and ``--untagged`` listings, and a tag
that no file carries."""
from __future__ import annotations

import shlex
import sys

from hatbox.errors import HatboxError
from hatbox.listing import by_count, cut_line, footer, heading, print_json
from hatbox.listing_json import say_cut, untagged_row
from hatbox.tag_run import shown as _shown
from hatbox.text import count_words, display_name, escape_unsafe, them


def say_no_file_carries(db: str, tag: str) -> None:
    """After ``--tag TAG`` listed no file: say so, with the tags the library's files do carry (as `hatbox
    box-library --tag` says it)."""
    from device import library
    used = tags_in_use(library.list_tags(db))
    shown = ", ".join(escape_unsafe(t) for t, _ in by_count(used))
    footer(f"no file carries '{escape_unsafe(tag)}' (the library's tags: {shown or 'none yet'})")


def say_if_moved(db: str) -> None:
    """A note on stderr when the library folder the database stands for is not there (moved, renamed, a drive not
    plugged in): the paths listed are where its files were."""
    from device import library
    try:
        root = library.root_of(db)
    except HatboxError:
        return                                      # the listing itself says what is wrong with the database
    if not root.is_dir():
        print(f"note: the library folder {_shown(str(root))} is not there (moved, renamed, or a drive not plugged "
              f"in?): the paths below are where its files were; "
              f"`hatbox tag NEW-FOLDER --out {shlex.quote(_shown(db))}` follows it there",
              file=sys.stderr)


def say_if_unfinished(db: str) -> None:
    """A note on stderr when the last hatbox tag into ``db`` stopped part-way or is running now: the listing shows
    the files tagged so far, not the library (QA: one stopped at 116 of 856 files listed as a whole library).  The
    files counted as `hatbox tag` counts them (device.library.query.run_counts: p53 QA, "121 files tagged and saved"
    then "stopped part-way, at 122"), those it went through without a tag said apart, and, after a re-tag with a new
    pack stopped part-way, the files whose tags of the pack before are not listed."""
    from device import library
    from device.library.query import run_counts
    from hatbox.retag_words import query_note
    if note := query_note(db):          # a re-tag with a new pack part way: the old pack's tags are listed (p54)
        print(note, file=sys.stderr)
    try:
        state, _done, total = library.tagging_run(db)
        counts = run_counts(db)
        root = library.root_of(db)
    except HatboxError:
        return                                      # the listing itself says what is wrong with the database
    if state == "running":
        print(f"note: the library is being tagged now: what follows is the {counts.tagged} of "
              f"{count_words(total, 'file')} tagged so far{_untagged_words(counts.untagged)}", file=sys.stderr)
    elif state == "stopped":
        again = f"hatbox tag {shlex.quote(_shown(str(root)))} --pack TAGGER.hatpack --out {shlex.quote(_shown(db))}"
        older = (f"; the tags the pack before gave the other {count_words(counts.older, 'file')} are not listed (one "
                 "listing does not mix two packs' words)") if counts.older else ""
        print(f"note: the last hatbox tag of this library stopped part-way, at {counts.tagged} of "
              f"{count_words(total, 'file')} tagged and saved{_untagged_words(counts.untagged)}; what follows is "
              f"those{older}; `{again}` goes on where it stopped", file=sys.stderr)


def _untagged_words(count: int) -> str:
    """" (and 1 file that failed or held nothing: --failed lists it)", "" for none."""
    if not count:
        return ""
    return f" (and {count_words(count, 'file')} that failed or held nothing: --failed lists {them(count)})"


def _tagging_state(db: str) -> str:
    """"done", "running" or "stopped" (device.library.tagging_run); "done" where the database cannot say."""
    from device import library
    try:
        return library.tagging_run(db)[0]
    except HatboxError:
        return "done"


def tags_in_use(counts: dict[str, int]) -> dict[str, int]:
    """The tags that at least one file carries (device.library.list_tags also names the pack's unused
    tags, for the box's panel to offer when retagging a file)."""
    return {tag: n for tag, n in counts.items() if n > 0}


def print_failures(db: str, as_json: bool = False) -> None:
    """``--failed``: the files that did not decode (tried again on every run), then those that hold nothing
    to tag (not decoded again until they change), one ``path<TAB>reason`` line each under a heading; with
    ``as_json`` {"failed": [{path, why}], "skipped": [...]} instead."""
    from device import library
    if as_json:
        print_json({kind: [{"path": display_name(str(path)) + ("/" if kind == "folders" else ""), "why": why}
                            for path, why in library.failures(db, status)]
                     for kind, status in (("failed", "error"), ("skipped", "skipped"), ("folders", "folder"))})
        return
    groups = (("failed", "did not decode; tried again on the next run"),
              ("skipped", "nothing to tag; not decoded again until {it} changes"))
    found = (library.failures(db, "error"), library.failures(db, "skipped"))
    folders = library.failures(db, "folder")
    if not any(found):                   # it printed nothing at all (twenty-eighth stop's QA)
        none = library.untagged_count(db)
        every = "every audio file the last run could open is tagged" if folders else \
            "every audio file of the library is tagged"
        so_far = _tagging_state(db) != "done"             # the note above says how far it got
        footer("no file failed or was skipped" + (" so far" if so_far else "")
               + (f": every audio file was heard, but {count_words(none, 'file')} got no tag (--untagged lists them)"
                  if none else "" if so_far else f": {every}"))
    for (name, meaning), rows in zip(groups, found):
        if rows:
            meaning = meaning.format(it="it" if len(rows) == 1 else "each")
            print(f"{name} ({len(rows)}: {meaning}):")
        for path, why in rows:
            print(f"  {_shown(str(path))}\t{_shown(why)}")
    if folders:                          # the last run named them; this said "every file is tagged" (34th stop's QA)
        print(f"not opened ({count_words(len(folders), 'folder')} the last hatbox tag could not open; tried again "
              "on the next run):")
    for path, why in folders:
        print(f"  {_shown(str(path))}/\t{_shown(why)}")


def print_untagged(db: str, as_json: bool = False, k: int | None = None) -> None:
    """The first ``k`` files the tagger heard but gave no tag, each with its best guess, then every file the producer
    marked none of the words (`library fix DB FILE --none`), as the text lists them apart; ``as_json``: rows
    {path, best_guess, score, none, yours}, those marked none last with ``none`` and ``yours`` true (p53 QA: the JSON
    dropped them, ``[]`` where the text listed one), as `box-library ID --untagged --json` prints them."""
    from device import library
    every = library.untagged(db)
    found = every[:k] if k else every
    if as_json:                         # -k of both, those marked none last (p53 review: -k 1 printed 2 rows)
        from device.library.query import none_untagged
        rows = [untagged_row(display_name(str(p)), t, sc) for p, t, sc in every] \
            + [untagged_row(display_name(str(p)), t, sc, none=True) for p, t, sc in none_untagged(db)]
        shown = rows[:k] if k else rows
        print_json(shown)
        say_cut(len(shown), len(rows))
        return
    from device.library.fixes import none_corrections
    from hatbox.library_words import none_lines
    if not found:
        footer(all_heard_line(len(none_corrections(db))))
    else:
        heading(f"no tag ({len(every)}): the tagger's best guess, under its threshold")
    for path, tag, score in found:
        print(f"  {escape_unsafe(tag) or '-'} {score:.2f}  {_shown(str(path))}")
    if len(every) > len(found):
        footer(cut_line(len(found), len(every)))
    for line in none_lines(db):                     # corrected to none of the words (p49), listed apart
        print(line)


def all_heard_line(nones: int) -> str:
    """The line of `library query DB --untagged` and `box-library ID --untagged` when the tagger left no file under no
    tag, ``nones`` being the files the producer marked none of the words, listed after it (p54 QA: "every file ...
    carries a tag" over one listed as carrying none)."""
    line = "every file the tagger heard carries a tag"
    if not nones:
        return line
    return f"{line}, except the {nones} you marked none of the words (listed under 'none of the words, yours')"
