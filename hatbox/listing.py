"""The library listings' lines, one form for the laptop's library (`hatbox library query`) and the box's
(`hatbox box-library`): files by tag, "more like this", the files the tagger was least sure of.  Callers pass
text already made safe to print (names escaped as each command escapes them)."""
from __future__ import annotations

import sys

UNSURE_HEADING = (f"margin  {'its two best guesses':<28}  file   (margin: the gap between the two best guesses, 0-1; "
                  "small = unsure; least sure first)")
CLOSENESS_WORDS = ("closeness 0-100: 100 = the same to the tagger's ear, 0 = no more alike than the library's "
                   "middle file")          # device/library/closeness.py: the box's and the laptop's one rule
COSINE_WORDS = "cosine: 1.000 = the same to the tagger's ear"     # where there is no closeness (closeness.py)
FEW_WORDS = f"{COSINE_WORDS} (no closeness: under 4 other files, or all as alike)"
OLDER_BOX_WORDS = f"{COSINE_WORDS} (a box from before closeness)"


def like_words(near: list[int | None], older_box: bool = False) -> str:
    """What a "more like this" heading says of its numbers, ``near`` the closeness of its files (None: none):
    :data:`CLOSENESS_WORDS` when they have it, else that they are cosines and why (``older_box``: the box gave
    none at all)."""
    if any(n is not None for n in near):
        return CLOSENESS_WORDS
    return OLDER_BOX_WORDS if older_box else FEW_WORDS


def like_heading(words: str = CLOSENESS_WORDS) -> str:
    """The laptop's "more like this" column heading, saying ``words`` (:func:`like_words`)."""
    return f" alike  file   (closest first; {words})"


LIKE_HEADING = like_heading()
DOUBT_HEADING = (f"margin  {'the tag in doubt (its other tags)':<36}  file   (margin: how far that tag's score is from "
                 "its threshold; small = unsure; least sure first)")


def heading(line: str) -> None:
    """A listing's column heading, on a terminal only: scripts that read the lines (and --json) get none."""
    if sys.stdout.isatty():
        print(line)


def column_key(line: str) -> None:
    """A heading that says what a listing's numbers are (--unsure's margin), said once: on a terminal as
    :func:`heading`, on stderr when stdout is a pipe or a file (:func:`footer`), so a captured run says it too while a
    script reading the rows gets rows only (p50 QA: "0.007  tss 0.47 or clap 0.46", no word of what 0.007 is)."""
    footer(line)


def footer(line: str) -> None:
    """A line under a listing or instead of one (``... the first 5 of 20``, "no file carries 'x'"): on stdout on a
    terminal, on stderr when stdout is a pipe or a file, so that a script reading the rows (``while read score path``)
    gets rows only (p44 QA: ``| tail -1`` gave the hint)."""
    print(line, file=sys.stdout if sys.stdout.isatty() else sys.stderr)


def print_json(value: object) -> None:
    """``value`` as the listings print it for scripts (--json): indented, ASCII only, so it is valid JSON whatever the
    locale's encoding (a name's "Ü" as ``\\u00dc``)."""
    import json
    print(json.dumps(value, indent=2, ensure_ascii=True))


def refuse_json(json_asked: bool, actions: dict[str, object], usage: str, what: str = "listing") -> None:
    """--json goes with a listing: HatboxError naming the first of ``actions`` (option -> its value) given with it
    (any value but None and False: an empty one too), before the box is asked anything; ``usage`` the command's
    listing with --json, ``what`` what it lists ("listings": `box-library` has several)."""
    from hatbox.errors import HatboxError
    given = [name for name, value in actions.items() if value is not None and value is not False]
    if json_asked and given:
        raise HatboxError(f"--json goes with the {what}, not with {given[0]}", hint=usage)


def by_count(counts: dict[str, int]) -> list[tuple[str, int]]:
    """A library's tag counts as its listings show them: most files first, then by name (the laptop's `library query
    DB` and the box's `box-library LIB` alike)."""
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))


