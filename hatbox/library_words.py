"""The producer's words over weeks, on the laptop's library (forty-ninth stop, QA "month"; hatbox/cmd_tag.py registers
the options and calls these):

- `hatbox library fix DB --rename-word OLD NEW` / `--drop-word WORD`: a word renamed or dropped in the training CSV,
  changed in every correction of the library at once (device.library.words): before, the old word stayed in the
  corrections and `library export` taught it to the next tagger again;
- `hatbox tag` (with the pack's words) and `library export` (with the words of the pack that tagged the library) say
  how many corrections use words that tagger does not have, with the commands that rename or drop them;
- `library fix DB FILE --none`: the file carries none of the words (exported as ``path,``, a negative for training);
- the fix line names every tag the tagger gave the file ("the tagger says sub 0.85, punchy 0.81"), and a word that is
  not one of the tagger's is said to be new;
- `library export` says that the box's corrections of a library pushed to it are not in the CSV (from the laptop's
  push records, hatbox.library_memory's ``pushed.json``; the box is not asked);
- the pack that tagged a library is named by `hatbox tag`'s re-tag line and `library query DB`'s header.
"""
from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path
from typing import Any, Callable

from hatbox.errors import HatboxError
from hatbox.text import count_words, display_name, escape_unsafe

RENAME_HELP = ("rename the word OLD to NEW in every correction of the library at once (a word renamed in your "
               "training CSV: else the next `library export` teaches the old word again); a NEW your corrections "
               "use already is refused unless --yes: that merges the two words, and no rename parts them again")
DROP_HELP = ("take WORD out of every correction of the library at once (a file corrected to that word alone goes "
             "back to the tagger's tags)")
NONE_HELP = ("the file carries none of the words (neither the tagger's nor yours): kept as a correction, exported as "
             "`path,`, a file the next tagger learns to give none of them (with such a row it says yes or no to each "
             "word, even where every other file has one word, rather than picking one word per file)")
SHOWN_WORDS = 12        # a tagger's words named in a note, at most


def _shown(text: str) -> str:
    """A path or word as printed (bytes that are not UTF-8 as ``\\xNN``, nothing that drives the terminal)."""
    return escape_unsafe(display_name(text))


def add_word_args(parser: argparse.ArgumentParser, unneeded: list[argparse.Action]) -> None:
    """`library fix`'s ``--none``, ``--rename-word OLD NEW`` and ``--drop-word WORD`` (``unneeded``: FILE and TAGS,
    not needed with the last two)."""
    from hatbox.library_kept import NoFileNeeded
    parser.add_argument("--none", action="store_true", help=NONE_HELP)
    parser.add_argument("--rename-word", nargs=2, metavar=("OLD", "NEW"), default=None, action=NoFileNeeded,
                        unneeded=unneeded, help=RENAME_HELP)
    parser.add_argument("--drop-word", metavar="WORD", default=None, action=NoFileNeeded, unneeded=unneeded,
                        help=DROP_HELP)


# ------------------------------------------------------------------------------------------ fix --rename/--drop-word
def fix_words(args: argparse.Namespace) -> int | None:
    """`library fix DB --rename-word OLD NEW` or `--drop-word WORD`: done and said (exit 0); None when neither was
    given (a file's fix).  HatboxError, nothing changed, when a FILE, tags, --clear or --none come with them."""
    if args.rename_word is None and args.drop_word is None:
        return None
    if args.rename_word is not None and args.drop_word is not None or args.file or args.tags or args.clear \
            or args.none:
        raise HatboxError("--rename-word and --drop-word each act on every correction of the library, alone: give "
                          "no FILE, tags, --clear or --none with them (and one of the two at a time); nothing was "
                          "changed", hint="hatbox library fix DB --rename-word dusty lofi")
    from device.library.words import drop_word, rename_word
    renaming = args.rename_word is not None
    change = rename_word(args.db, *args.rename_word, merge=getattr(args, "yes", False)) if renaming else \
        drop_word(args.db, args.drop_word)
    for line in word_change_lines(change.word, change.to if renaming else None, change.files,
                                  change.kept, change.back,
                                  f"hatbox library fix {shlex.quote(_shown(args.db))} FILE --none",
                                  merged=(change.into, change.both) if change.merged else None):
        print(line)
    say_box_copies(args.db, change.word, change.to if args.rename_word is not None else None)
    return 0


