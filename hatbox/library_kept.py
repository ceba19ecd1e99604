"""The producer's kept corrections of files that left a library, seen and forgotten (forty-eighth stop).

Since the forty-seventh stop `hatbox tag` keeps the producer's tags of a file that leaves the library by its bytes
(device.library.kept) and gives them back when those bytes come back.  Here the producer sees them and lets them go:

- `hatbox library query DB` says how many are kept (a note on stderr, as the untagged files' note: a script reads the
  counts on stdout; with --json too: the tag counts object keeps its shape, every key a tag (p48 review: a
  ``"#kept_left"`` key there was a non-tag to scripts that add up the values); `--left --json` lists them, its
  length the count);
- `hatbox library query DB --left` lists them: the path when it left, its tags, when it left (--json too);
- `hatbox library fix DB --forget-left [PATH ...]` drops them: those under each PATH (a file or a folder when it left;
  every PATH must name some, or nothing is dropped; naming it is the answer, nothing is asked: p54 QA, a script's
  ``--forget-left OLD-FOLDER`` failed for want of a terminal), or, without PATH (or with the library folder itself,
  ``.``), all of them after a question (``--yes``); each file dropped is said;
- `hatbox library export` says on stderr how many are not in the CSV.

The listing is a form of `query` rather than `fix --forget-left --list`: the listings (--tag, --failed, --untagged)
and their --json and -k live there, and a listing that is a flag away from a deletion would drop every correction
kept when the flag is forgotten.
"""
from __future__ import annotations

import argparse
import shlex
import sys
from typing import Any

from hatbox.errors import HatboxError
from hatbox.text import count_words, display_name, escape_unsafe, them, when_words

LEFT_HELP = ("list the files that left the library keeping your tags (they come back with their sound): the path "
             "when it left, its tags, when it left; latest first")
FORGET_HELP = ("drop your kept tags of files that left the library (hatbox library query DB --left lists them): "
               "those of each PATH (a file or a folder when it left: absolute, or relative to the working folder "
               "inside the library, else to the library folder), dropped without a question; or every one (no "
               "PATH, or the library folder itself: asked first; --yes)")
YES_HELP = "with --forget-left: drop them all without asking (no PATH, or the library folder itself)"
SAID_AT_MOST = 10          # the files a --forget-left names as dropped; "... and N more" for the others


class NothingDropped(HatboxError):
    """`library fix --forget-left` dropped nothing: a PATH named no kept file, or no one was there to answer (exit 2,
    as every refusal of the CLI: hatbox.errors.HatboxError)."""