def tag_heading(tag: str) -> str:
    """The heading over the files tagged ``tag``, most confident first."""
    return f" score  file   (how sure the tagger is that it is {tag}, 0-1; yours: your own tag)"


def hit_line(score: float, yours: bool, path: str) -> str:
    """One file of a tag (its score, or "yours" for the producer's own tag) or of "more like this"."""
    label = "yours" if yours else f"{score:.3f}"
    return f"{label:>6}  {path}"


def like_line(alike: int | str, path: str) -> str:
    """One file of "more like this": its closeness (0-100, device.library.closeness) or its cosine as text (none:
    device.library.closeness.alike_text)."""
    return f"  {alike:>5}  {path}"


def none_heading(n: int) -> str:
    """The heading over the ``n`` files the producer corrected to none of the words (the laptop's `library query
    --untagged` and the box's `box-library --untagged` alike)."""
    return f"none of the words, yours ({n}):"


def none_line(said: str, path: str) -> str:
    """One file corrected to none of the words: what the tagger made of it (``said``) and the file, both printable
    already."""
    return f"  (none: yours; {said})  {path}"


def cut_line(shown: int, total: int) -> str:
    """The line under a listing cut at -k: it shows the first ``shown`` of ``total`` files, and how to see them
    all (the laptop's `hatbox library query --tag` and the box's `hatbox box-library --tag` say it alike)."""
    return f"... the first {shown} of {total}: -k {total} lists them all"


def unsure_line(margin: float, guesses: list[tuple[str, float]], exclusive: bool, path: str) -> str:
    """One file the tagger was unsure of: its margin, its two best guesses higher first, the file.  A tagger of one
    tag a file says "kick 0.52 or tom 0.45"; one of a yes or no per tag "snare 0.55, percussion 0.49" (both may be
    yes: "or" would say otherwise)."""
    joined = (" or " if exclusive else ", ").join(f"{t} {p:.2f}" for t, p in sorted(guesses, key=lambda g: -g[1]))
    return f"{margin:6.3f}  {joined:<28}  {path}"


def doubt_line(margin: float, guesses: list[tuple[str, float]], path: str) -> str:
    """One file a tagger of a yes or no per tag was unsure of: its margin, the tag in doubt (``guesses[0]``), the other
    tags it gave the file (the rest), the file: "0.000  dark 0.50 (its other tags: lead 1.00)  FILE" (p42's QA: the
    two tags nearest their thresholds read "dark 0.50, bass 0.00" for a file tagged lead); the laptop's `library query
    --unsure` and the box's `box-library --unsure` alike."""
    (tag, p), given = guesses[0], guesses[1:]
    gave = ", ".join(f"{t} {q:.2f}" for t, q in given) or "none"
    return f"{margin:6.3f}  {f'{tag} {p:.2f} (its other tags: {gave})':<36}  {path}"


LAPTOP_CASE = "tags that differ only in case would share one folder of links on macOS and Windows"
BOX_CASE = "tags that differ only in case are one tag: the laptop's folders of links and training CSVs would merge them"


def respelled_notes(asked: list[str], now: list[str], why: str = LAPTOP_CASE) -> list[str]:
    """The ``note:`` lines for the producer's tags (``asked``) that the library stored in its own spelling (``now``:
    the file's tags as stored; "Kick" where the library says "kick"), one per tag, saying ``why``: the laptop's
    `hatbox library fix` (:data:`LAPTOP_CASE`) and the box's `hatbox box-library --fix` (:data:`BOX_CASE`)."""
    notes = []
    for tag in dict.fromkeys(t.strip() for t in asked):
        kept = next((t for t in now if t.casefold() == tag.casefold()), tag)
        if kept != tag:
            notes.append(f"note: '{tag}' is written '{kept}', as this library has it ({why})")
    return notes