def say_box_copies(db: str, word: str, to: str | None) -> None:
    """After ``word`` was renamed to ``to`` (None: dropped) in library ``db``'s corrections: when its folder was sent
    to a box (pushed.json, not asking the box), that the box's copy keeps the old word until renamed there too."""
    pushed = _pushed(db)[1]
    if not pushed or to == word:
        return
    same = word_option(_shown(word), None if to is None else _shown(to))
    lib = shlex.quote(_shown(pushed[0][1] or pushed[0][0].name))
    print(f"  the box's copy keeps '{_shown(word)}' until `hatbox box-library {lib} {same}` (or a push carries the "
          "corrections changed here)")


def word_option(word: str, to: str | None) -> str:
    """The option that renames ``word`` to ``to`` (None: drops it), each quoted for the shell as given (the caller
    makes them printable): "--rename-word 'OLD' 'NEW'" or "--drop-word 'WORD'" (the laptop's and the box's alike)."""
    return f"--rename-word {shlex.quote(word)} {shlex.quote(to)}" if to is not None else \
        f"--drop-word {shlex.quote(word)}"


def word_change_lines(word: str, to: str | None, files: int, kept: int, back: list[str], none: str,
                      where: str = "", merged: tuple[int, int] | None = None) -> list[str]:
    """What `--rename-word OLD NEW` (``to``: NEW as stored; None: `--drop-word`) changed, on the laptop and (from
    POST /libraries/{id}/words' answer) on the box alike: ``word`` as the corrections spelled it, ``files`` changed,
    ``kept`` (files that left), ``back`` (files gone back to the tagger's tags, five named); ``none``: the command
    that says a file carries none of the words, ``where``: added to the first line (" (library ID)").  Said as
    stored, not as typed (p49 review: "renamed 'dusty' to 'KICK'" of a rename that stored kick); ``merged``: (files
    that carried NEW before, files that carried both) when NEW was a word of the corrections already (--yes)."""
    if to is not None and to == word:
        return [f"'{_shown(word)}' is spelled so already; nothing was changed"]
    left = f" and of {count_words(kept, 'file')} that left the library (kept, to come back with it)" if kept else ""
    what = f"renamed '{_shown(word)}' to '{_shown(to)}' in" if to is not None else f"dropped '{_shown(word)}' from"
    lines = [f"{what} the corrections of {count_words(files, 'file')}{left}{where}{_merged(to, merged)}"]
    if back:
        which = "it was the only word of its correction" if len(back) == 1 else \
            "it was the only word of their corrections"
        lines.append(f"  {count_words(len(back), 'file')}: {which}, now removed: the tagger's tags stand again "
                     f"({none} says a file carries none of the words)")
        lines += [f"    {_shown(p)}" for p in back[:SHOWN_BACK]]
        if len(back) > SHOWN_BACK:
            lines.append(f"    ... and {len(back) - SHOWN_BACK} more")
    return lines


def _merged(to: str | None, merged: tuple[int, int] | None) -> str:
    """The rename line's words for a merge into ``to`` (``merged``: its files before, files that had both)."""
    if to is None or merged is None:
        return ""
    into, both = merged
    return (f": merged into '{_shown(to)}', the word of {count_words(into, 'file')} already ({both} carried both: "
            "one word each now; no rename parts them again)")


SHOWN_BACK = 5          # files gone back to the tagger's tags named one by one, the rest counted


# ------------------------------------------------------------------------------------------ fix FILE
def check_fix_args(args: argparse.Namespace) -> None:
    """A file's fix asks for exactly one of: tags, --clear, --none (HatboxError otherwise, nothing changed)."""
    asked = sum((bool(args.tags), bool(args.clear), bool(args.none)))
    if asked > 1:
        raise HatboxError(_too_many(args), hint="hatbox library fix DB FILE --none (or FILE TAG ..., or --clear FILE)")
    if asked != 1:
        raise HatboxError("give the file's tags, --none (it carries none of the words), or --clear to drop yours",
                          hint="hatbox library fix DB FILE tom")
    refuse_blank(args.tags, "hatbox library fix DB FILE --none")


