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
from hatbox.text import count_words

RENAME_HELP = ("rename the word OLD to NEW in every correction of the library at once (a word renamed in your "
               "training CSV: else --export-fixes teaches the old word again)")
DROP_HELP = ("take WORD out of every correction of the library at once (a file corrected to that word alone goes "
             "back to the tagger's tags)")
NONE_HELP = ("with --fix PATH (no TAG): the file carries none of the words, neither the tagger's nor yours (kept as "
             "a correction; --export-fixes writes it as `path,`)")
OLDER_BOX = "this box runs an older hatbox"
SHOWN = 5               # files named one by one, the rest counted
SHOWN_WORDS = 12        # a tagger's words named in a note, at most


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
    """HatboxError, before the box is asked, for ``--none`` without ``--fix PATH`` alone, and for --json or --wait
    with a change of words."""
    if args.none and (not args.fix or len(args.fix) > 1):
        raise HatboxError("--none goes with --fix PATH alone (no TAG): the file carries none of the words",
                          hint="hatbox box-library ID --fix kit/hat.wav --none")
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
    if args.none:
        print(f"{safe_text(path)}: none of your words (the tagger's tags no longer listed for it; --fix "
              f"{shlex.quote(safe_text(path))} with no TAG gives it back to the tagger)")
        return 0
    for note in respelled_notes(tags, body["tags"], BOX_CASE):
        print(safe_text(note))
    print(f"{safe_text(path)}: {safe_text(', '.join(body['tags'])) or 'back to the tagger'}")
    return 0


def older_box(what: str) -> HatboxError:
    """The error for a box whose hatbox cannot ``what`` yet: nothing was changed."""
    return HatboxError(f"{OLDER_BOX}: it cannot {what} yet; nothing was changed",
                       hint="install the same hatbox version on this computer and on the box (GET /health names the "
                            "box's version)")


def change_words(client: Any, lid: str, args: argparse.Namespace) -> int:
    """`box-library ID --rename-word OLD NEW` / `--drop-word WORD`: POST /libraries/{id}/words, what changed said."""
    ask = {"rename": list(args.rename_word)} if args.rename_word is not None else {"drop": args.drop_word}
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
    """The lines for POST /libraries/{id}/words' answer ``body`` (word, to, files, kept, back) to ``args``."""
    from urllib.parse import unquote
    lib, word, to = safe_text(unquote(lid)), safe_text(str(body.get("word"))), body.get("to")
    kept = int(body.get("kept") or 0)
    left = f" and of {count_words(kept, 'file')} that left the library (kept, to come back with it)" if kept else ""
    files = count_words(int(body.get("files") or 0), "file")
    if to is not None and to == body.get("word"):
        return [f"'{word}' is spelled so already; nothing was changed"]
    lines = [f"renamed '{word}' to '{safe_text(str(to))}' in the corrections of {files}{left} (library {lib})"
             if to is not None else f"dropped '{word}' from the corrections of {files}{left} (library {lib})"]
    back = [safe_text(str(p)) for p in body.get("back") or []]
    if back:
        which = "it was the only word of its correction" if len(back) == 1 else \
            "it was the only word of their corrections"
        lines.append(f"  {count_words(len(back), 'file')}: {which}, now removed: the tagger's tags stand again "
                     f"(hatbox box-library {lib} --fix PATH --none says a file carries none of the words)")
        lines += [f"    {p}" for p in back[:SHOWN]] + ([f"    ... and {len(back) - SHOWN} more"]
                                                        if len(back) > SHOWN else [])
    same = f"--rename-word {shlex.quote(word)} {shlex.quote(safe_text(str(to)))}" if to is not None else \
        f"--drop-word {shlex.quote(word)}"
    lines.append(f"  the corrections on this laptop keep '{word}' until `hatbox library fix DB {same}` (a "
                 "push-library sends them again)")
    return lines


def foreign_words_note(get: Callable[[str], Any], lid: str) -> str:
    """The line the box's tagging summary adds when the corrections of library ``lid`` (quoted for the URL) use
    words the tagger that tagged it lacks (``get``: the box's answer to a GET, here /libraries/{id}/words), with the
    commands that rename or drop them; "" when none does, or the box does not say (an older box)."""
    from urllib.parse import unquote
    try:
        words = get(f"/libraries/{lid}/words")
    except HatboxError:             # an older box (no such route), a library gone meanwhile: words it cannot add
        return ""
    foreign = words.get("foreign") if isinstance(words, dict) else None
    if not isinstance(foreign, dict) or not foreign:
        return ""
    tagger = [safe_text(str(w)) for w in words.get("tagger") or []]
    listed = ", ".join(f"{safe_text(str(w))} ({n})" for w, n in list(foreign.items())[:8])
    more = f", ... ({len(foreign)} words)" if len(foreign) > 8 else ""
    its = ", ".join(tagger[:SHOWN_WORDS]) + (f", ... ({len(tagger)} in all)" if len(tagger) > SHOWN_WORDS else "")
    n, lib = int(words.get("files_foreign") or 0), shlex.quote(safe_text(unquote(lid)))
    first, last = (shlex.quote(safe_text(str(w))) for w in (list(foreign)[0], list(foreign)[-1]))
    return (f"note: {n} of your corrections on the box {'uses' if n == 1 else 'use'} words this tagger does not "
            f"have: {listed}{more} (its words: {its}); --export-fixes writes them and the next training learns them "
            f"(again): a word you renamed or dropped since: `hatbox box-library {lib} --rename-word {first} NEW` / "
            f"`--drop-word {last}`")


def say_foreign_words(get: Callable[[str], Any], lid: str) -> None:
    """Print :func:`foreign_words_note` (indented, as the tagging summary's other notes) when there is one."""
    note = foreign_words_note(get, lid)
    if note:
        print(f"  {note}")
