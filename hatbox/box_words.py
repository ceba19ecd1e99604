"""The words of a box library's corrections from the laptop (forty-ninth stop, F8; hatbox/cmd_box_library.py registers
the options and calls these; the box's side: device/api/library_words_route.py):

- `hatbox box-library ID --rename-word OLD NEW` / `--drop-word WORD`: a word renamed or dropped in the training CSV,
  changed in every correction of the box's library at once (POST /libraries/{id}/words), as `hatbox library fix DB
  --rename-word` does on the laptop;
- `hatbox box-library ID --fix PATH --none`: the file carries none of the words (PUT .../files/tags with ``[""]``;
  `--export-fixes` writes it as ``path,``);
- the tagging summary (`--retag --wait`, `push-library --wait`) says when corrections use words the tagger lacks
  (GET /libraries/{id}/words), as `hatbox tag` does on the laptop.
A box from before says what it cannot do, and nothing is changed."""
from __future__ import annotations

import argparse
import shlex
from typing import Any, Callable

from hatbox.box_client import BoxRefused, VERSION_HINT, _call, safe_text
from hatbox.errors import HatboxError
from hatbox.library_words import DROP_HELP, word_option

RENAME_HELP = ("rename the word OLD to NEW in every correction of the library at once (a word renamed in your "
               "training CSV: else --export-fixes teaches the old word again); a NEW its corrections use already "
               "is refused unless --yes: that merges the two words, and no rename parts them again")
NONE_HELP = ("with --fix PATH (no TAG): the file carries none of the words, neither the tagger's nor yours (kept as "
             "a correction; --export-fixes writes it as `path,`)")
OLDER_BOX = "this box runs an older hatbox"


def add_options(parser: argparse.ArgumentParser, group: Any) -> None:
    """``--rename-word OLD NEW`` and ``--drop-word WORD`` (in ``group``, the one-action group) and ``--none`` on
    `box-library`'s ``parser``."""
    group.add_argument("--rename-word", nargs=2, metavar=("OLD", "NEW"), default=None, help=RENAME_HELP)
    group.add_argument("--drop-word", metavar="WORD", default=None, help=DROP_HELP)
    parser.add_argument("--none", action="store_true", help=NONE_HELP)


def changes_words(args: argparse.Namespace) -> bool:
    """Whether `box-library` was asked to rename or drop a word."""
    return args.rename_word is not None or args.drop_word is not None


def check(args: argparse.Namespace) -> None:
    """HatboxError, before the box is asked, for ``--none`` without ``--fix PATH`` alone, for an empty TAG (the box
    would keep ``[""]`` as none of the words: p49 review), and for --json or --wait with a change of words."""
    if args.none and (not args.fix or len(args.fix) > 1):
        raise HatboxError("--none goes with --fix PATH alone (no TAG): the file carries none of the words",
                          hint="hatbox box-library ID --fix kit/hat.wav --none")
    if args.fix and not args.none:
        from hatbox.library_words import refuse_blank
        refuse_blank(args.fix[1:], f"hatbox box-library ID --fix {shlex.quote(safe_text(args.fix[0]))} --none")
    if changes_words(args) and (args.json or args.wait):
        raise HatboxError(f"{'--json' if args.json else '--wait'} does not go with --rename-word or --drop-word",
                          hint="hatbox box-library ID --rename-word dusty lofi")