def _too_many(args: argparse.Namespace) -> str:
    """Why a file's fix given two of tags, --clear and --none is refused, as the box says it (p49 regression QA:
    `fix DB FILE punchy --none` was answered "give the file's tags, --none, or --clear", as if none was given)."""
    if args.none and args.clear:
        return "--none and --clear each go with FILE alone: give one of the two; nothing was changed"
    one, does = ("--none", "says the file carries none of the words") if args.none else \
        ("--clear", "drops your tags of it")
    tags = " ".join(_shown(t) for t in args.tags)
    return f"{one} goes with FILE alone (no TAG; {tags} given): it {does}; nothing was changed"


def refuse_blank(tags: list[str], none: str) -> None:
    """HatboxError, nothing changed, when one of ``tags`` (as typed) is empty or blank: an unset shell variable
    ("$TAG") is no way to say "none of my words" (p49 review: it was kept as that, silently); ``none``: the command
    that says it."""
    if any(not t.strip() for t in tags):
        raise HatboxError("a tag is empty (an unset shell variable?); nothing was changed",
                          hint=f"give the tag, or say the file carries none of the words with --none: {none}")


def tagger_said(db: str, file: str, status: str, why: str) -> str:
    """What the tagger made of library file ``file`` (``status``/``why``: device.library.file_status), for the fix
    line: "the tagger says sub 0.85, punchy 0.81" (every tag it gave, surest first, as --unsure lists them), "the
    tagger says none of its words, its best guess sub 0.41", or why it did not tag it."""
    from device import library
    from device.library.words import tagger_hits
    if status != "ok":                              # skipped (silent, empty...) or undecodable
        return tagger_words([], {}, why)
    return tagger_words(tagger_hits(db, file), library.tags_of(db, file))


def tagger_words(hits: list[tuple[str, float]], scores: dict[str, float], not_tagged: str | None = None) -> str:
    """:func:`tagger_said`'s words, the laptop's and the box's alike (PUT /libraries/{id}/files/tags' ``hits`` and
    ``not_tagged``; p53): ``hits``, the tags the tagger gave the file with their scores, surest first; ``scores``,
    its score for each of its words (the best guess when it gave none); ``not_tagged``, why it did not tag it (None:
    it did)."""
    if not_tagged is not None:
        return f"not tagged by the tagger: {_shown(not_tagged)}"
    if hits:
        return "the tagger says " + ", ".join(f"{escape_unsafe(t)} {s:.2f}" for t, s in hits)
    if not scores:
        return "not tagged by the tagger"
    best = max(scores, key=lambda t: scores[t])
    return f"the tagger says none of its words, its best guess {escape_unsafe(best)} {scores[best]:.2f}"


def new_word_notes(db: str, now: list[str], again: Callable[[list[str]], str] | None = None) -> list[str]:
    """A note for each of ``now`` (a file's tags as stored) that is not one of the words of the pack that tagged the
    library: the next training learns it from the corrections (QA: `lo-fi` was taken without a word); ``again``: see
    :func:`word_notes`."""
    from device.library.words import pack_words, word_uses
    words = pack_words(db)
    return word_notes(now, words, word_uses(db) if words else {}, "hatbox library export", again)


def word_notes(now: list[str], words: list[str], uses: dict[str, int], export: str,
               again: Callable[[list[str]], str] | None = None) -> list[str]:
    """:func:`new_word_notes` of ``now`` against a tagger's ``words`` ([]: not known, no note), ``uses`` (each word
    of the corrections, this file's included -> its files), ``export`` (the command that writes the corrections): the
    laptop's and the box's alike (`box-library ID --fix`, p49).  A new word that is a slip of a tagger's word or of one
    the corrections use (:func:`slip_of`) gets "did you mean 'tss'?" and, with ``again`` (the fix command for a list
    of tags), the command that puts it right (p50 QA: `tsss` for tss, `bom` for boom, said only "a new word")."""
    if not words:
        return []
    notes = []
    for tag in now:
        if tag in words:
            continue
        others = uses.get(tag, 1) - 1
        also = f"; {count_words(others, 'other file')} of your corrections {'carries' if others == 1 else 'carry'} " \
               "it" if others else ""
        near = slip_of(tag, [w for w in words if w not in now], {w: n for w, n in uses.items() if w not in now},
                       bare_only=bool(others))       # a word the file carries already is no suggestion (p50 review)
        meant = f"; did you mean '{escape_unsafe(near)}'{_whose(near, words, uses)}?" if near else ""
        fixed = [near if t == tag else t for t in now] if near else []
        right = f"; if it is a slip, `{again(fixed)}` puts it right" if near and again is not None else ""
        notes.append(f"note: '{escape_unsafe(tag)}' is a new word (the tagger's words: {_words(words)}){also}{meant}: "
                     f"the next training learns it from your corrections ({export}){right}")
    return notes