class NoFileNeeded(argparse.Action):
    """An option of `library fix` that acts on the whole library, FILE TAGS no longer required with it (argparse
    checks them after every option is read): ``--forget-left [PATH ...]`` (its PATHs, a list), and
    hatbox.library_words' ``--rename-word OLD NEW`` and ``--drop-word WORD`` (as given)."""

    def __init__(self, *args: Any, unneeded: list[argparse.Action], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unneeded = unneeded

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        setattr(namespace, self.dest, values if isinstance(values, str) else list(values or []))
        for action in self.unneeded:
            action.required = False


def add_fix_args(parser: argparse.ArgumentParser, unneeded: list[argparse.Action]) -> None:
    """`library fix`'s ``--forget-left [PATH ...]`` and ``--yes`` (``unneeded``: its FILE and TAGS, not needed
    with them; they stay required positionals otherwise, so ``fix DB --clear FILE`` works as before)."""
    parser.add_argument("--forget-left", nargs="*", metavar="PATH", default=None, action=NoFileNeeded,
                        unneeded=unneeded, help=FORGET_HELP)
    parser.add_argument("--yes", action="store_true", help=YES_HELP)


def _shown(text: str) -> str:
    """A path as printed (its bytes that are not UTF-8 as ``\\xNN``, nothing that drives the terminal)."""
    return escape_unsafe(display_name(text))


# ------------------------------------------------------------------------------------------ query DB
def summary_note(db: str, count: int) -> str:
    """The note under the tag counts when ``count`` files that left keep the producer's tags ("" for none)."""
    if not count:
        return ""
    quoted = shlex.quote(_shown(db))
    return (f"note: {count_words(count, 'file that left the library keeps', 'files that left the library keep')} "
            f"your tags: they come back with {_its(count)} sound (hatbox library query {quoted} --left lists "
            f"{them(count)}; hatbox library fix {quoted} --forget-left drops {_its(count)} tags)")


def _its(count: int) -> str:
    """The possessive of ``count`` files: "its" for one, else "their" (p48 QA: plurals agree in every form)."""
    return "its" if count == 1 else "their"


def say_summary_note(db: str) -> None:
    """:func:`summary_note` on stderr (stdout: the counts a script reads), when there is one."""
    from device.library.kept import count_left
    line = summary_note(db, count_left(db))
    if line:
        print(line, file=sys.stderr)


# ------------------------------------------------------------------------------------------ query DB --left
def left_row(k: Any) -> dict[str, Any]:
    """A kept entry (device.library.kept.Kept) for --json: path when it left, tags, when it left (local
    "YYYY-MM-DD HH:MM", and seconds since the epoch)."""
    seconds = k.left_ns / 1e9
    return {"path": display_name(k.path), "tags": list(k.tags), "left": when_words(seconds),
            "left_s": round(seconds, 3)}


def left_line(k: Any) -> str:
    """One kept entry as the text listing shows it: when it left, its path then, its tags ("none of the words (yours)"
    for a correction to none of them, `library fix --none`: p49 review, it showed nothing; --json keeps it as the box
    does, ``[""]``)."""
    tags = ", ".join(escape_unsafe(t) for t in k.tags if t) or "none of the words (yours)"
    return f"  {when_words(k.left_ns / 1e9)}  {_shown(k.path)}: {tags}"


def print_left(db: str, as_json: bool, k: int | None) -> None:
    """`library query DB --left`: the first ``k`` (None: all) files that left keeping the producer's tags."""
    from device.library.kept import kept_left
    from hatbox.listing import cut_line, footer, heading, print_json
    from hatbox.listing_json import say_cut
    every = kept_left(db)
    shown = every[:k] if k else every
    if as_json:
        print_json([left_row(e) for e in shown])
        say_cut(len(shown), len(every))
        return
    if not every:
        footer("no file that left the library keeps your tags")
        return
    heading(f"left the library, keeping your tags ({len(every)}; they come back with {_its(len(every))} sound, "
            "under any name): when it left, its path then: your tags")
    for entry in shown:
        print(left_line(entry))
    if len(every) > len(shown):
        footer(cut_line(len(shown), len(every)))


# ------------------------------------------------------------------------------------------ fix --forget-left
def forget_left(args: argparse.Namespace) -> int:
    """`library fix DB --forget-left [PATH ...]` (:mod:`hatbox.library_kept`): the PATHs' kept files dropped unasked
    (naming them is the answer, p54 QA); no PATH, or a PATH that reads as the library folder itself, asks first (p48
    review: ``cd LIB/kicks; --forget-left .`` dropped them all unasked)."""
    if args.file is not None or args.tags or args.clear:
        raise HatboxError("--forget-left takes the paths of files that left, not FILE TAGS or --clear",
                          hint="hatbox library fix DB --forget-left [PATH ...]; a file of the library: hatbox "
                               "library fix DB FILE TAG")
    if any(not p.strip() for p in args.forget_left):
        raise NothingDropped("--forget-left was given an empty PATH, which names no file: nothing was dropped",
                             hint="give the path a file or folder had when it left (hatbox library query "
                                  f"{shlex.quote(_shown(args.db))} --left lists them); no PATH at all: every one, "
                                  "asked first")
    from device.library.kept import forget, matching
    every, found = matching(args.db, args.forget_left)
    if not every and not args.forget_left:
        print("no file that left the library keeps your tags: nothing to drop")
        return 0
    chosen = _named(found, args.db) if args.forget_left else every
    whole = _whole_library(args.db, args.forget_left, every)
    if (whole or not args.forget_left) and not _ask_all(len(every), args.yes, whole):
        return 0                                    # answered no: confirm() said "nothing was dropped"
    say_dropped(forget(args.db, chosen), chosen)
    return 0


def say_dropped(gone: int, chosen: list[Any]) -> None:
    """After `--forget-left`: how many kept files' tags were dropped (``gone``), then which (``chosen``, the first
    :data:`SAID_AT_MOST` as `query --left` lists them: when it left, its path then, its tags)."""
    print(f"dropped your tags of {count_words(gone, 'file')} that left the library: they do not come back with "
          f"{_its(gone)} sound")
    for entry in chosen[:SAID_AT_MOST]:
        print(left_line(entry))
    if len(chosen) > SAID_AT_MOST:
        print(f"  ... and {len(chosen) - SAID_AT_MOST} more")


def _whole_library(db: str, paths: list[str], rows: list[Any]) -> list[str]:
    """Those of ``paths`` that read as the library folder itself (``.``, its absolute path, or ``.`` typed in a
    folder of it that no kept file left: device.library.kept.under): every kept file of ``rows``, as no PATH."""
    from device import library
    from device.library.kept import read_as
    if not paths:
        return []
    root = library.root_of(db)
    return [p for p in paths if read_as(root, rows, p) == "."]


def check_yes(args: argparse.Namespace) -> None:
    """`library fix DB FILE TAGS --yes` (or ``--clear FILE --yes``): refused, nothing changed; --yes answers
    only --forget-left's question (as push-library refuses --yes without --replace)."""
    if args.yes and args.forget_left is None:
        raise HatboxError("--yes goes with --forget-left (drop your kept tags of files that left the library "
                          "without asking); nothing was changed",
                          hint="hatbox library fix DB FILE TAG gives a file your tags (it asks nothing); hatbox "
                               "library fix DB --forget-left --yes drops every kept one")


def _named(found: dict[str, list[Any]], db: str) -> list[Any]:
    """The kept entries the PATHs name, each once; NothingDropped naming the PATHs that name none (all or nothing:
    ``db``, the database, for its hint)."""
    missing = [p for p, hits in found.items() if not hits]
    if missing:
        more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
        which = ", ".join(_shown(p) for p in missing[:5]) + more
        raise NothingDropped(f"no file that left the library keeps your tags under {which}: nothing was dropped",
                             hint=f"hatbox library query {shlex.quote(_shown(db))} --left lists the paths they had "
                                  "when they left (give one absolute, or relative to the library folder)")
    chosen: dict[tuple[str, str], Any] = {}
    for hits in found.values():
        chosen.update({(k.digest, k.path): k for k in hits})
    return list(chosen.values())


def _ask_all(count: int, yes: bool, paths: list[str] | None = None) -> bool:
    """Before dropping all ``count`` kept entries (no PATH, or ``paths`` that read as the library folder itself):
    whether to (asked on a terminal unless ``yes``: False after an answer that is not yes); NothingDropped when no
    one can answer (no terminal, or CI set; stdin closed)."""
    from hatbox.ask import can_ask
    if yes:
        return True
    what = f"your tags of {count_words(count, 'file')} that left the library"
    named = " ".join(shlex.quote(_shown(p)) for p in paths or [])
    said = f"{named} (the library folder itself) names every one of {what}"
    how = f"--forget-left {said} and" if named else "--forget-left without PATH"
    if not can_ask():
        raise NothingDropped(f"nothing was dropped: {how} asks before dropping "
                             f"{'them all' if named else what}, and there is no terminal to ask on (or CI is set)",
                             hint="add --yes to drop them all without asking, or name the folders or files they "
                                  "left from: --forget-left PATH drops those without asking")
    from hatbox.box_packs import confirm
    ask = f"{said}: drop them all?" if named else f"drop {what}?"
    try:
        return confirm(f"{ask} They will not come back with {_its(count)} sound", "nothing was dropped",
                       "pass --yes to drop them without asking")
    except HatboxError as exc:                      # stdin closed at the question
        raise NothingDropped(Exception.__str__(exc), hint=exc.hint) from None


# ------------------------------------------------------------------------------------------ export
def say_export_note(db: str) -> None:
    """`library export`'s line on stderr when files that left keep the producer's tags: not in the CSV."""
    from device.library.kept import count_left
    n = count_left(db)
    if n:
        print(f"note: your corrections of {count_words(n, 'file')} that left the library are not in the CSV "
              f"({'the file is' if n == 1 else 'the files are'} not in the library; hatbox library query "
              f"{shlex.quote(_shown(db))} --left lists {them(n)})", file=sys.stderr)
