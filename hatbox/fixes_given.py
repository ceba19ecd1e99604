"""What `hatbox push-library --fixes FILE` sends as the producer's corrections: a tag database (`hatbox tag`'s,
corrected with `hatbox library fix`) or the corrections CSV (``path,tag[,tag...]``) that `hatbox box-library LIB
--export-fixes` and `hatbox library export` write (device.library.fixes_csv), read before a byte is sent.

Forty-sixth stop's QA: `push-library "Samples/808 & 909" --fixes fixes.csv` (the CSV `--export-fixes` had just
written before a `--delete`) uploaded the library, then failed "cannot use fixes.csv as a library database: file
is not a database", exit 2, and the box's 3 corrections were lost with the library.  Torch-free."""
from __future__ import annotations

from pathlib import Path

from hatbox.errors import DataError, HatboxError

TAKES = ("a tag database (what hatbox tag wrote: FOLDER/.hatbox-tags.sqlite, or its --out) or the corrections CSV "
         "hatbox box-library LIB --export-fixes or hatbox library export wrote (path,tag[,tag...])")


def is_database(path: Path) -> bool:
    """Whether the file at ``path`` is an SQLite database (its first bytes: device.library.db.sqlite_file), as a tag
    database is."""
    from device.library.db import sqlite_file
    return sqlite_file(path) is True


def given_corrections(path: Path, shown: str) -> dict[Path, list[str]]:
    """The corrections in ``path`` (``--fixes``; ``shown``: as messages name it): each corrected file (a path as the
    database or CSV gives it, relative ones under the CSV's folder) -> its tags.  A file corrected to none of the
    words (`library fix --none`, a CSV's ``path,``) is ``[""]``, as a box of p49 F8 on keeps it
    (hatbox.library_fixes.send_fixes holds them back from an older box, saying so with :func:`say_nones_not_sent`).
    HatboxError, in words that say what ``--fixes`` takes, for a file that is neither a tag database nor a
    corrections CSV."""
    if is_database(path):
        from device.library.fixes import NO_TAG, corrections, none_corrections
        try:
            return {**corrections(path), **{file: [NO_TAG] for file in none_corrections(path)}}
        except HatboxError as exc:
            raise HatboxError(f"--fixes {shown}: {Exception.__str__(exc)}; nothing was sent",
                              hint=f"--fixes takes {TAKES}") from None
    return csv_corrections(path, shown)


def csv_corrections(path: Path, shown: str) -> dict[Path, list[str]]:
    """The rows of the corrections CSV ``path`` (``path,tag[,tag...]``) read by the tagger's own CSV reader
    (trainer.csvrows: its encodings, separators, header, comment and quote rules, and every tag checked by
    export.manifest's rules): file -> tags, a relative path read from the CSV's folder, ``[""]`` for a row with no
    tag (``path,``: none of the words, as the box keeps it; p49).  The reader's notes (its encoding and separator,
    a header of other names, ``#`` lines that look like a missing file's path read as comments, cells of several
    words) go to stderr: they were thrown away, and a "#gone.wav" row left out unsaid (fiftieth stop's review).
    HatboxError, before a byte is sent, when it is no such CSV (binary data) or a tag is one no pack can hold."""
    import sys

    from trainer.csvrows import csv_rows
    from trainer.csvtext import listed_file
    notes: list[str] = []
    try:
        rows, encoding = csv_rows(path, notes, none_rows=True)     # `path,`: what library export writes (p49)
    except DataError as exc:
        raise _refused(path, shown, exc) from None
    for note in notes:                                              # the CSV named as the command's messages name it
        print(note.replace(str(path), shown), file=sys.stderr)
    found: dict[Path, list[str]] = {}
    for name, tags, _line in rows:
        had = found.setdefault(listed_file(path.parent, name, encoding=encoding), [])
        had += [t for t in tags if t and t not in had]
    return {file: tags or [""] for file, tags in found.items()}


def say_nones_not_sent(count: int, shown: str, box: str = "the box") -> None:
    """One line on stderr when ``count`` corrections of ``shown`` say a file carries none of the words (`library fix
    --none`, a CSV's ``path,``) and the box (``box``: the words for it) is one from before p49 F8, which keeps tags
    only (an empty list there gives the file back to its tagger): they are not sent; every other correction goes."""
    if count:
        import sys

        from hatbox.text import count_words
        says = "says" if count == 1 else "say"
        print(f"note: {count_words(count, 'correction')} in {shown} {says} a file carries none of the words: {box} "
              "does not keep such a correction yet, so it stays here (not sent); the others go", file=sys.stderr)


def _refused(path: Path, shown: str, exc: DataError) -> HatboxError:
    """The error for the ``--fixes`` file ``path`` (``shown``: as messages name it) the CSV reader refused (``exc``):
    one that looks like a CSV (:func:`looks_like_csv`) is told the reader's own words (the row, the stray quote, the
    tag no pack can hold) and to mend it and run the command again (p47: a stray quote was "neither a tag database nor
    a corrections CSV"); another file (a WAV, a binary file) says what ``--fixes`` takes."""
    from export.manifest import TAG_RULE
    from trainer.csvrows import SOURCE_HINT
    said = Exception.__str__(exc).removeprefix(f"{path}: ")
    if " not allowed: " in said:
        how = f"a tag must be {TAG_RULE}: mend it in {shown}"
    elif looks_like_csv(path):
        how = exc.hint if exc.hint and exc.hint != SOURCE_HINT else f"{ROW_RULE}: mend {shown}"
    else:
        return _not_fixes(shown, said)
    whole = f"--fixes {shown} {said.removeprefix(f'{path} ')}" if said.startswith(f"{path} ") else \
        f"--fixes {shown}: {said}"          # "FILE is not UTF-8, ...", as the reader says it of the file
    return HatboxError(f"{whole}; nothing was sent",
                       hint=f"{how}; then run hatbox push-library SRC --fixes {shown} again (or --no-fixes to send "
                            "the library without them)")


ROW_RULE = "each row of a corrections CSV is a file's path, then its tags (path,tag[,tag...])"
TEXT_SNIFF_BYTES = 4096     # how much of a --fixes file looks_like_csv reads
CONTROL = bytes(b for b in range(32) if chr(b) not in "\t\n\r\f\v\x1a") + b"\x7f"   # bytes no text CSV holds
BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")      # UTF-8's and UTF-16's byte-order marks


def looks_like_csv(path: Path) -> bool:
    """Whether the ``--fixes`` file ``path`` (no tag database) is meant as a corrections CSV: its name ends ``.csv``,
    or its first :data:`TEXT_SNIFF_BYTES` bytes are text (a byte-order mark, or no NUL and no other control byte but
    tab, line breaks and form feeds).  A WAV or another binary file is not."""
    if path.suffix.lower() == ".csv":
        return True
    try:
        with path.open("rb") as fh:
            head = fh.read(TEXT_SNIFF_BYTES)
    except OSError:
        return False
    return head.startswith(BOMS) or not any(b in CONTROL for b in head)


def _not_fixes(shown: str, why: str) -> HatboxError:
    """The error for a ``--fixes`` file that is no tag database and no corrections CSV (``why``)."""
    return HatboxError(f"--fixes {shown} is neither a tag database nor a corrections CSV ({why}); nothing was sent",
                       hint=f"--fixes takes {TAKES}")