def _whose(word: str, words: list[str], uses: dict[str, int]) -> str:
    """" (the word of 4 of your corrections)" for a suggested ``word`` the tagger (its ``words``) does not have."""
    return "" if word in words else f" (the word of {uses.get(word, 0)} of your corrections)"


def slip_of(tag: str, words: list[str], used: dict[str, int], bare_only: bool = False) -> str:
    """The word ``tag`` is most likely a slip of ("" for none): a tagger's word (of ``words``) or one the corrections
    use (``used``: word -> files, the most used first) the same but for case, spaces and punctuation ("Lo-Fi" for
    lofi), or, unless ``bare_only``, but for a doubled letter ("bom" for boom, "tsss" for tss) or one edit (a letter
    added, dropped, changed, or two swapped: "clpa" for clap; words of 3 letters or more)."""
    known = [w for w in list(words) + sorted((w for w in used if w not in words), key=lambda w: -used[w]) if w != tag]
    checks = (_same_bare,) if bare_only else (_same_bare, _same_but_doubled, _one_edit)
    return next((w for alike in checks for w in known if alike(tag, w)), "")


def _same_bare(a: str, b: str) -> bool:
    return _bare(a) == _bare(b)


def _same_but_doubled(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are one word but for letters doubled or tripled ("bom", "boom"; "tsss", "tss")."""
    return _single(_bare(a)) == _single(_bare(b)) != ""


def _single(word: str) -> str:
    """``word`` with each run of one letter made one letter ("tsss" -> "ts")."""
    return "".join(c for i, c in enumerate(word) if i == 0 or word[i - 1] != c)


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` becomes ``b`` (their bare forms, :func:`_bare`) by one letter added or dropped (words of 3 letters
    or more: "kik" for kick), changed (words of 5 letters or more: "snsre" for snare; shorter ones are other words,
    hit/hat, rise/ride), or two neighbours swapped (3 or more); never by a digit (snare2 is not a slip of snare, nor
    809 of 808: p50 review)."""
    a, b = _bare(a), _bare(b)
    if min(len(a), len(b)) < 3 or abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((k for k in range(len(a)) if a[k] != b[k]), len(a))
    if len(a) < len(b):
        return a[i:] == b[i + 1:] and not b[i].isdigit()
    if a[i + 1:] == b[i + 1:]:
        return len(a) >= 5 and not _digit(a[i] + b[i])
    return a[i + 2:] == b[i + 2:] and a[i:i + 2] == b[i:i + 2][::-1] and not _digit(a[i:i + 2])


def _digit(chars: str) -> bool:
    """Whether any of ``chars`` is a digit."""
    return any(c.isdigit() for c in chars)


def _bare(word: str) -> str:
    """``word`` without case, spaces and punctuation ("Lo-Fi" and "lofi" alike)."""
    return "".join(c for c in word.casefold() if c.isalnum())


def _words(words: list[str]) -> str:
    """A tagger's words for a note ("bright, dusty, ..." past :data:`SHOWN_WORDS`)."""
    shown = ", ".join(escape_unsafe(w) for w in words[:SHOWN_WORDS])
    return shown + (f", ... ({len(words)} in all)" if len(words) > SHOWN_WORDS else "")


# ------------------------------------------------------------------------------------------ words a tagger lacks
def foreign_words_note(db: str, words: list[str]) -> str:
    """The line `hatbox tag` and `library export` say when corrections of library ``db`` use words the tagger (its
    ``words``) does not have (:func:`foreign_note`); "" when none does (or ``words`` is empty: not known)."""
    from device.library.words import foreign_of
    foreign, files = foreign_of(db, words)
    if not foreign:
        return ""
    return foreign_note(foreign, files, words, "`hatbox library export`",
                        f"hatbox library fix {shlex.quote(_shown(db))}")


def foreign_note(foreign: dict[str, int], n: int, words: list[str], export: str, cmd: str, where: str = "") -> str:
    """The note for ``n`` corrections (``where``: " on the box") using ``foreign`` words (word -> files, most used
    first) that a tagger of ``words`` lacks: "note: 13 of your corrections use words this tagger does not have:
    dusty (12), glitch (1) ...", ``export`` (the command that writes them) and ``cmd`` (`hatbox library fix DB`,
    `hatbox box-library ID`) with the options that rename or drop them; the laptop's and the box's alike."""
    listed = ", ".join(f"{escape_unsafe(w)} ({c})" for w, c in list(foreign.items())[:8])
    more = f", ... ({len(foreign)} words)" if len(foreign) > 8 else ""
    slips = "; ".join(f"`{cmd} --rename-word {q} NEW` / `--drop-word {q}`"
                      for q in (shlex.quote(escape_unsafe(w)) for w in list(foreign)[:SLIP_COMMANDS]))
    them = "it" if len(foreign) == 1 else "them"
    return (f"note: {n} of your corrections{where} {'uses' if n == 1 else 'use'} words this tagger does not have: "
            f"{listed}{more} (its words: {_words(words)}): new to this tagger: the next training learns {them} from "
            f"your corrections ({export} writes them), or, if {'it' if them == 'it' else 'one'} is a slip: {slips}"
            + (" ..." if len(foreign) > SLIP_COMMANDS else ""))


SLIP_COMMANDS = 3       # foreign words given their own rename/drop commands in the note, at most


def say_foreign_words(db: str, words: list[str] | None = None, err: bool = False) -> None:
    """:func:`foreign_words_note` for ``words`` (None: those of the pack that tagged the library), on stdout (stderr
    with ``err``), when there is one; a database that cannot say (no pack recorded, unreadable) says nothing."""
    from device.library.words import pack_words
    try:
        note = foreign_words_note(db, pack_words(db) if words is None else words)
    except HatboxError:
        return
    if note:
        print(note, file=sys.stderr if err else sys.stdout)


# ------------------------------------------------------------------------------------------ the box's corrections
BOX_FIXES_CSV = "box-fixes.csv"     # the file box_fixes_note's command writes (numbered for several folders)


def box_fixes_note(db: str) -> str:
    """`library export`'s line when library ``db``'s folder (or a folder in it) was sent to a box: the corrections
    made there are not in the CSV, and the command that writes them, as it works typed (p53 QA T3: it named the local
    folder, not the box's name for the library, and no --folder, so the CSV's paths did not resolve): the box's
    name for the library (pushed.json's ``name``, else NAME, said to be a placeholder) and ``--folder`` the folder
    pushed.  From the laptop's push records only, without asking the box; "" when it was never pushed."""
    root, pushed = _pushed(db)
    if not pushed:
        return ""
    folders = [folder for folder, _ in pushed]
    what = "this library was" if folders[0] == root else f"{_shown(', '.join(f.name for f in folders[:3]))} of " \
                                                         f"this library {'was' if len(folders) == 1 else 'were'}"
    shown = pushed[:SHOWN_PUSHED]
    outs = [BOX_FIXES_CSV] if len(shown) == 1 else [f"box-fixes-{i}.csv" for i in range(1, len(shown) + 1)]
    commands = "; ".join(f"`{box_export_command(folder, name, out)}`" for (folder, name), out in zip(shown, outs))
    more = f" (and {len(pushed) - len(shown)} more folders likewise)" if len(pushed) > len(shown) else ""
    unnamed = [folder for folder, name in shown if name is None]
    placeholder = (f" (NAME: the library's name on the box, as hatbox box-library lists it: the folder's name, "
                   f"{_shown(unnamed[0].name)}, unless push-library was given --name)") if unnamed else ""
    return (f"note: {what} sent to a box (hatbox push-library): corrections made on the box are not in this file: "
            f"{commands}{more} {'writes them' if len(shown) == 1 else 'write them'}{placeholder}")


SHOWN_PUSHED = 3        # folders of a library sent to a box given their own export command in the note, at most


def box_export_command(folder: Path, name: str | None, out: str) -> str:
    """`hatbox box-library NAME --export-fixes OUT --folder FOLDER`, each quoted for the shell: ``name`` the box's
    name for the library pushed from ``folder`` (None: NAME, a placeholder), ``folder`` as typed from here (relative
    to the working folder when inside it, else whole), so the CSV's paths are the files here."""
    lib = shlex.quote(_shown(name)) if name else "NAME"
    return (f"hatbox box-library {lib} --export-fixes {shlex.quote(out)} "
            f"--folder {shlex.quote(_shown(_from_here(folder)))}")


def _from_here(folder: Path) -> str:
    """``folder`` (resolved) relative to the working folder when inside it ("lib"), else its whole path."""
    try:
        here = Path.cwd().resolve()
    except OSError:
        return str(folder)
    return str(folder.relative_to(here)) if folder == here or here in folder.parents else str(folder)


def _pushed(db: str) -> tuple[Path | None, list[tuple[Path, str | None]]]:
    """(library ``db``'s folder, it or the folders in it sent to a box, the folder itself first, each with its name
    on the box as push-library recorded it (None: not recorded, a push before p53)): from pushed.json, the laptop's
    push records (the box is not asked); (None, []) when that cannot be read."""
    from device import library
    from hatbox.library_memory import memory_path
    try:
        root = library.root_of(db).resolve()
        kept = json.loads(memory_path().read_bytes())
    except (HatboxError, OSError, ValueError):
        return None, []
    kept = kept if isinstance(kept, dict) else {}
    return root, sorted(((Path(k), _box_name(v)) for k, v in kept.items() if Path(k) == root or root in
                         Path(k).parents), key=lambda fn: fn[0])


def _box_name(entry: Any) -> str | None:
    """The library's name on the box in a pushed.json ``entry`` (None: none recorded)."""
    name = entry.get("name") if isinstance(entry, dict) else None
    return name if isinstance(name, str) and name.strip() else None


# ------------------------------------------------------------------------------------------ which pack tagged it
def pack_label(pack: str | Path) -> str:
    """"name version" of the pack at ``pack`` ("" when it cannot be read: the run says why)."""
    from export.pack import read_pack
    try:
        m = read_pack(pack).manifest
    except (HatboxError, OSError, ValueError, KeyError, TypeError):
        return ""
    return f"{m.name} {m.version}"


def query_header(db: str) -> str:
    """`library query DB`'s first line: the pack that tagged the library ("tagged by mywords 0.1.2"), or its words
    when the database does not record its name (tagged before the forty-ninth stop)."""
    from device.library.query import pack_name
    from device.library.words import pack_words
    try:
        name, words = pack_name(db), pack_words(db)
    except HatboxError:
        return ""
    if name:
        return f"tagged by {_shown(name)} (its words: {_words(words)})"
    return f"tagged by a pack whose name this database does not record (its words: {_words(words)})" if words else ""


def say_export_words(db: str) -> None:
    """`library export`'s p49 lines: how many rows say "none of the words" (``path,``), the words the library's tagger
    does not have (:func:`foreign_words_note`), and the box's corrections not in the file (:func:`box_fixes_note`)."""
    from device.library.fixes import none_corrections
    try:
        nones = len(none_corrections(db, heard=True))
    except HatboxError:
        nones = 0
    if nones:
        print(f"  {nones} of them {'carries' if nones == 1 else 'carry'} none of the words (library fix --none): "
              "written as `path,`, an empty tag: a tagger trained on it says yes or no to each word (it can give a "
              "file none of them), not one word per file")
    say_foreign_words(db)
    if note := box_fixes_note(db):
        print(note)


def none_lines(db: str) -> list[str]:
    """`library query DB --untagged`'s lines for the files corrected to none of the words ("(none: yours; the tagger
    says punchy 0.81)  FILE"), under a heading; [] for none."""
    from device import library
    from device.library.fixes import none_corrections
    from hatbox.listing import none_heading, none_line
    paths = none_corrections(db)
    if not paths:
        return []
    lines = [none_heading(len(paths))]
    for path in paths:
        status, why = library.file_status(db, path)
        lines.append(none_line(tagger_said(db, str(path), status, why), _shown(str(path))))
    return lines