def fix_file(client: Any, lid: str, args: argparse.Namespace) -> int:
    """`box-library ID --fix PATH [TAG...]` (no TAG: back to the tagger) or `--fix PATH --none` (PUT
    /libraries/{id}/files/tags; none of the words is ``[""]``), said in a line."""
    from hatbox.listing import BOX_CASE, respelled_notes
    path, tags = args.fix[0], args.fix[1:]
    try:
        body = _call(client, "PUT", f"/libraries/{lid}/files/tags", json={"path": path, "tags": [""] if args.none
                                                                           else tags})
    except BoxRefused as exc:
        if args.none and exc.status == 422 and "'' cannot be a tag" in Exception.__str__(exc):
            raise older_box("keep a correction to none of the words (--none)") from None
        raise
    said = tagger_part(body)
    if args.none:
        print(f"{safe_text(path)}: none of your words ({said + '; ' if said else ''}the tagger's tags no longer "
              f"listed for it; --fix {shlex.quote(safe_text(path))} with no TAG gives it back to the tagger)")
        return 0
    for note in respelled_notes(tags, body["tags"], BOX_CASE):
        print(safe_text(note))
    print(fix_line(safe_text(path), [safe_text(t) for t in body["tags"]], said))
    again = f"hatbox box-library {shlex.quote(safe_text(args.id or lid))} --fix {shlex.quote(safe_text(path))}"
    for note in new_word_notes(client, lid, [str(t) for t in body["tags"]],
                               lambda fixed: " ".join([again, *(shlex.quote(safe_text(t)) for t in fixed)])):
        print(note)
    return 0


def tagger_part(body: dict[str, Any]) -> str:
    """What the tagger made of the file, from PUT /libraries/{id}/files/tags' answer ``body``, in the laptop's words
    (hatbox.library_words.tagger_words: "the tagger says 808 0.83"); "" from a box that does not say (before p53:
    no ``hits``)."""
    from hatbox.library_words import tagger_words
    hits, scores, why = body.get("hits"), body.get("model"), body.get("not_tagged")
    if not isinstance(hits, list):
        return ""
    hits = [(str(h[0]), float(h[1])) for h in hits if isinstance(h, (list, tuple)) and len(h) == 2]
    scores = {str(t): float(s) for t, s in scores.items()} if isinstance(scores, dict) else {}
    return tagger_words(hits, scores, None if why is None else str(why))


def fix_line(path: str, tags: list[str], said: str) -> str:
    """The line `box-library ID --fix PATH [TAG...]` prints, as `hatbox library fix` does: "808/808_Clap.wav: 808,
    punchy (yours; the tagger says 808 0.83)", "808/808_Clap.wav: back to the tagger (the tagger says 808 0.83)";
    ``path`` and ``tags`` printable, ``said``: :func:`tagger_part` ("": not said)."""
    if tags:
        return f"{path}: {', '.join(tags)}" + (f" (yours; {said})" if said else "")
    return f"{path}: back to the tagger" + (f" ({said})" if said else "")


def new_word_notes(client: Any, lid: str, now: list[str], again: Callable[[list[str]], str] | None = None) -> list[str]:
    """The laptop's note for each of ``now`` (a file's tags as the box kept them) that the tagger of library ``lid``
    (quoted for the URL) does not have (hatbox.library_words.word_notes: "did you mean 'lofi'?"; p49, the box took
    `lo-fi` without a word), from GET /libraries/{id}/words; none from a box that does not say."""
    from urllib.parse import unquote

    from hatbox.library_words import word_notes
    try:
        words = _call(client, "GET", f"/libraries/{lid}/words") if now else None
    except HatboxError:             # an older box (no such route): no note
        return []
    if not isinstance(words, dict):
        return []
    uses = words.get("uses") if isinstance(words.get("uses"), dict) else {}
    return word_notes(now, [str(w) for w in words.get("tagger") or []], {str(w): int(n) for w, n in uses.items()},
                      f"hatbox box-library {shlex.quote(safe_text(unquote(lid)))} --export-fixes", again)


def older_box(what: str) -> HatboxError:
    """The error for a box whose hatbox cannot ``what`` yet: nothing was changed."""
    return HatboxError(f"{OLDER_BOX}: it cannot {what} yet; nothing was changed",
                       hint="install the same hatbox version on this computer and on the box (GET /health names the "
                            "box's version)")


def change_words(client: Any, lid: str, args: argparse.Namespace) -> int:
    """`box-library ID --rename-word OLD NEW` / `--drop-word WORD`: POST /libraries/{id}/words, what changed said."""
    ask: dict[str, Any] = {"rename": list(args.rename_word)} if args.rename_word is not None else \
        {"drop": args.drop_word}
    if args.rename_word is not None and getattr(args, "yes", False):
        ask["merge"] = True             # NEW a word of the corrections already: merged (refused without, p49)
    try:
        body = _call(client, "POST", f"/libraries/{lid}/words", json=ask)
    except BoxRefused as exc:
        if exc.hint == VERSION_HINT:
            raise older_box("rename or drop a word of its corrections") from None
        raise
    for line in changed_lines(lid, body, args):
        print(line)
    return 0


def changed_lines(lid: str, body: dict[str, Any], args: argparse.Namespace) -> list[str]:
    """The lines for POST /libraries/{id}/words' answer ``body`` (word, to, files, kept, back), made as the laptop's
    (hatbox.library_words.word_change_lines: the word as stored, not as typed), and what the laptop's own corrections
    keep."""
    from urllib.parse import unquote

    from hatbox.library_words import word_change_lines
    lib, word, to = safe_text(unquote(lid)), str(body.get("word")), body.get("to")
    to = None if to is None else str(to)
    lines = word_change_lines(word, to, int(body.get("files") or 0), int(body.get("kept") or 0),
                              [str(p) for p in body.get("back") or []],
                              f"hatbox box-library {shlex.quote(lib)} --fix PATH --none", f" (library {lib})",
                              merged=(int(body.get("into") or 0), int(body.get("both") or 0)) if body.get("merged")
                              else None)
    if to == word:
        return lines
    same = word_option(safe_text(word), None if to is None else safe_text(to))
    lines.append(f"  if this laptop's corrections use '{safe_text(word)}': `hatbox library fix DB {same}` changes "
                 "them there too (the box remembers it: a push-library of the old word is changed on the box as well)")
    return lines


def renamed_on_box_lines(body: dict[str, Any], db: str) -> list[str]:
    """push-library's lines for the words of its corrections renamed or dropped on the box since (POST /fixes'
    ``renamed_on_box``: word, to, files), which the box made so in them (p49: a push undid a rename silently); ``db``:
    the laptop's corrections, for the command that does the same here."""
    lines = []
    for r in body.get("renamed_on_box") or []:
        word, to, n = safe_text(str(r.get("word"))), r.get("to"), int(r.get("files") or 0)
        to = None if to is None else safe_text(str(to))
        what = "dropped on the box: kept without it" if to is None else f"renamed '{to}' on the box: kept as '{to}'"
        lines.append(f"  {n} of your corrections said '{word}', {what}; `hatbox library fix {shlex.quote(db)} "
                     f"{word_option(word, to)}` does the same here")
    return lines


def foreign_words_note(get: Callable[[str], Any], lid: str) -> str:
    """The line the box's tagging summary adds when the corrections of library ``lid`` (quoted for the URL) use
    words the tagger that tagged it lacks (``get``: the box's answer to a GET, here /libraries/{id}/words), as the
    laptop says it (hatbox.library_words.foreign_note); "" when none does, or the box does not say (an older box)."""
    from urllib.parse import unquote

    from hatbox.library_words import foreign_note
    try:
        words = get(f"/libraries/{lid}/words")
    except HatboxError:             # an older box (no such route), a library gone meanwhile: words it cannot add
        return ""
    foreign = words.get("foreign") if isinstance(words, dict) else None
    if not isinstance(foreign, dict) or not foreign:
        return ""
    tagger = [str(w) for w in words.get("tagger") or []]
    return foreign_note({str(w): int(n) for w, n in foreign.items()}, int(words.get("files_foreign") or 0), tagger,
                        "--export-fixes", f"hatbox box-library {shlex.quote(safe_text(unquote(lid)))}", " on the box")


def say_foreign_words(get: Callable[[str], Any], lid: str) -> None:
    """Print :func:`foreign_words_note` (indented, as the tagging summary's other notes) when there is one."""
    note = foreign_words_note(get, lid)
    if note:
        print(f"  {note}")
